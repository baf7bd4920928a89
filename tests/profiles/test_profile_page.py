"""The public profile page: the access ladder, contact details and safe content."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles import directory_selectors
from profiles.directory_selectors import users_are_matched
from profiles.models import Profile, ProfileSkill, Skill
from tests.factories import (
    AvailabilitySlotFactory,
    GoalFactory,
    MentorProfileFactory,
    ProfileFactory,
    ProfileSkillFactory,
    UserFactory,
    language,
)

pytestmark = pytest.mark.django_db


def url(profile: Profile) -> str:
    return reverse("profiles:profile_detail", args=[profile.public_id])


@pytest.fixture
def mentor():
    profile = MentorProfileFactory(
        user=UserFactory(name="Morgan Example", email="morgan@example.org"),
        headline="Staff engineer who likes reviews",
        bio="I **love** code review.\n\n<script>alert(1)</script>[x](javascript:alert(2))",
        linkedin_url="https://www.linkedin.com/in/morgan-example",
        website_url="https://morgan.example.org",
        timezone="Europe/London",
        onboarded_at=timezone.now(),
    )
    profile.languages.set([language("en"), language("de")])
    ProfileSkillFactory(
        profile=profile,
        skill=Skill.objects.get(name="Python"),
        direction=ProfileSkill.Direction.OFFERS,
        level=5,
    )
    AvailabilitySlotFactory(
        profile=profile, weekday=1, start_time=datetime.time(18), end_time=datetime.time(20)
    )
    return profile


@pytest.fixture
def member(client):
    profile = ProfileFactory(user=UserFactory(name="Sam Stranger"), timezone="Europe/Berlin")
    client.force_login(profile.user)
    return profile


def test_anonymous_is_sent_to_login(client, mentor):
    response = client.get(url(mentor))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_member_sees_a_members_profile_without_contact_details(client, mentor, member):
    response = client.get(url(mentor))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Morgan Example" in body and "Staff engineer who likes reviews" in body
    assert "Python" in body and "5 · Expert" in body
    assert "English, German" in body
    assert "Tue 18:00–20:00" in body  # their time (London)
    assert "Tue 19:00–21:00" in body  # the viewer's time: Berlin is always London + 1
    assert "morgan@example.org" not in body
    assert "linkedin.com/in/morgan-example" not in body
    assert "morgan.example.org" not in body
    assert "shared once you are matched" in body


def test_bio_is_sanitised_markdown(client, mentor, member):
    body = client.get(url(mentor)).content.decode()
    assert "<strong>love</strong>" in body
    assert "<script>alert(1)" not in body
    # The line opens an HTML block (CommonMark), so the link stays the text
    # typed, escaped: never a javascript: URL in an attribute.
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", body, re.I)


def test_stranger_gets_404_on_a_matches_only_profile(client, mentor, member):
    mentor.visibility = Profile.Visibility.MATCHES
    mentor.save()
    assert client.get(url(mentor)).status_code == 404


def test_missing_and_deactivated_profiles_are_404(client, mentor, member):
    assert client.get(reverse("profiles:profile_detail", args=[uuid.uuid4()])).status_code == 404
    mentor.user.is_active = False
    mentor.user.save()
    assert client.get(url(mentor)).status_code == 404


def test_owner_sees_everything_even_when_matches_only(client, mentor):
    mentor.visibility = Profile.Visibility.MATCHES
    mentor.save()
    client.force_login(mentor.user)

    body = client.get(url(mentor)).content.decode()

    assert "This is your profile" in body
    assert f'href="{reverse("profiles:profile_edit")}"' in body
    assert "morgan@example.org" in body
    assert 'href="https://www.linkedin.com/in/morgan-example"' in body
    assert 'href="https://morgan.example.org"' in body


def test_active_match_sees_a_matches_only_profile_and_contact_details(
    client, mentor, member, monkeypatch
):
    mentor.visibility = Profile.Visibility.MATCHES
    mentor.save()
    pairs = {frozenset({mentor.user_id, member.user_id})}
    monkeypatch.setattr(
        directory_selectors,
        "users_are_matched",
        lambda a, b: frozenset({getattr(a, "pk", a), getattr(b, "pk", b)}) in pairs,
    )

    response = client.get(url(mentor))

    assert response.status_code == 200
    assert "morgan@example.org" in response.content.decode()


def test_links_other_than_http_are_never_rendered(client, mentor):
    Profile.objects.filter(pk=mentor.pk).update(linkedin_url="javascript:alert(3)")
    client.force_login(mentor.user)
    body = client.get(url(mentor)).content.decode()
    assert "javascript:alert(3)" not in body


def test_mentee_profile_shows_wanted_skills_and_open_goals(client, member):
    mentee = ProfileFactory(user=UserFactory(name="Mia Mentee"), onboarded_at=timezone.now())
    ProfileSkillFactory(
        profile=mentee,
        skill=Skill.objects.get(name="JavaScript"),
        direction=ProfileSkill.Direction.WANTS,
        level=3,
    )
    GoalFactory(owner=mentee.user, title="Ship my first web app")
    GoalFactory(owner=mentee.user, title="An old dropped goal", status="dropped")

    body = client.get(url(mentee)).content.decode()

    assert "Wants to learn" in body and "JavaScript" in body and "Top priority" in body
    assert "Ship my first web app" in body
    assert "An old dropped goal" not in body


def test_users_are_matched_is_false_without_an_active_mentorship(mentor, member):
    assert users_are_matched(mentor.user, member.user) is False
    assert users_are_matched(mentor.user, mentor.user) is False
    assert users_are_matched(None, member.user) is False


def test_users_are_matched_reads_active_mentorships(mentor, member):
    from matching.models import Mentorship

    # Flash takes no capacity place, so no slot is needed.
    row = Mentorship.objects.create(mentor=mentor.user, mentee=member.user, format="flash")
    assert users_are_matched(member.user, mentor.user) is True
    assert users_are_matched(mentor.user.pk, member.user.pk) is True
    row.status = "completed"
    row.save()
    assert users_are_matched(member.user, mentor.user) is False
