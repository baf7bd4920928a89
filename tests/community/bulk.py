"""A programme of any size built in bulk (a few INSERTs), for the query-count tests."""

from __future__ import annotations

import datetime
import random

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from community.models import Answer, Question
from matching.models import MatchRequest, MatchRun, Mentorship, Suggestion
from profiles.models import Profile, ProfileSkill, User
from safety.models import Report
from sessions.models import MentoringSession, SessionFeedback
from tests.factories import skill


def programme(people: int, *, seed: int = 7) -> None:
    """``people`` members (a third mentors) with skills, suggestions, requests,
    mentorships, sessions and their ratings, questions, answers and reports
    spread over the last year."""
    rng = random.Random(seed)
    now = timezone.now()
    tag = f"b{seed}-{people}"
    users = User.objects.bulk_create(
        [
            User(
                email=f"{tag}-{i}@example.org",
                name=f"Person {i}",
                password="!",
                date_joined=now - datetime.timedelta(days=rng.randint(0, 360)),
            )
            for i in range(people)
        ]
    )
    mentors = users[: people // 3]
    mentees = users[people // 3 :]
    profiles = Profile.objects.bulk_create(
        [
            Profile(
                user=u,
                role=Profile.Role.MENTOR if u in mentors else Profile.Role.MENTEE,
                headline="Engineer" if rng.random() < 0.7 else "",
                capacity=rng.randint(0, 3) if u in mentors else 0,
                timezone="Europe/Berlin",
            )
            for u in users
        ]
    )
    python = skill("Python")
    ProfileSkill.objects.bulk_create(
        [
            ProfileSkill(
                profile=p,
                skill=python,
                direction=ProfileSkill.Direction.OFFERS
                if p.role == Profile.Role.MENTOR
                else ProfileSkill.Direction.WANTS,
                level=3,
            )
            for p in profiles[::2]
        ]
    )
    run = MatchRun.objects.create(kind=MatchRun.Kind.FULL, status=MatchRun.Status.SUCCEEDED)
    pairs = [(mentee, mentors[i % len(mentors)]) for i, mentee in enumerate(mentees)]
    Suggestion.objects.bulk_create(
        [Suggestion(run=run, mentee=e, mentor=r, rank=1, score=0.5) for e, r in pairs]
    )
    statuses = ["pending", "accepted", "declined", "expired", "withdrawn"]
    requests = MatchRequest.objects.bulk_create(
        [
            MatchRequest(mentee=e, mentor=r, status=rng.choice(statuses))
            for e, r in pairs[: len(pairs) // 2]
        ]
    )
    for req in requests:
        req.created_at = now - datetime.timedelta(days=rng.randint(0, 330))
        if req.status in ("accepted", "declined"):
            req.responded_at = req.created_at + datetime.timedelta(hours=rng.randint(1, 200))
    MatchRequest.objects.bulk_update(requests, ["created_at", "responded_at"], batch_size=500)
    used: dict[int, int] = {}
    mentorships = []
    for req in requests:
        if req.status != "accepted":
            continue
        slot = used.get(req.mentor_id, 0) + 1
        used[req.mentor_id] = slot
        mentorships.append(
            Mentorship(mentee_id=req.mentee_id, mentor_id=req.mentor_id, request=req, slot=slot)
        )
    Mentorship.objects.bulk_create(mentorships)
    questions = Question.objects.bulk_create(
        [Question(author=u, title=f"Question {i} of {tag}") for i, u in enumerate(mentees[::10])]
    )
    for q in questions:
        q.created_at = now - datetime.timedelta(days=rng.randint(0, 300))
    Question.objects.bulk_update(questions, ["created_at"], batch_size=500)
    Answer.objects.bulk_create(
        [
            Answer(question=q, author=mentors[i % len(mentors)], body="An answer.")
            for i, q in enumerate(questions[::2])
        ]
    )
    sessions = []
    for m in Mentorship.objects.filter(request__in=requests):
        for k in range(2):
            start = now - datetime.timedelta(days=rng.randint(1, 300), hours=k)
            sessions.append(
                MentoringSession(
                    mentorship=m,
                    mentor_id=m.mentor_id,
                    mentee_id=m.mentee_id,
                    proposed_by_id=m.mentee_id,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(minutes=45),
                    status=rng.choice(["held", "held", "no_show", "cancelled"]),
                )
            )
    sessions = MentoringSession.objects.bulk_create(sessions)
    SessionFeedback.objects.bulk_create(
        [
            SessionFeedback(
                session=s, author_id=s.mentee_id, subject_id=s.mentor_id, rating=rng.randint(1, 5)
            )
            for s in sessions
            if s.status == "held"
        ]
    )
    answer_type = ContentType.objects.get_for_model(Answer)
    Report.objects.bulk_create(
        [
            Report(
                reporter=mentees[i],
                target_user=mentors[i % len(mentors)],
                content_type=answer_type,
                object_id=str(i),
                kind="answer",
                reason="spam",
                status=rng.choice(["open", "dismissed", "actioned"]),
                created_at=now - datetime.timedelta(days=rng.randint(0, 300)),
            )
            for i in range(0, len(mentees), 25)
        ]
    )
