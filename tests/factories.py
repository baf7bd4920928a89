"""Factories for tests (factory_boy). Shared by every app: add yours below.

``UserFactory`` makes a user with the password ``PASSWORD``; use
``verified_user()`` (or ``UserFactory(verified=True)``) when the user must be
able to log in through allauth, which requires a verified primary
``EmailAddress`` because email verification is mandatory.
"""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from profiles.models import (
    AvailabilitySlot,
    Goal,
    Language,
    Milestone,
    Occupation,
    Profile,
    ProfileSkill,
    Skill,
    User,
)

PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted:
            verify_email(obj)
        if create:
            obj.save()


def verify_email(user: User) -> EmailAddress:
    """Give ``user`` a verified primary allauth EmailAddress (so they can log in)."""
    address, _ = EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return address


def verified_user(**kwargs) -> User:
    return UserFactory(verified=True, **kwargs)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    role = Profile.Role.MENTEE
    headline = factory.Faker("sentence", nb_words=6)
    timezone = "Europe/Berlin"
    years_experience = 3


class MentorProfileFactory(ProfileFactory):
    role = Profile.Role.MENTOR
    capacity = 2
    years_experience = 12


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Test skill {n}")
    slug = factory.Sequence(lambda n: f"test-skill-{n}")
    category = "Test category"
    status = Skill.Status.APPROVED
    source = Skill.Source.CURATED


class ProfileSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileSkill

    profile = factory.SubFactory(ProfileFactory)
    skill = factory.SubFactory(SkillFactory)
    direction = ProfileSkill.Direction.WANTS
    level = 2


class AvailabilitySlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilitySlot

    profile = factory.SubFactory(MentorProfileFactory)
    weekday = 1
    start_time = datetime.time(9, 0)
    end_time = datetime.time(11, 0)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Goal {n}: become a better engineer")
    description = "Learn to lead a small team."
    target_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    position = factory.Sequence(lambda n: n)


def language(code: str = "en") -> Language:
    """A language from the seeded reference data (the data migration loads them)."""
    return Language.objects.get(code=code)


def occupation(title_contains: str = "Software Developers") -> Occupation:
    return Occupation.objects.filter(title__icontains=title_contains).order_by("soc_code").first()


def api_token(user: User, scope: str = "write") -> str:
    """A personal access token for ``user`` (the raw secret, as shown once)."""
    from mentorship.services.tokens import api_token_create

    return api_token_create(user=user, name=f"test {scope}", scope=scope)[1]


def api_client(user: User | None = None, scope: str = "write"):
    """A DRF test client signed in with a fresh token of ``user`` (anonymous if None)."""
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token(user, scope)}")
    return client
