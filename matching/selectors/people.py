"""Finding a person by name or email on the staff pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from profiles.models import Profile, User


def people_matching(*, term: str, roles=None, limit: int = 10) -> QuerySet[User]:
    """Active members whose name, display name or email contains ``term``."""
    term = term.strip()
    qs = User.objects.filter(is_active=True).select_related("profile")
    if roles:
        qs = qs.filter(profile__role__in=roles)
    if not term:
        return qs.none()
    return qs.filter(
        Q(email__icontains=term)
        | Q(name__icontains=term)
        | Q(profile__display_name__icontains=term)
    ).order_by("email")[:limit]


def person_by_name_or_email(*, value: str, roles=None) -> tuple[User | None, list[User]]:
    """The one member ``value`` names: an email, "Name <email>", or an exact name.

    Returns ``(user, [])`` when exactly one matches, else ``(None, candidates)``.
    """
    value = value.strip()
    if "<" in value and value.endswith(">"):
        value = value[value.rindex("<") + 1 : -1].strip()
    qs = User.objects.filter(is_active=True)
    if roles:
        qs = qs.filter(profile__role__in=roles)
    if "@" in value:
        user = qs.filter(email__iexact=value).first()
        return (user, []) if user else (None, [])
    named = list(
        qs.filter(Q(name__iexact=value) | Q(profile__display_name__iexact=value)).distinct()[:6]
    )
    return (named[0], []) if len(named) == 1 else (None, named)


MENTEE_ROLES = Profile.MENTEE_ROLES
MENTOR_ROLES = Profile.MENTOR_ROLES
