"""Forms of the workspace: input is checked here (clear field errors), rules in the services."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django import forms

from mentorship.forms import Form as BaseForm
from sessions.models import AGENDA_MAX, COMMENT_MAX, MESSAGE_MAX, NOTE_MAX, REASON_MAX

LENGTH_CHOICES = [
    (30, "30 minutes"),
    (45, "45 minutes"),
    (60, "1 hour"),
    (90, "1½ hours"),
    (120, "2 hours"),
]


def local_datetime(
    day: datetime.date, time: datetime.time, zone: ZoneInfo
) -> datetime.datetime | None:
    """``day`` at ``time`` on the wall clock of ``zone``; None if the clocks skip it (spring forward)."""
    moment = datetime.datetime.combine(day, time, zone)
    back = moment.astimezone(datetime.UTC).astimezone(zone)
    if (back.date(), back.time().replace(tzinfo=None)) != (day, time):
        return None
    return moment


class BookingForm(BaseForm):
    """Pick a free slot (value: its UTC start) or type a time of your own, in your own zone."""

    minutes = forms.TypedChoiceField(choices=LENGTH_CHOICES, coerce=int, initial=60, label="Length")
    slot = forms.ChoiceField(required=False, widget=forms.RadioSelect, label="Free times")
    custom_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Or another date"
    )
    custom_time = forms.TimeField(
        required=False, widget=forms.TimeInput(attrs={"type": "time"}), label="Start time"
    )
    topic = forms.CharField(
        max_length=200,
        required=False,
        label="What would you like to talk about?",
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. Preparing for my first tech-lead interview"}
        ),
    )
    agenda = forms.CharField(
        max_length=AGENDA_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Agenda (optional)",
        help_text="What you want to cover, so you both come prepared.",
    )

    def __init__(self, *args, slots=(), zone: ZoneInfo, flash: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.slot_values = {slot.value: slot for slot in slots}
        self.fields["slot"].choices = [(value, value) for value in self.slot_values]
        if flash:
            self.fields["topic"].required = True
            self.fields["topic"].error_messages["required"] = (
                "Say in a sentence what you would like to talk about, so the mentor can prepare."
            )
        else:
            del self.fields["topic"]

    def clean(self):
        data = super().clean()
        slot, day, time = data.get("slot"), data.get("custom_date"), data.get("custom_time")
        minutes = data.get("minutes")
        if self.errors:
            return data
        if slot:
            start = self.slot_values[slot].starts_at
        elif day and time:
            start = local_datetime(day, time, self.zone)
            if start is None:
                self.add_error(
                    "custom_time",
                    f"{time:%H:%M} does not exist on {day:%-d %B} in {self.zone.key}: the clocks "
                    "go forward that night. Choose a later time.",
                )
                return data
        elif day or time:
            self.add_error(
                "custom_time" if day else "custom_date", "Give both a date and a start time."
            )
            return data
        else:
            raise forms.ValidationError(
                "Choose one of the free times, or give a date and time of your own."
            )
        data["starts_at"] = start
        data["ends_at"] = start + datetime.timedelta(minutes=minutes)
        return data


class ReasonForm(BaseForm):
    reason = forms.CharField(
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason (the other person reads it)",
    )


class DetailsForm(BaseForm):
    agenda = forms.CharField(
        max_length=AGENDA_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    meeting_link = forms.URLField(
        max_length=300, required=False, label="Meeting link", assume_scheme="https"
    )


class NoteForm(BaseForm):
    body = forms.CharField(
        max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}), label="Note", strip=True
    )
    private = forms.BooleanField(
        required=False,
        label="Private: only I will ever see this note",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "note_%s")  # ids apart from the message form on one page
        super().__init__(*args, **kwargs)


class MessageForm(BaseForm):
    body = forms.CharField(
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "Write a message… (Markdown works)"}
        ),
        label="Message",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "message_%s")
        super().__init__(*args, **kwargs)


class FeedbackForm(BaseForm):
    rating = forms.TypedChoiceField(
        choices=[
            (5, "5 – excellent"),
            (4, "4 – good"),
            (3, "3 – okay"),
            (2, "2 – poor"),
            (1, "1 – bad"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        label="How was the session?",
    )
    comment = forms.CharField(
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Comment (optional)",
        help_text="Your rating counts towards the mentor's profile; low ratings reach the programme team.",
    )


class MilestoneForm(BaseForm):
    title = forms.CharField(max_length=160, label="New milestone")
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due"
    )


class GoalStatusForm(BaseForm):
    status = forms.ChoiceField(choices=[])

    def __init__(self, *args, **kwargs):
        from profiles.models import Goal

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = Goal.Status.choices


class MentorSettingsForm(BaseForm):
    meeting_link = forms.URLField(
        max_length=300,
        required=False,
        label="Default meeting link",
        assume_scheme="https",
        help_text="Your video-call room, filled into every new session (each session can change it).",
    )
    flash_monthly_limit = forms.IntegerField(
        min_value=0,
        max_value=60,
        label="Flash sessions a month",
        help_text="How many one-hour flash sessions people may book with you each month (0 = none).",
    )
