"""Django admin for every matching model.

The configuration page shows the configured and the learned weights side by
side with their held-out AUCs, and the admin chooses which to use. Runs are
read-only records with their progress. "Do not match" is a PairExclusion
added here or on the staff page; the manual match action on mentorships'
list is on the staff page (it needs two people and a format).
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from mentorship.views_helpers import refusals_shown
from safety.services import audit_record

from . import services
from .models import (
    MatchingConfig,
    MatchRequest,
    MatchRun,
    Mentorship,
    PairExclusion,
    RequestMessage,
    SkillVectorSet,
    Suggestion,
)


class ReadOnlyAdminMixin:
    """Rows that only the product's services write: staff look, they do not edit.

    A request's or mentorship's status changes through its flow (accept,
    decline, end...), which notifies people and keeps capacity right; editing
    the column would skip all of that.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MatchingConfig)
class MatchingConfigAdmin(admin.ModelAdmin):
    readonly_fields = ("weights_comparison", "learned_outcomes", "learned_at", "updated_at")
    fieldsets = (
        (
            "Weights",
            {
                "fields": (
                    "weights_comparison",
                    "use_learned_weights",
                    (
                        "weight_skills",
                        "weight_goals",
                        "weight_seniority",
                    ),
                    ("weight_context", "weight_availability", "weight_responsiveness"),
                    "weight_related_skills",
                ),
                "description": "Configured weights are used until you choose the learned ones.",
            },
        ),
        (
            "Suggestions",
            {
                "fields": (
                    "suggestions_per_mentee",
                    "exposure_strength",
                    "context_preference",
                    ("min_years_ahead", "ideal_years_ahead", "max_years_ahead"),
                    "require_common_format",
                    "engine_options",
                )
            },
        ),
        (
            "Requests",
            {"fields": ("max_pending_requests", "request_nudge_days", "request_expiry_days")},
        ),
        ("Safety", {"fields": ("review_new_mentors",)}),
        (
            "Learning",
            {"fields": ("min_outcomes_to_learn", "learned_outcomes", "learned_at", "updated_at")},
        ),
    )

    def has_add_permission(self, request):
        return not MatchingConfig.objects.exists()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            action="settings_changed",
            target=obj,
            summary="changed: " + ", ".join(form.changed_data),
            request=request,
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        from django.shortcuts import redirect

        config = MatchingConfig.load()
        return redirect(reverse("admin:matching_matchingconfig_change", args=[config.pk]))

    @admin.display(description="Configured vs learned")
    def weights_comparison(self, obj: MatchingConfig):
        learned = obj.learned_weights or {}
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td style='text-align:right'>{}</td><td style='text-align:right'>{}</td></tr>",
            (
                (
                    name.replace("_", " ").capitalize(),
                    f"{value:.3f}",
                    f"{learned[name]:.3f}" if name in learned else "—",
                )
                for name, value in obj.configured_weights.items()
            ),
        )
        auc = format_html(
            "<tr><th>Held-out AUC</th><th style='text-align:right'>{}</th>"
            "<th style='text-align:right'>{}</th></tr>",
            f"{obj.configured_auc:.3f}" if obj.configured_auc is not None else "—",
            f"{obj.learned_auc:.3f}" if obj.learned_auc is not None else "—",
        )
        using = "learned" if obj.use_learned_weights and learned else "configured"
        return format_html(
            "<table><thead><tr><th>Component</th><th>Configured</th><th>Learned</th></tr></thead>"
            "<tbody>{}{}</tbody></table><p>Now using the <strong>{}</strong> weights "
            "({} outcomes learned from).</p>",
            rows,
            auc,
            using,
            obj.learned_outcomes,
        )


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "mode",
        "status",
        "progress",
        "mentees_count",
        "mentors_count",
        "suggestions_count",
        "duration",
        "created_at",
    )
    list_filter = ("kind", "status")
    readonly_fields = [field.name for field in MatchRun._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    @admin.display(description="Progress")
    def progress(self, obj: MatchRun):
        return format_html(
            "<progress value='{}' max='100' style='width:8em'></progress> {}%",
            obj.progress_percent,
            obj.progress_percent,
        )

    @admin.display(description="Duration")
    def duration(self, obj: MatchRun):
        seconds = obj.duration_seconds
        return "—" if seconds is None else f"{seconds:.1f} s"


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("mentee", "mentor", "rank", "score", "status", "is_current", "run")
    list_filter = ("status", "is_current")
    search_fields = ("mentee__email", "mentor__email")
    raw_id_fields = ("run", "mentee", "mentor")
    list_select_related = ("mentee", "mentor", "run")


@admin.register(PairExclusion)
class PairExclusionAdmin(admin.ModelAdmin):
    list_display = ("mentee", "mentor", "reason", "created_by", "created_at")
    list_filter = ("reason",)
    search_fields = ("mentee__email", "mentor__email", "note")
    raw_id_fields = ("mentee", "mentor", "created_by")
    list_select_related = ("mentee", "mentor", "created_by")

    def get_changeform_initial_data(self, request):
        return {"reason": PairExclusion.Reason.ADMIN, "created_by": request.user.pk}

    def save_model(self, request, obj, form, change):
        if not change and obj.reason == PairExclusion.Reason.ADMIN:
            # Through the service, so pending requests between the pair close too.
            with refusals_shown(request) as outcome:
                excluded = services.pair_exclude(
                    admin=request.user, mentee=obj.mentee, mentor=obj.mentor, note=obj.note
                )
            if not outcome.ok:
                return
            obj.pk = excluded.pk
        else:
            super().save_model(request, obj, form, change)
        audit_record(
            action="do_not_match",
            target=obj,
            target_user=obj.mentee_id,
            summary=f"admin: mentee #{obj.mentee_id}, mentor #{obj.mentor_id} ({obj.reason})",
            request=request,
        )


class RequestMessageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RequestMessage
    extra = 0
    raw_id_fields = ("author",)


@admin.register(MatchRequest)
class MatchRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("mentee", "mentor", "format", "status", "created_at", "expires_at")
    list_filter = ("status", "format")
    search_fields = ("mentee__email", "mentor__email")
    raw_id_fields = ("mentee", "mentor", "suggestion", "goal")
    list_select_related = ("mentee", "mentor")
    inlines = [RequestMessageInline]


@admin.register(Mentorship)
class MentorshipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("mentee", "mentor", "format", "slot", "status", "started_at", "ended_at")
    list_filter = ("status", "format")
    search_fields = ("mentee__email", "mentor__email")
    raw_id_fields = ("mentee", "mentor", "request", "renewed_from")
    list_select_related = ("mentee", "mentor")
    actions = ["end_selected"]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["title"] = format_html(
            "Mentorships · <a href='{}'>manual match</a>", reverse("matching:staff_manual_match")
        )
        return super().changelist_view(request, extra_context)

    @admin.action(description="End the selected mentorships (ended early)", permissions=["view"])
    def end_selected(self, request, queryset):
        ended = 0
        for mentorship in queryset.filter(status=Mentorship.Status.ACTIVE):
            with refusals_shown(request) as outcome:
                services.mentorship_end_by_programme(
                    mentorship=mentorship,
                    admin=request.user,
                    reason="Ended by the programme team.",
                )
            ended += outcome.ok
        self.message_user(request, f"{ended} mentorship(s) ended.", messages.SUCCESS)


@admin.register(SkillVectorSet)
class SkillVectorSetAdmin(admin.ModelAdmin):
    """Fitted versions of the skill-relatedness model (read-only) and a refit button."""

    list_display = ("version", "created_at", "skills_count", "dims", "documents_count", "size")
    readonly_fields = ("version", "created_at", "dims", "skills_count", "documents_count", "size")
    fields = readonly_fields + ("figures",)
    change_list_template = "admin/matching/skillvectorset/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Size")
    def size(self, obj: SkillVectorSet) -> str:
        return f"{(obj.figures or {}).get('bytes', 0) / 1e6:.1f} MB"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "refit/",
                self.admin_site.admin_view(self.refit_view),
                name="matching_skillvectorset_refit",
            ),
            *super().get_urls(),
        ]

    def refit_view(self, request):
        from django.http import HttpResponseNotAllowed
        from django.shortcuts import redirect

        from .services.skill_model import skill_model_fit

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request) or not request.user.is_superuser:
            messages.error(request, "Only a superuser can refit the skill model.")
        else:
            row = skill_model_fit()
            messages.success(
                request,
                f"Skill model v{row.version} stored ({row.skills_count} skills). "
                "The next scoring run uses it.",
            )
        return redirect(reverse("admin:matching_skillvectorset_changelist"))
