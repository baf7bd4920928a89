"""Admin for people, profiles, the skill taxonomy, goals and reference data.

Custom admin pages (all behind ``admin_site.admin_view``, so staff only, plus
the model permission each needs):

* Profiles → "Import CSV": upload → preview (counts and every row, or every bad
  row with its line number) → confirm → result. The uploaded bytes are kept
  server-side under ``VAR_DIR/imports/`` named by the uploader and the SHA-256
  of the content; the confirm form only carries that hash, which must also be
  the one remembered in the uploader's session, and the file is validated
  again before anything is written.
* Profiles → "Export CSV" (all) and the "Export selected as CSV" action.
* Skills → "Merge selected into…" action and page; "Approve" action; renaming
  in the change form keeps every link, updates the slug and keeps the old name
  as an alias.
* Profiles and goals: edits go through the profile services. Profile fields
  through ``profile_update``; skill and availability inlines are checked by
  the services' rules (levels, overlaps) and, like languages and goals,
  re-score the person (``profile_changed_notify``) as their own edits would.
* Users → "Send set-password invitation" action; deleting a user goes through
  ``account_data.user_account_delete`` so rows shared with others are
  anonymised exactly as when people delete their own account.
"""

import hashlib
import io
import time

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from mentorship.forms import Form as BaseForm
from mentorship.forms import ModelForm as BaseModelForm

from . import account_data, services, skill_curation
from .exporting import profiles_export_csv, profiles_for_export
from .importing import COLUMNS, REQUIRED_COLUMNS, import_apply, import_plan, invitations_send
from .models import (
    AvailabilitySlot,
    Goal,
    Language,
    Milestone,
    Occupation,
    Profile,
    ProfileSkill,
    Skill,
    User,
)

IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_SESSION_KEY = "profiles_import_pending"
IMPORT_DIR = settings.VAR_DIR / "imports"
IMPORT_KEEP_SECONDS = 24 * 3600


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["send_invitation"]

    @admin.action(description="Send set-password invitation", permissions=["change"])
    def send_invitation(self, request, queryset):
        sent = invitations_send(user_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"Invitation sent to {sent} person(s).", messages.SUCCESS)

    def delete_model(self, request, obj):
        account_data.user_account_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            account_data.user_account_delete(user=user)


# --- Reference data ------------------------------------------------------------


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["title", "soc_code"]
    search_fields = ["title", "soc_code"]
    ordering = ["title"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


# --- Skills --------------------------------------------------------------------


class SkillAdminForm(BaseModelForm):
    class Meta:
        model = Skill
        fields = ["name", "category", "aliases", "status", "source", "is_hot"]
        help_texts = {
            "name": "Renaming keeps everyone's links; the old name becomes an alias.",
            "aliases": "Lower-case, separated by “;” (js;ecmascript).",
        }

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Skill.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if clash is not None:
            raise ValidationError(
                f"“{clash.name}” already exists: use “Merge selected into…” instead."
            )
        return name

    def clean_aliases(self):
        aliases = [a.strip().lower() for a in self.cleaned_data["aliases"].split(";")]
        return ";".join(dict.fromkeys(a for a in aliases if a))


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    form = SkillAdminForm
    list_display = ["name", "category", "status", "source", "people", "created_by", "created_at"]
    list_filter = ["status", "source", "is_hot", "category"]
    search_fields = ["name", "aliases"]
    readonly_fields = ["slug", "created_by", "created_at"]
    list_select_related = ["created_by"]
    actions = ["approve", "merge"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("profile_skills"))

    @admin.display(description="People", ordering="people_count")
    def people(self, obj):
        return obj.people_count

    @admin.action(description="Approve selected skills", permissions=["change"])
    def approve(self, request, queryset):
        count = skill_curation.skill_approve(skills=queryset)
        self.message_user(request, f"Approved {count} skill(s).", messages.SUCCESS)

    @admin.action(description="Merge selected into…", permissions=["change", "delete"])
    def merge(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:profiles_skill_merge')}?ids={ids}")

    def save_model(self, request, obj, form, change):
        if change and "name" in form.changed_data:
            skill_curation.skill_rename(
                skill=obj, name=obj.name, previous_name=form.initial.get("name") or obj.name
            )
            return
        if not obj.slug:
            obj.slug = services.skill_slug_unique(name=obj.name)
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "merge/",
                self.admin_site.admin_view(self.merge_view),
                name="profiles_skill_merge",
            ),
            *super().get_urls(),
        ]

    def merge_view(self, request):
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        raw_ids = request.POST.get("ids") or request.GET.get("ids") or ""
        ids = [int(part) for part in raw_ids.split(",") if part.strip().isdigit()]
        sources = list(
            Skill.objects.filter(pk__in=ids).annotate(people_count=Count("profile_skills"))
        )
        form = SkillMergeForm(request.POST or None, admin_site=self.admin_site, sources=sources)
        if request.method == "POST" and form.is_valid():
            try:
                result = skill_curation.skill_merge(
                    sources=sources, target=form.cleaned_data["target"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                message = (
                    f"Merged {', '.join(result.merged_names)} into “{result.target.name}”: "
                    f"{result.moved} profile skill(s) moved, {result.combined} combined "
                    "(the higher level kept)."
                )
                if result.dropped_aliases:
                    message += " Aliases that did not fit: " + ", ".join(result.dropped_aliases)
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:profiles_skill_change", args=[result.target.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Merge skills",
            "sources": sources,
            "ids": ",".join(str(s.pk) for s in sources),
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/profiles/skill/merge.html", context)


class SkillMergeForm(BaseForm):
    target = forms.ModelChoiceField(
        queryset=Skill.objects.all(),
        label="Merge into",
        help_text="Everyone's links move to this skill; the merged names become its aliases.",
    )

    def __init__(self, *args, admin_site, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = sources
        target = self.fields["target"]
        target.widget = AutocompleteSelect(ProfileSkill._meta.get_field("skill"), admin_site)
        target.widget.choices = target.choices

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("target")
        if not self.sources:
            raise ValidationError("No skills selected: go back and select the skills to merge.")
        if target is not None and target in self.sources and len(self.sources) == 1:
            raise ValidationError("Choose a target other than the skill being merged.")
        return cleaned


# --- Profiles ------------------------------------------------------------------


def _kept_forms(formset):
    """The inline's filled-in rows that are not being deleted."""
    return [
        form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class ProfileSkillFormSet(forms.BaseInlineFormSet):
    """Levels follow the same rule as on the profile page (``services.LEVEL_RANGE``)."""

    def clean(self):
        super().clean()
        for form in _kept_forms(self):
            direction, level = form.cleaned_data.get("direction"), form.cleaned_data.get("level")
            if direction and level is not None:
                error = services.skill_level_error(direction=direction, level=level)
                if error is not None:
                    form.add_error("level", error)


class AvailabilitySlotFormSet(forms.BaseInlineFormSet):
    """Slots follow the rules of ``services.availability_set`` (no overlaps, at most 28)."""

    def clean(self):
        super().clean()
        slots = [
            (
                form.cleaned_data["weekday"],
                form.cleaned_data["start_time"],
                form.cleaned_data["end_time"],
            )
            for form in _kept_forms(self)
            if {"weekday", "start_time", "end_time"} <= set(form.cleaned_data)
        ]
        services.availability_rows_checked(profile=self.instance, slots=slots)


class ProfileSkillInline(admin.TabularInline):
    model = ProfileSkill
    formset = ProfileSkillFormSet
    extra = 0
    autocomplete_fields = ["skill"]


class AvailabilitySlotInline(admin.TabularInline):
    model = AvailabilitySlot
    formset = AvailabilitySlotFormSet
    extra = 0


class ProfileImportForm(BaseForm):
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8 CSV, at most {IMPORT_MAX_BYTES // (1024 * 1024)} MB, "
        "header on the first line.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("Upload a .csv file (in Excel: Save as “CSV UTF-8”).")
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{IMPORT_MAX_BYTES // (1024 * 1024)} MB. Split the cohort into several files."
            )
        data = upload.read(IMPORT_MAX_BYTES + 1)
        if len(data) > IMPORT_MAX_BYTES:
            raise ValidationError("The file is too large.")
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ValidationError("This is not a text file; upload a CSV.")
        self.cleaned_data["data"] = data
        return upload


class ImportConfirmForm(BaseForm):
    token = forms.RegexField(regex=r"^[0-9a-f]{64}$", max_length=64, widget=forms.HiddenInput)


def _pending_path(user_id: int, digest: str):
    return IMPORT_DIR / f"{user_id}-{digest}.csv"


def _store_pending(request, data: bytes) -> str:
    IMPORT_DIR.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - IMPORT_KEEP_SECONDS
    for old in IMPORT_DIR.glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    digest = hashlib.sha256(data).hexdigest()
    _pending_path(request.user.pk, digest).write_bytes(data)
    request.session[IMPORT_SESSION_KEY] = digest
    return digest


def _load_pending(request, digest: str) -> bytes | None:
    if request.session.get(IMPORT_SESSION_KEY) != digest:
        return None
    path = _pending_path(request.user.pk, digest)
    if not path.exists():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        return None
    return data


def _drop_pending(request, digest: str) -> None:
    _pending_path(request.user.pk, digest).unlink(missing_ok=True)
    request.session.pop(IMPORT_SESSION_KEY, None)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    change_list_template = "admin/profiles/profile/change_list.html"
    list_display = ["user", "display_name", "role", "capacity", "accepting", "timezone", "updated"]
    list_filter = ["role", "accepting", "format_flash", "format_long_term", "visibility"]
    search_fields = ["user__email", "user__name", "display_name", "job_title", "industry"]
    list_select_related = ["user"]
    autocomplete_fields = ["user", "occupation"]
    filter_horizontal = ["languages"]
    readonly_fields = ["created_at", "updated_at", "onboarded_at"]
    inlines = [ProfileSkillInline, AvailabilitySlotInline]
    actions = ["export_selected"]
    # As on the profile form: "example.org" means https://example.org.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="Updated", ordering="updated_at")
    def updated(self, obj):
        return obj.updated_at

    def save_model(self, request, obj, form, change):
        """Profile fields go through ``services.profile_update``, like the person's own edits.

        It validates them, derives the occupation from a new job title (unless
        staff set the occupation too) and re-scores when matching reads a
        changed field. Fields only the admin shows (user, avatar) are saved
        with them; languages are many-to-many and saved in ``save_related``.
        """
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.EDITABLE_FIELDS and name != "languages"
        }
        if change and fields:
            services.profile_update(profile=obj, **fields)
        else:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Skills, availability and languages saved here re-score like any other change."""
        super().save_related(request, form, formsets, change)
        changed = (
            not change
            or "languages" in form.changed_data
            or any(formset.has_changed() for formset in formsets)
        )
        if changed:
            services.profile_changed_notify(user_ids=[form.instance.user_id])

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_selected(self, request, queryset):
        return self._csv_response(profiles_for_export(ids=queryset.values_list("pk", flat=True)))

    def _csv_response(self, profiles):
        out = io.StringIO(newline="")
        profiles_export_csv(out=out, profiles=profiles)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="profiles-{stamp}.csv"'
        return response

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="profiles_profile_import"),
            path(
                "import/confirm/",
                view(self.import_confirm_view),
                name="profiles_profile_import_confirm",
            ),
            path("export/", view(self.export_view), name="profiles_profile_export"),
            *super().get_urls(),
        ]

    def _check_import_permission(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "columns": COLUMNS,
            "required_columns": REQUIRED_COLUMNS,
            "max_mb": IMPORT_MAX_BYTES // (1024 * 1024),
            **extra,
        }

    def import_view(self, request):
        """Upload (GET/POST) → the preview, or the form again with every bad row."""
        self._check_import_permission(request)
        form = ProfileImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data["data"]
            report = import_plan(data=data)
            token = _store_pending(request, data) if report.ok else ""
            context = self._context(
                request,
                "Import preview" if report.ok else "Import: fix these rows",
                report=report,
                confirm_form=ImportConfirmForm(initial={"token": token}),
                file_name=form.cleaned_data["file"].name,
            )
            return TemplateResponse(
                request,
                "admin/profiles/profile/import_preview.html",
                context,
                status=200 if report.ok else 400,
            )
        context = self._context(request, "Import profiles from CSV", form=form)
        return TemplateResponse(request, "admin/profiles/profile/import.html", context)

    def import_confirm_view(self, request):
        self._check_import_permission(request)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:profiles_profile_import"))
        form = ImportConfirmForm(request.POST)
        data = _load_pending(request, form.cleaned_data["token"]) if form.is_valid() else None
        if data is None:
            self.message_user(
                request,
                "That import is no longer available (it was applied, expired or belongs to "
                "another session). Upload the file again.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:profiles_profile_import"))
        report = import_apply(data=data)
        if report.ok:
            _drop_pending(request, form.cleaned_data["token"])
        context = self._context(
            request,
            "Import done" if report.ok else "Import: fix these rows",
            report=report,
            confirm_form=None,
        )
        return TemplateResponse(
            request,
            "admin/profiles/profile/import_result.html"
            if report.ok
            else "admin/profiles/profile/import_preview.html",
            context,
            status=200 if report.ok else 400,
        )

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._csv_response(profiles_for_export())


# --- Goals ---------------------------------------------------------------------


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "status", "target_date", "milestone_progress"]
    list_filter = ["status"]
    search_fields = ["title", "owner__email", "owner__name"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    inlines = [MilestoneInline]

    # Goals are part of what matching reads: edits go through the goal
    # services, which re-score the owner like the owner's own edits do.
    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change and fields and set(fields) <= services.GOAL_FIELDS:
            services.goal_update(goal=obj, **fields)
            return
        super().save_model(request, obj, form, change)
        if fields:  # a new goal, or one moved to another owner
            owners = {obj.owner_id, form.initial.get("owner")}  # initial: the pk
            services.profile_changed_notify(user_ids=owners - {None})

    def delete_model(self, request, obj):
        services.goal_delete(goal=obj)

    def delete_queryset(self, request, queryset):
        for goal in queryset:
            services.goal_delete(goal=goal)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                milestone_total=Count("milestones"),
                milestone_done=Count("milestones", filter=Q(milestones__done_at__isnull=False)),
            )
        )

    @admin.display(description="Milestones done", ordering="milestone_done")
    def milestone_progress(self, obj):
        return format_html("{} / {}", obj.milestone_done, obj.milestone_total)
