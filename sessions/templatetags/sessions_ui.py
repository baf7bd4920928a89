"""Template helpers of the workspace: times in a given zone, state badges."""

from django import template
from django.templatetags.tz import do_timezone
from django.utils import timezone

register = template.Library()

_BADGES = {
    "proposed": ("warning", "hourglass-split", "Proposed"),
    "confirmed": ("success", "check2-circle", "Confirmed"),
    "declined": ("secondary", "x-circle", "Declined"),
    "cancelled": ("secondary", "x-circle", "Cancelled"),
    "held": ("primary", "check2-all", "Held"),
    "no_show": ("danger", "person-x", "No-show"),
}


@register.filter
def in_zone(moment, zone):
    """``moment`` in ``zone`` (a ZoneInfo), kept there by ``|date`` (like the ``timezone`` filter)."""
    if moment is None or zone is None:
        return moment
    return do_timezone(moment, zone)


@register.inclusion_tag("sessions/includes/_status.html")
def session_status(session):
    colour, icon, label = _BADGES.get(session.status, ("light", "circle", session.status))
    if session.status == "cancelled" and session.cancelled_late:
        label = "Cancelled late"
    if session.status == "confirmed" and session.ends_at <= timezone.now():
        # Over, and nobody has rated it or reported a no-show yet.
        colour, icon, label = "info", "clock-history", "Ended"
    return {"colour": colour, "icon": icon, "label": label}
