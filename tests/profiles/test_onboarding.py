"""Onboarding through the test client, the login redirect, and the completeness meter."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from profiles import selectors
from profiles.models import AvailabilitySlot, Goal, Profile, Skill, User
from tests.factories import (
    PASSWORD,
    GoalFactory,
    ProfileFactory,
    ProfileSkillFactory,
    language,
    verified_user,
)

pytestmark = pytest.mark.django_db


def step(name: str) -> str:
    return reverse("profiles:onboarding_step", args=[name])


def test_mentee_flow_role_skills_goal_done(client):
    user = verified_user()
    client.force_login(user)
    assert client.get(reverse("profiles:onboarding"))["Location"] == step("about")

    page = client.get(step("about"))
    assert "Step 1 of 4" in page.content.decode()
    response = client.post(
        step("about"),
        {
            "display_name": "  Priya   Raman ",
            "role": "mentee",
            "languages": [language("en").pk],
            "timezone": "Europe/Madrid",
        },
    )
    assert response["Location"] == step("skills")

    python = Skill.objects.get(name="Python")
    response = client.post(
        step("skills"),
        {"wants-skill": [str(python.pk)], f"wants-level-{python.pk}": "3", "wants-add": "sql"},
    )
    assert response["Location"] == step("goals")

    response = client.post(step("goals"), {"title": "Become a data engineer", "target_date": ""})
    assert response["Location"] == step("done")

    profile = Profile.objects.get(user=user)
    assert profile.onboarded_at is not None
    assert (profile.role, profile.timezone) == ("mentee", "Europe/Madrid")
    # The name others see is asked for; years left empty stay unknown, not 0.
    assert (profile.display_name, profile.name) == ("Priya Raman", "Priya Raman")
    assert profile.years_experience is None
    # Everywhere the person is named, it is by that name, never their email.
    user = User.objects.get(pk=user.pk)
    assert (str(user), user.get_short_name()) == ("Priya Raman", "Priya")
    assert "Welcome, Priya</h1>" in client.get(reverse("dashboard")).content.decode()
    assert profile.skills.filter(direction="wants").count() == 2
    assert Goal.objects.filter(owner=user, title="Become a data engineer").exists()
    done = client.get(step("done")).content.decode()
    assert "good enough to match" in done
    assert selectors.profile_completeness(profile=profile).ready_to_match


def test_mentor_flow_goes_through_capacity_and_availability(client):
    user = verified_user()
    client.force_login(user)
    client.post(
        step("about"),
        {
            "display_name": "Jonas Weber",
            "role": "mentor",
            "job_title": "Data engineer",
            "years_experience": "11",
            "languages": [language("de").pk],
            "timezone": "Europe/Berlin",
        },
    )
    response = client.post(
        step("skills"), {"offers-add": "Python, leadership", "offers-add_level": "4"}
    )
    assert response["Location"] == step("mentoring")
    assert client.get(step("goals")).status_code == 404  # not a mentor's step
    response = client.post(
        step("mentoring"),
        {
            "capacity": "3",
            "format_long_term": "on",
            "slots-TOTAL_FORMS": "2",
            "slots-INITIAL_FORMS": "0",
            "slots-0-weekday": "1",
            "slots-0-start_time": "18:00",
            "slots-0-end_time": "20:00",
        },
    )
    assert response["Location"] == step("done")
    profile = Profile.objects.get(user=user)
    assert (profile.capacity, profile.format_flash, profile.format_long_term) == (3, False, True)
    assert (profile.job_title, profile.years_experience) == ("Data engineer", 11)
    assert AvailabilitySlot.objects.filter(profile=profile).count() == 1
    assert {row.level for row in profile.skills.all()} == {4}
    assert profile.onboarded_at is not None


def test_both_sees_both_skill_editors_and_both_role_steps(client):
    user = verified_user()
    client.force_login(user)
    client.post(
        step("about"),
        {
            "display_name": "Sam Both",
            "role": "both",
            "languages": [language("en").pk],
            "timezone": "UTC",
        },
    )
    html = client.get(step("skills")).content.decode()
    assert 'id="offers-rows"' in html and 'id="wants-rows"' in html
    assert "Step 2 of 5" in html
    client.post(step("skills"), {"skip": "1"})
    assert client.post(step("goals"), {"skip": "1"})["Location"] == step("mentoring")


def test_errors_re_render_with_messages(client):
    client.force_login(verified_user())
    response = client.post(step("about"), {"timezone": "Nowhere/Land"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["display_name"] == ["Tell us the name others should see."]
    assert errors["role"] == ["Choose whether you want to find mentors, mentor, or both."]
    assert errors["languages"] == ["Choose at least one language you speak."]
    assert errors["timezone"] == ["Choose a time zone from the list (for example Europe/Berlin)."]
    response = client.post(step("goals"), {"title": "", "target_date": "1999-01-01"})
    assert response.context["form"].errors == {
        "title": ["Write a goal, or skip this step."],
        "target_date": ["Choose a date in the future, or leave it empty."],
    }


def test_the_name_step_cannot_be_skipped(client):
    client.force_login(verified_user())
    page = client.get(step("about")).content.decode()
    assert "Skip this step" not in page
    response = client.post(step("about"), {"skip": "1", "role": "mentor"})
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"] == [
        "Tell us the name others should see."
    ]


def test_skipping_every_later_step_finishes_onboarding_without_saving(client):
    user = verified_user()
    client.force_login(user)
    response = client.post(
        step("about"),
        {
            "display_name": "Kim",
            "role": "mentee",
            "languages": [language("en").pk],
            "timezone": "UTC",
        },
    )
    assert response["Location"] == step("skills")
    assert client.post(step("skills"), {"skip": "1", "wants-add": "Go"})["Location"] == step(
        "goals"
    )
    assert client.post(step("goals"), {"skip": "1", "title": "x"})["Location"] == step("done")
    profile = Profile.objects.get(user=user)
    assert profile.role == "mentee" and not profile.skills.exists() and not Goal.objects.exists()
    assert profile.onboarded_at is not None


def test_back_links_and_unknown_step(client):
    client.force_login(verified_user())
    html = client.get(step("skills")).content.decode()
    assert f'href="{step("about")}"' in html
    assert client.get(step("nonsense")).status_code == 404


def test_login_sends_new_people_to_onboarding_until_they_finish(client):
    user = verified_user()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("profiles:onboarding")
    client.logout()
    profile = ProfileFactory(user=user)
    profile.onboarded_at = profile.created_at
    profile.save()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("dashboard")


def test_next_parameter_wins_over_onboarding(client):
    user = verified_user()
    response = client.post(
        reverse("account_login") + "?next=/goals/", {"login": user.email, "password": PASSWORD}
    )
    assert response["Location"] == "/goals/"


def test_email_confirmation_after_signup_lands_on_onboarding(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "newbie@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    response = client.post(link.group(1))
    assert response.status_code == 302
    assert response["Location"] == reverse("profiles:onboarding")


# --- Completeness ------------------------------------------------------------------


def test_completeness_of_an_empty_mentee():
    profile = ProfileFactory(headline="", timezone="UTC", years_experience=None)
    completeness = selectors.profile_completeness(profile=profile)
    assert completeness.percent == 0
    assert not completeness.ready_to_match
    assert {item.key for item in completeness.blocking} == {"languages", "skills_wanted", "goals"}
    assert {item.key for item in completeness.missing} == {
        "headline",
        "bio",
        "job_title",
        "languages",
        "timezone",
        "avatar",
        "skills_wanted",
        "goals",
        "availability",
        "years_experience",
    }


def test_completeness_ready_to_match_and_percent():
    profile = ProfileFactory(headline="Analyst", timezone="Europe/Paris")
    profile.languages.add(language("fr"))
    ProfileSkillFactory(profile=profile)
    GoalFactory(owner=profile.user)
    completeness = selectors.profile_completeness(profile=profile)
    assert completeness.ready_to_match
    # headline, languages, timezone, goals, years done out of 10 items (skills: 1 of 3).
    assert completeness.percent == round(100 * 5 / 10)
    assert [item.key for item in completeness.missing] == [
        "bio",
        "job_title",
        "avatar",
        "skills_wanted",
        "availability",
    ]


def test_completeness_of_a_mentor_needs_availability():
    profile = ProfileFactory(role=Profile.Role.MENTOR, timezone="Asia/Kolkata")
    profile.languages.add(language("hi"))
    ProfileSkillFactory(profile=profile, direction="offers", level=4)
    completeness = selectors.profile_completeness(profile=profile)
    assert [item.key for item in completeness.blocking] == ["availability"]
    AvailabilitySlot.objects.create(
        profile=profile, weekday=0, start_time="09:00", end_time="10:00"
    )
    assert selectors.profile_completeness(profile=profile).ready_to_match


def test_dropped_goals_do_not_count():
    profile = ProfileFactory()
    GoalFactory(owner=profile.user, status=Goal.Status.DROPPED)
    keys = {item.key for item in selectors.profile_completeness(profile=profile).blocking}
    assert "goals" in keys


def test_a_mentee_may_say_when_they_can_meet_in_the_goal_step(client):
    user = verified_user()
    client.force_login(user)
    client.post(
        step("about"),
        {
            "display_name": "Ana",
            "role": "mentee",
            "languages": [language("en").pk],
            "timezone": "Europe/Lisbon",
        },
    )
    page = client.get(step("goals")).content.decode()
    assert "When can you usually meet?" in page
    response = client.post(
        step("goals"),
        {
            "title": "Lead a small team",
            "slots-TOTAL_FORMS": "2",
            "slots-INITIAL_FORMS": "0",
            "slots-0-weekday": "2",
            "slots-0-start_time": "18:00",
            "slots-0-end_time": "20:00",
        },
    )
    assert response["Location"] == step("done")
    profile = Profile.objects.get(user=user)
    assert [
        (s.weekday, s.start_time.hour, s.end_time.hour) for s in profile.availability.all()
    ] == [(2, 18, 20)]
    bad = client.post(
        step("goals"),
        {
            "title": "Another goal",
            "slots-TOTAL_FORMS": "1",
            "slots-INITIAL_FORMS": "0",
            "slots-0-weekday": "2",
            "slots-0-start_time": "20:00",
            "slots-0-end_time": "18:00",
        },
    )
    assert bad.status_code == 200
    assert not Goal.objects.filter(title="Another goal").exists()
