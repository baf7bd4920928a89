"""The notifications page: everything ``notify`` told a person, newest first."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification
from .notifications import notification_mark_read, notifications_mark_all_read


@login_required
def notification_list(request: HttpRequest):
    notifications = Notification.objects.filter(user=request.user)
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page_obj": page,
            "notifications": page.object_list,
            "unread": notifications.filter(read_at__isnull=True).count(),
        },
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int):
    """Mark one notification read and go to what it is about (only within this site)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest):
    notifications_mark_all_read(user=request.user)
    return redirect("notifications")
