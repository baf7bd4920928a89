"""Personal access tokens: created on the settings page or by command, shown once, stored
hashed, scoped, revocable, and stopped the moment their owner is deactivated."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from mentorship import access
from mentorship.errors import Refusal
from mentorship.models import ApiToken
from mentorship.services.tokens import api_token_create, api_token_revoke
from profiles.services.accounts import person_deactivate
from safety.roles import PROGRAMME_MANAGER
from tests.factories import UserFactory, staff_user, verified_user

pytestmark = pytest.mark.django_db


def _bearer(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_token_is_stored_only_as_a_digest_with_a_lookup_prefix():
    user = UserFactory()
    token, raw = api_token_create(user=user, name="notebook", scope="read")
    assert raw.startswith(f"mtk_{token.prefix}_")
    assert len(raw) > 50
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_token_authenticates_and_records_last_use():
    user = UserFactory()
    token, raw = api_token_create(user=user, name="script", scope="read")
    assert _bearer(raw).get("/api/v1/me/profile/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "raw", ["mtk_nothing_here", "mtk_", "garbage", "mtk_abcdef123456_wrongsecret"]
)
def test_bad_tokens_are_401(raw):
    response = _bearer(raw).get("/api/v1/me/profile/")
    assert response.status_code == 401
    assert response.json() == {
        "code": "authentication_failed",
        "message": "Invalid, revoked or expired token.",
    }


def test_a_right_prefix_with_a_wrong_secret_is_refused():
    token, raw = api_token_create(user=UserFactory(), name="x", scope="read")
    forged = f"mtk_{token.prefix}_{'A' * 43}"
    assert _bearer(forged).get("/api/v1/me/profile/").status_code == 401


def test_revoked_token_stops_at_once():
    token, raw = api_token_create(user=UserFactory(), name="x", scope="write")
    client = _bearer(raw)
    assert client.get("/api/v1/me/profile/").status_code == 200
    api_token_revoke(token=token)
    assert client.get("/api/v1/me/profile/").status_code == 401


def test_deactivated_person_token_stops_at_once():
    user = UserFactory()
    _, raw = api_token_create(user=user, name="x", scope="write")
    client = _bearer(raw)
    assert client.get("/api/v1/me/profile/").status_code == 200
    person_deactivate(user=user)
    assert client.get("/api/v1/me/profile/").status_code == 401


def test_an_account_check_from_a_higher_app_stops_tokens(monkeypatch):
    user = UserFactory()
    _, raw = api_token_create(user=user, name="x", scope="write")
    monkeypatch.setattr(access, "_account_checks", [lambda u: u.pk != user.pk])
    assert _bearer(raw).get("/api/v1/me/profile/").status_code == 401


def test_scim_tokens_are_for_managers_and_only_for_scim():
    with pytest.raises(Refusal) as refused:
        api_token_create(user=UserFactory(), name="idp", scope="scim")
    assert refused.value.message == "Only programme managers can create SCIM provisioning tokens."
    _, raw = api_token_create(user=staff_user(PROGRAMME_MANAGER), name="idp", scope="scim")
    response = _bearer(raw).get("/api/v1/me/profile/")
    assert response.status_code == 401
    assert response.json()["message"] == "A SCIM token works only at /scim/v2/."


def test_create_token_command_prints_a_working_token_once():
    user = UserFactory(email="script@example.org")
    out = io.StringIO()
    call_command("create_token", "script@example.org", "--scope", "write", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("mtk_")
    assert _bearer(raw).get("/api/v1/me/profile/").json()["email"] == user.email
    assert ApiToken.objects.get(user=user).scope == "write"


def test_session_auth_needs_csrf_on_writes():
    user = verified_user()
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/v1/notifications/").status_code == 200
    refused = client.post("/api/v1/notifications/read-all/")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]


# --- the settings page ------------------------------------------------------------


def test_settings_page_access_ladder(client):
    url = reverse("api_tokens")
    assert client.get(url).status_code == 302
    user = verified_user()
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    assert "No tokens yet" in page.content.decode()
    # The SCIM scope is offered to programme managers only.
    assert 'value="scim"' not in page.content.decode()


def test_create_shows_the_secret_once_then_revoke(client):
    user = verified_user()
    client.force_login(user)
    created = client.post(
        reverse("api_tokens"), {"name": "calendar sync", "scope": "read"}, follow=True
    )
    assert created.redirect_chain == [(reverse("api_tokens"), 302)]
    token = ApiToken.objects.get(user=user)
    html = created.content.decode()
    assert "Copy it now" in html
    assert f"mtk_{token.prefix}_" in html
    assert "no-store" in created["Cache-Control"]
    again = client.get(reverse("api_tokens")).content.decode()
    assert "Copy it now" not in again
    assert "calendar sync" in again

    stranger = verified_user()
    client.force_login(stranger)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    client.force_login(user)
    client.post(reverse("api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_account_menu_links_to_tokens(client):
    client.force_login(verified_user())
    assert reverse("api_tokens") in client.get(reverse("dashboard")).content.decode()


def test_api_docs_and_schema_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3.1.0" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower()
