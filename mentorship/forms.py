"""Forms of the core pages: API tokens and webhook endpoints."""

from django import forms

from mentorship.access import is_programme_manager
from mentorship.events import event_kinds
from mentorship.models import ApiToken


class TokenCreateForm(forms.Form):
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


class WebhookEndpointForm(forms.Form):
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
