"""Person accounts, as programme managers (the API) and provisioning (SCIM) manage them.

Creating goes through :func:`profiles.services.people.person_create`, the one
definition of a new person's rows; this module adds what an organisation
manages on top: the external id, deactivation and reactivation.

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

from ..models import Profile, User
from .editing import profile_changed_notify, profile_get_or_create
from .people import normalise_email
from .people import person_create as person_rows_create


class PersonRefused(Refusal):
    default_code = "person_refused"


def _email_normalised(email: str) -> str:
    return normalise_email(email)


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
    """A new account with a profile; it signs in by single sign-on or a password reset.

    The organisation vouches for the address (verified, no confirmation
    mail) and there is no password (unusable until the person sets one).
    """
    email = _email_normalised(email)
    if not email:
        raise PersonRefused("An email address is required.", field="email", code="email_missing")
    if _email_taken(email):
        raise PersonRefused(
            f"Someone already has the address {email}.", field="email", code="email_taken"
        )
    if role not in Profile.Role.values:
        raise PersonRefused("Choose mentee, mentor or both.", field="role", code="role_invalid")
    user = person_rows_create(
        email=email,
        name=(name or "").strip()[:150],
        email_vouched=True,
        profile={"role": role},
        notify=False,
    )
    changed = []
    if external_id:
        user.scim_external_id = external_id
        changed.append("scim_external_id")
    if not is_active:
        user.is_active = False
        changed.append("is_active")
    if changed:
        user.full_clean(exclude=["password"])
        user.save(update_fields=changed)
    profile_changed_notify(user_ids=[user.pk])
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
            profile_changed_notify(user_ids=[user.pk])
    return user


@transaction.atomic
def person_deactivate(*, user: User, by=None) -> User:
    """Stop sign-in and tokens; keep every row."""
    if by is not None and by.pk == user.pk:
        raise PersonRefused("You cannot deactivate your own account here.", code="self")
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        profile_changed_notify(user_ids=[user.pk])
    return user


@transaction.atomic
def person_reactivate(*, user: User) -> User:
    changed = ["is_active"]
    user.is_active = True
    if user.scim_removed_at is not None:
        user.scim_removed_at = None
        changed.append("scim_removed_at")
    user.save(update_fields=changed)
    profile_changed_notify(user_ids=[user.pk])
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
