"""Forms for editing one's profile, skills, availability and goals, and onboarding.

Forms check input and give clear field errors; views hand ``cleaned_data``
to the services, which do the writing.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone

from mentorship.forms import Form as BaseForm
from mentorship.forms import ModelForm as BaseModelForm

from .avatars import MAX_BYTES, MAX_SIDE, process_avatar
from .models import (
    GOAL_DESCRIPTION_MAX,
    AvailabilitySlot,
    Goal,
    Language,
    Milestone,
    Profile,
    ProfileSkill,
    Skill,
)
from .services import (
    BIO_MAX_LENGTH,
    FORM_FIELDS,
    LEVEL_RANGE,
    MAX_CAPACITY,
    MAX_SKILLS_PER_DIRECTION,
    MAX_SLOTS,
    MAX_YEARS_EXPERIENCE,
)
from .timezones import is_valid_timezone, timezone_choices

LEVEL_LABELS = {
    ProfileSkill.Direction.OFFERS: {
        1: "1 · Basics",
        2: "2 · Working knowledge",
        3: "3 · Proficient",
        4: "4 · Advanced",
        5: "5 · Expert",
    },
    ProfileSkill.Direction.WANTS: {
        1: "Nice to have",
        2: "Important",
        3: "Top priority",
    },
}
DEFAULT_LEVEL = {ProfileSkill.Direction.OFFERS: 3, ProfileSkill.Direction.WANTS: 2}


class TimezoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("choices", timezone_choices)
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": "Choose a time zone from the list (for example Europe/Berlin)."},
        )
        kwargs.setdefault("help_text", "Times on the site are shown in this zone.")
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not is_valid_timezone(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


class LanguagesField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Language.objects.order_by("name"))
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple(attrs={"class": "columns"}))
        kwargs.setdefault("help_text", "The languages you can mentor or be mentored in.")
        kwargs.setdefault("error_messages", {"required": "Choose at least one language you speak."})
        super().__init__(**kwargs)


def years_experience_field(label: str) -> forms.IntegerField:
    # Optional: an empty answer stays unknown (None), never a made-up 0.
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_YEARS_EXPERIENCE,
        required=False,
        help_text="Leave empty if you would rather not say; matching then does not guess.",
    )


def _job_title_widget() -> forms.TextInput:
    # Free text with suggestions: a <datalist> filled by htmx as the person types.
    return forms.TextInput(
        attrs={
            "list": "occupation-options",
            "autocomplete": "off",
            "hx-get": reverse_lazy("profiles:occupation_search"),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": "#occupation-options",
            "hx-swap": "innerHTML",
            "placeholder": "e.g. Software developer, Data scientist",
        }
    )


class ProfileForm(BaseModelForm):
    """Everything a person says about themself (the avatar has its own checks)."""

    timezone = TimezoneField(label="Time zone")
    languages = LanguagesField(required=False)
    avatar = forms.FileField(
        label="Photo",
        required=False,
        help_text=f"JPEG, PNG or WebP, at most {MAX_BYTES // 1_048_576} MB and "
        f"{MAX_SIDE}×{MAX_SIDE} pixels. We remove location and camera data.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_avatar = forms.BooleanField(label="Remove my photo", required=False)
    linkedin_url = forms.URLField(
        max_length=Profile._meta.get_field("linkedin_url").max_length,
        label="LinkedIn profile",
        required=False,
        assume_scheme="https",
        help_text="Shown only to people you are matched with.",
    )
    website_url = forms.URLField(
        max_length=Profile._meta.get_field("website_url").max_length,
        label="Website",
        required=False,
        assume_scheme="https",
        help_text="Shown only to people you are matched with.",
    )
    years_experience = years_experience_field("Years of work experience")
    capacity = forms.IntegerField(
        label="Long-term mentees at once",
        min_value=0,
        max_value=MAX_CAPACITY,
        initial=0,
        help_text="How many long-term mentees you can take at the same time (0 for none).",
    )

    class Meta:
        model = Profile
        # One list with the services (``PROFILE_FIELDS``): adding a field there puts it
        # here and, if matching reads it, makes changing it re-score.
        fields = list(FORM_FIELDS)
        labels = {
            "display_name": "Display name",
            "job_title": "Job title",
            "growth_areas": "Growth areas",
            "linkedin_url": "LinkedIn profile",
            "website_url": "Website",
            "accepting": "Accepting new requests",
            "away_until": "Away until",
            "visibility": "Who can see my profile",
        }
        help_texts = {
            "display_name": "How others see your name. Leave empty to use your account name.",
            "headline": "One line about you, e.g. “Backend engineer moving into management”.",
            "bio": "Markdown: **bold**, *italic*, lists and links. No images or HTML.",
            "job_title": "Pick a suggestion or type your own.",
            "strengths": "What people come to you for.",
            "growth_areas": "What you want to get better at.",
            "away_until": "While you are away nobody can send you new requests.",
            "linkedin_url": "Shown only to people you are matched with.",
            "website_url": "Shown only to people you are matched with.",
        }
        widgets = {
            "role": forms.RadioSelect,
            "visibility": forms.RadioSelect,
            "bio": forms.Textarea(attrs={"rows": 6}),
            "strengths": forms.Textarea(attrs={"rows": 2}),
            "growth_areas": forms.Textarea(attrs={"rows": 2}),
            "away_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_title"].widget = _job_title_widget()
        self.fields["bio"].max_length = BIO_MAX_LENGTH
        self.processed_avatar = None

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if upload:
            self.processed_avatar = process_avatar(upload)
        return None

    def clean_away_until(self):
        value = self.cleaned_data.get("away_until")
        if value and value < timezone.localdate():
            raise ValidationError("Choose a date in the future, or leave it empty.")
        return value

    def clean(self):
        data = super().clean()
        if not data.get("format_flash") and not data.get("format_long_term"):
            self.add_error(
                "format_long_term", "Choose at least one format: flash sessions or long-term."
            )
        return data

    def profile_fields(self) -> dict:
        """The changed model fields, ready for ``profile_update``."""
        names = set(self.Meta.fields) & set(self.changed_data)
        return {name: self.cleaned_data[name] for name in names}


# --- Skills --------------------------------------------------------------------


class SkillRow:
    """One skill in the editor: ``key`` is a Skill id or ``new:<name>``."""

    def __init__(self, key: str, label: str, level: int, pending: bool = False):
        self.key = key
        self.label = label
        self.level = level
        self.pending = pending


def skill_rows_from_profile(profile: Profile, direction: str) -> list[SkillRow]:
    return [
        SkillRow(
            str(row.skill_id),
            row.skill.name,
            row.level,
            pending=row.skill.status == row.skill.Status.PENDING,
        )
        for row in profile.skills.filter(direction=direction).select_related("skill")
    ]


class SkillListForm(BaseForm):
    """The skills of one direction, posted as parallel inputs.

    The editor renders, for each chosen skill, a hidden ``<prefix>-skill``
    (a Skill id, or ``new:<name>`` for a name typed without choosing a
    suggestion) and a ``<prefix>-level-<key>`` select. ``<prefix>-add`` takes
    comma-separated names so the form works without JavaScript.
    ``cleaned_data["items"]`` is a list of ``(id or name, level)``.
    """

    add = forms.CharField(
        label="Add skills",
        required=False,
        max_length=500,
        help_text="Start typing and pick a suggestion, or type names separated by commas.",
    )
    add_level = forms.TypedChoiceField(label="Level", required=False, coerce=int)

    def __init__(self, *args, direction: str, **kwargs):
        self.direction = ProfileSkill.Direction(direction)
        kwargs.setdefault("prefix", self.direction.value)
        super().__init__(*args, **kwargs)
        low, high = LEVEL_RANGE[self.direction]
        choices = [(level, LEVEL_LABELS[self.direction][level]) for level in range(low, high + 1)]
        self.fields["add_level"].choices = choices
        self.fields["add_level"].initial = DEFAULT_LEVEL[self.direction]
        self.level_choices = choices
        self.fields["add"].widget.attrs.update(
            {
                "autocomplete": "off",
                "placeholder": "e.g. Python, public speaking, JS",
                "hx-get": reverse_lazy("profiles:skill_search"),
                "hx-trigger": "input changed delay:200ms, skills:search",
                # The latest keystroke wins: an older search in flight is aborted.
                "hx-sync": "this:replace",
                "hx-target": f"#{self.direction.value}-suggestions",
                "hx-vals": f'{{"direction": "{self.direction.value}"}}',
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-controls": f"{self.direction.value}-suggestions",
                "aria-expanded": "false",
            }
        )
        self.fields["add"].label = (
            "Add skills you can help with"
            if self.direction == ProfileSkill.Direction.OFFERS
            else "Add skills you want to learn"
        )
        self.posted_rows: list[SkillRow] | None = None

    def _raw_rows(self) -> list[tuple[str, str]]:
        keys = self.data.getlist(self.add_prefix("skill")) if self.is_bound else []
        # A "remove" button (without JavaScript) submits the form with its key.
        removed = set(self.data.getlist(self.add_prefix("remove"))) if self.is_bound else set()
        seen, rows = set(removed), []
        for key in keys:
            key = key.strip()
            if not key or key in seen:
                continue
            seen.add(key)
            rows.append((key, self.data.get(self.add_prefix(f"level-{key}"), "")))
        return rows

    def clean(self):
        data = super().clean()
        low, high = LEVEL_RANGE[self.direction]
        items: list[tuple[int | str, int]] = []
        rows: list[SkillRow] = []
        errors = []
        for key, raw_level in self._raw_rows():
            try:
                level = int(raw_level)
            except ValueError:
                level = DEFAULT_LEVEL[self.direction]
            if not low <= level <= high:
                errors.append(f"Levels go from {low} to {high}.")
                level = DEFAULT_LEVEL[self.direction]
            if key.startswith("new:"):
                name = key[4:].strip()
                if not name:
                    continue
                items.append((name, level))
                rows.append(SkillRow(key, name, level, pending=True))
            elif key.isdigit():
                items.append((int(key), level))
                rows.append(SkillRow(key, key, level))
            else:
                errors.append("A skill in the list was not recognised; remove it and add it again.")
        add_level = data.get("add_level") or DEFAULT_LEVEL[self.direction]
        for name in (data.get("add") or "").split(","):
            name = " ".join(name.split())
            if name:
                items.append((name, add_level))
                rows.append(SkillRow(f"new:{name}", name, add_level, pending=True))
        names = dict(
            Skill.objects.filter(
                pk__in=[int(row.key) for row in rows if row.key.isdigit()]
            ).values_list("pk", "name")
        )
        for row in rows:
            if row.key.isdigit():
                row.label = names.get(int(row.key), "(removed skill)")
        self.posted_rows = rows
        if len(items) > MAX_SKILLS_PER_DIRECTION:
            errors.append(f"Choose at most {MAX_SKILLS_PER_DIRECTION} skills.")
        for error in dict.fromkeys(errors):
            self.add_error(None, error)
        data["items"] = items
        return data

    def rows(self, profile: Profile) -> list[SkillRow]:
        """What the editor shows: posted rows after a failed submit, else the saved ones."""
        if self.posted_rows is not None:
            return self.posted_rows
        return skill_rows_from_profile(profile, self.direction)


# --- Availability --------------------------------------------------------------


class AvailabilitySlotForm(BaseForm):
    weekday = forms.TypedChoiceField(
        label="Day",
        coerce=int,
        choices=[("", "—"), *AvailabilitySlot._meta.get_field("weekday").choices],
        required=False,
    )
    start_time = forms.TimeField(
        label="From", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label="To", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def clean(self):
        data = super().clean()
        day, start, end = data.get("weekday"), data.get("start_time"), data.get("end_time")
        filled = [value not in (None, "") for value in (day, start, end)]
        if any(filled) and not all(filled):
            if day in (None, ""):
                self.add_error("weekday", "Choose a day.")
            if start is None and "start_time" not in self.errors:
                self.add_error("start_time", "Enter a start time.")
            if end is None and "end_time" not in self.errors:
                self.add_error("end_time", "Enter an end time.")
        elif all(filled) and end <= start:
            self.add_error("end_time", "The end must be after the start (same day).")
        return data

    @property
    def slot(self) -> tuple[int, datetime.time, datetime.time] | None:
        data = getattr(self, "cleaned_data", {})
        if self.errors or data.get("DELETE"):
            return None
        day, start, end = data.get("weekday"), data.get("start_time"), data.get("end_time")
        if day in (None, "") or start is None or end is None:
            return None
        return (day, start, end)


class BaseAvailabilityFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        slots = sorted(
            (form.slot, index) for index, form in enumerate(self.forms) if form.slot is not None
        )
        for (previous, _), (current, index) in zip(slots, slots[1:], strict=False):
            if previous[0] == current[0] and current[1] < previous[2]:
                day = dict(AvailabilitySlot._meta.get_field("weekday").choices)[current[0]]
                self.forms[index].add_error(
                    "start_time",
                    f"Overlaps your {day} slot {previous[1]:%H:%M}–{previous[2]:%H:%M}.",
                )
        if len(slots) > MAX_SLOTS:
            raise ValidationError(f"At most {MAX_SLOTS} weekly slots.")

    @property
    def slots(self) -> list[tuple[int, datetime.time, datetime.time]]:
        return [form.slot for form in self.forms if form.slot is not None]


AvailabilityFormSet = forms.formset_factory(
    AvailabilitySlotForm,
    formset=BaseAvailabilityFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_SLOTS,
    absolute_max=MAX_SLOTS + 4,
)


def availability_formset(data=None, *, profile: Profile, prefix: str = "slots"):
    initial = [
        {"weekday": slot.weekday, "start_time": slot.start_time, "end_time": slot.end_time}
        for slot in profile.availability.all()
    ]
    return AvailabilityFormSet(data, initial=initial, prefix=prefix)


# --- Goals ---------------------------------------------------------------------


class GoalForm(BaseModelForm):
    class Meta:
        model = Goal
        fields = ["title", "description", "target_date", "status"]
        labels = {"target_date": "Target date"}
        help_texts = {
            "title": "What do you want to achieve? e.g. “Lead my first project”.",
            "description": "Why it matters and what success looks like. Markdown is fine.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["placeholder"] = "e.g. Move from engineering to product"
        if self.instance.pk is None:
            # A new goal starts open; the status field belongs to editing.
            del self.fields["status"]

    def clean_target_date(self):
        value = self.cleaned_data.get("target_date")
        unchanged = self.instance.pk and value == self.instance.target_date
        if value and value < timezone.localdate() and not unchanged:
            raise ValidationError("Choose a date in the future, or leave it empty.")
        return value


class MilestoneForm(BaseModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date"]
        labels = {"title": "New milestone", "due_date": "Due"}
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["placeholder"] = "e.g. Shadow a product manager"


# --- Onboarding ----------------------------------------------------------------


class OnboardingAboutForm(BaseForm):
    """Step 1: name, role, work, languages and time zone (the zone is guessed by the browser).

    The name is asked for because otherwise people appear to mentors as the
    local part of their email address. Years of experience are optional:
    when left empty, matching does not invent a number.
    """

    display_name = forms.CharField(
        label="Your name",
        max_length=80,
        help_text="How mentors and mentees will see you, e.g. “Priya Raman”.",
        error_messages={"required": "Tell us the name others should see."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    role = forms.ChoiceField(
        label="I want to",
        choices=[
            (Profile.Role.MENTEE, "Find mentors — learn from people who have done it"),
            (Profile.Role.MENTOR, "Mentor others — share what I know"),
            (Profile.Role.BOTH, "Both"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you want to find mentors, mentor, or both."},
    )
    job_title = forms.CharField(
        label="Your job title (optional)",
        max_length=150,
        required=False,
        widget=_job_title_widget(),
        help_text="Pick a suggestion or type your own; it helps match people in the same field.",
    )
    years_experience = years_experience_field("Years of work experience (optional)")
    languages = LanguagesField()
    timezone = TimezoneField(label="Your time zone")

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise ValidationError("Tell us the name others should see.")
        return name


class OnboardingGoalForm(BaseForm):
    """Step 3 for mentees: a first goal (editable later on the goals page)."""

    title = forms.CharField(
        label="Your first goal",
        max_length=160,
        error_messages={"required": "Write a goal, or skip this step."},
        widget=forms.TextInput(attrs={"placeholder": "e.g. Get promoted to senior engineer"}),
    )
    description = forms.CharField(
        label="What would success look like?",
        required=False,
        max_length=GOAL_DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_date = forms.DateField(
        label="By when (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_target_date(self):
        value = self.cleaned_data.get("target_date")
        if value and value < timezone.localdate():
            raise ValidationError("Choose a date in the future, or leave it empty.")
        return value


class OnboardingMentoringForm(BaseForm):
    """Step 3 for mentors: capacity and formats (availability is a formset beside it)."""

    capacity = forms.IntegerField(
        label="Long-term mentees at once",
        min_value=0,
        max_value=MAX_CAPACITY,
        initial=2,
        help_text="0 if you only want to do one-hour flash sessions.",
    )
    format_flash = forms.BooleanField(label="One-hour flash sessions", required=False, initial=True)
    format_long_term = forms.BooleanField(
        label="Long-term mentorship", required=False, initial=True
    )

    def clean(self):
        data = super().clean()
        if not data.get("format_flash") and not data.get("format_long_term"):
            self.add_error("format_long_term", "Choose at least one format.")
        return data
