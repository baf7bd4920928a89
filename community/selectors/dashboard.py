"""The programme dashboard's figures, aggregated in the database.

Every chart is one :class:`Chart` from one function, each a fixed number of
queries (one or two) whatever the size of the programme: the database groups
and counts, Python only lays out the months. The page shows them all; each
chart's numbers download as CSV from the same function.

Sessions held and no-shows, ratings and reports live in
``dashboard_sessions``; ``CHARTS`` lists every chart in page order.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Extract, TruncMonth
from django.utils import timezone

from community.models import Answer, Question
from community.selectors.charts import Chart, by_month, month_key, month_label, months_back, since
from community.selectors.dashboard_sessions import chart_ratings, chart_reports, chart_sessions
from matching.models import MatchRequest, Mentorship, Suggestion
from profiles.models import AvailabilitySlot, Goal, Profile, ProfileSkill, User
from sessions.models import MentoringSession


def chart_signups(now: datetime.datetime) -> Chart:
    months = months_back(now)
    rows = (
        User.objects.filter(date_joined__gte=since(months))
        .annotate(month=TruncMonth("date_joined", tzinfo=datetime.UTC))
        .values("month")
        .annotate(
            people=Count("id"),
            mentors=Count("id", filter=Q(profile__role__in=Profile.MENTOR_ROLES)),
            mentees=Count("id", filter=Q(profile__role__in=Profile.MENTEE_ROLES)),
        )
        .order_by("month")
    )
    data = by_month(rows, months, "people", "mentors", "mentees")
    return Chart(
        "signups",
        "Sign-ups per month",
        "line",
        [month_label(m) for m in months],
        [("Everyone", data["people"]), ("Mentors", data["mentors"]), ("Mentees", data["mentees"])],
        note="People who joined in each month (UTC); someone who is both counts on both lines.",
    )


def chart_completeness(now: datetime.datetime) -> Chart:
    profiles = Profile.objects.filter(user__is_active=True)
    row = profiles.aggregate(
        total=Count("id"),
        headline=Count("id", filter=~Q(headline="")),
        bio=Count("id", filter=~Q(bio="")),
        job_title=Count("id", filter=~Q(job_title="")),
        timezone=Count("id", filter=~Q(timezone="UTC")),
        photo=Count("id", filter=~Q(avatar="")),
        # ``IN (uncorrelated subquery)``: hashed once, not an EXISTS per profile.
        languages=Count(
            "id", filter=Q(pk__in=Profile.languages.through.objects.values("profile_id"))
        ),
        skills=Count("id", filter=Q(pk__in=ProfileSkill.objects.values("profile_id"))),
        goal=Count(
            "id",
            filter=Q(role__in=Profile.MENTEE_ROLES)
            & Q(
                user_id__in=Goal.objects.filter(
                    status__in=[Goal.Status.OPEN, Goal.Status.IN_PROGRESS]
                ).values("owner_id")
            ),
        ),
        mentees=Count("id", filter=Q(role__in=Profile.MENTEE_ROLES)),
        availability=Count(
            "id",
            filter=Q(role__in=Profile.MENTOR_ROLES)
            & Q(pk__in=AvailabilitySlot.objects.values("profile_id")),
        ),
        mentors=Count("id", filter=Q(role__in=Profile.MENTOR_ROLES)),
    )

    def pct(part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 0.0

    total = row["total"]
    items = [
        ("Headline", pct(row["headline"], total)),
        ("Bio", pct(row["bio"], total)),
        ("Job title", pct(row["job_title"], total)),
        ("Languages", pct(row["languages"], total)),
        ("Time zone chosen", pct(row["timezone"], total)),
        ("Photo", pct(row["photo"], total)),
        ("At least one skill", pct(row["skills"], total)),
        ("Open goal (mentees)", pct(row["goal"], row["mentees"])),
        ("Availability (mentors)", pct(row["availability"], row["mentors"])),
    ]
    return Chart(
        "completeness",
        "Profile completeness",
        "hbar",
        [label for label, _ in items],
        [("% of profiles", [value for _, value in items])],
        note=f"Share of the {total} active profiles that have each item.",
        unit="%",
    )


def chart_funnel(now: datetime.datetime) -> Chart:
    mentees = User.objects.filter(is_active=True, profile__role__in=Profile.MENTEE_ROLES)
    # ``pk IN (one uncorrelated subquery)`` per step: PostgreSQL hashes each
    # subquery once (a correlated EXISTS per mentee was 10x slower at 10,000).
    reached = {
        "suggested": Suggestion.objects.values("mentee_id"),
        "requested": MatchRequest.objects.values("mentee_id"),
        "accepted": MatchRequest.objects.filter(status=MatchRequest.Status.ACCEPTED).values(
            "mentee_id"
        ),
        "first_session": MentoringSession.objects.filter(
            kind=MentoringSession.Kind.LONG_TERM, status=MentoringSession.Status.HELD
        ).values("mentee_id"),
    }
    row = mentees.aggregate(
        mentees=Count("id"),
        **{name: Count("id", filter=Q(pk__in=ids)) for name, ids in reached.items()},
    )
    steps = [
        ("Mentees", row["mentees"]),
        ("Got suggestions", row["suggested"]),
        ("Sent a request", row["requested"]),
        ("Had a request accepted", row["accepted"]),
        ("Held a first session", row["first_session"]),
    ]
    return Chart(
        "funnel",
        "Funnel: suggestions → requests → accepted → first session held",
        "bar",
        [label for label, _ in steps],
        [("Mentees", [value for _, value in steps])],
        note="Active mentees who reached each step at least once; the last step counts "
        "mentorship sessions marked held (flash sessions are not part of the funnel).",
    )


def chart_acceptance(now: datetime.datetime) -> Chart:
    months = months_back(now)
    rows = (
        MatchRequest.objects.filter(created_at__gte=since(months))
        .exclude(status=MatchRequest.Status.WITHDRAWN)
        .annotate(month=TruncMonth("created_at", tzinfo=datetime.UTC))
        .values("month")
        .annotate(
            requests=Count("id"),
            answered=Count("id", filter=Q(status__in=["accepted", "declined", "expired"])),
            accepted=Count("id", filter=Q(status=MatchRequest.Status.ACCEPTED)),
        )
        .order_by("month")
    )
    data = by_month(rows, months, "requests", "answered", "accepted")
    rate = [
        round(100 * a / n, 1) if n else None
        for a, n in zip(data["accepted"], data["answered"], strict=True)
    ]
    return Chart(
        "acceptance",
        "Acceptance rate per month",
        "line",
        [month_label(m) for m in months],
        [("Accepted (% of decided)", rate)],
        note="Requests sent in each month (withdrawn ones left out); the rate is accepted "
        "out of accepted, declined and expired.",
        unit="%",
        y_max=100,
        extra=[
            ("Requests", data["requests"]),
            ("Decided", data["answered"]),
            ("Accepted", data["accepted"]),
        ],
    )


class _Median(Aggregate):
    """PostgreSQL's ordered-set median (``percentile_cont(0.5)``)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def chart_answer_time(now: datetime.datetime) -> Chart:
    months = months_back(now)
    answered = MatchRequest.objects.filter(
        created_at__gte=since(months),
        responded_at__isnull=False,
        status__in=[MatchRequest.Status.ACCEPTED, MatchRequest.Status.DECLINED],
    )
    labels = [month_label(m) for m in months]
    if connection.vendor == "postgresql":
        hours = ExpressionWrapper(
            Extract(
                ExpressionWrapper(
                    F("responded_at") - F("created_at"), output_field=DurationField()
                ),
                "epoch",
            )
            / Value(3600.0),
            output_field=FloatField(),
        )
        rows = (
            answered.annotate(month=TruncMonth("created_at", tzinfo=datetime.UTC))
            .values("month")
            .annotate(median=_Median(hours))
            .order_by("month")
        )
        found = {month_key(r["month"]): r["median"] for r in rows}
        medians = [round(found[m], 1) if found.get(m) is not None else None for m in months]
    else:  # SQLite has no ordered-set aggregate: one query, the median taken here
        per_month: dict[datetime.date, list[float]] = {}
        for created, responded in answered.values_list("created_at", "responded_at"):
            per_month.setdefault(month_key(created), []).append(
                (responded - created).total_seconds() / 3600
            )
        medians = [
            round(statistics.median(per_month[m]), 1) if per_month.get(m) else None for m in months
        ]
    return Chart(
        "answer-time",
        "Median time to a mentor's answer",
        "line",
        labels,
        [("Hours (median)", medians)],
        note="From a request arriving to the mentor accepting or declining it, by the month it arrived.",
        unit="h",
    )


def chart_mentor_load(now: datetime.datetime) -> Chart:
    # Places taken per mentor as a grouped inner query; the outer aggregate then
    # reads the column (a correlated subquery was evaluated once per filter).
    holding = Q(user__mentorships_as_mentor__in=Mentorship.objects.holding_places())
    mentors = Profile.objects.filter(user__is_active=True, role__in=Profile.MENTOR_ROLES).annotate(
        taken=Count("user__mentorships_as_mentor", filter=holding)
    )
    row = mentors.aggregate(
        no_places=Count("id", filter=Q(capacity=0)),
        empty=Count("id", filter=Q(capacity__gt=0, taken=0)),
        some=Count("id", filter=Q(capacity__gt=0, taken__gt=0) & Q(taken__lt=F("capacity"))),
        full=Count("id", filter=Q(capacity__gt=0) & Q(taken__gte=F("capacity"))),
    )
    steps = [
        ("All places free", row["empty"]),
        ("Partly full", row["some"]),
        ("Full", row["full"]),
        ("Flash only (no places)", row["no_places"]),
    ]
    return Chart(
        "mentor-load",
        "Mentor load",
        "bar",
        [label for label, _ in steps],
        [("Mentors", [value for _, value in steps])],
        note="Active mentors by how many of their long-term places active mentorships use.",
    )


def chart_questions(now: datetime.datetime) -> Chart:
    months = months_back(now)
    fast = Answer.objects.filter(
        question=OuterRef("pk"),
        is_hidden=False,
        created_at__lte=OuterRef("created_at") + datetime.timedelta(days=1),
    )
    rows = (
        Question.objects.filter(created_at__gte=since(months), is_hidden=False)
        .annotate(month=TruncMonth("created_at", tzinfo=datetime.UTC), fast=Exists(fast))
        .values("month")
        .annotate(asked=Count("id"), within_day=Count("id", filter=Q(fast=True)))
        .order_by("month")
    )
    data = by_month(rows, months, "asked", "within_day")
    return Chart(
        "questions",
        "Questions answered within a day",
        "bar",
        [month_label(m) for m in months],
        [("Asked", data["asked"]), ("Answered within 24 h", data["within_day"])],
        note="Questions asked in each month, and those with a first answer within 24 hours.",
    )


#: Every chart of the dashboard, in page order (slug -> function).
CHARTS: dict[str, Callable[[datetime.datetime], Chart]] = {
    "signups": chart_signups,
    "completeness": chart_completeness,
    "funnel": chart_funnel,
    "acceptance": chart_acceptance,
    "answer-time": chart_answer_time,
    "mentor-load": chart_mentor_load,
    "questions": chart_questions,
    "sessions": chart_sessions,
    "ratings": chart_ratings,
    "reports": chart_reports,
}


def programme_charts(*, now: datetime.datetime | None = None) -> list[Chart]:
    now = now or timezone.now()
    return [fn(now) for fn in CHARTS.values()]


CHARTS_CACHE_KEY = "programme:charts"
#: The page's figures are read at most this often (each read scans the whole
#: programme); the page says when they were read, and a CSV is always read afresh.
CHARTS_CACHE_SECONDS = 60


def programme_charts_recent() -> tuple[list[Chart], datetime.datetime]:
    """Every chart as read at most ``CHARTS_CACHE_SECONDS`` ago, and when it was read."""

    def read() -> tuple[list[Chart], datetime.datetime]:
        read_at = timezone.now()
        return programme_charts(now=read_at), read_at

    return cache.get_or_set(CHARTS_CACHE_KEY, read, CHARTS_CACHE_SECONDS)


def programme_chart(*, slug: str, now: datetime.datetime | None = None) -> Chart | None:
    fn = CHARTS.get(slug)
    return fn(now or timezone.now()) if fn else None
