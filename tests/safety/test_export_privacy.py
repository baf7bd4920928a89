"""A person's "Your data" export holds no other person's private text, no staff
notes and no other people's ids from suggestions or runs.

Every private field in the fixture carries a marker naming its owner; an
export may only contain its own person's markers.
"""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from matching import services as matching_services
from matching.models import MatchRun, MatchRunChunk
from profiles.account_data import user_data_export
from safety import services
from tests.factories import MatchRunFactory, SuggestionFactory, UserFactory

from .helpers import MatchRequestFactory, make_mentee, make_mentor, message_on, moderator

pytestmark = pytest.mark.django_db


def _export(user) -> tuple[str, dict]:
    data = json.loads(json.dumps(user_data_export(user=user), cls=DjangoJSONEncoder))
    return json.dumps(data), data


@pytest.fixture
def world():
    mentor, mentee, other = make_mentor(capacity=5), make_mentee(), make_mentee()
    staff = UserFactory(is_staff=True)
    mod = moderator()
    run = MatchRunFactory(
        kind=MatchRun.Kind.FULL,
        parameters={"note": "MARKER-staff-run-parameters"},
        figures={"unmatched_mentee_ids": [other.pk], "note": "MARKER-staff-run-figures"},
        triggered_by=staff,
    )
    MatchRunChunk.objects.create(run=run, index=0, mentee_ids=[mentee.pk, other.pk])
    for person in (mentee, other):
        SuggestionFactory(mentee=person, mentor=mentor, run=run)
    suggestion = mentee.suggestions_received.get()
    matching_services.suggestion_decline(
        suggestion=suggestion, mentee=mentee, reason="MARKER-mentee-not-for-me"
    )
    matching_services.pair_exclude(
        admin=staff, mentee=other, mentor=mentor, note="MARKER-staff-do-not-match"
    )
    incremental = MatchRunFactory(subject=mentee, figures={"note": "MARKER-staff-incremental"})
    request = MatchRequestFactory(mentee=mentee, mentor=mentor, message="MARKER-mentee-request")
    message = message_on(request, author=mentor, body="MARKER-mentor-question")
    services.report_create(
        reporter=mentee, target=message, reason="spam", details="MARKER-mentee-report-details"
    )
    services.block_create(blocker=other, blocked=mentee)
    services.warning_create(moderator=mod, user=mentor, reason="MARKER-mentor-warning-to-them")
    return {
        "mentor": mentor,
        "mentee": mentee,
        "other": other,
        "staff": staff,
        "run": run,
        "incremental": incremental,
    }


STAFF_MARKERS = [
    "MARKER-staff-run-parameters",
    "MARKER-staff-run-figures",
    "MARKER-staff-do-not-match",
    "MARKER-staff-incremental",
]


def test_a_mentors_export_holds_no_mentee_suggestions_notes_or_reports(world):
    text, data = _export(world["mentor"])
    for marker in [*STAFF_MARKERS, "MARKER-mentee-not-for-me", "MARKER-mentee-report-details"]:
        assert marker not in text
    records = data["records"]
    assert "matching.suggestion" not in records
    assert "matching.matchrunchunk" not in records
    assert "safety.report" not in records  # reports about them name who reported
    # What was theirs or written to them is there.
    assert "MARKER-mentee-request" in text  # the request they received
    assert "MARKER-mentor-warning-to-them" in text
    exclusions = records["matching.pairexclusion"]
    assert all("note" not in row for row in exclusions)


def test_a_mentees_export_holds_their_own_notes_but_no_staff_notes_or_ids(world):
    text, data = _export(world["mentee"])
    assert "MARKER-mentee-not-for-me" in text and "MARKER-mentee-report-details" in text
    for marker in STAFF_MARKERS:
        assert marker not in text
    suggestions = data["records"]["matching.suggestion"]
    assert [set(row) & {"run", "mentor", "mentee"} for row in suggestions] == [set()]
    assert suggestions[0]["mentor_name"] == world["mentor"].profile.name
    runs = data["records"]["matching.matchrun"]
    assert [sorted(row) for row in runs] == [
        ["created_at", "finished_at", "id", "kind", "started_at", "status"]
    ]
    report = data["records"]["safety.report"][0]
    assert "target_user" not in report and "handled_by" not in report
    # The block another person made is not revealed to the person blocked.
    assert "safety.block" not in data["records"]


def test_the_other_mentees_export_holds_no_staff_do_not_match_note(world):
    text, data = _export(world["other"])
    for marker in [*STAFF_MARKERS, "MARKER-mentee-not-for-me", "MARKER-mentee-report-details"]:
        assert marker not in text
    assert data["records"]["safety.block"][0]["blocked"] == world["mentee"].pk
    exclusion = data["records"]["matching.pairexclusion"][0]
    assert "note" not in exclusion and "created_by" not in exclusion


def test_staff_export_does_not_hold_the_runs_they_triggered(world):
    text, data = _export(world["staff"])
    assert "matching.matchrun" not in data["records"]
    assert "MARKER-staff-run-figures" not in text
