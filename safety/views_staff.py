"""Staff pages of trust and safety: the moderation queue, cases, mentor review, audit log.

Every view is wrapped in :func:`safety.access.staff_permission_required`
(permission + second factor in this session). Moderators hold
``safety.moderate``; suspending needs ``safety.suspend_user``; the audit
log needs ``safety.view_auditlog``.
"""

from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.views_helpers import refusals_shown

from . import selectors, services
from .access import staff_permission_required
from .forms import AuditFilterForm, DismissForm, MentorReviewForm, ReasonForm, SuspendForm
from .models import Report, Suspension
from .registry import content_for_type

MODERATE = "safety.moderate"
SUSPEND = "safety.suspend_user"
AUDIT = "safety.view_auditlog"


@staff_permission_required(MODERATE)
def queue(request: HttpRequest):
    return render(
        request,
        "safety/staff/queue.html",
        {
            "groups": selectors.report_groups_open(),
            "awaiting_review": selectors.mentors_awaiting_review()[:50],
            "approval_on": selectors.mentor_approval_required(),
        },
    )


def _report_rows(reports) -> list[dict]:
    rows = []
    for report in reports:
        entry = content_for_type(report.content_type)
        obj = report.content_object
        rows.append(
            {
                "report": report,
                "entry": entry,
                "content": (report.snapshot or {}).get("content", {}),
                "thread": (report.snapshot or {}).get("context", []),
                "exists": obj is not None,
                "hideable": bool(entry and entry.hideable and obj is not None),
                "hidden": bool(
                    entry and entry.hideable and obj is not None and entry.is_hidden(obj)
                ),
            }
        )
    return rows


def _case_page(request, target, *, status=200, **forms):
    reports = selectors.reports_about(user_id=target.pk)
    return render(
        request,
        "safety/staff/case.html",
        {
            "target": target,
            "profile": getattr(target, "profile", None),
            "rows": _report_rows(reports),
            "open_count": sum(1 for r in reports if r.status == Report.Status.OPEN),
            "history": selectors.person_history(user_id=target.pk),
            "reporter_history": {
                r.reporter_id: selectors.person_history(user_id=r.reporter_id)
                for r in reports
                if r.reporter_id
            },
            "can_suspend": request.user.has_perm(SUSPEND),
            "hide_form": forms.get("hide_form") or ReasonForm(prefix="hide"),
            "warn_form": forms.get("warn_form") or ReasonForm(prefix="warn"),
            "suspend_form": forms.get("suspend_form") or SuspendForm(prefix="suspend"),
            "dismiss_form": forms.get("dismiss_form") or DismissForm(prefix="dismiss"),
        },
        status=status,
    )


@staff_permission_required(MODERATE)
def case(request: HttpRequest, user_id: int):
    target = get_object_or_404(get_user_model(), pk=user_id)
    return _case_page(request, target)


@staff_permission_required(MODERATE)
@require_POST
def case_dismiss(request: HttpRequest, user_id: int):
    target = get_object_or_404(get_user_model(), pk=user_id)
    form = DismissForm(request.POST, prefix="dismiss")
    if not form.is_valid():
        return _case_page(request, target, status=400, dismiss_form=form)
    with refusals_shown(request) as outcome:
        closed = services.report_group_dismiss(
            moderator=request.user,
            target_user_id=target.pk,
            note=form.cleaned_data["note"],
            request=request,
        )
    if outcome.ok:
        messages.success(request, f"Dismissed {closed} report(s). Each reporter was told.")
    return redirect("safety:staff_case", user_id=target.pk)


@staff_permission_required(MODERATE)
@require_POST
def report_hide(request: HttpRequest, pk: int):
    report = get_object_or_404(Report, pk=pk)
    form = ReasonForm(request.POST, prefix="hide")
    target = report.target_user
    if not form.is_valid():
        return _case_page(request, target, status=400, hide_form=form)
    with refusals_shown(request, form=form) as outcome:
        services.content_hide(
            moderator=request.user,
            report=report,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    if outcome.refused:
        return _case_page(request, target, status=400, hide_form=form)
    messages.success(
        request, f"Hidden. The author was told why; the {report.kind} is gone for others."
    )
    return redirect("safety:staff_case", user_id=report.target_user_id)


@staff_permission_required(MODERATE)
@require_POST
def report_restore(request: HttpRequest, pk: int):
    report = get_object_or_404(Report, pk=pk)
    with refusals_shown(request) as outcome:
        services.content_restore(moderator=request.user, report=report, request=request)
    if outcome.ok:
        messages.success(request, f"Restored: the {report.kind} is visible again.")
    return redirect("safety:staff_case", user_id=report.target_user_id)


@staff_permission_required(MODERATE)
@require_POST
def case_warn(request: HttpRequest, user_id: int):
    target = get_object_or_404(get_user_model(), pk=user_id)
    form = ReasonForm(request.POST, prefix="warn")
    if form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            services.warning_create(
                moderator=request.user,
                user=target,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        if outcome.ok:
            messages.success(request, "Warning sent.")
            return redirect("safety:staff_case", user_id=target.pk)
    return _case_page(request, target, status=400, warn_form=form)


@staff_permission_required(SUSPEND)
@require_POST
def case_suspend(request: HttpRequest, user_id: int):
    target = get_object_or_404(get_user_model(), pk=user_id)
    form = SuspendForm(request.POST, prefix="suspend")
    if form.is_valid():
        with refusals_shown(request, form=form) as outcome:
            services.suspension_create(
                moderator=request.user,
                user=target,
                reason=form.cleaned_data["reason"],
                ends_at=form.cleaned_data["ends_at"],
                request=request,
            )
        if outcome.ok:
            messages.success(
                request,
                "Suspended. Their open sessions end on their next click; their pending "
                "requests were withdrawn.",
            )
            return redirect("safety:staff_case", user_id=target.pk)
    return _case_page(request, target, status=400, suspend_form=form)


@staff_permission_required(SUSPEND)
def suspension_list(request: HttpRequest):
    now = timezone.now()
    rows = Suspension.objects.select_related("user", "created_by", "lifted_by")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    active_ids = set(Suspension.objects.active(now=now).values_list("pk", flat=True))
    return render(
        request,
        "safety/staff/suspensions.html",
        {"page_obj": page, "suspensions": page.object_list, "active_ids": active_ids},
    )


@staff_permission_required(SUSPEND)
@require_POST
def suspension_lift(request: HttpRequest, pk: int):
    suspension = get_object_or_404(Suspension, pk=pk)
    with refusals_shown(request) as outcome:
        services.suspension_lift(moderator=request.user, suspension=suspension, request=request)
    if outcome.ok:
        messages.success(request, "Suspension lifted: they can sign in again.")
    if request.POST.get("back") == "case":
        return redirect("safety:staff_case", user_id=suspension.user_id)
    return redirect("safety:staff_suspensions")


@staff_permission_required(MODERATE)
@require_POST
def mentor_review(request: HttpRequest, user_id: int):
    mentor = get_object_or_404(get_user_model(), pk=user_id)
    form = MentorReviewForm(request.POST)
    if form.is_valid():
        with refusals_shown(request) as outcome:
            services.mentor_review_decide(
                moderator=request.user,
                user=mentor,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                request=request,
            )
        if outcome.ok:
            messages.success(request, f"Decision saved for {mentor}.")
    else:
        messages.error(request, "Choose approve or do not approve.")
    return redirect("safety:staff_queue")


def _audit_rows(request: HttpRequest):
    form = AuditFilterForm(request.GET or None)
    rows = selectors.audit_entries()
    if form.is_valid():
        data = form.cleaned_data
        person_id = None
        if data["person"]:
            person = get_user_model().objects.filter(email__iexact=data["person"]).first()
            person_id = person.pk if person else -1
        rows = selectors.audit_entries(
            action=data["action"],
            person_id=person_id,
            since=_day_start(data["since"]),
            until=_day_start(data["until"] + datetime.timedelta(days=1)) if data["until"] else None,
        )
    return form, rows


def _day_start(day):
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@staff_permission_required(AUDIT)
def audit_log(request: HttpRequest):
    form, rows = _audit_rows(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    people = selectors.people_by_id(
        [row.actor_id for row in page.object_list]
        + [row.target_user_id for row in page.object_list]
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "safety/staff/audit_log.html",
        {
            "form": form,
            "page_obj": page,
            "entries": [
                {
                    "row": row,
                    "actor": people.get(row.actor_id),
                    "target_user": people.get(row.target_user_id),
                }
                for row in page.object_list
            ],
            "query": query.urlencode(),
        },
    )


class _Echo:
    def write(self, value):
        return value


def csv_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (=, +, -, @, tab, CR first)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


@staff_permission_required(AUDIT)
def audit_log_csv(request: HttpRequest):
    _form, rows = _audit_rows(request)
    writer = csv.writer(_Echo())
    header = [
        "time_utc",
        "action",
        "actor_id",
        "actor",
        "target_type",
        "target_id",
        "target_user_id",
        "summary",
        "ip_address",
    ]

    def lines():
        yield writer.writerow(header)
        for chunk_start in range(0, rows.count(), 1000):
            chunk = list(rows[chunk_start : chunk_start + 1000])
            people = selectors.people_by_id([r.actor_id for r in chunk])
            for row in chunk:
                actor = people.get(row.actor_id)
                yield writer.writerow(
                    [
                        row.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        row.action,
                        row.actor_id or "",
                        csv_cell(actor.email if actor else ""),
                        csv_cell(row.target_type),
                        csv_cell(row.target_id),
                        row.target_user_id or "",
                        csv_cell(row.summary),
                        row.ip_address or "",
                    ]
                )

    services.audit_record(
        action="data_export", request=request, target="audit log CSV", summary="audit log"
    )
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
