"""Forms of the matching pages: input is checked here, rules in the services."""

from django import forms
from django.utils import timezone

from matching.models import REQUEST_TEXT_MAX, Format
from mentorship.forms import Form as BaseForm
from profiles.selectors import languages_in_use

from .selectors import mentee_active_goals

MESSAGE_MAX = REQUEST_TEXT_MAX


class SuggestionFilterForm(BaseForm):
    format = forms.ChoiceField(
        choices=[("", "Any format"), *Format.choices], required=False, label="Format"
    )
    language = forms.ChoiceField(choices=[], required=False, label="Language")
    has_capacity = forms.BooleanField(required=False, label="Has a free long-term place")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "Any language")] + [
            (language.code, language.name) for language in languages_in_use()
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            "format": self.cleaned_data["format"],
            "language": self.cleaned_data["language"],
            "has_capacity": self.cleaned_data["has_capacity"],
        }


class MatchRequestForm(BaseForm):
    """A request to one mentor: only formats both sides offer, only the mentee's goals."""

    format = forms.ChoiceField(choices=Format.choices, widget=forms.RadioSelect, label="What for")
    goal = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="No particular goal",
        label="Goal",
        help_text="The mentor sees this goal with your request.",
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MESSAGE_MAX,
        label="Message",
        help_text="Say what you hope to learn and why this mentor. A few sentences are enough.",
    )

    def __init__(self, *args, mentee, formats: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = mentee_active_goals(mentee=mentee)
        choices = [(value, label) for value, label in Format.choices if value in formats]
        self.fields["format"].choices = choices or Format.choices
        if len(choices) == 1:
            self.fields["format"].initial = choices[0][0]

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError("Write at least a sentence (10 characters or more).")
        return message


DECLINE_SUGGESTION_REASONS = [
    ("skills", "Their skills don't fit what I want to learn"),
    ("seniority", "Too far ahead or not far enough"),
    ("schedule", "Our times or time zones don't fit"),
    ("field", "Wrong field or industry"),
    ("know", "I already know this person"),
    ("other", "Something else"),
]


class SuggestionDeclineForm(BaseForm):
    reason = forms.ChoiceField(choices=DECLINE_SUGGESTION_REASONS, label="Why not?")
    note = forms.CharField(max_length=500, required=False, label="Anything to add (optional)")

    def reason_text(self) -> str:
        label = dict(DECLINE_SUGGESTION_REASONS)[self.cleaned_data["reason"]]
        note = self.cleaned_data["note"].strip()
        return f"{label}: {note}" if note else label


class RequestDeclineForm(BaseForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MESSAGE_MAX,
        label="Reason",
        help_text="Shared with the mentee. Kind and short is best.",
    )


class RequestQuestionForm(BaseForm):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MESSAGE_MAX,
        label="Your question",
    )


class RequestAnswerForm(RequestQuestionForm):
    """The mentee's reply to a mentor's question: the same box, labelled for them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Your answer"


class MentorshipEndForm(BaseForm):
    outcome = forms.ChoiceField(
        choices=[
            ("completed", "Completed: we reached what we set out to do"),
            ("ended", "Ended early"),
        ],
        widget=forms.RadioSelect,
        initial="completed",
        label="How did it go?",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MESSAGE_MAX,
        required=False,
        label="A note for your partner (optional)",
    )
    # A second thought before one click ends it for both people.
    confirm = forms.BooleanField(
        label="Yes, finish this mentorship for both of us (it cannot be undone)",
        error_messages={"required": "Tick the box to confirm: finishing cannot be undone."},
    )


class MentorshipRenewForm(BaseForm):
    ends_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="New end date (optional)",
    )

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on and ends_on <= timezone.localdate():
            raise forms.ValidationError("Choose a date in the future.")
        return ends_on


# --- staff ------------------------------------------------------------------------


class _PersonField(forms.CharField):
    """A person chosen by name or email; the box suggests "Name <email>" as you type.

    An exact name is enough when only one member has it; namesakes are told
    apart by the email the suggestions show.
    """

    def __init__(self, *, role: str, **kwargs):
        from django.urls import reverse_lazy

        self.role = role
        super().__init__(max_length=260, **kwargs)
        self.widget = forms.TextInput(
            attrs={
                "list": f"{role}-options",
                "autocomplete": "off",
                "placeholder": "Start typing a name or an email address",
                "hx-get": reverse_lazy("matching:staff_people_options"),
                "hx-vals": f'{{"role": "{role}"}}',
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{role}-options",
                "hx-swap": "innerHTML",
            }
        )

    def clean(self, value):
        from .selectors.people import MENTEE_ROLES, MENTOR_ROLES, person_by_name_or_email

        value = super().clean(value)
        roles = MENTEE_ROLES if self.role == "mentee" else MENTOR_ROLES
        user, namesakes = person_by_name_or_email(value=value, roles=roles)
        if user is not None:
            return user
        if namesakes:
            raise forms.ValidationError(
                f"{len(namesakes)} members are called “{value}”: pick one from the list "
                "(it shows their email)."
            )
        kind = "mentee" if self.role == "mentee" else "mentor"
        raise forms.ValidationError(f"No active {kind} is called or has the email “{value}”.")


class ManualMatchForm(BaseForm):
    mentee = _PersonField(role="mentee", label="Mentee")
    mentor = _PersonField(role="mentor", label="Mentor")
    format = forms.ChoiceField(choices=Format.choices, initial=Format.LONG_TERM)

    def clean(self):
        data = super().clean()
        if data.get("mentee") and data.get("mentee") == data.get("mentor"):
            raise forms.ValidationError("Choose two different people.")
        return data


class PairExcludeForm(BaseForm):
    mentee = _PersonField(role="mentee", label="Mentee")
    mentor = _PersonField(role="mentor", label="Mentor")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MESSAGE_MAX,
        required=False,
        label="Note (staff only)",
    )

    def clean(self):
        data = super().clean()
        if data.get("mentee") and data.get("mentee") == data.get("mentor"):
            raise forms.ValidationError("Choose two different people.")
        return data


class CohortPreviewForm(BaseForm):
    mode = forms.ChoiceField(
        choices=[
            ("stable", "Stable: nobody would rather swap (deferred acceptance)"),
            ("optimal", "Optimal: the highest total score (min-cost flow)"),
        ],
        widget=forms.RadioSelect,
        initial="stable",
    )
