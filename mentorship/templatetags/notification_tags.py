"""``{% unread_notifications_count %}`` for the navigation bar."""

from django import template

from mentorship.notifications import notifications_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    # Cached on the request: the nav may be rendered more than once per page.
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = notifications_unread_count(user=user)
    return request._unread_notifications
