"""Rows -> engine arrays: hours across time zones, capacity, responsiveness, exclusions."""

import datetime
from datetime import UTC
from datetime import time as t

import numpy as np
import pytest
from django.utils import timezone

from matching.models import MatchRequest, Mentorship, PairExclusion, Suggestion
from matching.selectors import exclusions_load, request_counts
from matching.services import population_load, weekly_hours_utc
from profiles.models import Goal, Profile, Skill
from safety.models import Block
from tests.factories import make_mentee, make_mentor, occupation

JANUARY = datetime.datetime(2026, 1, 12, 12, 0, tzinfo=UTC)
JULY = datetime.datetime(2026, 7, 13, 12, 0, tzinfo=UTC)


def hours(mask):
    return np.flatnonzero(mask).tolist()


def test_hours_in_a_half_hour_zone_keep_the_slot_length():
    # Monday 09:00-11:00 in Kolkata (UTC+5:30) is 03:30-05:30 UTC -> hours 4 and 5.
    assert hours(weekly_hours_utc([(0, t(9), t(11))], "Asia/Kolkata", JANUARY)) == [4, 5]


def test_hours_use_the_current_offset_and_wrap_around_the_week():
    slot = [(0, t(8), t(10))]  # Monday morning in Auckland is Sunday evening in UTC
    assert hours(weekly_hours_utc(slot, "Pacific/Auckland", JANUARY)) == [163, 164]  # NZDT +13
    assert hours(weekly_hours_utc(slot, "Pacific/Auckland", JULY)) == [164, 165]  # NZST +12
    assert hours(weekly_hours_utc(slot, "America/New_York", JULY)) == [12, 13]  # EDT -4


def test_short_slot_marks_its_middle_hour_and_unknown_zone_is_utc():
    assert hours(weekly_hours_utc([(2, t(10, 0), t(10, 20))], "UTC", JULY)) == [58]
    assert hours(weekly_hours_utc([(0, t(1), t(2))], "Not/AZone", JULY)) == [1]


@pytest.mark.django_db
def test_population_maps_profiles_to_engine_arrays():
    dev = occupation("Software Developers")
    mentor = make_mentor(
        skills=("Python", "Django"),
        capacity=3,
        tz="America/New_York",
        languages=("en", "de"),
        slots=((0, 9, 11),),
        industry="Software",
        occupation=dev,
        headline="Staff engineer",
        format_flash=False,
    )
    away = make_mentor(away_until=timezone.localdate() + datetime.timedelta(days=3))
    closed = make_mentor(accepting=False)
    mentee = make_mentee(
        wants=("Python",), goals=("Ship a web app",), tz="Asia/Kolkata", growth_areas="Testing"
    )
    Goal.objects.create(owner=mentee, title="Old dream", status=Goal.Status.DROPPED)
    goal_only = make_mentee(wants=(), goals=("Change careers",))
    nothing = make_mentee(wants=(), goals=())  # not enough to match
    gone = make_mentee()
    gone.is_active = False
    gone.save()
    # Two active long-term mentorships take places; a flash one and an ended one do not.
    for fmt, status, slot in (
        ("long_term", "active", 1),
        ("long_term", "active", 2),
        ("flash", "active", None),
        ("long_term", "ended", None),
    ):
        Mentorship.objects.create(
            mentee=make_mentee(), mentor=mentor, format=fmt, status=status, slot=slot
        )

    pop = population_load()

    mentee_ids = pop.mentees.ids.tolist()
    assert mentee.pk in mentee_ids and goal_only.pk in mentee_ids
    assert nothing.pk not in mentee_ids and gone.pk not in mentee_ids
    e = mentee_ids.index(mentee.pk)
    assert pop.mentees.skills[e] == {"Python": 2.0}
    assert "Ship a web app" in pop.mentees.text[e] and "Testing" in pop.mentees.text[e]
    assert "Old dream" not in pop.mentees.text[e]
    # No slots: weekdays 09:00-18:00 in Kolkata = 03:30-12:30 UTC -> hours 4..12.
    assert hours(pop.mentees.available_hours[e])[:9] == list(range(4, 13))
    assert pop.mentees.available_hours[e].sum() == 5 * 9
    assert pop.mentees.languages[e] == frozenset(
        {"English"}
    )  # names, so reasons read "Speaks English"

    r = pop.mentors.ids.tolist().index(mentor.pk)
    assert pop.mentors.capacity_left[r] == 1
    assert pop.mentors.skills[r] == {"Python": 5.0, "Django": 4.0}
    assert pop.mentors.text[r].startswith("Staff engineer") and "Django" in pop.mentors.text[r]
    assert pop.mentors.occupation_group[r] == dev.soc_code[:2]
    assert pop.mentors.industry[r] == "Software"
    assert pop.mentors.formats[r] == frozenset({"long_term"})
    assert pop.mentors.languages[r] == frozenset({"English", "German"})
    offset = -4 if timezone.now().astimezone(datetime.UTC).month in range(4, 11) else -5
    assert hours(pop.mentors.available_hours[r]) == [9 - offset, 10 - offset]
    accepting = dict(zip(pop.mentors.ids.tolist(), pop.mentors.accepting.tolist(), strict=True))
    assert accepting == {mentor.pk: True, away.pk: False, closed.pk: False}
    assert pop.skill_categories["Django"] == Skill.objects.get(name="Django").category


@pytest.mark.django_db
def test_request_counts_for_responsiveness():
    mentor = make_mentor()
    now = timezone.now()

    def request(status, age_days, answered_after_days=None):
        req = MatchRequest.objects.create(mentee=make_mentee(), mentor=mentor, status=status)
        created = now - datetime.timedelta(days=age_days)
        responded = (
            None
            if answered_after_days is None
            else created + datetime.timedelta(days=answered_after_days)
        )
        MatchRequest.objects.filter(pk=req.pk).update(created_at=created, responded_at=responded)

    request("accepted", 30, 2)  # answered in time
    request("declined", 30, 20)  # answered, but late
    request("expired", 40, 14)  # never answered
    request("pending", 20)  # pending past the window: counts as not answered
    request("pending", 2)  # still inside the window: not counted yet
    request("withdrawn", 10, 1)  # withdrawn: not counted

    assert request_counts(expiry_days=14, now=now) == {mentor.pk: (4, 1)}


@pytest.mark.django_db
def test_exclusions_from_declines_blocks_requests_and_mentorships():
    a, b, c, d, e = (make_mentor(role=Profile.Role.BOTH) for _ in range(5))
    mentee = make_mentee()
    PairExclusion.objects.create(mentee=mentee, mentor=a, reason="declined_by_mentee")
    PairExclusion.objects.create(mentee=mentee, mentor=b, reason="admin")
    Block.objects.create(blocker=c, blocked=d)  # blocks come from safety
    Mentorship.objects.create(mentee=mentee, mentor=c, format="flash")
    Mentorship.objects.create(mentee=mentee, mentor=e, format="flash", status="ended")
    MatchRequest.objects.create(mentee=mentee, mentor=d)
    MatchRequest.objects.create(mentee=d, mentor=e, status="withdrawn")

    pairs = exclusions_load().pairs

    assert {(mentee.pk, a.pk), (mentee.pk, b.pk), (mentee.pk, c.pk), (mentee.pk, d.pk)} <= pairs
    assert {(c.pk, d.pk), (d.pk, c.pk)} <= pairs  # a block works both ways
    assert (mentee.pk, e.pk) not in pairs  # an ended mentorship does not exclude
    assert (d.pk, e.pk) not in pairs  # nor a withdrawn request
    only_d = exclusions_load(mentee_ids=[d.pk]).pairs
    assert only_d == {(d.pk, c.pk)}


@pytest.mark.django_db
def test_declined_suggestion_pairs_stay_excluded(django_assert_max_num_queries):
    mentor, mentee = make_mentor(), make_mentee()
    from matching.models import MatchRun

    run = MatchRun.objects.create(kind="incremental", status="succeeded")
    Suggestion.objects.create(
        run=run, mentee=mentee, mentor=mentor, rank=1, score=0.5, status="declined"
    )
    assert (mentee.pk, mentor.pk) in exclusions_load().pairs


@pytest.mark.django_db
def test_population_load_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    for i in range(3):
        make_mentor(email=f"m{i}@example.org")
        make_mentee(email=f"e{i}@example.org")
    with django_assert_max_num_queries(24) as few:
        population_load()
    for i in range(3, 12):
        make_mentor(email=f"m{i}@example.org")
        make_mentee(email=f"e{i}@example.org")
    with django_assert_max_num_queries(len(few.captured_queries)):
        pop = population_load()
    assert len(pop.mentees) == 12 and len(pop.mentors) == 12


@pytest.mark.django_db
def test_exclusions_of_a_long_id_list_read_its_range_and_keep_only_those_ids(monkeypatch):
    """A run's chunk asks with thousands of ids: read by their range, the answer is the same."""
    from matching import selectors
    from matching.selectors import scoring_inputs
    from tests.factories import PairExclusionFactory, UserFactory

    mentees = [UserFactory() for _ in range(4)]
    mentor = UserFactory()
    for m in mentees:
        PairExclusionFactory(mentee=m, mentor=mentor)
    asked = [mentees[0].pk, mentees[2].pk, mentees[3].pk]  # mentees[1] is inside the range
    by_list = selectors.exclusions_load(mentee_ids=asked).pairs
    monkeypatch.setattr(scoring_inputs, "RANGE_FROM", 2)
    by_range = selectors.exclusions_load(mentee_ids=asked).pairs
    assert by_range == by_list == {(m, mentor.pk) for m in asked}
    assert selectors.exclusions_load(
        mentor_ids=[mentor.pk, mentees[1].pk, mentees[3].pk]
    ).pairs == {(m.pk, mentor.pk) for m in mentees}
