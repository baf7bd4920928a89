from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from . import services


class AccountAdapter(DefaultAccountAdapter):
    """allauth customised in one place (cookiecutter-django habit).

    Emails are stored lower-case so that ``Ann@x.org`` and ``ann@x.org`` are
    one account.

    People who have not finished onboarding are sent to it after logging in,
    including the automatic login that follows confirming one's email after
    sign-up (allauth calls ``get_signup_redirect_url`` there). An explicit
    ``?next=`` still wins: allauth only asks the adapter when there is none.
    Onboarding can be skipped step by step, and finishing (or skipping) it
    once stops the redirect.

    Signing up creates the person through ``services.person_create``, like
    every other way people arrive (import, demo); allauth then adds the
    address, unverified, and asks them to confirm it. Staff are never redirected: they come to run the
    programme.
    """

    def clean_email(self, email: str) -> str:
        return services.normalise_email(super().clean_email(email))

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if not commit:
            return user
        return services.person_create(
            email=user.email,
            name=user.name,
            password_hash=user.password,
            email_vouched=False,
        )

    def _onboarding_url(self, request) -> str | None:
        from .models import Profile

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if user.is_staff:
            # Staff come to run the programme; they set up a profile only if they
            # also mentor or learn (the dashboard offers it).
            return None
        onboarded = Profile.objects.filter(user=user, onboarded_at__isnull=False).exists()
        return None if onboarded else reverse("profiles:onboarding")

    def get_login_redirect_url(self, request) -> str:
        return self._onboarding_url(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request) -> str:
        return self._onboarding_url(request) or super().get_signup_redirect_url(request)


def user_display(user) -> str:
    """How allauth names a person ("Successfully signed in as …"): the name others see."""
    return user.get_full_name()
