"""Profile services: return values, rows, and the profile_changed signal on commit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from profiles import selectors, services
from profiles.models import AvailabilitySlot, Goal, Milestone, Profile, ProfileSkill, Skill
from profiles.signals import profile_changed
from tests.factories import (
    GoalFactory,
    MentorProfileFactory,
    MilestoneFactory,
    ProfileFactory,
    ProfileSkillFactory,
    SkillFactory,
    UserFactory,
    language,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed():
    """User ids profile_changed was sent with."""
    received: list[int] = []

    def receiver(sender, user_id, **kwargs):
        received.append(user_id)

    profile_changed.connect(receiver)
    yield received
    profile_changed.disconnect(receiver)


def t(hhmm: str) -> datetime.time:
    return datetime.time.fromisoformat(hhmm)


# --- Profile ---------------------------------------------------------------------


def test_profile_get_or_create_creates_once():
    user = UserFactory()
    first = services.profile_get_or_create(user=user)
    second = services.profile_get_or_create(user=user)
    assert first.pk == second.pk
    assert Profile.objects.filter(user=user).count() == 1
    assert first.role == Profile.Role.MENTEE and first.onboarded_at is None


def test_profile_update_sets_fields_languages_and_signals_on_commit(
    changed, django_capture_on_commit_callbacks
):
    profile = ProfileFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = services.profile_update(
            profile=profile,
            role=Profile.Role.BOTH,
            headline="Data engineer",
            timezone="America/Sao_Paulo",
            languages=[language("en"), language("pt").pk],
        )
    assert changed == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert changed == [profile.user_id]
    profile.refresh_from_db()
    assert result.pk == profile.pk
    assert (profile.role, profile.headline, profile.timezone) == (
        "both",
        "Data engineer",
        "America/Sao_Paulo",
    )
    assert set(profile.languages.values_list("code", flat=True)) == {"en", "pt"}


def test_profile_update_of_non_matching_field_does_not_signal(
    changed, django_capture_on_commit_callbacks
):
    profile = ProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(profile=profile, organisation="ACME", location="Lisbon")
    assert changed == []
    assert Profile.objects.get(pk=profile.pk).organisation == "ACME"


def test_profile_update_sets_occupation_when_job_title_matches_exactly():
    profile = ProfileFactory()
    services.profile_update(profile=profile, job_title="  software developers ")
    profile.refresh_from_db()
    assert profile.job_title == "software developers"
    assert profile.occupation is not None and profile.occupation.title == "Software Developers"

    services.profile_update(profile=profile, job_title="Chief Vibes Officer")
    profile.refresh_from_db()
    assert profile.job_title == "Chief Vibes Officer" and profile.occupation is None


def test_profile_update_rejects_bad_values_and_saves_nothing():
    profile = ProfileFactory(timezone="Europe/Berlin")
    with pytest.raises(ValidationError) as info:
        services.profile_update(profile=profile, timezone="Mars/Olympus", capacity=51)
    assert "timezone" in info.value.message_dict
    assert Profile.objects.get(pk=profile.pk).timezone == "Europe/Berlin"


def test_profile_update_rejects_unknown_fields():
    with pytest.raises(TypeError):
        services.profile_update(profile=ProfileFactory(), user_id=3)


def test_onboarding_complete_is_idempotent(changed, django_capture_on_commit_callbacks):
    profile = ProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_onboarding_complete(profile=profile)
    first = Profile.objects.get(pk=profile.pk).onboarded_at
    assert first is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_onboarding_complete(profile=profile)
    assert Profile.objects.get(pk=profile.pk).onboarded_at == first
    assert changed == [profile.user_id]


# --- Skills ----------------------------------------------------------------------


def test_skills_set_by_id_name_and_alias(changed, django_capture_on_commit_callbacks):
    profile = ProfileFactory()
    python = Skill.objects.get(name="Python")
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.profile_skills_set(
            profile=profile,
            direction="wants",
            items=[(python.pk, 3), ("js", 2), ("PUBLIC SPEAKING", 1)],
        )
    assert [(row.skill.name, row.level) for row in rows] == [
        ("Python", 3),
        ("JavaScript", 2),
        ("Public speaking", 1),
    ]
    assert ProfileSkill.objects.filter(profile=profile, direction="wants").count() == 3
    assert not Skill.objects.filter(status=Skill.Status.PENDING).exists()
    assert changed == [profile.user_id]


def test_skills_set_creates_a_pending_skill_for_an_unknown_name():
    profile = ProfileFactory()
    rows = services.profile_skills_set(
        profile=profile, direction="offers", items=[("  Quantum   knitting ", 4)]
    )
    skill = rows[0].skill
    assert (skill.name, skill.status, skill.source, skill.created_by) == (
        "Quantum knitting",
        Skill.Status.PENDING,
        Skill.Source.MEMBER,
        profile.user,
    )
    assert skill.slug == "quantum-knitting"
    # Another member typing it in another case reuses the same tag.
    other = ProfileFactory()
    again = services.profile_skills_set(
        profile=other, direction="wants", items=[("QUANTUM KNITTING", 1)]
    )
    assert again[0].skill_id == skill.pk
    assert Skill.objects.filter(name__iexact="quantum knitting").count() == 1


def test_skills_set_replaces_the_direction_only():
    profile = ProfileFactory(role=Profile.Role.BOTH)
    keep = ProfileSkillFactory(profile=profile, direction="offers", level=5)
    ProfileSkillFactory(profile=profile, direction="wants")
    new = SkillFactory()
    rows = services.profile_skills_set(profile=profile, direction="wants", items=[(new.pk, 1)])
    assert [row.skill_id for row in rows] == [new.pk]
    assert list(profile.skills.filter(direction="offers")) == [keep]


def test_skills_set_validates_levels_per_direction_and_writes_nothing():
    profile = ProfileFactory()
    existing = ProfileSkillFactory(profile=profile, direction="wants", level=2)
    with pytest.raises(ValidationError) as info:
        services.profile_skills_set(
            profile=profile, direction="wants", items=[("Python", 4), ("SQL", 0)]
        )
    assert "Levels go from 1 to 3 (got 4)." in info.value.messages
    assert list(profile.skills.all()) == [existing]
    rows = services.profile_skills_set(profile=profile, direction="offers", items=[("Python", 5)])
    assert rows[0].level == 5


def test_skills_set_refuses_someone_elses_pending_skill_by_id():
    stranger_skill = SkillFactory(status=Skill.Status.PENDING, created_by=UserFactory())
    with pytest.raises(ValidationError) as info:
        services.profile_skills_set(
            profile=ProfileFactory(), direction="wants", items=[(stranger_skill.pk, 1)]
        )
    assert info.value.messages == ["That skill does not exist any more."]


def test_skills_set_limits_count_and_name_length():
    profile = ProfileFactory()
    with pytest.raises(ValidationError, match="at most 30"):
        services.profile_skills_set(
            profile=profile,
            direction="wants",
            items=[(f"Brandnew craft {n}", 1) for n in range(31)],
        )
    with pytest.raises(ValidationError, match="too long"):
        services.profile_skills_set(profile=profile, direction="wants", items=[("x" * 61, 1)])
    assert not Skill.objects.filter(status=Skill.Status.PENDING).exists()


def test_skills_update_is_all_or_nothing():
    profile = ProfileFactory(role=Profile.Role.BOTH)
    with pytest.raises(services.SkillsError) as info:
        services.profile_skills_update(
            profile=profile,
            items_by_direction={"offers": [("Python", 4)], "wants": [("SQL", 9)]},
        )
    assert list(info.value.errors) == ["wants"]
    assert not profile.skills.exists()


# --- Availability ----------------------------------------------------------------


def test_availability_set_replaces_slots_sorted(changed, django_capture_on_commit_callbacks):
    profile = MentorProfileFactory()
    AvailabilitySlot.objects.create(
        profile=profile, weekday=6, start_time=t("08:00"), end_time=t("09:00")
    )
    with django_capture_on_commit_callbacks(execute=True):
        slots = services.availability_set(
            profile=profile,
            slots=[
                (2, t("18:00"), t("20:00")),
                (0, t("09:00"), t("10:00")),
                (0, t("10:00"), t("11:30")),
            ],
        )
    assert [str(slot) for slot in slots] == [
        "Monday 09:00–10:00",
        "Monday 10:00–11:30",
        "Wednesday 18:00–20:00",
    ]
    assert profile.availability.count() == 3
    assert changed == [profile.user_id]


def test_availability_refuses_overlap_and_backwards_slots_and_keeps_old_rows():
    profile = MentorProfileFactory()
    old = AvailabilitySlot.objects.create(
        profile=profile, weekday=1, start_time=t("09:00"), end_time=t("10:00")
    )
    with pytest.raises(ValidationError) as info:
        services.availability_set(
            profile=profile,
            slots=[
                (0, t("09:00"), t("11:00")),
                (0, t("10:30"), t("12:00")),
                (3, t("15:00"), t("14:00")),
            ],
        )
    messages = info.value.messages
    assert "Monday 10:30–12:00 overlaps Monday 09:00–11:00." in messages
    assert "Thursday 15:00–14:00: the end must be after the start." in messages
    assert list(profile.availability.all()) == [old]


# --- Goals -----------------------------------------------------------------------


def test_goal_create_update_delete(changed, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        goal = services.goal_create(owner=user, title="  Lead a team ", description="Soon")
    assert (goal.title, goal.status, goal.owner) == ("Lead a team", Goal.Status.OPEN, user)
    with django_capture_on_commit_callbacks(execute=True):
        updated = services.goal_update(goal=goal, status=Goal.Status.IN_PROGRESS, title="Lead")
    assert Goal.objects.get(pk=goal.pk).status == "in_progress" and updated.title == "Lead"
    with django_capture_on_commit_callbacks(execute=True):
        services.goal_delete(goal=goal)
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert changed == [user.pk] * 3


def test_goal_create_needs_a_title():
    with pytest.raises(ValidationError) as info:
        services.goal_create(owner=UserFactory(), title="   ")
    assert "title" in info.value.message_dict
    assert not Goal.objects.exists()


def test_goal_update_rejects_unknown_status():
    goal = GoalFactory()
    with pytest.raises(ValidationError):
        services.goal_update(goal=goal, status="finished")
    assert Goal.objects.get(pk=goal.pk).status == Goal.Status.OPEN


def test_milestones_are_appended_and_toggled_in_the_owners_time_zone():
    profile = ProfileFactory(timezone="Pacific/Kiritimati")  # UTC+14: "today" differs from UTC
    goal = GoalFactory(owner=profile.user)
    first = services.milestone_add(goal=goal, title="Read the book")
    second = services.milestone_add(goal=goal, title="Write a summary")
    assert (first.position, second.position) == (1, 2)
    assert list(goal.milestones.all()) == [first, second]

    done = services.milestone_toggle(milestone=first)
    expected = timezone.localdate(timezone=datetime.timezone(datetime.timedelta(hours=14)))
    assert done.done_at == expected
    assert Milestone.objects.get(pk=first.pk).done_at == expected
    undone = services.milestone_toggle(milestone=first)
    assert undone.done_at is None
    assert services.milestone_toggle(milestone=first, done=True).done_at == expected
    assert services.milestone_toggle(milestone=first, done=True).done_at == expected


def test_milestone_delete():
    milestone = MilestoneFactory()
    services.milestone_delete(milestone=milestone)
    assert not Milestone.objects.exists()


# --- Selectors used by the services ------------------------------------------------


def test_skill_search_finds_aliases_approved_first_and_own_pending_only():
    me, other = UserFactory(), UserFactory()
    SkillFactory(name="Jsonnet wrangling", slug="jw", status="pending", created_by=other)
    mine = SkillFactory(name="JS golf", slug="js-golf", status="pending", created_by=me)
    results = selectors.skills_search(query="JS", user=me)
    names = [skill.name for skill in results]
    assert names[0] == "JavaScript"
    assert "Jsonnet wrangling" not in names
    assert mine not in results  # pending ones come after the approved page of results
    assert mine in selectors.skills_search(query="js golf", user=me)
    assert selectors.skills_search(query="js golf", user=other) == []


def test_skill_search_orders_exact_then_prefix():
    names = [skill.name for skill in selectors.skills_search(query="python", user=None)]
    assert names[0] == "Python"
    assert all("python" in name.lower() for name in names)


def test_occupation_search_prefers_titles_starting_with_the_query():
    titles = [occ.title for occ in selectors.occupations_search(query="software")]
    assert titles[0].startswith("Software")
    assert selectors.occupations_search(query="s") == []
