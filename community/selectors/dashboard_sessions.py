"""Dashboard charts about what happens after the match: sessions, ratings, reports.

Each is one grouped query over the last twelve months, like the charts in
``dashboard``.
"""

from __future__ import annotations

import datetime

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth

from community.selectors.charts import Chart, by_month, month_label, months_back, since
from safety.models import Report
from sessions.models import MentoringSession, SessionFeedback


def chart_sessions(now: datetime.datetime) -> Chart:
    months = months_back(now)
    Status = MentoringSession.Status
    rows = (
        MentoringSession.objects.filter(starts_at__gte=since(months), starts_at__lte=now)
        .annotate(month=TruncMonth("starts_at", tzinfo=datetime.UTC))
        .values("month")
        .annotate(
            held=Count("id", filter=Q(status=Status.HELD)),
            no_show=Count("id", filter=Q(status=Status.NO_SHOW)),
            late_cancel=Count("id", filter=Q(status=Status.CANCELLED, cancelled_late=True)),
            flash=Count("id", filter=Q(status=Status.HELD, kind=MentoringSession.Kind.FLASH)),
        )
        .order_by("month")
    )
    data = by_month(rows, months, "held", "no_show", "late_cancel", "flash")
    return Chart(
        "sessions",
        "Sessions held and no-shows",
        "bar",
        [month_label(m) for m in months],
        [
            ("Held", data["held"]),
            ("No-shows", data["no_show"]),
            ("Cancelled late", data["late_cancel"]),
        ],
        note="Sessions by the month they were planned to start (UTC), up to today; "
        "a no-show is one side reporting that the other did not come.",
        extra=[("Of the held: flash sessions", data["flash"])],
    )


def chart_ratings(now: datetime.datetime) -> Chart:
    months = months_back(now)
    rows = (
        SessionFeedback.objects.filter(created_at__gte=since(months))
        .annotate(month=TruncMonth("created_at", tzinfo=datetime.UTC))
        .values("month")
        .annotate(
            ratings=Count("id"),
            average=Avg("rating"),
            of_mentors=Avg("rating", filter=Q(subject=F("session__mentor"))),
            low=Count("id", filter=Q(rating__lte=2)),
        )
        .order_by("month")
    )
    rows = list(rows)
    data = by_month(rows, months, "ratings", "low")
    means = by_month(rows, months, "average", "of_mentors", empty=None)
    average, of_mentors = (
        [None if v is None else round(float(v), 2) for v in means[name]]
        for name in ("average", "of_mentors")
    )
    return Chart(
        "ratings",
        "Session ratings",
        "line",
        [month_label(m) for m in months],
        [("Average rating (1–5)", average), ("Mentors' average (by mentees)", of_mentors)],
        note="Feedback given after sessions, by the month it was given; a month without "
        "ratings has no point.",
        unit="/5",
        extra=[("Ratings", data["ratings"]), ("Rated 1 or 2", data["low"])],
        y_max=5,
    )


def chart_reports(now: datetime.datetime) -> Chart:
    months = months_back(now)
    Status = Report.Status
    rows = (
        Report.objects.filter(created_at__gte=since(months))
        .annotate(month=TruncMonth("created_at", tzinfo=datetime.UTC))
        .values("month")
        .annotate(
            filed=Count("id"),
            actioned=Count("id", filter=Q(status=Status.ACTIONED)),
            dismissed=Count("id", filter=Q(status=Status.DISMISSED)),
            open=Count("id", filter=Q(status=Status.OPEN)),
        )
        .order_by("month")
    )
    data = by_month(rows, months, "filed", "actioned", "dismissed", "open")
    return Chart(
        "reports",
        "Reports",
        "bar",
        [month_label(m) for m in months],
        [
            ("Filed", data["filed"]),
            ("Action taken", data["actioned"]),
            ("Dismissed", data["dismissed"]),
        ],
        note="Reports filed by members in each month and what moderators decided; "
        "the CSV adds those still open.",
        extra=[("Still open", data["open"])],
    )
