"""Staff pages for webhooks: register endpoints, pick events, read the delivery log.

The outbox and sender are core (``mentorship.services.webhooks``); the pages
live here, beside the programme manager's other pages, because they need the
role and second factor of :func:`safety.access.staff_permission_required`,
which the core app below safety cannot import.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.events import event_kinds
from mentorship.forms import WebhookEndpointForm
from mentorship.selectors import webhook_deliveries_for, webhook_endpoints
from mentorship.services import webhooks
from mentorship.views_helpers import refusals_shown
from safety.access import staff_permission_required

# The programme manager's permission, as on the matching staff pages.
manager_required = staff_permission_required("matching.view_matchingconfig")


def _endpoint_or_404(pk: int):
    endpoint = webhook_endpoints().filter(pk=pk).first()
    if endpoint is None:
        raise Http404("No such endpoint")
    return endpoint


@manager_required
@require_http_methods(["GET", "POST"])
def endpoint_list(request: HttpRequest):
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            endpoint = webhooks.webhook_endpoint_create(by=request.user, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, "Endpoint registered. Copy its signing secret below.")
            return redirect("matching:webhook_detail", pk=endpoint.pk)
    return render(
        request,
        "settings/webhook_list.html",
        {"form": form, "endpoints": webhook_endpoints(), "kinds": event_kinds()},
        status=400 if form.errors else 200,
    )


@manager_required
@require_http_methods(["GET", "POST"])
def endpoint_detail(request: HttpRequest, pk: int):
    endpoint = _endpoint_or_404(pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = WebhookEndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            webhooks.webhook_endpoint_update(endpoint=endpoint, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, "Endpoint saved.")
            return redirect("matching:webhook_detail", pk=pk)
    page = Paginator(webhook_deliveries_for(endpoint=endpoint), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "settings/webhook_detail.html",
        {"endpoint": endpoint, "form": form, "page_obj": page, "deliveries": page.object_list},
        status=400 if form.errors else 200,
    )


ACTIONS = {
    "enable": (webhooks.webhook_endpoint_enable, "Endpoint enabled."),
    "disable": (
        lambda *, endpoint: webhooks.webhook_endpoint_disable(
            endpoint=endpoint, reason="Disabled by a programme manager."
        ),
        "Endpoint disabled; nothing more is sent to it.",
    ),
    "rotate": (
        webhooks.webhook_endpoint_rotate_secret,
        "New signing secret: update your receiver.",
    ),
    "delete": (webhooks.webhook_endpoint_delete, "Endpoint and its delivery log deleted."),
}


@manager_required
@require_POST
def endpoint_action(request: HttpRequest, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404("No such action")
    endpoint = _endpoint_or_404(pk)
    service, done = ACTIONS[action]
    service(endpoint=endpoint)
    messages.success(request, done)
    return redirect(
        "matching:webhooks" if action == "delete" else "matching:webhook_detail",
        **({} if action == "delete" else {"pk": pk}),
    )
