"""The one-query viewer: the sign-in backends, the renamed-backend shim, the request memo."""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from mentorship import request_memo
from mentorship.notifications import notify
from safety.models import Block, Suspension
from safety.selectors import hidden_people_ids, signed_in_user
from tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.django_db


def test_the_signed_in_user_comes_with_profile_suspension_and_unread_count(
    django_assert_num_queries,
):
    user = make_mentee()
    notify(user=user, kind="request_received", title="One", url="/x/", email=False)
    with django_assert_num_queries(1):
        loaded = signed_in_user(user.pk)
        assert loaded.profile.pk == user.profile.pk
        assert loaded.suspension_in_force is False
        assert loaded.unread_notifications_at_load == 1
    Suspension.objects.create(user=user, reason="x", starts_at=timezone.now())
    assert signed_in_user(user.pk).suspension_in_force is True


def test_a_session_signed_in_through_the_stock_backend_stays_signed_in(client):
    user = make_mentee()
    client.force_login(user)
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.session[BACKEND_SESSION_KEY] == "safety.auth_backends.ModelBackendOneQuery"


def test_a_suspended_person_is_still_signed_out_on_the_next_request(client):
    user = make_mentee()
    client.force_login(user)
    Suspension.objects.create(user=user, reason="x", starts_at=timezone.now())
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")


def test_hidden_people_are_remembered_within_a_request_only(django_assert_num_queries):
    viewer, other = make_mentee(), make_mentor()
    # Outside a request every call asks.
    with django_assert_num_queries(2):
        hidden_people_ids(viewer)
        hidden_people_ids(viewer)
    token = request_memo._memo.set({})
    try:
        with django_assert_num_queries(1):
            assert hidden_people_ids(viewer) == set()
            assert hidden_people_ids(viewer) == set()
        Block.objects.create(blocker=viewer, blocked=other)
        request_memo.forget("safety.hidden_people_ids")
        assert hidden_people_ids(viewer) == {other.pk}
    finally:
        request_memo._memo.reset(token)
