"""Publishing a cohort: a second look first, ranks without gaps, mentees told,
and nobody already mentored paired again."""

import pytest
from django.urls import reverse

from matching import services
from matching.models import MatchRun, Suggestion
from mentorship.models import Notification
from tests.factories import (
    PROGRAMME_MANAGER,
    MentorshipFactory,
    community,
    staff_login,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _runs_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _full_run():
    services.match_run_execute_inline(run=services.match_run_start(chunk_size=10))


def test_publish_numbers_ranks_without_gaps_and_notifies_each_mentee(
    django_capture_on_commit_callbacks, mailoutbox
):
    community(mentors=4, mentees=6)
    _full_run()
    run = services.match_cohort_preview(mode="optimal")
    assigned = dict(run.suggestions.values_list("mentee_id", "mentor_id"))
    with django_capture_on_commit_callbacks(execute=True):
        services.match_cohort_publish(run=run)
    for mentee_id, mentor_id in assigned.items():
        current = Suggestion.objects.filter(mentee_id=mentee_id, is_current=True)
        ranks = sorted(current.values_list("rank", flat=True))
        assert ranks == list(range(1, len(ranks) + 1))
        assert current.get(rank=1).mentor_id == mentor_id
    notified = Notification.objects.filter(kind="cohort_match")
    assert sorted(notified.values_list("user_id", flat=True)) == sorted(assigned)
    assert {n.title for n in notified} == {"The programme matched you with a mentor"}
    assert len(mailoutbox) == len(assigned)


def test_a_mentee_already_in_a_mentorship_is_not_paired_again():
    mentors, mentees = community(mentors=4, mentees=5)
    MentorshipFactory(mentee=mentees[0], mentor=mentors[0])
    run = services.match_cohort_preview(mode="stable")
    paired = set(run.suggestions.values_list("mentee_id", flat=True))
    assert mentees[0].pk not in paired
    assert run.figures["already_mentored"] == 1


def test_the_staff_page_publishes_only_from_the_confirmation(client):
    community(mentors=3, mentees=3)
    run = services.match_cohort_preview(mode="stable")
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    page = client.get(reverse("matching:staff_cohort_detail", args=[run.pk])).content.decode()
    count = run.suggestions.count()
    assert f"Yes, publish and notify {count} mentee" in page
    url = reverse("matching:staff_cohort_publish", args=[run.pk])
    response = client.post(url, follow=True)
    assert "Confirm the publish below: it notifies every matched mentee." in (
        response.content.decode()
    )
    run.refresh_from_db()
    assert run.status == MatchRun.Status.SUCCEEDED
    client.post(url, {"confirm": "publish"})
    run.refresh_from_db()
    assert run.status == MatchRun.Status.PUBLISHED


def test_the_cohort_match_is_labelled_on_the_mentees_card(client):
    mentors, mentees = community(mentors=3, mentees=2)
    _full_run()
    run = services.match_cohort_preview(mode="optimal")
    services.match_cohort_publish(run=run)
    mentee_id = run.suggestions.values_list("mentee_id", flat=True).first()
    client.force_login(next(m for m in mentees if m.pk == mentee_id))
    html = client.get(reverse("matching:suggestions")).content.decode()
    assert "Chosen for you by the programme" in html
