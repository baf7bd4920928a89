"""Template helpers for the matching pages: score bars, component names, response rate."""

from django import template

from matching.selectors import mentor_response_rate

register = template.Library()

COMPONENT_LABELS = {
    "skills": ("Skills", "tools"),
    "related_skills": ("Related skills", "diagram-3"),
    "goals": ("Goals", "bullseye"),
    "seniority": ("Experience", "graph-up-arrow"),
    "context": ("Field", "briefcase"),
    "availability": ("Time & format", "clock"),
    "responsiveness": ("Responsiveness", "reply"),
}


@register.filter
def percent(value) -> int:
    """A score in [0, 1] as a whole percentage (clamped; junk becomes 0)."""
    try:
        return max(0, min(100, round(float(value) * 100)))
    except (TypeError, ValueError):
        return 0


#: How a component is labelled when it rests on a default, not on what people said.
ASSUMED_LABELS = {
    "availability": "Time & format (your hours assumed)",
    "seniority": "Experience (years not given)",
}


@register.filter
def component_rows(components, assumed=None) -> list[dict]:
    """The explanation's components in a fixed order, with a label and an icon.

    ``assumed`` (the suggestion's list) relabels the components that rest on
    a default, so a "100 %" is never presented as a fact about the person.
    """
    if not isinstance(components, dict):
        return []
    assumed = set(assumed or ())
    rows = []
    for key, (label, icon) in COMPONENT_LABELS.items():
        if key in components:
            if key in assumed:
                label = ASSUMED_LABELS.get(key, f"{label} (assumed)")
            rows.append({"key": key, "label": label, "icon": icon, "value": components[key]})
    for key, value in components.items():
        if key not in COMPONENT_LABELS and isinstance(value, int | float):
            rows.append(
                {
                    "key": key,
                    "label": key.replace("_", " ").capitalize(),
                    "icon": "dot",
                    "value": value,
                }
            )
    return rows


@register.filter
def initials(name) -> str:
    parts = [part for part in str(name).replace("@", " ").split() if part]
    return "".join(part[0] for part in parts[:2]).upper() or "?"


@register.simple_tag
def response_stats(mentor):
    """``{% response_stats mentor as stats %}``: how this mentor answers requests."""
    return mentor_response_rate(user=mentor)


@register.simple_tag(takes_context=True)
def suggestion_actions(context, suggestion) -> list[dict]:
    """Extra buttons apps above matching add to a suggestion card (``matching.hooks``)."""
    from matching.hooks import suggestion_actions as actions

    return actions(context.get("request"), suggestion)
