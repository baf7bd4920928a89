"""A notification stops being news once the person opened what it is about, or acted."""

import pytest
from django.urls import reverse

from matching import services
from mentorship.models import Notification
from mentorship.notifications import notify
from tests.factories import MatchRequestFactory, make_mentee, make_mentor

pytestmark = pytest.mark.django_db


def test_opening_the_page_a_notification_points_at_marks_it_read(client):
    mentee = make_mentee()
    notify(user=mentee, kind="x", title="Your suggestions changed", url="/matches/suggestions/")
    other = notify(user=mentee, kind="x", title="Something else", url="/matches/mentorships/")
    client.force_login(mentee)
    html = client.get(reverse("matching:suggestions")).content.decode()
    assert 'id="nav-unread-count">1<' in html  # the page's own badge already leaves it out
    assert list(Notification.objects.filter(read_at__isnull=True)) == [other]


def test_answering_a_request_settles_its_notification_for_the_mentor():
    mentor, mentee = make_mentor(), make_mentee()
    match_request = MatchRequestFactory(mentee=mentee, mentor=mentor)
    url = reverse("matching:request_detail", args=[match_request.pk])
    notify(user=mentor, kind="request_received", title="A request", url=url)
    services.match_request_accept(request=match_request, mentor=mentor)
    assert not Notification.objects.filter(user=mentor, read_at__isnull=True).exists()
    # The mentee's "accepted" notification is news to them, untouched.
    assert Notification.objects.filter(user=mentee, read_at__isnull=True).count() == 1


def test_with_nothing_unread_a_page_view_writes_nothing(client):
    from tests.queries import statements

    mentee = make_mentee()
    client.force_login(mentee)
    client.get(reverse("matching:suggestions"))  # the session's first page
    seen = statements(lambda: client.get(reverse("matching:suggestions")))
    assert not [sql for sql in seen if sql.lstrip().upper().startswith("UPDATE")]
    notify(user=mentee, kind="x", title="Your suggestions changed", url="/matches/suggestions/")
    client.get(reverse("matching:suggestions"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
