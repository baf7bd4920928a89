"""The notifications page (everything ``notify`` told a person, newest first), email
preferences, and the one-click unsubscribe page of the emails."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .email_preferences import (
    ALL_KINDS,
    deliveries_for,
    email_preferences_set,
    email_unsubscribe,
    kind_label,
    notification_kinds,
    unsubscribe_token_read,
)
from .forms import Form as BaseForm
from .models import Delivery, Notification
from .notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    request_unread_count,
)
from .pagination import OneQueryPaginator

User = get_user_model()


@login_required
def notification_list(request: HttpRequest):
    notifications = Notification.objects.filter(user=request.user)
    page = OneQueryPaginator(notifications, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page_obj": page,
            "notifications": page.object_list,
            "unread": request_unread_count(request),
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


# --- Email preferences and one-click unsubscribe -----------------------------------


class EmailPreferencesForm(BaseForm):
    """One choice (at once / digest / off) per registered kind of notification."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.groups: dict[str, list[str]] = {}
        for entry in notification_kinds():
            name = f"kind_{entry.kind}"
            self.fields[name] = forms.ChoiceField(
                label=entry.label,
                choices=Delivery.choices,
                initial=current.get(entry.kind),
                required=False,  # a kind left out of the POST keeps its setting
            )
            self.groups.setdefault(entry.group, []).append(name)

    def grouped(self):
        return [(group, [self[name] for name in names]) for group, names in self.groups.items()]

    def deliveries(self) -> dict[str, str]:
        return {
            name.removeprefix("kind_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("kind_") and value
        }


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest):
    form = EmailPreferencesForm(request.POST or None, current=deliveries_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        email_preferences_set(user=request.user, deliveries=form.deliveries())
        messages.success(request, "Saved: your email preferences.")
        return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # mail clients POST the one-click unsubscribe without a CSRF token (RFC 8058)
@require_http_methods(["GET", "POST"])
def email_unsubscribe_view(request: HttpRequest, token: str):
    """GET: a page with one button (no login needed); POST: unsubscribe, one click.

    The signed token is the authorisation; it can only ever turn emails off.
    """
    found = unsubscribe_token_read(token)
    user = None
    if found is not None:
        user = User.objects.filter(pk=found[0], is_active=True).first()
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    kind = found[1]
    label = "all notification emails" if kind == ALL_KINDS else f"emails about “{kind_label(kind)}”"
    if request.method == "POST":
        email_unsubscribe(user=user, kind=kind)
        return render(request, "notifications/unsubscribe.html", {"done": True, "label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label, "token": token})
