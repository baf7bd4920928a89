"""Template helpers for profiles: ``{{ profile.bio|markdown }}`` and avatars."""

from django import template
from django.utils.safestring import mark_safe

from ..sanitize import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> str:
    """Render member-written Markdown as sanitised HTML (see ``profiles.sanitize``)."""
    # Safe to mark: the output went through the nh3 allowlist.
    return mark_safe(render_markdown(text))


@register.filter
def level_label(level: int, direction: str) -> str:
    from ..forms import LEVEL_LABELS

    return LEVEL_LABELS.get(direction, {}).get(level, str(level))


@register.inclusion_tag("profiles/includes/_avatar.html")
def avatar(profile, size: int = 48):
    """A person's photo, or their initial on a coloured disc when they have none."""
    return {"profile": profile, "size": size}
