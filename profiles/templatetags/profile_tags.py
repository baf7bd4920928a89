"""Template helpers for profiles: ``{{ profile.bio|markdown }}``, ``{{ link|safe_url }}``, avatars."""

from django import template
from django.utils.safestring import mark_safe

from ..sanitize import render_markdown, safe_url

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> str:
    """Render member-written Markdown as sanitised HTML (see ``profiles.sanitize``)."""
    # Safe to mark: the output went through the nh3 allowlist.
    return mark_safe(render_markdown(text))  # nh3-sanitised just above  # nosec B308 B703


@register.filter(name="safe_url")
def safe_url_filter(url: str | None) -> str:
    """A stored link for an ``href``: http(s) only, else empty (see ``profiles.sanitize``)."""
    return safe_url(url)


@register.filter
def level_label(level: int, direction: str) -> str:
    from ..forms import LEVEL_LABELS

    return LEVEL_LABELS.get(direction, {}).get(level, str(level))


@register.filter
def initials(name) -> str:
    """Up to two initials of a name ("Priya Raman" → "PR"), as every avatar shows them."""
    parts = [part for part in str(name or "").replace("@", " ").replace(".", " ").split() if part]
    return "".join(part[0] for part in parts[:2]).upper() or "?"


@register.filter
def person_initials(user) -> str:
    """The initials a signed-in person's avatar shows: their profile name, else their email."""
    profile = getattr(user, "profile", None) if getattr(user, "pk", None) else None
    try:
        name = profile.name if profile is not None else (user.name or user.email)
    except Exception:  # noqa: BLE001 - no profile row yet
        name = getattr(user, "name", "") or getattr(user, "email", "")
    return initials(name)


@register.inclusion_tag("profiles/includes/_avatar.html")
def avatar(profile, size: int = 48):
    """A person's photo, or their initial on a coloured disc when they have none."""
    return {"profile": profile, "size": size}


@register.simple_tag
def member_roles(user) -> dict:
    """What the signed-in person takes part as, for navigation and empty states.

    ``{"mentee": bool, "mentor": bool, "staff": bool}``; a staff account without a
    profile of its own is neither mentee nor mentor.
    """
    from ..selectors import member_takes_part, profile_of

    if not getattr(user, "is_authenticated", False):
        return {"mentee": False, "mentor": False, "staff": False}
    profile = profile_of(user)
    takes_part = profile is not None and member_takes_part(user=user)
    if profile is None and not user.is_staff:
        # Not set up yet: the default role of a new profile.
        return {"mentee": True, "mentor": False, "staff": False}
    return {
        "mentee": takes_part and profile.is_mentee,
        "mentor": takes_part and profile.is_mentor,
        "staff": bool(user.is_staff),
    }
