"""Creating people: one definition of a new person's rows, one at a time or in bulk."""

import pathlib

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from profiles import services
from profiles.models import Profile, Skill, User
from tests.factories import PASSWORD, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _rows(user: User) -> dict:
    """What was stored for a person, without ids and timestamps."""
    profile = Profile.objects.get(user=user)
    return {
        "email": user.email,
        "name": user.name,
        "usable_password": user.has_usable_password(),
        "addresses": list(
            EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")
        ),
        "role": profile.role,
        "job_title": profile.job_title,
        "occupation": profile.occupation.title if profile.occupation else None,
        "timezone": profile.timezone,
        "capacity": profile.capacity,
        "languages": sorted(profile.languages.values_list("code", flat=True)),
    }


PROFILE = {
    "role": "mentor",
    "job_title": "  Software Developers ",
    "timezone": "Europe/Lisbon",
    "capacity": 2,
    "languages": ["pt", "en"],
}


def test_person_create_builds_user_address_and_profile(signals, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.person_create(
            email="  Ana@Example.ORG ", name=" Ana Lima ", password=PASSWORD, profile=PROFILE
        )
    assert _rows(user) == {
        "email": "ana@example.org",
        "name": "Ana Lima",
        "usable_password": True,
        "addresses": [("ana@example.org", True, True)],
        "role": "mentor",
        "job_title": "Software Developers",
        "occupation": "Software Developers",  # as profile_update sets it
        "timezone": "Europe/Lisbon",
        "capacity": 2,
        "languages": ["en", "pt"],
    }
    assert user.check_password(PASSWORD)
    assert signals == [user.pk]


def test_bulk_creation_stores_the_same_rows_as_one_at_a_time(
    signals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        one = services.person_create(email="One@example.org", name="Same", profile=PROFILE)
        profiles = services.people_create_bulk(
            people=[
                services.NewPerson(email="Two@example.org", name="Same", profile=PROFILE),
                services.NewPerson(email="three@example.org", name="Other", profile={}),
            ]
        )
    two, three = (profile.user for profile in profiles)
    expected = _rows(one)
    assert _rows(two) == {
        **expected,
        "email": "two@example.org",
        "addresses": [("two@example.org", True, True)],
    }
    assert not two.has_usable_password()
    assert _rows(three)["role"] == "mentee"
    # Only people whose profile says something matching reads are re-scored.
    assert signals == [one.pk, two.pk]


def test_bulk_creation_without_notify_or_vouching(signals, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (profile,) = services.people_create_bulk(
            people=[services.NewPerson(email="demo@example.org", profile=PROFILE)],
            password=PASSWORD,
            email_vouched=False,
            notify=False,
        )
    assert profile.user.check_password(PASSWORD)
    assert not EmailAddress.objects.filter(user=profile.user).exists()
    assert signals == [] and callbacks == []


def test_person_create_refuses_a_taken_email_and_unknown_fields():
    UserFactory(email="bob@example.org")
    with pytest.raises(ValidationError) as info:
        services.person_create(email="BOB@example.org")
    assert "email" in info.value.message_dict
    with pytest.raises(TypeError, match="unknown profile fields: avatar"):
        services.person_create(email="new@example.org", profile={"avatar": "x.png"})
    assert User.objects.count() == 1


def test_signup_creates_the_person_with_one_unverified_address(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "New.Person@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password(PASSWORD)
    assert Profile.objects.filter(user=user, onboarded_at__isnull=True).exists()
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("new.person@example.org", False)
    ]


def test_skill_slugs_come_from_one_helper():
    SkillFactory(name="Zebra tooling", slug="zebra-tooling")
    SkillFactory(name="Zebra tooling 2", slug="zebra-tooling-2")
    assert services.skill_slug_unique(name="Zebra Tooling") == "zebra-tooling-3"
    own = Skill.objects.get(slug="zebra-tooling")
    assert services.skill_slug_unique(name="Zebra tooling", exclude_pk=own.pk) == "zebra-tooling"
    pending = services.skill_get_or_create_pending(name="zebra  TOOLING", user=None)
    assert pending.slug == "zebra-tooling"  # the existing tag, found by name
    assert services.skill_get_or_create_pending(name="Yak shaving", user=None).slug == (
        "yak-shaving"
    )


def test_profile_changed_is_sent_only_by_the_one_notifier():
    senders = []
    for package in ("mentorship", "profiles", "matching", "sessions", "community"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "profile_changed.send(" in path.read_text(encoding="utf-8"):
                senders.append(str(path.relative_to(ROOT)))
    assert senders == ["profiles/services/editing.py"]


def test_the_profile_form_and_rescoring_share_one_field_table():
    from profiles.forms import ProfileForm

    assert list(ProfileForm.Meta.fields) == [
        name for name in services.PROFILE_FIELDS if name != "occupation"
    ]
    # The fields whose change re-scores, as before the table existed.
    matching, editable = services.MATCHING_FIELDS, services.EDITABLE_FIELDS
    assert matching == {
        "role", "headline", "bio", "job_title", "occupation", "industry",
        "years_experience", "timezone", "languages", "strengths", "growth_areas",
        "format_flash", "format_long_term", "capacity", "accepting", "away_until",
    }  # fmt: skip
    assert editable - matching == {
        "display_name", "organisation", "location", "linkedin_url", "website_url", "visibility",
    }  # fmt: skip
