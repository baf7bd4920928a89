"""Member pages of trust and safety: report, block, unblock, my reports.

A person reaches them from the "⋯" menu of any content (the include
``safety/includes/_block_report.html``); the content is named by its
registry key and lookup id, and only content the person can see is found
(anything else is a 404, as for any object they may not see).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.views_helpers import refusals_shown

from . import selectors, services
from .forms import ReportForm
from .models import Block


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _content_or_404(request: HttpRequest):
    data = request.POST if request.method == "POST" else request.GET
    found = selectors.content_for_viewer(
        key=data.get("content", ""), lookup=data.get("id", ""), viewer=request.user
    )
    if found is None:
        raise Http404("Not found")
    return found


def _hidden_fields(entry, obj, next_url: str) -> dict:
    return {"content": entry.key, "id": str(getattr(obj, entry.lookup_field)), "next": next_url}


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest):
    entry, obj = _content_or_404(request)
    author = entry.author(obj)
    if author is not None and author.pk == request.user.pk:
        raise Http404("Not found")
    next_url = _next_url(request, reverse("dashboard"))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            services.report_create(
                reporter=request.user,
                target=obj,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                request=request,
            )
        if outcome.ok:
            messages.success(
                request,
                "Thank you: your report arrived. Moderators will look at it, and the person "
                "is not told who reported them.",
            )
            return redirect(next_url)
    return render(
        request,
        "safety/report_form.html",
        {
            "form": form,
            "entry": entry,
            "snapshot": entry.snapshot(obj),
            "person": author,
            "hidden": _hidden_fields(entry, obj, next_url),
            "next_url": next_url,
            "already_blocked": selectors.block_by(blocker=request.user, blocked=author) is not None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def block_confirm(request: HttpRequest):
    entry, obj = _content_or_404(request)
    person = entry.author(obj)
    if person is None or person.pk == request.user.pk:
        raise Http404("Not found")
    next_url = _next_url(request, reverse("dashboard"))
    if request.method == "POST":
        with refusals_shown(request) as outcome:
            services.block_create(
                blocker=request.user, blocked=person, source=entry.block_source, request=request
            )
        if outcome.ok:
            messages.success(
                request,
                "Blocked. You will not see each other, and anything open between you has "
                "ended. You can unblock from your list of blocked people.",
            )
            # The page they came from may show the person: go somewhere safe.
            return redirect("safety:blocks")
    return render(
        request,
        "safety/block_confirm.html",
        {
            "person": person,
            "person_name": getattr(getattr(person, "profile", None), "name", "") or str(person),
            "hidden": _hidden_fields(entry, obj, next_url),
            "next_url": next_url,
            "report_url": f"{reverse('safety:report_create')}?"
            + urlencode(_hidden_fields(entry, obj, next_url)),
        },
    )


@login_required
def block_list(request: HttpRequest):
    return render(
        request, "safety/block_list.html", {"blocks": selectors.blocks_made_by(user=request.user)}
    )


@login_required
@require_POST
def block_remove(request: HttpRequest, pk: int):
    block = get_object_or_404(Block, pk=pk, blocker=request.user)
    with refusals_shown(request) as outcome:
        services.block_remove(blocker=request.user, block=block, request=request)
    if outcome.ok:
        messages.success(request, "Unblocked. Nothing that ended comes back on its own.")
    return redirect("safety:blocks")


@login_required
def reports_mine(request: HttpRequest):
    return render(
        request,
        "safety/reports_mine.html",
        {"reports": selectors.reports_by(reporter=request.user)},
    )


def admin_login(request: HttpRequest):
    """``/admin/login/``: never Django's password-only form; allauth's sign-in instead.

    allauth's sign-in applies the login rate limits and the second factor;
    the admin then also requires that this session passed it
    (:class:`safety.middleware.SafetyMiddleware`). A POST with a password is
    not processed here either: it is redirected like a GET.
    """
    next_url = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
