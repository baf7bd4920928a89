"""Forms of trust and safety. Lengths match the models' (and the services re-check)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from mentorship.forms import Form as BaseForm

from .models import AuditLog, ReportReason


class ReportForm(BaseForm):
    reason = forms.ChoiceField(
        label="What is wrong?", choices=ReportReason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label="Anything moderators should know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only moderators read this. The person you report is not told who reported them.",
    )


class ReasonForm(BaseForm):
    reason = forms.CharField(
        label="Reason (the person will read it)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DismissForm(BaseForm):
    note = forms.CharField(label="Note for the record (optional)", required=False, max_length=200)


class SuspendForm(ReasonForm):
    ends_at = forms.DateTimeField(
        label="Suspended until (optional, UTC)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text="Leave empty to suspend until a moderator lifts it.",
    )

    def clean_ends_at(self):
        ends_at = self.cleaned_data.get("ends_at")
        if ends_at is not None and ends_at <= timezone.now():
            raise forms.ValidationError("Choose a moment in the future, or leave it empty.")
        return ends_at


class MentorReviewForm(BaseForm):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Do not approve")])
    note = forms.CharField(
        label="Note (required when not approving; the mentor reads it)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AuditFilterForm(BaseForm):
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditLog.Action.choices]
    )
    person = forms.EmailField(
        label="Person (email)", required=False, help_text="As actor or as target."
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="Until (inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = (
                "form-select form-select-sm" if name == "action" else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css
