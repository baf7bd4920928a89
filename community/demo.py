"""Demo questions for ``seed_demo`` (through ``profiles.hooks.register_demo_seeder``).

Deterministic for a seed: some demo mentees ask about skills they want; the
routing engine puts each question to its mentors (no email: demo addresses
are not real); some routed mentors answer, other members mark answers
helpful, and the asker accepts one on most answered questions. Running it
again adds nothing (questions already asked by demo people are kept).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from community.models import Answer, HelpfulMark, Question
from community.services.routing import question_route
from profiles.models import Profile, ProfileSkill, Skill

DEMO_DOMAIN = "demo.mentorship.local"
MAX_QUESTIONS = 60

TITLES = [
    "How did you get good at {skill} on the job?",
    "What should I learn first in {skill}?",
    "Which {skill} habits made the biggest difference for you?",
    "How do I show {skill} experience in an interview?",
    "What is a good first project to practise {skill}?",
]
BODIES = [
    "I use it a little at work as a {job}, but I feel I am missing the bigger picture. "
    "Any **books**, courses or routines you would recommend?",
    "I have been reading tutorials, but I would like to hear how people actually use it day to day.",
    "My team is adopting it next quarter. What mistakes did you make early on?",
]
ANSWERS = [
    "Start with one small, real problem you have and solve it end to end with {skill}. "
    "Then read other people's work: you learn the idioms faster that way.",
    "What helped me most: a weekly hour of deliberate practice, and asking a colleague "
    "to review what I did. For {skill}, the official documentation is better than most books.",
    "Pick a project you can finish in two weeks. Keep notes of what confused you, and look "
    "those up properly afterwards; that list becomes your curriculum for {skill}.",
]


def demo_questions_seed(*, seed: int) -> str:
    rng = random.Random(seed * 7919 + 11)  # reproducible demo data  # nosec B311
    demo = f"@{DEMO_DOMAIN}"
    if Question.objects.filter(author__email__endswith=demo).exists():
        return "questions: already seeded"
    askers = list(
        Profile.objects.filter(user__email__endswith=demo, role__in=Profile.MENTEE_ROLES)
        .select_related("user")
        .order_by("user_id")[: MAX_QUESTIONS * 3]
    )
    if not askers:
        return "questions: no demo mentees"
    askers = rng.sample(askers, min(MAX_QUESTIONS, max(1, len(askers) // 8)))
    wanted: dict[int, list[int]] = {}
    for pid, skill_id in ProfileSkill.objects.filter(
        profile__in=askers, direction=ProfileSkill.Direction.WANTS
    ).values_list("profile_id", "skill_id"):
        wanted.setdefault(pid, []).append(skill_id)
    skills = Skill.objects.in_bulk({s for ids in wanted.values() for s in ids})
    helpers = list(
        Profile.objects.filter(user__email__endswith=demo).values_list("user_id", flat=True)[:500]
    )
    counts = {"questions": 0, "routed": 0, "answers": 0, "helpful": 0, "accepted": 0}
    now = timezone.now()
    for n, profile in enumerate(askers):
        ids = sorted(wanted.get(profile.pk, []))
        if not ids:
            continue
        tags = [skills[i] for i in rng.sample(ids, min(len(ids), rng.randint(1, 3)))]
        main = tags[0].name
        with transaction.atomic():
            question = Question(
                author=profile.user,
                title=rng.choice(TITLES).format(skill=main)[:160],
                body=rng.choice(BODIES).format(job=(profile.job_title or "professional").lower()),
            )
            question.full_clean()
            question.save()
            question.skills.set(tags)
            routes = question_route(question=question, notify_mentors=False)
            Question.objects.filter(pk=question.pk).update(
                created_at=now - datetime.timedelta(days=rng.randint(0, 80), hours=n % 24)
            )
            counts["questions"] += 1
            counts["routed"] += len(routes)
            question.refresh_from_db()
            answerers = [r.mentor for r in routes[: rng.randint(0, min(3, len(routes)))]]
            answers = []
            for author in answerers:
                answer = Answer(
                    question=question, author=author, body=rng.choice(ANSWERS).format(skill=main)
                )
                answer.full_clean(validate_constraints=False)
                answer.save()
                Answer.objects.filter(pk=answer.pk).update(
                    created_at=question.created_at
                    + datetime.timedelta(hours=rng.choice([1, 3, 8, 20, 30, 50]))
                )
                answers.append(answer)
            counts["answers"] += len(answers)
            for answer in answers:
                for uid in rng.sample(helpers, min(len(helpers), rng.randint(0, 4))):
                    if uid != answer.author_id:
                        HelpfulMark.objects.get_or_create(answer=answer, user_id=uid)
                        counts["helpful"] += 1
            if answers and rng.random() < 0.7:
                best = answers[0]
                Answer.objects.filter(pk=best.pk).update(is_accepted=True, accepted_at=now)
                counts["accepted"] += 1
    return (
        f"questions: {counts['questions']} (routed to {counts['routed']} mentors), "
        f"answers: {counts['answers']}, helpful marks: {counts['helpful']}, "
        f"accepted: {counts['accepted']}"
    )
