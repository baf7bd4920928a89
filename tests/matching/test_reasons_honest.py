"""No reason shown to anyone rests on a value the person never gave, unless it says so.

Mentees are not asked for availability in onboarding, and years of
experience are optional: the engine still scores them (weekday office hours,
a neutral seniority), but the words people read must not present those
defaults as facts. Mentors read the same facts worded for their side.
"""

import pytest
from django.urls import reverse

from matching import services
from matching.models import Suggestion
from tests.factories import MatchRequestFactory, make_mentee, make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _runs_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _run() -> None:
    services.match_run_execute_inline(run=services.match_run_start(chunk_size=10))


def _suggestion(mentee, mentor) -> Suggestion:
    return Suggestion.objects.get(mentee=mentee, mentor=mentor, is_current=True)


def test_a_mentee_who_gave_no_hours_or_years_reads_assumptions_not_facts():
    mentor = make_mentor(skills=("Python", "SQL"), years=14, slots=((1, 9, 12), (3, 14, 17)))
    mentee = make_mentee(wants=("Python", "SQL"), years=None, slots=())
    _run()
    suggestion = _suggestion(mentee, mentor)

    overlap = [r for r in suggestion.reasons if "overlap" in r]
    assert overlap == [
        "About 6 hours a week overlap, if you are free on weekdays 09:00–18:00 "
        "(you have not said when you can meet)"
    ]
    assert not any("ahead of you" in r for r in suggestion.reasons)
    assert "14 years of experience" in suggestion.reasons
    assert sorted(suggestion.assumed) == ["availability", "seniority"]
    assert (
        "Has not said when they can meet; if they keep weekday office hours, "
        "about 6 hours a week overlap with yours"
    ) in suggestion.reasons_for_mentor
    assert "Has not said how many years they have worked" in suggestion.reasons_for_mentor


def test_the_suggestion_card_labels_the_components_built_on_defaults(client):
    mentor = make_mentor(skills=("Python",), years=14)
    mentee = make_mentee(wants=("Python",), years=None, slots=())
    _run()
    client.force_login(mentee)
    html = client.get(reverse("matching:suggestions")).content.decode()
    assert "Time &amp; format (your hours assumed)" in html
    assert "Experience (years not given)" in html
    assert "ahead of you" not in html
    assert _suggestion(mentee, mentor).pk


def test_given_hours_and_years_are_stated_plainly_for_each_side():
    mentor = make_mentor(skills=("Python",), years=14, slots=((1, 9, 12),))
    mentee = make_mentee(wants=("Python",), years=2, slots=((1, 10, 12),))
    _run()
    suggestion = _suggestion(mentee, mentor)
    assert "2 hours a week overlap" in suggestion.reasons
    assert "12 years ahead of you" in suggestion.reasons
    assert suggestion.assumed == []
    assert suggestion.reasons_for_mentor[0] == "Wants to learn what you offer: Python"
    assert "2 hours a week overlap with your availability" in suggestion.reasons_for_mentor
    assert "You are 12 years ahead of them" in suggestion.reasons_for_mentor


def test_no_reason_anyone_reads_quotes_a_default_as_a_fact():
    """Across a mixed community, every reason with hours or years is either about
    values the people gave or says it is assumed."""
    mentors = [
        make_mentor(skills=("Python", "SQL"), years=years, slots=((day, 9, 17),))
        for day, years in ((0, 10), (2, None), (4, 20))
    ]
    gave_nothing = make_mentee(wants=("Python",), years=None, slots=())
    gave_all = make_mentee(wants=("SQL",), years=3, slots=((0, 9, 17), (2, 9, 17), (4, 9, 17)))
    _run()
    for suggestion in Suggestion.objects.filter(is_current=True):
        words = suggestion.reasons + suggestion.reasons_for_mentor
        hours_given = suggestion.mentee_id == gave_all.pk
        years_given = suggestion.mentee.profile.years_experience is not None and (
            suggestion.mentor.profile.years_experience is not None
        )
        for reason in words:
            if "overlap" in reason and not hours_given:
                assert "if" in reason, reason
            if "ahead of" in reason:
                assert years_given, reason
    assert {s.mentor_id for s in Suggestion.objects.filter(mentee=gave_nothing)} <= {
        m.pk for m in mentors
    }


def test_the_mentor_reads_reasons_for_their_side_on_the_request(client):
    mentor = make_mentor(skills=("Python",), years=14)
    mentee = make_mentee(wants=("Python",), years=2)
    _run()
    match_request = MatchRequestFactory(
        mentee=mentee, mentor=mentor, suggestion=_suggestion(mentee, mentor)
    )
    client.force_login(mentor)
    html = client.get(reverse("matching:request_detail", args=[match_request.pk])).content.decode()
    assert "Wants to learn what you offer: Python" in html
    assert "Offers skills you want" not in html
    assert "ahead of you" not in html
    client.force_login(mentee)
    html = client.get(reverse("matching:request_detail", args=[match_request.pk])).content.decode()
    assert "Offers skills you want: Python" in html
