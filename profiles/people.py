"""Person accounts, as programme managers and provisioning (SCIM) manage them.

Writes in the services style (keyword-only, atomic, ``full_clean()``), kept
beside ``profiles/services.py`` (which is near its size limit) so the lead can
fold both into a ``services/`` package. import-linter treats this module as a
service (see pyproject.toml).

Deactivating never deletes: the person can no longer sign in (Django's and
allauth's backends refuse inactive users, and an existing browser session
stops on its next request), their API tokens stop at once
(``mentorship.access.account_usable``), matching stops suggesting them
(selectors filter ``is_active``), and everything they wrote stays.
Reactivating gives all of it back.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from mentorship.errors import Refusal

from .models import Profile, User
from .services import _notify_profile_changed, profile_get_or_create


class PersonRefused(Refusal):
    default_code = "person_refused"


def _email_normalised(email: str) -> str:
    return User.objects.normalize_email((email or "").strip()).lower()


def _email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    taken = User.objects.filter(email__iexact=email)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


def _verified_address(user: User) -> None:
    """The organisation vouches for the address: no confirmation mail needed."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


@transaction.atomic
def person_create(
    *,
    email: str,
    name: str = "",
    role: str = Profile.Role.MENTEE,
    external_id: str | None = None,
    is_active: bool = True,
) -> User:
    """A new account with a profile; it signs in by single sign-on or a password reset."""
    email = _email_normalised(email)
    if _email_taken(email):
        raise PersonRefused(
            f"Someone already has the address {email}.", field="email", code="email_taken"
        )
    if role not in Profile.Role.values:
        raise PersonRefused("Choose mentee, mentor or both.", field="role", code="role_invalid")
    user = User(email=email, name=(name or "").strip()[:150], is_active=is_active)
    user.scim_external_id = external_id or None
    user.set_unusable_password()
    user.full_clean()
    user.save()
    _verified_address(user)
    profile = profile_get_or_create(user=user)
    if profile.role != role:
        profile.role = role
        profile.full_clean()
        profile.save(update_fields=["role"])
    _notify_profile_changed(user.pk)
    return user


@transaction.atomic
def person_update(
    *,
    user: User,
    email: str | None = None,
    name: str | None = None,
    role: str | None = None,
    external_id: str | None = None,
) -> User:
    """Change what the organisation manages: address, name, role, external id."""
    changed = []
    if email is not None:
        email = _email_normalised(email)
        if email != user.email.lower():
            if _email_taken(email, exclude_pk=user.pk):
                raise PersonRefused(
                    f"Someone already has the address {email}.", field="email", code="email_taken"
                )
            user.email = email
            changed.append("email")
    if name is not None:
        user.name = name.strip()[:150]
        changed.append("name")
    if external_id is not None:
        user.scim_external_id = external_id or None
        changed.append("scim_external_id")
    if changed:
        user.full_clean()
        user.save(update_fields=changed)
        if "email" in changed:
            _verified_address(user)
    if role is not None:
        if role not in Profile.Role.values:
            raise PersonRefused("Choose mentee, mentor or both.", field="role", code="role_invalid")
        profile = profile_get_or_create(user=user)
        if profile.role != role:
            profile.role = role
            profile.full_clean()
            profile.save(update_fields=["role"])
            _notify_profile_changed(user.pk)
    return user


@transaction.atomic
def person_deactivate(*, user: User, by=None) -> User:
    """Stop sign-in and tokens; keep every row."""
    if by is not None and by.pk == user.pk:
        raise PersonRefused("You cannot deactivate your own account here.", code="self")
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        _notify_profile_changed(user.pk)
    return user


@transaction.atomic
def person_reactivate(*, user: User) -> User:
    changed = ["is_active"]
    user.is_active = True
    if user.scim_removed_at is not None:
        user.scim_removed_at = None
        changed.append("scim_removed_at")
    user.save(update_fields=changed)
    _notify_profile_changed(user.pk)
    return user


@transaction.atomic
def person_remove_from_provisioning(*, user: User) -> User:
    """SCIM DELETE: deactivate and hide from the provisioning client, never delete data.

    The client then sees the resource as gone (404); creating the same
    address again brings this account back rather than a second one.
    """
    person_deactivate(user=user)
    user.scim_removed_at = timezone.now()
    user.save(update_fields=["scim_removed_at"])
    return user
