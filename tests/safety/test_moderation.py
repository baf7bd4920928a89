"""Reports and what moderators do with them: dismiss, hide, restore, warn, suspend."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchRequest, RequestMessage, Suggestion
from mentorship.errors import Refusal
from mentorship.models import Notification
from safety import selectors, services
from safety.models import AuditLog, Report, Suspension, Warning
from tests.factories import PASSWORD, SuggestionFactory, UserFactory, verify_email

from .helpers import MatchRequestFactory, make_mentee, make_mentor, message_on, moderator

pytestmark = pytest.mark.django_db

REPORT = reverse("safety:report_create")


@pytest.fixture
def thread():
    mentee, mentor = make_mentee(), make_mentor()
    request = MatchRequestFactory(mentee=mentee, mentor=mentor, message="Please mentor me.")
    rude = message_on(request, author=mentor, body="Send me money first, then we talk.")
    return mentee, mentor, request, rude


def _report_query(message):
    return {"content": "matching.requestmessage", "id": message.pk, "next": "/dashboard/"}


def test_member_reports_a_request_message_with_a_reason_and_is_thanked(client, thread):
    mentee, mentor, request, rude = thread
    client.force_login(mentee)
    page = client.get(REPORT, _report_query(rude))
    assert page.status_code == 200
    assert "Send me money first" in page.content.decode()
    response = client.post(
        REPORT, {**_report_query(rude), "reason": "scam", "details": "Asked for money."}
    )
    assert response.status_code == 302 and response.url == "/dashboard/"
    report = Report.objects.get()
    assert (report.reporter, report.target_user, report.kind) == (mentee, mentor, "request message")
    assert report.snapshot["content"]["text"] == "Send me money first, then we talk."
    thread_texts = [item["text"] for item in report.snapshot["context"]]
    assert thread_texts == ["Please mentor me.", "Send me money first, then we talk."]
    assert [n.title for n in Notification.objects.filter(user=mentee)] == [
        "Thank you: your report arrived"
    ]
    assert not Notification.objects.filter(user=mentor).exists()  # nobody else learns
    # A second report of the same message is refused with a clear sentence.
    again = client.post(REPORT, {**_report_query(rude), "reason": "spam"})
    assert "You have already reported this; moderators will look at it." in again.content.decode()
    assert Report.objects.count() == 1


def test_report_form_needs_a_reason_and_bounds_details(client, thread):
    mentee, _mentor, _request, rude = thread
    client.force_login(mentee)
    response = client.post(REPORT, {**_report_query(rude), "reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(REPORT, {**_report_query(rude), "reason": "spam", "details": "x" * 2001})
    assert "Ensure this value has at most 2000 characters" in response.content.decode()
    assert not Report.objects.exists()


def test_strangers_and_authors_cannot_report(client, thread):
    _mentee, mentor, _request, rude = thread
    client.force_login(make_mentee())
    assert client.get(REPORT, _report_query(rude)).status_code == 404
    client.force_login(mentor)
    assert client.get(REPORT, _report_query(rude)).status_code == 404


def _reported(thread, *, reporter=None):
    mentee, _mentor, _request, rude = thread
    return services.report_create(reporter=reporter or mentee, target=rude, reason="scam")


def test_hide_tells_the_author_why_and_hides_it_from_the_other_side(client, thread):
    mentee, mentor, request, rude = thread
    report = _reported(thread)
    mod = moderator()
    services.content_hide(moderator=mod, report=report, reason="Asking for money is not allowed.")
    rude.refresh_from_db()
    assert rude.hidden_at is not None
    report.refresh_from_db()
    assert report.status == Report.Status.ACTIONED
    author_note = Notification.objects.get(user=mentor, kind="content_hidden")
    assert author_note.title == "A moderator hid your request message"
    assert "Why: Asking for money is not allowed." in author_note.body
    handled = Notification.objects.get(user=mentee, kind="report_handled")
    assert handled.title == "Your report has been handled"
    url = reverse("matching:request_detail", args=[request.pk])
    client.force_login(mentee)
    html = client.get(url).content.decode()
    assert "Send me money first" not in html
    assert "This message was hidden by a moderator." in html
    client.force_login(mentor)
    html = client.get(url).content.decode()
    assert "A moderator hid this message" in html and "Asking for money is not allowed." in html
    services.content_restore(moderator=mod, report=report)
    rude.refresh_from_db()
    assert rude.hidden_at is None and rude.hidden_reason == ""
    actions = list(
        AuditLog.objects.exclude(action="sign_in").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["report", "content_hidden", "content_restored"]


def test_members_cannot_moderate(thread):
    report = _reported(thread)
    with pytest.raises(Refusal, match="You do not have permission to do this."):
        services.content_hide(moderator=UserFactory(is_staff=True), report=report, reason="x")


def test_reports_of_one_person_are_grouped_and_dismissed_together(thread):
    mentee, mentor, request, rude = thread
    other = message_on(request, author=mentor, body="Another rude line.")
    _reported(thread)
    services.report_create(reporter=mentee, target=other, reason="harassment")
    third = make_mentee()
    services.report_create(reporter=third, target=mentor.profile, reason="impersonation")
    groups = selectors.report_groups_open()
    assert [(g["target_id"], g["count"]) for g in groups] == [(mentor.pk, 3)]
    closed = services.report_group_dismiss(moderator=moderator(), target_user_id=mentor.pk)
    assert closed == 3 and selectors.report_groups_open() == []
    # Each reporter is told once.
    assert Notification.objects.filter(kind="report_handled", user=mentee).count() == 1
    assert Notification.objects.filter(kind="report_handled", user=third).count() == 1


def test_warning_is_told_to_the_person(thread):
    _mentee, mentor, _request, _rude = thread
    _reported(thread)
    services.warning_create(moderator=moderator(), user=mentor, reason="Be kind.")
    assert Warning.objects.get().reason == "Be kind."
    note = Notification.objects.get(user=mentor, kind="warning")
    assert note.title == "A warning from the moderators" and note.body.startswith("Be kind.")
    assert Report.objects.get().status == Report.Status.ACTIONED


def test_suspension_withdraws_pending_requests_retires_suggestions_and_blocks_sign_in(
    client, thread
):
    mentee, mentor, request, _rude = thread
    suggestion = SuggestionFactory(mentee=make_mentee(), mentor=mentor)
    services.suspension_create(
        moderator=moderator(),
        user=mentor,
        reason="Scam attempts.",
        ends_at=timezone.now() + datetime.timedelta(days=7),
    )
    request.refresh_from_db()
    assert request.status == MatchRequest.Status.WITHDRAWN
    assert not Suggestion.objects.get(pk=suggestion.pk).is_current
    assert selectors.is_suspended(mentor) and mentor.pk in selectors.users_not_suggestable_ids(
        as_mentor=True
    )
    assert Notification.objects.filter(user=mentee, kind="request_closed").exists()
    # Signed in already: the next request signs them out.
    client.force_login(mentor)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="signed_out_suspended", target_user_id=mentor.pk).exists()
    # And cannot sign in again through allauth.
    verify_email(mentor)
    response = client.post(
        reverse("account_login"), {"login": mentor.email, "password": PASSWORD}, follow=True
    )
    assert "_auth_user_id" not in client.session
    assert "Your account is suspended until" in response.content.decode()


def test_suspension_ends_by_itself_or_when_lifted(client, thread):
    _mentee, mentor, _request, _rude = thread
    mod = moderator()
    suspension = services.suspension_create(moderator=mod, user=mentor, reason="Cooling off.")
    with pytest.raises(Refusal, match="already suspended"):
        services.suspension_create(moderator=mod, user=mentor, reason="Again.")
    services.suspension_lift(moderator=mod, suspension=suspension)
    assert not selectors.is_suspended(mentor)
    Suspension.objects.create(
        user=mentor,
        reason="Past",
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=1),
    )
    assert not selectors.is_suspended(mentor)
    client.force_login(mentor)
    assert client.get(reverse("dashboard")).status_code == 200


def test_suspend_needs_its_own_permission(thread):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="moderate"))
    with pytest.raises(Refusal, match="permission"):
        services.suspension_create(moderator=staff, user=thread[1], reason="No.")


def test_hidden_message_is_reported_from_snapshot_even_after_edit(thread):
    report = _reported(thread)
    RequestMessage.objects.filter(pk=thread[3].pk).update(body="Edited away")
    assert report.snapshot["content"]["text"] == "Send me money first, then we talk."


def test_one_person_cannot_flood_the_queue(thread, monkeypatch):
    from safety.services import reports

    monkeypatch.setattr(reports, "REPORTS_PER_DAY", 2)
    mentee, mentor, request, rude = thread
    services.report_create(reporter=mentee, target=rude, reason="spam")
    services.report_create(reporter=mentee, target=mentor.profile, reason="spam")
    other = message_on(request, author=mentor, body="Third.")
    with pytest.raises(Refusal, match="You have sent many reports today"):
        services.report_create(reporter=mentee, target=other, reason="spam")
