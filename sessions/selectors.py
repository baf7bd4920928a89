"""Reads of the workspace: sessions a person may see, free slots, threads, ratings, reliability.

Every lookup by id goes through the person asking (``*_for_party``), so a
stranger's id finds nothing and the view answers 404. Private notes are
selected by author, never handed to anyone else.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship, RequestMessage
from profiles.models import AvailabilitySlot, Goal, Milestone
from profiles.selectors import profile_of
from profiles.timezones import zone_or_utc
from sessions import conf
from sessions.models import (
    CalendarFeed,
    MentoringSession,
    MentorSessionSettings,
    Message,
    SessionAttendee,
    SessionFeedback,
    SessionNote,
    StaffFlag,
)

Status = MentoringSession.Status
UTC = datetime.UTC


# --- sessions --------------------------------------------------------------------


def sessions_for_user(*, user) -> QuerySet[MentoringSession]:
    return MentoringSession.objects.for_user(user).select_related(
        "mentor", "mentor__profile", "mentee", "mentee__profile", "mentorship"
    )


def session_for_party(*, user, pk: int) -> MentoringSession | None:
    return sessions_for_user(user=user).filter(pk=pk).first()


def sessions_upcoming(*, user, now=None) -> QuerySet[MentoringSession]:
    return sessions_for_user(user=user).upcoming(now or timezone.now()).order_by("starts_at")


def sessions_past(*, user, now=None) -> QuerySet[MentoringSession]:
    now = now or timezone.now()
    return (
        sessions_for_user(user=user)
        .filter(ends_at__lte=now)
        .exclude(status__in=[Status.DECLINED])
        .order_by("-starts_at")
    )


def notes_visible(*, session: MentoringSession, user) -> QuerySet[SessionNote]:
    """Shared notes of the session and the viewer's own private note; nobody else's."""
    return (
        SessionNote.objects.filter(session=session)
        .filter(Q(is_private=False) | Q(is_private=True, author=user))
        .select_related("author", "author__profile")
    )


def note_for_author(*, user, pk: int) -> SessionNote | None:
    """A note its author may delete (a note of the session's other person is a 404)."""
    return SessionNote.objects.filter(pk=pk, author=user).select_related("session").first()


def feedback_by(*, session: MentoringSession, user) -> SessionFeedback | None:
    return SessionFeedback.objects.filter(session=session, author=user).first()


def session_state_for(session: MentoringSession, user, *, now=None) -> dict:
    """What ``user`` may do with ``session`` now (the template's switches)."""
    now = now or timezone.now()
    ended = session.ends_at <= now
    started = session.starts_at <= now
    is_answerer = session.proposed_by_id != user.pk
    feedback_open = ended and session.ends_at > now - datetime.timedelta(
        days=conf.get("SESSIONS_FEEDBACK_DAYS")
    )
    return {
        "can_answer": session.status == Status.PROPOSED and is_answerer and not started,
        "can_cancel": session.status in (Status.PROPOSED, Status.CONFIRMED) and not started,
        "can_edit": session.status in (Status.PROPOSED, Status.CONFIRMED) and not ended,
        "can_rate": feedback_open and session.status in (Status.CONFIRMED, Status.HELD),
        "can_report_no_show": started and session.status == Status.CONFIRMED and feedback_open,
        "ended": ended,
        "awaiting_other": session.status == Status.PROPOSED and not is_answerer,
        "late_window_hours": conf.get("SESSIONS_LATE_CANCEL_HOURS"),
        "is_late_if_cancelled": session.status == Status.CONFIRMED
        and session.starts_at - now
        < datetime.timedelta(hours=conf.get("SESSIONS_LATE_CANCEL_HOURS")),
    }


# --- free slots --------------------------------------------------------------------


@dataclass(frozen=True)
class FreeSlot:
    starts_at: datetime.datetime  # UTC
    ends_at: datetime.datetime

    @property
    def value(self) -> str:
        return self.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _merged(intervals: list[tuple[datetime.datetime, datetime.datetime]]):
    merged: list[list[datetime.datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [m[0] for m in merged], [m[1] for m in merged]


def free_slots(
    *,
    mentor,
    viewer=None,
    minutes: int = 60,
    now: datetime.datetime | None = None,
    days: int | None = None,
) -> list[FreeSlot]:
    """Start times the mentor's weekly availability offers in the coming ``days``.

    The weekly windows are in the mentor's own time zone and are laid on the
    calendar day by day, so 09:00 in Berlin stays 09:00 in Berlin on both
    sides of a daylight-saving change (its UTC instant moves). Candidates
    start every ``SESSIONS_SLOT_STEP_MINUTES`` inside a window and must end
    inside it; they start at least ``SESSIONS_MIN_NOTICE_HOURS`` from now,
    and none overlaps a confirmed session of the mentor or of the viewer.
    Two queries, whatever the number of sessions.
    """
    now = now or timezone.now()
    days = days or conf.get("SESSIONS_BOOKING_DAYS")
    step = datetime.timedelta(minutes=conf.get("SESSIONS_SLOT_STEP_MINUTES"))
    length = datetime.timedelta(minutes=minutes)
    earliest = now + datetime.timedelta(hours=conf.get("SESSIONS_MIN_NOTICE_HOURS"))
    latest = now + datetime.timedelta(days=days)
    zone: ZoneInfo = zone_of(mentor)
    windows: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    for weekday, start, end in AvailabilitySlot.objects.filter(profile__user=mentor).values_list(
        "weekday", "start_time", "end_time"
    ):
        windows.setdefault(weekday, []).append((start, end))
    if not windows:
        return []
    people = [mentor.pk] + ([viewer.pk] if viewer is not None and viewer.pk != mentor.pk else [])
    busy_starts, busy_ends = _merged(
        list(
            SessionAttendee.objects.filter(
                user_id__in=people, starts_at__lt=latest + length, ends_at__gt=earliest
            ).values_list("starts_at", "ends_at")
        )
    )
    out: list[FreeSlot] = []
    day = earliest.astimezone(zone).date()
    last_day = latest.astimezone(zone).date()
    while day <= last_day:
        for start_time, end_time in sorted(windows.get(day.weekday(), ())):
            window_start = datetime.datetime.combine(day, start_time, zone).astimezone(UTC)
            window_end = datetime.datetime.combine(day, end_time, zone).astimezone(UTC)
            cursor = window_start
            while cursor + length <= window_end:
                end = cursor + length
                if earliest <= cursor and end <= latest + length and cursor < latest:
                    # The first busy interval ending after this start must begin at or after its end.
                    i = bisect.bisect_right(busy_ends, cursor)
                    if i == len(busy_starts) or busy_starts[i] >= end:
                        out.append(FreeSlot(cursor, end))
                cursor += step
        day += datetime.timedelta(days=1)
    return out


def slots_by_day(
    slots: list[FreeSlot], *, viewer_zone: ZoneInfo, owner_zone: ZoneInfo
) -> list[dict]:
    """Group slots by the viewer's local date, each with both local times."""
    days: dict[datetime.date, list[dict]] = {}
    for slot in slots:
        local = slot.starts_at.astimezone(viewer_zone)
        days.setdefault(local.date(), []).append(
            {
                "slot": slot,
                "viewer": local,
                "viewer_end": slot.ends_at.astimezone(viewer_zone),
                "owner": slot.starts_at.astimezone(owner_zone),
            }
        )
    return [{"date": day, "slots": items} for day, items in sorted(days.items())]


def flash_booking_state(*, mentor, now=None) -> dict:
    now = now or timezone.now()
    settings_row = mentor_settings(mentor)
    used = flash_sessions_in_month(mentor, now)
    return {"limit": settings_row.flash_monthly_limit, "used": used}


# --- the workspace ---------------------------------------------------------------------


@dataclass
class ThreadItem:
    author: object
    body: str
    created_at: datetime.datetime
    before_accept: bool = False
    #: The row behind the item (what "Report" points at); None for the request's own text.
    source: object = None


def thread(
    *, mentorship: Mentorship | None = None, session: MentoringSession | None = None
) -> list:
    """A thread's messages, oldest first; a mentorship's starts with the request's questions."""
    items: list[ThreadItem] = []
    if mentorship is not None and mentorship.request_id:
        # The request usually came with the mentorship (``mentorship_for_party``), and
        # its mentee is the mentorship's, already loaded with their profile.
        request = mentorship.request
        mentee = mentorship.mentee if request.mentee_id == mentorship.mentee_id else request.mentee
        if request.message:
            items.append(ThreadItem(mentee, request.message, request.created_at, True))
        for msg in RequestMessage.objects.filter(request_id=mentorship.request_id).select_related(
            "author", "author__profile"
        ):
            items.append(ThreadItem(msg.author, msg.body, msg.created_at, True, msg))
    qs = thread_messages(mentorship=mentorship, session=session)
    items += [ThreadItem(m.author, m.body, m.created_at, source=m) for m in qs]
    return items


def thread_messages(*, mentorship=None, session=None) -> QuerySet[Message]:
    """The messages of a mentorship's thread or a flash session's, oldest first."""
    qs = Message.objects.filter(
        **({"mentorship": mentorship} if mentorship else {"session": session})
    )
    return qs.select_related("author", "author__profile").order_by("created_at", "id")


def mentee_goals(*, mentorship: Mentorship) -> list[Goal]:
    return list(
        Goal.objects.filter(owner_id=mentorship.mentee_id)
        .exclude(status=Goal.Status.DROPPED)
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("position", "id"))
        )
    )


def goal_in_mentorship(*, mentorship: Mentorship, pk: int) -> Goal | None:
    return Goal.objects.filter(pk=pk, owner_id=mentorship.mentee_id).first()


def milestone_in_mentorship(*, mentorship: Mentorship, goal_pk: int, pk: int) -> Milestone | None:
    return (
        Milestone.objects.filter(pk=pk, goal_id=goal_pk, goal__owner_id=mentorship.mentee_id)
        .select_related("goal")
        .first()
    )


def workspace_sessions(*, mentorship: Mentorship, user, now=None) -> dict:
    now = now or timezone.now()
    sessions = list(
        MentoringSession.objects.filter(
            mentorship__mentee_id=mentorship.mentee_id, mentorship__mentor_id=mentorship.mentor_id
        )
        .select_related("mentor", "mentee", "proposed_by")
        .prefetch_related(
            Prefetch(
                "notes",
                queryset=SessionNote.objects.filter(
                    Q(is_private=False) | Q(author=user)
                ).select_related("author", "author__profile"),
                to_attr="visible_notes",
            )
        )
        .order_by("starts_at")
    )
    upcoming = [
        s for s in sessions if s.ends_at > now and s.status in (Status.PROPOSED, Status.CONFIRMED)
    ]
    confirmed = [s for s in upcoming if s.status == Status.CONFIRMED]
    past = [s for s in reversed(sessions) if s.ends_at <= now and s.status != Status.DECLINED]
    rated = set(
        SessionFeedback.objects.filter(author=user, session__in=[s.pk for s in past]).values_list(
            "session_id", flat=True
        )
    )
    for s in past:
        s.rated_by_viewer = s.pk in rated
    return {
        "next_session": confirmed[0] if confirmed else None,
        "upcoming": [s for s in upcoming if not confirmed or s.pk != confirmed[0].pk],
        "past": past,
        "declined_or_cancelled": [
            s for s in sessions if s.status == Status.CANCELLED and s.ends_at > now
        ],
    }


def unread_messages_count(*, user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()


# --- ratings and reliability ---------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    average: float
    count: int


def mentor_rating(*, mentor) -> Rating | None:
    """The mentor's average rating from mentees, once there are enough to mean something."""
    return mentor_ratings([mentor.pk]).get(mentor.pk)


def mentor_ratings(mentor_ids) -> dict[int, Rating]:
    """:func:`mentor_rating` for many mentors in one query (those with too few ratings left out)."""
    rows = (
        SessionFeedback.objects.filter(
            subject_id__in=list(mentor_ids), session__mentor=F("subject")
        )
        .order_by()
        .values("subject_id")
        .annotate(average=Avg("rating"), count=Count("id"))
    )
    least = conf.get("SESSIONS_MIN_RATINGS_SHOWN")
    return {
        row["subject_id"]: Rating(average=round(float(row["average"]), 1), count=row["count"])
        for row in rows
        if row["count"] >= least
    }


def sessions_held_counts(user_ids) -> dict[int, int]:
    """Sessions each person held, on either side (two grouped queries)."""
    ids = list(user_ids)
    held = MentoringSession.objects.filter(status=Status.HELD).order_by()
    out: dict[int, int] = {}
    for side in ("mentor_id", "mentee_id"):
        rows = held.filter(**{f"{side}__in": ids}).values(side).annotate(n=Count("id"))
        for row in rows:
            out[row[side]] = out.get(row[side], 0) + row["n"]
    return out


def reliability_counts(mentor_ids) -> dict[int, tuple[float, float]]:
    """Per mentor: (sessions with a known outcome, of them kept), for the matching engine.

    Counted: the mentor's sessions that were held, that the mentor missed
    (no-show reported by the mentee), or that the mentor cancelled late. Kept:
    held sessions, each weighted by the mentee's rating when there is one
    (5 → 1.0, 1 → 0.0); a held session without a rating counts fully.
    ``mentor_ids`` None: every mentor (grouped over the whole table, no id list).
    """
    counted: dict[int, float] = {}
    kept: dict[int, float] = {}
    base = MentoringSession.objects.all()
    if mentor_ids is not None:
        base = base.filter(mentor_id__in=list(mentor_ids))
    missed = (
        base.filter(
            Q(status=Status.NO_SHOW, no_show_user_id=F("mentor_id"))
            | Q(status=Status.CANCELLED, cancelled_late=True, cancelled_by_id=F("mentor_id"))
        )
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("id"))
    )
    for row in missed:
        counted[row["mentor_id"]] = counted.get(row["mentor_id"], 0.0) + row["n"]
    held = (
        base.filter(status=Status.HELD)
        .order_by()
        .values("mentor_id")
        .annotate(
            n=Count("id", distinct=True),
            rated=Count("feedback", filter=Q(feedback__author_id=F("mentee_id")), distinct=True),
            rating_sum=Sum("feedback__rating", filter=Q(feedback__author_id=F("mentee_id"))),
        )
    )
    for row in held:
        mentor_id = row["mentor_id"]
        unrated = row["n"] - row["rated"]
        rated_kept = ((row["rating_sum"] or 0) - row["rated"]) / 4.0  # Σ (r - 1) / 4
        counted[mentor_id] = counted.get(mentor_id, 0.0) + row["n"]
        kept[mentor_id] = kept.get(mentor_id, 0.0) + unrated + rated_kept
    return {mid: (counted[mid], kept.get(mid, 0.0)) for mid in counted}


# --- calendar and staff ----------------------------------------------------------------------


def feed_for_token(*, token: str) -> CalendarFeed | None:
    if not token or len(token) > 64:
        return None
    return (
        CalendarFeed.objects.filter(token=token, user__is_active=True)
        .select_related("user")
        .first()
    )


def feed_of(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_sessions(*, user) -> QuerySet[MentoringSession]:
    """Everything a person's calendar shows: confirmed, held and cancelled-after-confirmation."""
    return (
        MentoringSession.objects.for_user(user)
        .filter(
            Q(status__in=[Status.CONFIRMED, Status.HELD, Status.NO_SHOW])
            | Q(status=Status.CANCELLED, responded_at__isnull=False)
        )
        .select_related("mentor", "mentor__profile", "mentee", "mentee__profile")
        .order_by("starts_at")
    )


def staff_flags(*, open_only: bool = True) -> QuerySet[StaffFlag]:
    qs = StaffFlag.objects.select_related(
        "session", "reported_by", "reported_by__profile", "about", "about__profile"
    )
    return qs.filter(resolved_at__isnull=True) if open_only else qs


# --- small reads the booking services share ------------------------------------


def zone_of(user) -> ZoneInfo:
    """The person's time zone (UTC when unset or no longer known); no query once the
    user object holds its profile (``profile_of``)."""
    profile = profile_of(user)
    return zone_or_utc(profile.timezone if profile is not None else None)


def mentor_settings(mentor) -> MentorSessionSettings:
    found = MentorSessionSettings.objects.filter(mentor=mentor).first()
    return found or MentorSessionSettings(mentor=mentor)


def _month_bounds(moment: datetime.datetime, zone: ZoneInfo):
    local = moment.astimezone(zone)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, nxt


def flash_sessions_in_month(mentor, moment: datetime.datetime, *, exclude_session=None) -> int:
    """Flash sessions of ``mentor`` proposed, confirmed or held in the month of ``moment``.

    The month is the mentor's own calendar month (their time zone).
    """
    first, nxt = _month_bounds(moment, zone_of(mentor))
    qs = MentoringSession.objects.filter(
        mentor=mentor,
        kind=MentoringSession.Kind.FLASH,
        starts_at__gte=first,
        starts_at__lt=nxt,
        status__in=[Status.PROPOSED, Status.CONFIRMED, Status.HELD, Status.NO_SHOW],
    )
    if exclude_session is not None:
        qs = qs.exclude(pk=exclude_session.pk)
    return qs.count()


def when_for(user, moment: datetime.datetime) -> str:
    """A moment as ``user`` reads it: their zone, with its abbreviation."""
    local = moment.astimezone(zone_of(user))
    return f"{local:%a %-d %b %Y, %H:%M} {local.tzname()}"


def session_url(session: MentoringSession) -> str:
    return reverse("sessions:session_detail", args=[session.pk])
