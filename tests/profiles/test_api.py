"""The profiles API: the profile form's rules, skills, goals and milestones; people (staff)."""

import pytest

from profiles.models import Goal, Profile, ProfileSkill, User
from safety.roles import PROGRAMME_MANAGER
from tests.factories import (
    GoalFactory,
    MilestoneFactory,
    ProfileFactory,
    SkillFactory,
    UserFactory,
    api_client,
    staff_user,
)

pytestmark = pytest.mark.django_db


def test_profile_read_and_partial_update_through_the_form():
    user = UserFactory()
    client = api_client(user)
    assert client.get("/api/v1/me/profile/").json()["email"] == user.email

    response = client.patch(
        "/api/v1/me/profile/",
        {"headline": "Platform engineer", "languages": ["en", "de"], "bio": "**Hi**"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["headline"] == "Platform engineer"
    assert sorted(body["languages"]) == ["de", "en"]
    assert body["bio_html"].strip() == "<p><strong>Hi</strong></p>"
    assert body["role"] == "mentee"  # untouched fields keep their value


def test_profile_cross_field_rule_from_the_web_form():
    client = api_client(UserFactory())
    response = client.patch(
        "/api/v1/me/profile/", {"format_flash": False, "format_long_term": False}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "format_long_term": ["Choose at least one format: flash sessions or long-term."]
    }


def test_profile_rejects_unknown_languages_and_bad_time_zones():
    client = api_client(UserFactory())
    bad = client.patch("/api/v1/me/profile/", {"languages": ["xx"]}, format="json")
    assert bad.json()["errors"] == {"languages": ["Unknown language code: xx."]}
    zone = client.patch("/api/v1/me/profile/", {"timezone": "Mars/Olympus"}, format="json")
    assert zone.status_code == 400
    assert list(zone.json()["errors"]) == ["timezone"]


def test_skills_replace_all_or_nothing():
    user = UserFactory()
    python = SkillFactory(name="Quuxlang")
    client = api_client(user)
    response = client.put(
        "/api/v1/me/skills/",
        {
            "offers": [{"skill_id": python.pk, "level": 4}],
            "wants": [{"name": "Blorptalk", "level": 2}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [(s["skill"]["name"], s["level"]) for s in body["offers"]] == [("Quuxlang", 4)]
    assert [s["skill"]["name"] for s in body["wants"]] == ["Blorptalk"]

    refused = client.put(
        "/api/v1/me/skills/",
        {"offers": [], "wants": [{"skill_id": python.pk, "level": 5}]},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "skills_invalid",
        "message": "Levels go from 1 to 3 (got 5).",
        "errors": {"wants": ["Levels go from 1 to 3 (got 5)."]},
    }
    # Nothing changed: the offer is still there.
    assert ProfileSkill.objects.filter(profile__user=user, direction="offers").count() == 1


def test_skill_taxonomy_search():
    SkillFactory(name="Zorblax Orchestration")
    SkillFactory(name="Zorbing")
    names = [
        s["name"]
        for s in api_client(UserFactory(), "read")
        .get("/api/v1/skills/?q=zorblax")
        .json()["results"]
    ]
    assert names == ["Zorblax Orchestration"]


def test_goals_and_milestones():
    user = UserFactory()
    client = api_client(user)
    created = client.post(
        "/api/v1/me/goals/", {"title": "Lead my first project"}, format="json"
    ).json()
    goal_url = f"/api/v1/me/goals/{created['id']}/"
    milestone = client.post(
        f"{goal_url}milestones/", {"title": "Shadow a lead"}, format="json"
    ).json()
    done = client.patch(
        f"{goal_url}milestones/{milestone['id']}/", {"done": True}, format="json"
    ).json()
    assert done["done"] is True
    changed = client.patch(goal_url, {"status": "achieved"}, format="json").json()
    assert changed["status"] == "achieved"
    assert changed["title"] == "Lead my first project"
    past = client.post(
        "/api/v1/me/goals/", {"title": "Old", "target_date": "2001-01-01"}, format="json"
    )
    assert past.json()["errors"] == {
        "target_date": ["Choose a date in the future, or leave it empty."]
    }
    assert client.delete(goal_url).status_code == 204
    assert not Goal.objects.filter(owner=user).exists()


def test_a_strangers_goal_and_milestone_are_404():
    goal = GoalFactory()
    milestone = MilestoneFactory(goal=goal)
    client = api_client(UserFactory())
    assert client.get(f"/api/v1/me/goals/{goal.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/me/goals/{goal.pk}/milestones/{milestone.pk}/", {"done": True}, format="json"
    )
    assert response.status_code == 404
    milestone.refresh_from_db()
    assert milestone.done_at is None


def test_programme_manager_creates_updates_and_deactivates_people():
    staff = staff_user(PROGRAMME_MANAGER)
    client = api_client(staff)
    created = client.post(
        "/api/v1/people/",
        {"email": "New.Person@Corp.Example", "name": "New Person", "role": "mentor"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    person = User.objects.get(profile__public_id=created.json()["public_id"])
    assert person.email == "new.person@corp.example"
    assert person.profile.role == Profile.Role.MENTOR
    assert person.emailaddress_set.get().verified is True
    assert not person.has_usable_password()

    duplicate = client.post("/api/v1/people/", {"email": "new.person@corp.example"}, format="json")
    assert duplicate.json() == {
        "code": "email_taken",
        "message": "Someone already has the address new.person@corp.example.",
        "errors": {"email": ["Someone already has the address new.person@corp.example."]},
    }
    renamed = client.patch(
        f"/api/v1/people/{person.profile.public_id}/", {"name": "Renamed"}, format="json"
    )
    assert renamed.json()["name"] == "Renamed"
    deactivated = client.post(f"/api/v1/people/{person.profile.public_id}/deactivate/")
    assert deactivated.json()["is_active"] is False
    listed = client.get("/api/v1/people/?active=false").json()["results"]
    assert [p["public_id"] for p in listed] == [str(person.profile.public_id)]
    ProfileFactory(user=staff)
    self_refused = client.post(f"/api/v1/people/{staff.profile.public_id}/deactivate/")
    assert self_refused.json()["message"] == "You cannot deactivate your own account here."


def test_people_endpoints_are_404_for_non_managers():
    assert api_client(UserFactory()).get("/api/v1/people/").status_code == 404
