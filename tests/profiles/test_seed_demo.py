"""seed_demo and the demo logins: deterministic, idempotent, realistic, quiet."""

import random
from collections import Counter, defaultdict
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command

from profiles.demo import DEMO_PASSWORD, demo_logins_ensure
from profiles.demo_community import demo_occupations, demo_people, job_title_from
from profiles.models import AvailabilitySlot, Goal, Profile, ProfileSkill, User
from profiles.reference_data import CURATED_SKILLS, onet_tools
from profiles.signals import profile_changed
from profiles.timezones import is_valid_timezone

TOOLS_BY_SOC = defaultdict(set)
for _row in onet_tools():
    TOOLS_BY_SOC[_row.soc_code].add(_row.tool)


def seed(**kwargs) -> str:
    out = StringIO()
    args = {"mentors": 12, "mentees": 20, "seed": 3} | kwargs
    call_command("seed_demo", stdout=out, **args)
    return out.getvalue()


def snapshot() -> dict[str, tuple]:
    """Every demo person's data that matters, keyed by email."""
    skills = defaultdict(list)
    for email, name, direction, level in ProfileSkill.objects.values_list(
        "profile__user__email", "skill__name", "direction", "level"
    ):
        skills[email].append((name, direction, level))
    return {
        p.user.email: (
            p.user.name,
            p.role,
            p.job_title,
            p.timezone,
            p.capacity,
            p.accepting,
            p.headline,
            tuple(sorted(skills[p.user.email])),
            tuple(sorted(p.languages.values_list("code", flat=True))),
            tuple(p.availability.values_list("weekday", "start_time", "end_time")),
            tuple(Goal.objects.filter(owner=p.user).values_list("title", "status")),
        )
        for p in Profile.objects.filter(user__email__contains="@demo.").select_related("user")
    }


# --- The generator, without a database ----------------------------------------


def test_same_seed_same_people_different_seed_different_people():
    first = demo_people(mentors=30, mentees=60, seed=11)
    again = demo_people(mentors=30, mentees=60, seed=11)
    other = demo_people(mentors=30, mentees=60, seed=12)

    assert first == again
    assert [p.email for p in first] == [p.email for p in other]
    assert [(p.name, p.offers, p.wants) for p in first] != [
        (p.name, p.offers, p.wants) for p in other
    ]


def test_generator_does_not_touch_the_global_random_state():
    random.seed(5)
    expected = random.random()
    random.seed(5)
    demo_people(mentors=5, mentees=5, seed=1)
    assert random.random() == expected


def test_a_person_does_not_depend_on_the_size_of_the_run():
    small = demo_people(mentors=10, mentees=10, seed=7)
    large = demo_people(mentors=40, mentees=90, seed=7)
    assert small[:10] == large[:10]
    assert small[10:] == large[40:50]


def test_distributions_are_realistic():
    people = demo_people(mentors=400, mentees=800, seed=7)
    mentors = [p for p in people if p.email.startswith("mentor")]
    mentees = [p for p in people if p.email.startswith("mentee")]

    for p in mentors:
        tools = [name for name, _ in p.offers if name in TOOLS_BY_SOC[p.soc_code]]
        assert 5 <= len(tools) <= 12, p
        assert all(3 <= level <= 5 for _, level in p.offers)
        assert 5 <= p.years_experience <= 30
        assert 1 <= p.capacity <= 5 or not p.format_long_term
    for p in mentees:
        tools = [name for name, _ in p.wants if name not in CURATED_SKILLS]
        assert 3 <= len(tools) <= 8, p
        assert all(1 <= level <= 3 for _, level in p.wants)
        assert 0 <= p.years_experience <= 12
        assert p.goals
    assert all(is_valid_timezone(p.timezone) for p in people)
    assert sum("en" in p.languages for p in people) / len(people) > 0.8
    assert sum(len(p.languages) > 1 for p in people) / len(people) > 0.3
    regions = Counter(p.timezone.split("/")[0] for p in people)
    assert {"America", "Europe", "Africa", "Asia"} <= {r for r, n in regions.items() if n > 40}
    assert regions["Australia"] + regions["Pacific"] > 0
    assert 0.05 < sum(not p.accepting for p in mentors) / len(mentors) < 0.2
    assert 0.03 < sum(p.away_in_days is not None for p in mentors) / len(mentors) < 0.15
    assert any(name in CURATED_SKILLS for p in mentees for name, _ in p.wants)
    assert any(g.title.startswith("Move from ") for p in mentees for g in p.goals)
    # Mentees mostly come from the mentors' occupation groups.
    mentor_groups = {p.soc_code[:2] for p in mentors}
    share = sum(p.soc_code[:2] in mentor_groups for p in mentees) / len(mentees)
    assert share > 0.85
    assert len({p.email for p in people}) == len(people)


def test_job_titles_read_like_a_person():
    assert job_title_from("Software Developers") == "Software Developer"
    # One person is an accountant, not "an accountant and auditor".
    assert job_title_from("Accountants and Auditors") == "Accountant"
    assert job_title_from("Food Scientists and Technologists") == "Food Scientist"
    assert job_title_from("Computer and Information Systems Managers") == (
        "Computer and Information Systems Manager"
    )
    assert job_title_from("Secretaries and Administrative Assistants, Except Legal") == (
        "Secretary"
    )
    assert job_title_from("Computer Systems Engineers/Architects") == (
        "Computer Systems Engineer/Architect"
    )
    assert job_title_from("First-Line Supervisors of Retail Sales Workers") == (
        "First-Line Supervisor of Retail Sales Workers"
    )
    assert job_title_from("Helpers--Brickmasons, Blockmasons, Stonemasons") == ""
    assert all(occ.job_title for occ in demo_occupations())


# --- The command -----------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_creates_people_that_can_log_in_without_side_effects():
    changed = []

    def receiver(**kwargs):
        changed.append(kwargs)

    profile_changed.connect(receiver)
    try:
        output = seed()
    finally:
        profile_changed.disconnect(receiver)

    assert "created 12 mentors and 20 mentees" in output
    assert "profile skills:" in output
    assert User.objects.filter(email__endswith="@demo.mentorship.local").count() == 32
    assert Profile.objects.filter(role__in=["mentor", "both"]).count() == 12
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 32
    person = User.objects.get(email="mentor0001@demo.mentorship.local")
    assert person.check_password(DEMO_PASSWORD)
    assert person.profile.onboarded_at is not None
    assert person.profile.occupation is not None
    assert mail.outbox == []
    assert changed == []


@pytest.mark.django_db
def test_every_mentor_offers_five_or_more_tools_of_their_occupation():
    seed()
    for profile in Profile.objects.filter(role__in=["mentor", "both"]).select_related("occupation"):
        offered = set(
            profile.skills.filter(direction="offers").values_list("skill__name", flat=True)
        )
        tools = offered & TOOLS_BY_SOC[profile.occupation.soc_code]
        assert len(tools) >= 5, (profile, offered)
        assert profile.languages.exists()
    assert AvailabilitySlot.objects.exists()


@pytest.mark.django_db
def test_running_twice_changes_nothing():
    seed()
    before = snapshot()
    counts = (ProfileSkill.objects.count(), Goal.objects.count(), AvailabilitySlot.objects.count())

    output = seed()

    assert "created 0 mentors and 0 mentees, skipped 32" in output
    assert snapshot() == before
    assert counts == (
        ProfileSkill.objects.count(),
        Goal.objects.count(),
        AvailabilitySlot.objects.count(),
    )


@pytest.mark.django_db
def test_same_seed_rebuilds_the_same_community_and_another_seed_does_not():
    seed()
    first = snapshot()
    User.objects.filter(email__endswith="@demo.mentorship.local").delete()
    seed()
    assert snapshot() == first

    User.objects.filter(email__endswith="@demo.mentorship.local").delete()
    seed(seed=4)
    other = snapshot()
    assert other.keys() == first.keys()
    assert [v[7] for v in other.values()] != [v[7] for v in first.values()]  # skills


@pytest.mark.django_db
def test_a_larger_run_adds_only_the_new_people():
    seed(mentors=5, mentees=5)
    first = snapshot()
    output = seed(mentors=8, mentees=5)
    assert "created 3 mentors and 0 mentees, skipped 10" in output
    assert {k: v for k, v in snapshot().items() if k in first} == first


@pytest.mark.django_db
def test_setup_demo_seeds_an_empty_database_once():
    out = StringIO()
    call_command("setup_demo", mentors=4, mentees=6, seed=2, stdout=out)
    assert "Seeding a demo community of 4 mentors and 6 mentees" in out.getvalue()
    assert User.objects.filter(email__contains="@demo.mentorship.local").count() == 3 + 10
    out = StringIO()
    call_command("setup_demo", mentors=4, mentees=6, seed=2, stdout=out)
    assert "Seeding" not in out.getvalue()


# --- Demo logins -----------------------------------------------------------------


@pytest.mark.django_db
def test_demo_mentor_and_mentee_get_complete_profiles_once():
    demo_logins_ensure()
    mentor = Profile.objects.get(user__email="mentor@demo.mentorship.local")
    mentee = Profile.objects.get(user__email="mentee@demo.mentorship.local")

    assert mentor.is_mentor and mentor.onboarded_at and mentor.capacity == 3
    assert mentor.skills.filter(direction="offers").count() >= 10
    assert mentor.availability.count() == 3
    assert set(mentor.languages.values_list("code", flat=True)) == {"en", "de"}
    assert mentee.is_mentee and mentee.onboarded_at
    assert mentee.skills.filter(direction="wants", skill__name="Python").exists()
    assert Goal.objects.filter(owner=mentee.user).count() == 2
    assert mentee.user.check_password(DEMO_PASSWORD)

    before = snapshot()
    mentee.headline = "Changed by someone trying the demo"
    mentee.save()
    demo_logins_ensure()
    after = snapshot()
    assert after["mentee@demo.mentorship.local"][6] == "Changed by someone trying the demo"
    assert after["mentor@demo.mentorship.local"] == before["mentor@demo.mentorship.local"]
    assert ProfileSkill.objects.filter(profile=mentor).count() == len(
        before["mentor@demo.mentorship.local"][7]
    )
