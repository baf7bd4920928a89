"""Builders for scoring tests: a small community of mentors and mentees.

Rows are created through the shared factories; ``community`` makes a
deterministic random community large enough for several chunks.
"""

from __future__ import annotations

import datetime
import random

from django.utils.text import slugify

from profiles.models import AvailabilitySlot, Goal, Language, Profile, ProfileSkill, Skill
from tests.factories import MentorProfileFactory, ProfileFactory, UserFactory

CATEGORIES = {
    "Python": "Programming languages",
    "Django": "Web frameworks",
    "Flask": "Web frameworks",
    "SQL": "Databases",
    "PostgreSQL": "Databases",
    "Excel": "Spreadsheets",
    "Tableau": "Analytics",
    "Figma": "Design tools",
    "Kubernetes": "Infrastructure",
    "Terraform": "Infrastructure",
    "Public speaking": "",
    "Leadership": "",
}


def skill(name: str) -> Skill:
    found = Skill.objects.filter(name__iexact=name).first()
    if found:
        return found
    return Skill.objects.create(
        name=name, slug=f"t-{slugify(name)}", category=CATEGORIES.get(name, "Other")
    )


def _languages(profile: Profile, codes) -> None:
    profile.languages.set(Language.objects.filter(code__in=list(codes)))


def _slots(profile: Profile, slots) -> None:
    for weekday, start, end in slots:
        AvailabilitySlot.objects.create(
            profile=profile,
            weekday=weekday,
            start_time=datetime.time(*start) if isinstance(start, tuple) else datetime.time(start),
            end_time=datetime.time(*end) if isinstance(end, tuple) else datetime.time(end),
        )


def make_mentor(
    *,
    skills=("Python", "Django"),
    capacity=2,
    tz="Europe/Berlin",
    languages=("en",),
    years=12,
    slots=((1, 9, 12), (3, 14, 17)),
    role=Profile.Role.MENTOR,
    email=None,
    **fields,
):
    user = UserFactory(**({"email": email} if email else {}))
    profile = MentorProfileFactory(
        user=user, role=role, capacity=capacity, timezone=tz, years_experience=years, **fields
    )
    for i, name in enumerate(skills):
        ProfileSkill.objects.create(
            profile=profile, skill=skill(name), direction="offers", level=5 - i % 3
        )
    _languages(profile, languages)
    _slots(profile, slots)
    return user


def make_mentee(
    *,
    wants=("Python",),
    goals=("Become a backend developer",),
    tz="Europe/Berlin",
    languages=("en",),
    years=2,
    slots=(),
    email=None,
    **fields,
):
    user = UserFactory(**({"email": email} if email else {}))
    profile = ProfileFactory(user=user, timezone=tz, years_experience=years, **fields)
    for name in wants:
        ProfileSkill.objects.create(profile=profile, skill=skill(name), direction="wants", level=2)
    for title in goals:
        Goal.objects.create(owner=user, title=title, description="Ship a real project.")
    _languages(profile, languages)
    _slots(profile, slots)
    return user


def community(*, mentors: int, mentees: int, seed: int = 1, capacity=(1, 3)):
    """A random but reproducible community; returns (mentor users, mentee users)."""
    rng = random.Random(seed)
    names = list(CATEGORIES)
    zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Europe/London", "Asia/Tokyo"]
    mentor_users = [
        make_mentor(
            skills=rng.sample(names, 4),
            capacity=rng.randint(*capacity),
            tz=rng.choice(zones),
            years=rng.randint(5, 25),
            slots=((rng.randint(0, 4), rng.randint(8, 12), rng.randint(13, 18)),),
            email=f"mentor{i:03d}-{seed}@example.org",
        )
        for i in range(mentors)
    ]
    mentee_users = [
        make_mentee(
            wants=rng.sample(names, 2),
            goals=(f"Learn {rng.choice(names)} for work",),
            tz=rng.choice(zones),
            years=rng.randint(0, 6),
            email=f"mentee{i:03d}-{seed}@example.org",
        )
        for i in range(mentees)
    ]
    return mentor_users, mentee_users
