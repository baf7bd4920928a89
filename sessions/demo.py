"""Demo sessions for ``seed_demo``: mentorships with past and upcoming sessions, notes, messages, ratings.

Registered with ``profiles.hooks.register_demo_filler`` (profiles sits below
sessions and never imports it). Deterministic for a seed
(``random.Random("<seed>:sessions")``), idempotent (nothing is added when the
demo people already have sessions), quiet (bulk inserts: no notifications,
no email) and relative to today, like the rest of the demo data.

Who: the demo community's mentors with capacity each take one or two
long-term mentees (mentees who only mentor nobody, so nobody attends two
sessions at once), and some mentees book flash sessions with other mentors.
The demo logins (``mentor@…`` and ``mentee@…``) get a mentorship of their
own, so the first page a newcomer opens is a living workspace.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from matching.models import Format, MatchRequest, Mentorship
from profiles.models import Profile
from sessions.models import (
    MentoringSession,
    Message,
    SessionAttendee,
    SessionFeedback,
    SessionNote,
)

DEMO_DOMAIN = "demo.mentorship.local"
Status = MentoringSession.Status

AGENDAS = [
    "Review the project plan and agree the next milestone.",
    "Mock interview: system design, then feedback.",
    "Go through the portfolio and pick two pieces to polish.",
    "Talk about stakeholder management and a difficult conversation.",
    "Plan the first 90 days in the new role.",
    "Walk through a pull request together and discuss code review habits.",
]
SHARED_NOTES = [
    "Agreed: draft the one-page brief by next week and share it before the session.",
    "Next steps: practise the STAR answers; book a mock interview in two weeks.",
    "We picked the data pipeline project as the portfolio centrepiece.",
    "Action: ask the manager for a stretch task on the Q3 roadmap.",
]
PRIVATE_NOTES = [
    "Seems nervous about presenting; start next time with a small win.",
    "Remember to ask how the team reorganisation went.",
    "I should bring two examples of good design docs.",
]
MESSAGES = [
    ("mentee", "Thanks for today! I wrote up the notes and added the milestone."),
    (
        "mentor",
        "Great work. Have a look at the **design doc template** I mentioned before we meet.",
    ),
    ("mentee", "Quick question: should I send the brief to my manager first or to you?"),
    ("mentor", "Send it to me first, we can polish it together."),
    ("mentee", "Could we move next week's session by an hour? I proposed another time."),
    ("mentor", "Confirmed, see you then."),
]
TOPICS = [
    "Moving from analytics into data engineering",
    "Negotiating a first senior offer",
    "How to prepare for a staff-level interview",
    "Switching careers into product management",
]
COMMENTS = ["Very practical, thank you.", "Clear and kind.", "Helpful, a bit rushed.", "", ""]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), datetime.UTC)


class _Calendar:
    """Hands out one-hour starts so nobody attends two sessions in the same hour."""

    def __init__(self):
        self.busy: dict[int, set[datetime.datetime]] = {}

    def take(self, rng, people, day: datetime.date) -> datetime.datetime:
        for _ in range(40):
            start = _at(day, rng.choice([8, 9, 10, 13, 14, 15, 16, 17]))
            if all(start not in self.busy.setdefault(p, set()) for p in people):
                for p in people:
                    self.busy[p].add(start)
                return start
            day += datetime.timedelta(days=1)
        raise RuntimeError("no free hour found")


@transaction.atomic
def demo_sessions_seed(*, seed: int) -> dict[str, int]:
    if MentoringSession.objects.filter(mentor__email__endswith=f"@{DEMO_DOMAIN}").exists():
        return {}
    rng = random.Random(f"{seed}:sessions")  # reproducible demo data, no secret  # nosec B311
    now = timezone.now()
    today = now.date()
    profiles = list(
        Profile.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}", user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    mentors = [p for p in profiles if p.is_mentor and p.capacity > 0 and p.format_long_term]
    mentees = [p for p in profiles if p.role == Profile.Role.MENTEE]
    flash_mentors = [p for p in profiles if p.is_mentor and p.format_flash and p.accepting]
    if not mentors or not mentees:
        return {}
    demo_mentor = next((p for p in profiles if p.user.email == f"mentor@{DEMO_DOMAIN}"), None)
    demo_mentee = next((p for p in profiles if p.user.email == f"mentee@{DEMO_DOMAIN}"), None)
    pairs: list[tuple[Profile, Profile]] = []
    if demo_mentor and demo_mentee:
        pairs.append((demo_mentor, demo_mentee))
    pool = [m for m in mentees if m is not demo_mentee]
    rng.shuffle(pool)
    for mentor in mentors[: min(60, len(mentors))]:
        if mentor is demo_mentor:
            continue
        for _ in range(rng.choice([1, 1, 2])):
            if pool:
                pairs.append((mentor, pool.pop()))
    existing = set(
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).values_list(
            "mentor_id", "mentee_id"
        )
    )
    pairs = [(m, e) for m, e in pairs if (m.user_id, e.user_id) not in existing]
    slots_used: dict[int, int] = {}
    for mentor_id, slot in Mentorship.objects.filter(
        status=Mentorship.Status.ACTIVE, slot__isnull=False
    ).values_list("mentor_id", "slot"):
        slots_used[mentor_id] = max(slots_used.get(mentor_id, 0), slot)
    requests = MatchRequest.objects.bulk_create(
        MatchRequest(
            mentee=e.user,
            mentor=m.user,
            format=Format.LONG_TERM,
            status=MatchRequest.Status.ACCEPTED,
            message="I would love your help with my goals; your experience is exactly what I am looking for.",
            responded_at=now - datetime.timedelta(weeks=10),
        )
        for m, e in pairs
    )
    ships = []
    for (m, e), request in zip(pairs, requests, strict=True):
        slots_used[m.user_id] = slots_used.get(m.user_id, 0) + 1
        if slots_used[m.user_id] > m.capacity:
            slots_used[m.user_id] -= 1
            continue
        ships.append(
            Mentorship(
                mentee=e.user,
                mentor=m.user,
                request=request,
                format=Format.LONG_TERM,
                slot=slots_used[m.user_id],
            )
        )
    ships = Mentorship.objects.bulk_create(ships)
    for ship in ships:  # started_at is auto_now_add: set it afterwards
        ship.started_at = now - datetime.timedelta(weeks=rng.randint(5, 16))
    Mentorship.objects.bulk_update(ships, ["started_at"])

    cal = _Calendar()
    sessions: list[MentoringSession] = []
    for ship in ships:
        people = (ship.mentor_id, ship.mentee_id)
        is_demo = demo_mentor is not None and ship.mentor_id == demo_mentor.user_id
        n_past = 3 if is_demo else rng.randint(1, 4)
        for k in range(n_past):
            day = today - datetime.timedelta(days=7 * (n_past - k) + rng.randint(0, 3))
            start = cal.take(rng, people, day)
            status = Status.HELD
            if not is_demo and rng.random() < 0.06:
                status = Status.NO_SHOW
            sessions.append(_session(ship, start, status, rng, proposed_by=ship.mentee_id))
        if is_demo or rng.random() < 0.75:
            day = today + datetime.timedelta(days=rng.randint(2, 12))
            status = Status.CONFIRMED if is_demo or rng.random() < 0.8 else Status.PROPOSED
            sessions.append(
                _session(ship, cal.take(rng, people, day), status, rng, proposed_by=ship.mentor_id)
            )
        if not is_demo and rng.random() < 0.1:
            day = today + datetime.timedelta(days=rng.randint(3, 10))
            cancelled = _session(
                ship, cal.take(rng, people, day), Status.CANCELLED, rng, proposed_by=ship.mentee_id
            )
            cancelled.cancelled_by_id = ship.mentee_id
            cancelled.cancel_reason = "Something came up at work, sorry! I proposed another week."
            cancelled.cancelled_at = now - datetime.timedelta(days=1)
            sessions.append(cancelled)

    flash_pool = [m for m in mentees if m is not demo_mentee]
    flash_targets = (
        [demo_mentor] * 3 if demo_mentor and demo_mentor.format_flash else []
    ) + rng.sample(flash_mentors, min(25, len(flash_mentors)))
    for mentor in flash_targets:
        if not flash_pool:
            break
        mentee = flash_pool.pop(rng.randrange(len(flash_pool)))
        if mentee.user_id == mentor.user_id:
            continue
        past = rng.random() < 0.6 or mentor is demo_mentor
        day = today + datetime.timedelta(days=(-rng.randint(3, 20) if past else rng.randint(2, 14)))
        start = cal.take(rng, (mentor.user_id, mentee.user_id), day)
        session = MentoringSession(
            kind=MentoringSession.Kind.FLASH,
            mentor=mentor.user,
            mentee=mentee.user,
            proposed_by=mentee.user,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            status=Status.HELD if past else rng.choice([Status.CONFIRMED, Status.PROPOSED]),
            topic=rng.choice(TOPICS),
            responded_at=start - datetime.timedelta(days=2),
        )
        sessions.append(session)
    sessions = MentoringSession.objects.bulk_create(sessions)

    attendees, notes, feedback = [], [], []
    for s in sessions:
        if s.status in MentoringSession.BLOCKING_STATUSES:
            attendees += [
                SessionAttendee(session=s, user_id=uid, starts_at=s.starts_at, ends_at=s.ends_at)
                for uid in (s.mentor_id, s.mentee_id)
            ]
        if s.status == Status.HELD:
            notes.append(
                SessionNote(session=s, author_id=s.mentee_id, body=rng.choice(SHARED_NOTES))
            )
            if rng.random() < 0.4:
                notes.append(
                    SessionNote(
                        session=s,
                        author_id=s.mentor_id,
                        is_private=True,
                        body=rng.choice(PRIVATE_NOTES),
                    )
                )
            rating = rng.choices([5, 4, 3, 2], weights=[55, 30, 11, 4])[0]
            if s.mentor_id == getattr(demo_mentor, "user_id", None):
                rating = max(rating, 4)
            feedback.append(
                SessionFeedback(
                    session=s,
                    author_id=s.mentee_id,
                    subject_id=s.mentor_id,
                    rating=rating,
                    comment=rng.choice(COMMENTS),
                )
            )
            if rng.random() < 0.5:
                feedback.append(
                    SessionFeedback(
                        session=s,
                        author_id=s.mentor_id,
                        subject_id=s.mentee_id,
                        rating=rng.choice([5, 5, 4]),
                        comment="",
                    )
                )
        if s.status == Status.NO_SHOW:
            s.no_show_user_id = s.mentor_id if rng.random() < 0.5 else s.mentee_id
    MentoringSession.objects.bulk_update(
        [s for s in sessions if s.no_show_user_id], ["no_show_user"]
    )
    SessionAttendee.objects.bulk_create(attendees, batch_size=2000)
    SessionNote.objects.bulk_create(notes, batch_size=2000)
    SessionFeedback.objects.bulk_create(feedback, batch_size=2000)

    messages = []
    for ship in ships:
        count = (
            len(MESSAGES)
            if ship.mentor_id == getattr(demo_mentor, "user_id", None)
            else rng.randint(0, 4)
        )
        for who, body in MESSAGES[:count]:
            author, recipient = (
                (ship.mentee_id, ship.mentor_id)
                if who == "mentee"
                else (ship.mentor_id, ship.mentee_id)
            )
            messages.append(
                Message(
                    mentorship=ship,
                    author_id=author,
                    recipient_id=recipient,
                    body=body,
                    read_at=now,
                    notified_at=now,
                )
            )
    messages = Message.objects.bulk_create(messages, batch_size=2000)
    for k, message in enumerate(messages):  # created_at is auto_now_add: spread it afterwards
        message.created_at = now - datetime.timedelta(days=6 - k % 6, hours=rng.randint(0, 8))
    Message.objects.bulk_update(messages, ["created_at"], batch_size=2000)
    return {
        "mentorships": len(ships),
        "sessions": len(sessions),
        "session notes": len(notes),
        "ratings": len(feedback),
        "messages": len(messages),
    }


def _session(ship, start, status, rng, *, proposed_by) -> MentoringSession:
    return MentoringSession(
        mentorship=ship,
        kind=MentoringSession.Kind.LONG_TERM,
        mentor_id=ship.mentor_id,
        mentee_id=ship.mentee_id,
        proposed_by_id=proposed_by,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        status=status,
        agenda=rng.choice(AGENDAS),
        responded_at=None if status == Status.PROPOSED else start - datetime.timedelta(days=3),
        sequence=0 if status == Status.PROPOSED else 1,
    )
