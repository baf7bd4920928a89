"""Template helpers for the matching pages: score bars, component names, response rate."""

from django import template
from django.utils.html import format_html

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


@register.simple_tag
def score_bar(score, label="", *, icon="", thin=False, muted=False, wrapper_class=""):
    """A score in [0, 1] as a labelled Bootstrap progress bar.

    ``{% score_bar suggestion.score "Match" wrapper_class="mt-3" %}``. Built in
    Python rather than an included template: a suggestions page draws dozens of
    bars, and an include per bar was a third of the page's rendering time.
    """
    pct = percent(score)
    label_html = ""
    if label:
        icon_html = (
            format_html('<i class="bi bi-{} me-1" aria-hidden="true"></i>', icon) if icon else ""
        )
        label_html = format_html(
            '<span class="small text-body-secondary flex-shrink-0 score-label{}"{}>{}{}</span>',
            "" if thin else " text-nowrap",
            format_html(' style="{}"', "width: 10rem; line-height: 1.2") if thin else "",
            icon_html,
            label,
        )
    if muted:
        colour = "bg-secondary"
    elif pct >= 70:
        colour = "bg-success"
    elif pct >= 40:
        colour = ""
    else:
        colour = "bg-warning"
    return format_html(
        '<div class="d-flex align-items-center gap-2 {}">{}'
        '<div class="progress flex-grow-1 {}" role="progressbar" aria-label="{}"'
        ' aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100" style="height: {}">'
        '<div class="progress-bar {}" style="width: {}%"></div></div>'
        '<span class="small fw-semibold text-end score-value" style="min-width: 2.6rem">'
        "{}%</span></div>",
        wrapper_class,
        label_html,
        "progress-thin" if thin else "",
        label or "Score",
        pct,
        "0.4rem" if thin else "0.6rem",
        colour,
        pct,
        pct,
    )


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
