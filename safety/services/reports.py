"""Reports: a member tells moderators about a person or a piece of content."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications import notify

from ..models import AuditLog, Report, ReportReason
from ..registry import content_for_model
from .audit import audit_record
from .blocks import SafetyRefusal
from .events import emit_report_filed

DETAILS_MAX = 2000
#: Reports one person may file in 24 hours: enough for a real problem, not for
#: flooding the queue (or harassing someone by mass-reporting them).
REPORTS_PER_DAY = 20


@transaction.atomic
def report_create(*, reporter, target, reason: str, details: str = "", request=None) -> Report:
    """File a report about ``target`` (a registered content row, or a profile).

    The content is snapshotted now, with the thread around it, so moderators
    see it as it was even if it is edited or deleted later. The reporter is
    told it arrived; the reported person is told nothing.
    """
    entry = content_for_model(type(target))
    if entry is None:
        raise SafetyRefusal("This cannot be reported.", code="not_reportable")
    if not entry.visible_to(target, reporter):
        raise SafetyRefusal("This cannot be reported.", code="not_reportable")
    author = entry.author(target)
    if author is not None and author.pk == reporter.pk:
        raise SafetyRefusal("You cannot report yourself.", code="report_self")
    if reason not in ReportReason.values:
        raise SafetyRefusal("Choose a reason from the list.", code="report_reason", field="reason")
    details = (details or "").strip()
    if len(details) > DETAILS_MAX:
        raise SafetyRefusal(
            f"Keep the details under {DETAILS_MAX} characters.",
            code="report_details",
            field="details",
        )
    since = timezone.now() - datetime.timedelta(days=1)
    if Report.objects.filter(reporter=reporter, created_at__gte=since).count() >= REPORTS_PER_DAY:
        raise SafetyRefusal(
            "You have sent many reports today; moderators are working through them. "
            "Please try again tomorrow, or block the person now.",
            code="report_limit",
        )
    content_type = ContentType.objects.get_for_model(type(target))
    if (
        Report.objects.open()
        .filter(reporter=reporter, content_type=content_type, object_id=str(target.pk))
        .exists()
    ):
        raise SafetyRefusal(
            "You have already reported this; moderators will look at it.",
            code="report_duplicate",
        )
    report = Report(
        reporter=reporter,
        target_user=author,
        content_type=content_type,
        object_id=str(target.pk),
        kind=entry.kind,
        reason=reason,
        details=details,
        snapshot={"content": entry.snapshot(target), "context": entry.context(target)},
    )
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise SafetyRefusal(
            "You have already reported this; moderators will look at it.",
            code="report_duplicate",
        ) from exc
    audit_record(
        action=AuditLog.Action.REPORT,
        actor=reporter,
        target=target,
        target_user=author,
        summary=f"{entry.kind}: {report.get_reason_display()}",
        request=request,
    )
    notify(
        user=reporter,
        kind="report_received",
        title="Thank you: your report arrived",
        body=(
            "Our moderators will look at it. The person you reported is not told who "
            "reported them. We will let you know when it has been handled."
        ),
        url=reverse("safety:reports_mine"),
        email=False,
    )
    emit_report_filed(report)
    return report
