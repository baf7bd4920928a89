"""Safety's webhook event: a report was filed (registered in ``SafetyConfig.ready()``).

The payload says that something needs a moderator and where to look, never who
reported nor what they wrote: an outside system (a moderators' chat channel)
gets the alert, the details stay behind the moderator role and its second factor.
"""

from __future__ import annotations

from django.urls import reverse

from mentorship.events import register_event_kind
from mentorship.services.webhooks import webhook_emit

from ..models import Report

REPORT_FILED = "report.filed"


def register_event_kinds() -> None:
    register_event_kind(REPORT_FILED, "Report filed", "A member reported a person or content.")


def emit_report_filed(report: Report) -> None:
    webhook_emit(
        kind=REPORT_FILED,
        data={
            "report": {
                "id": report.pk,
                "kind": report.kind,
                "reason": report.reason,
                "created_at": report.created_at,
                "queue_url": reverse("safety:staff_queue"),
            }
        },
    )
