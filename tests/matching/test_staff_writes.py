"""Staff writes go through the services: queued cohort previews, read-only flow
rows in the admin, and the programme (not a party) ending a mentorship."""

import pytest
from django.urls import reverse

from matching import tasks
from matching.models import MatchRun, Mentorship
from mentorship.models import Notification
from tests.factories import (
    PROGRAMME_MANAGER,
    MatchRequestFactory,
    MentorshipFactory,
    UserFactory,
    community,
    make_mentee,
    make_mentor,
    staff_login,
    staff_user,
)

pytestmark = pytest.mark.django_db


def test_cohort_preview_page_queues_a_worker_task_and_shows_progress(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    community(mentors=2, mentees=3)
    queued = []
    monkeypatch.setattr(tasks.cohort_preview, "delay", lambda run_id: queued.append(run_id))
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:staff_cohort"), {"mode": "stable"})
    run = MatchRun.objects.get(kind=MatchRun.Kind.COHORT)
    assert response.status_code == 302
    assert response.url == reverse("matching:staff_cohort_detail", args=[run.pk])
    assert queued == [run.pk] and run.status == MatchRun.Status.QUEUED  # nothing computed yet
    html = client.get(response.url).content.decode()
    assert "A worker is computing this preview" in html and 'hx-trigger="every 2s"' in html
    tasks.cohort_preview.run(run.pk)  # what the worker does
    html = client.get(response.url).content.decode()
    assert "A worker is computing" not in html and "hx-trigger" not in html
    assert "Publish this cohort?" in html


def test_a_failed_cohort_preview_says_why(client):
    run = MatchRun.objects.create(kind=MatchRun.Kind.COHORT, mode="stable")
    with pytest.raises(Exception, match="Nobody to match"):
        tasks.cohort_preview.run(run.pk)
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    html = client.get(reverse("matching:staff_cohort_detail", args=[run.pk])).content.decode()
    assert "The preview failed: CohortError: Nobody to match" in html


def test_staff_run_start_queues_the_full_run_on_commit(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks.run_full_scoring, "delay", lambda run_id: queued.append(run_id))
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:staff_run_start"))
    run = MatchRun.objects.get(kind=MatchRun.Kind.FULL)
    assert queued == [run.pk]


def test_admin_cannot_edit_request_or_mentorship_status(admin_client):
    mentee, mentor = make_mentee(), make_mentor()
    request = MatchRequestFactory(mentee=mentee, mentor=mentor)
    mentorship = MentorshipFactory(mentee=make_mentee(), mentor=mentor, slot=1)
    for name, obj in (("matchrequest", request), ("mentorship", mentorship)):
        url = reverse(f"admin:matching_{name}_change", args=[obj.pk])
        html = admin_client.get(url).content.decode()
        assert 'name="status"' not in html, name  # shown, not editable
        admin_client.post(url, {"status": "cancelled"})
    request.refresh_from_db()
    mentorship.refresh_from_db()
    assert request.status == "pending" and mentorship.status == Mentorship.Status.ACTIVE
    assert admin_client.get(reverse("admin:matching_mentorship_add")).status_code == 403


def test_admin_end_action_tells_both_people_the_programme_ended_it(admin_client):
    mentorship = MentorshipFactory(mentee=make_mentee(), mentor=make_mentor(), slot=1)
    admin_client.post(
        reverse("admin:matching_mentorship_changelist"),
        {"action": "end_selected", "_selected_action": [mentorship.pk]},
    )
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED
    titles = dict(
        Notification.objects.filter(kind="mentorship_ended").values_list("user_id", "title")
    )
    assert titles == {
        mentorship.mentee_id: "The programme team ended your mentorship",
        mentorship.mentor_id: "The programme team ended your mentorship",
    }


def test_mentor_profile_page_shows_the_response_rate(client):
    mentor = make_mentor()
    request = MatchRequestFactory(mentee=make_mentee(), mentor=mentor)
    request.status, request.responded_at = "accepted", request.created_at
    request.save()
    client.force_login(UserFactory())
    html = client.get(
        reverse("profiles:profile_detail", args=[mentor.profile.public_id])
    ).content.decode()
    assert "Responsiveness" in html and "Answers <strong>100%</strong> of requests" in html
    mentee = make_mentee()
    html = client.get(
        reverse("profiles:profile_detail", args=[mentee.profile.public_id])
    ).content.decode()
    assert "Responsiveness" not in html
