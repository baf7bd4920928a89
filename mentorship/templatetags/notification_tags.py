"""``{% unread_notifications_count %}`` for the navigation bar."""

from django import template

from mentorship.notifications import request_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    # Cached on the request: the nav may be rendered more than once per page.
    return request_unread_count(request)
