"""Input checking for ask-the-network (views never write)."""

from __future__ import annotations

import unicodedata

from django import forms

from community.models import ANSWER_MAX, BODY_MAX, MAX_WEEKLY_LIMIT, TITLE_MAX
from mentorship.forms import Form as BaseForm
from profiles.models import Skill

SEARCH_MAX = 200


def _no_control_characters(value: str) -> str:
    """NUL bytes and other control characters have no place in text people type."""
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
        raise forms.ValidationError("Remove the control characters (such as NUL) from this text.")
    return value


class QuestionForm(BaseForm):
    title = forms.CharField(
        max_length=TITLE_MAX,
        min_length=10,
        help_text="One sentence: what do you want to know?",
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. How do I structure a first Django project?"}
        ),
    )
    body = forms.CharField(
        max_length=BODY_MAX,
        required=False,
        label="Details",
        help_text="Optional. Markdown: **bold**, lists, links. What did you try, what is the context?",
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_title(self):
        return _no_control_characters(self.cleaned_data["title"])

    def clean_body(self):
        return _no_control_characters(self.cleaned_data["body"])


class AnswerForm(BaseForm):
    body = forms.CharField(
        max_length=ANSWER_MAX,
        min_length=2,
        label="Your answer",
        help_text="Markdown: **bold**, lists, links.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_body(self):
        return _no_control_characters(self.cleaned_data["body"])


class QuestionSearchForm(BaseForm):
    q = forms.CharField(label="Search", max_length=SEARCH_MAX, required=False)
    # The skills questions are tagged with (not the whole taxonomy: a menu of thousands helps nobody).
    skill = forms.ModelChoiceField(
        queryset=Skill.objects.filter(questions__isnull=False).distinct().order_by("name"),
        to_field_name="slug",
        required=False,
        label="Skill",
        empty_label="Any skill",
    )
    unanswered = forms.BooleanField(required=False, label="Unanswered")
    mine = forms.BooleanField(required=False, label="Asked of me")

    def clean_q(self):
        return _no_control_characters(self.cleaned_data["q"])

    def clean(self):
        data = super().clean()
        # A NUL in any parameter (even one this form ignores) is a bad request, not a 500.
        for key, values in self.data.lists():
            for value in [key, *values]:
                if "\x00" in value:
                    raise forms.ValidationError("Search parameters cannot contain NUL bytes.")
        return data


class QuestionPreferenceForm(BaseForm):
    weekly_limit = forms.TypedChoiceField(
        coerce=int,
        label="Questions routed to me per week",
        choices=[
            (n, "None — do not route questions to me" if n == 0 else str(n))
            for n in range(0, MAX_WEEKLY_LIMIT + 1)
        ],
        help_text="You can still answer any question you find; this only limits how many are put to you.",
    )
