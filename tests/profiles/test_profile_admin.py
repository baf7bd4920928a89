"""Staff edits of profiles and goals in the admin go through the profile services.

What matching reads (profile fields, skills, availability, languages, goals)
re-scores the person after an admin edit exactly as after their own edit: the
services send ``profile_changed`` once the transaction commits.
"""

import datetime

import pytest
from django.forms.models import model_to_dict

from profiles.models import AvailabilitySlot, Goal, ProfileSkill
from tests.factories import (
    AvailabilitySlotFactory,
    GoalFactory,
    MentorProfileFactory,
    ProfileSkillFactory,
    SkillFactory,
    language,
)

pytestmark = pytest.mark.django_db

PROFILE_FIELDS_SKIPPED = {"id", "created_at", "updated_at", "onboarded_at", "avatar"}


def _inline(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{n}-{key}"] = value
    return data


def _change_data(profile, *, skills=None, slots=None, **changes) -> dict:
    """The admin change form as the browser would post it, with ``changes`` applied."""
    data = {}
    for name, value in model_to_dict(profile).items():
        if name in PROFILE_FIELDS_SKIPPED:
            continue
        if name == "languages":
            data[name] = [lang.pk for lang in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    if skills is None:
        skills = [
            {
                "id": row.pk,
                "profile": profile.pk,
                "skill": row.skill_id,
                "direction": row.direction,
                "level": row.level,
            }
            for row in profile.skills.all()
        ]
    if slots is None:
        slots = [
            {
                "id": slot.pk,
                "profile": profile.pk,
                "weekday": slot.weekday,
                "start_time": f"{slot.start_time:%H:%M}",
                "end_time": f"{slot.end_time:%H:%M}",
            }
            for slot in profile.availability.all()
        ]
    data.update(_inline("skills", skills))
    data.update(_inline("availability", slots))
    return data


def _url(profile) -> str:
    return f"/admin/profiles/profile/{profile.pk}/change/"


@pytest.fixture
def post_change(staff_client, django_capture_on_commit_callbacks):
    """POST the profile's admin change form; on-commit callbacks run (and are returned)."""

    def post(profile, data):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = staff_client.post(_url(profile), data)
        return response, callbacks

    return post


def test_admin_changing_a_skill_level_signals_a_change(post_change, signals):
    profile = MentorProfileFactory()
    row = ProfileSkillFactory(profile=profile, direction="offers", level=2)
    data = _change_data(profile)
    data["skills-0-level"] = "5"
    response, callbacks = post_change(profile, data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.level == 5
    assert signals == [profile.user_id]
    assert callbacks  # sent on commit, not during the request's transaction


def test_admin_adding_a_skill_schedules_a_rescore(post_change, monkeypatch):
    from matching import tasks

    queued = []
    monkeypatch.setattr(
        tasks.rescore_user, "apply_async", lambda args, countdown: queued.append(args[0])
    )
    profile = MentorProfileFactory()
    skill = SkillFactory(name="Zebra tooling")
    data = _change_data(
        profile,
        skills=[{"profile": profile.pk, "skill": skill.pk, "direction": "offers", "level": "4"}],
    )
    response, _ = post_change(profile, data)
    assert response.status_code == 302
    assert list(profile.skills.values_list("skill__name", "direction", "level")) == [
        ("Zebra tooling", "offers", 4)
    ]
    assert queued == [profile.user_id]


def test_admin_changing_availability_signals_a_change(post_change, signals):
    profile = MentorProfileFactory()
    AvailabilitySlotFactory(profile=profile, weekday=1)
    data = _change_data(profile)
    data["availability-0-weekday"] = "3"
    response, _ = post_change(profile, data)
    assert response.status_code == 302
    assert list(profile.availability.values_list("weekday", flat=True)) == [3]
    assert signals == [profile.user_id]


def test_admin_changing_languages_signals_a_change(post_change, signals):
    profile = MentorProfileFactory()
    data = _change_data(profile, languages=[language("es").pk])
    response, _ = post_change(profile, data)
    assert response.status_code == 302
    assert list(profile.languages.values_list("code", flat=True)) == ["es"]
    assert signals == [profile.user_id]


def test_admin_profile_field_goes_through_profile_update(post_change, signals):
    profile = MentorProfileFactory(job_title="")
    data = _change_data(profile, headline="Data engineer", job_title="Software Developers")
    response, _ = post_change(profile, data)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.headline == "Data engineer"
    # As on the profile page: a job title that is an O*NET title sets the occupation.
    assert profile.occupation.title == "Software Developers"
    assert signals == [profile.user_id]


def test_admin_change_matching_does_not_read_sends_nothing(post_change, signals):
    profile = MentorProfileFactory(display_name="")
    data = _change_data(profile, display_name="Sam", location="Lisbon")
    response, _ = post_change(profile, data)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.display_name, profile.location) == ("Sam", "Lisbon")
    assert signals == []


def test_admin_refuses_a_wanted_level_the_profile_page_refuses(post_change, signals):
    profile = MentorProfileFactory()
    row = ProfileSkillFactory(profile=profile, direction="wants", level=2)
    data = _change_data(profile)
    data["skills-0-level"] = "5"
    response, _ = post_change(profile, data)
    assert response.status_code == 200
    assert "Levels go from 1 to 3 (got 5)." in response.content.decode()
    row.refresh_from_db()
    assert row.level == 2
    assert signals == []


def test_admin_refuses_overlapping_slots(post_change, signals):
    profile = MentorProfileFactory()
    slot = {"profile": profile.pk, "weekday": "1"}
    data = _change_data(
        profile,
        slots=[
            {**slot, "start_time": "09:00", "end_time": "11:00"},
            {**slot, "start_time": "10:00", "end_time": "12:00"},
        ],
    )
    response, _ = post_change(profile, data)
    assert response.status_code == 200
    assert "Tuesday 10:00–12:00 overlaps Tuesday 09:00–11:00." in response.content.decode()
    assert not AvailabilitySlot.objects.filter(profile=profile).exists()
    assert signals == []


def test_admin_unchanged_save_sends_nothing(post_change, signals):
    profile = MentorProfileFactory()
    ProfileSkillFactory(profile=profile)
    response, _ = post_change(profile, _change_data(profile))
    assert response.status_code == 302
    assert ProfileSkill.objects.filter(profile=profile).count() == 1
    assert signals == []


# --- Goals ---------------------------------------------------------------------


def _goal_data(goal, **changes) -> dict:
    data = {
        "owner": goal.owner_id,
        "title": goal.title,
        "description": goal.description,
        "target_date": goal.target_date.isoformat() if goal.target_date else "",
        "status": goal.status,
        **changes,
    }
    data.update(_inline("milestones", []))
    return data


def test_admin_goal_edit_and_delete_signal_the_owner(
    staff_client, signals, django_capture_on_commit_callbacks
):
    goal = GoalFactory(title="Learn Go")
    url = f"/admin/profiles/goal/{goal.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, _goal_data(goal, title="Learn Rust"))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Learn Rust"
    assert signals == [goal.owner_id]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/profiles/goal/{goal.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert signals == [goal.owner_id, goal.owner_id]


def test_admin_new_goal_signals_the_owner(
    staff_client, signals, django_capture_on_commit_callbacks
):
    owner = MentorProfileFactory().user
    data = _goal_data(
        Goal(owner=owner, title="Speak at a conference", target_date=datetime.date(2030, 1, 1))
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/admin/profiles/goal/add/", data)
    assert response.status_code == 302
    assert Goal.objects.get(owner=owner).title == "Speak at a conference"
    assert signals == [owner.pk]
