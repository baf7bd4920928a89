"""The project's form bases (every form of every app derives from these), and the
forms of the core pages: API tokens and webhook endpoints.

They strip control characters from every submitted text value (line breaks
only from single-line fields; passwords are left as typed) after the fields
are cleaned, so a service
never stores a vertical tab, an escape sequence or a newline in a name
(``mentorship.text.clean_text``). NUL never gets this far: the middleware
answers 400 (``mentorship.middleware.RejectControlCharactersMiddleware``).
tests/mentorship/test_text_limits.py checks that every project form derives
from ``TextCleaningMixin`` and bounds the length of every text field.
"""

from __future__ import annotations

from django import forms

from mentorship.access import is_programme_manager
from mentorship.events import event_kinds
from mentorship.models import ApiToken

from .text import clean_text


class TextCleaningMixin:
    def _clean_fields(self):
        super()._clean_fields()
        for name, value in list(self.cleaned_data.items()):
            field = self.fields.get(name)
            # A password is checked against its hash exactly as typed.
            if field is None or isinstance(field.widget, forms.PasswordInput):
                continue
            if isinstance(value, str):
                multiline = isinstance(field.widget, forms.Textarea)
                self.cleaned_data[name] = clean_text(value, multiline=multiline)


class Form(TextCleaningMixin, forms.Form):
    pass


class ModelForm(TextCleaningMixin, forms.ModelForm):
    pass


class TokenCreateForm(Form):
    name = forms.CharField(
        max_length=80,
        label="Name",
        help_text="What uses it, e.g. “calendar sync script”.",
    )
    scope = forms.ChoiceField(
        choices=[], widget=forms.RadioSelect, initial=ApiToken.Scope.READ, label="Access"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (ApiToken.Scope.READ, "Read only: see your profile, suggestions, requests…"),
            (ApiToken.Scope.WRITE, "Read and write: also act for you (send, accept, decline…)"),
        ]
        if is_programme_manager(user):
            choices.append(
                (ApiToken.Scope.SCIM, "SCIM provisioning: for your identity provider only")
            )
        self.fields["scope"].choices = choices


class WebhookEndpointForm(Form):
    url = forms.URLField(
        max_length=500,
        label="Endpoint URL",
        assume_scheme="https",
        help_text="We POST signed JSON here. It must be a public https address.",
    )
    description = forms.CharField(max_length=200, required=False, label="Description")
    events = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple, label="Events"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [
            (kind.kind, f"{kind.label} ({kind.kind})") for kind in event_kinds()
        ]
