"""SCIM 2.0 provisioning at /scim/v2/, checked by scim2-tester (a compliance checker the
project did not write) against a live server, plus the provisioning guarantees."""

import json

import httpx2 as httpx
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from mentorship.services.tokens import api_token_create
from profiles.models import User
from safety.roles import PROGRAMME_MANAGER
from tests.factories import UserFactory, api_token, staff_user

pytestmark = pytest.mark.django_db

SCIM = "application/scim+json"


@pytest.fixture
def scim_token(db):
    return api_token(staff_user(PROGRAMME_MANAGER), "scim")


@pytest.fixture
def scim(live_server, scim_token):
    with httpx.Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {scim_token}"},
        timeout=20,
    ) as client:
        yield client


def test_scim2_tester_compliance(scim):
    results = check_server(SyncSCIMClient(scim), raise_exceptions=False)
    failures = [
        f"{r.title}: {r.reason}" for r in results if r.status in (Status.ERROR, Status.CRITICAL)
    ]
    assert results
    assert failures == [], "\n".join(failures)


def _user(n: int, **extra) -> dict:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": f"person{n}@corp.example",
        "externalId": f"okta-{n}",
        "name": {"givenName": f"Given{n}", "familyName": "Person"},
        "emails": [{"value": f"person{n}@corp.example", "primary": True, "type": "work"}],
        "active": True,
        **extra,
    }


@pytest.fixture
def scim_client(client, scim_token):
    def call(method, path, body=None):
        return getattr(client, method)(
            f"/scim/v2/{path}",
            data=None if body is None else json.dumps(body),
            content_type=SCIM,
            HTTP_AUTHORIZATION=f"Bearer {scim_token}",
        )

    return call


def test_provisioning_100_people_twice_ends_with_exactly_100(scim_client):
    before = User.objects.count()
    first = [scim_client("post", "Users", _user(n)).status_code for n in range(100)]
    second = [scim_client("post", "Users", _user(n)) for n in range(100)]
    assert first == [201] * 100
    assert {r.status_code for r in second} == {409}
    assert second[0].json()["scimType"] == "uniqueness"
    assert User.objects.count() - before == 100
    assert User.objects.filter(scim_external_id__startswith="okta-").count() == 100


def test_a_person_who_signed_up_is_adopted_by_address_not_duplicated(scim_client):
    existing = UserFactory(email="person7@corp.example", name="Already Here")
    created = scim_client("post", "Users", _user(7))
    assert created.status_code == 201
    assert created.json()["id"] == str(existing.pk)
    existing.refresh_from_db()
    assert existing.scim_external_id == "okta-7"
    assert User.objects.filter(email__iexact="person7@corp.example").count() == 1


def test_filter_by_username_and_external_id(scim_client):
    scim_client("post", "Users", _user(1))
    scim_client("post", "Users", _user(2))
    found = scim_client("get", 'Users?filter=userName eq "person2@corp.example"').json()
    assert found["totalResults"] == 1
    assert found["Resources"][0]["externalId"] == "okta-2"
    by_external = scim_client("get", 'Users?filter=externalId eq "okta-1"').json()
    assert [r["userName"] for r in by_external["Resources"]] == ["person1@corp.example"]


def test_deprovisioning_stops_sign_in_and_tokens_and_keeps_the_data(client, scim_client):
    created = scim_client("post", "Users", _user(5)).json()
    person = User.objects.get(pk=created["id"])
    person.set_password("a-long-password-for-this-test")
    person.save()
    token, raw = api_token_create(user=person, name="script", scope="read")
    assert client.get("/api/v1/me/profile/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200

    patched = scim_client(
        "patch",
        f"Users/{person.pk}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": False}],
        },
    )
    assert patched.status_code == 200
    assert patched.json()["active"] is False
    person.refresh_from_db()
    assert person.is_active is False
    assert client.get("/api/v1/me/profile/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.login(email=person.email, password="a-long-password-for-this-test") is False
    signed_in = client.post(
        "/accounts/login/",
        {"login": person.email, "password": "a-long-password-for-this-test"},
    )
    assert "_auth_user_id" not in client.session
    assert signed_in.status_code in (200, 302)


def test_delete_deactivates_hides_and_a_new_post_brings_the_same_account_back(scim_client):
    created = scim_client("post", "Users", _user(9)).json()
    person = User.objects.get(pk=created["id"])
    assert scim_client("delete", f"Users/{person.pk}").status_code == 204
    person.refresh_from_db()
    assert person.is_active is False
    assert hasattr(person, "profile")  # nothing deleted
    gone = scim_client("get", f"Users/{person.pk}")
    assert gone.status_code == 404
    assert gone.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    again = scim_client("post", "Users", _user(9))
    assert again.status_code == 201
    assert again.json()["id"] == str(person.pk)
    person.refresh_from_db()
    assert person.is_active is True


def test_only_a_scim_token_of_a_programme_manager_works(client, db):
    staff = staff_user(PROGRAMME_MANAGER)
    client.force_login(staff)
    assert client.get("/scim/v2/Users").status_code == 401  # a session is not enough
    write = api_token(staff, "write")
    assert client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {write}").status_code == 401
    scim = api_token(staff, "scim")
    ok = client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {scim}")
    assert ok.status_code == 200
    staff.is_staff = False
    staff.save()
    assert client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {scim}").status_code == 401


def test_put_without_active_keeps_a_deactivated_person_deactivated(scim_client):
    person = scim_client("post", "Users", _user(3, active=False)).json()
    body = {key: value for key, value in _user(3).items() if key != "active"}
    replaced = scim_client("put", f"Users/{person['id']}", body)
    assert replaced.status_code == 200
    assert replaced.json()["active"] is False


def test_a_username_taken_by_someone_else_is_a_conflict(scim_client):
    scim_client("post", "Users", _user(1))
    clash = _user(2, userName="person1@corp.example")
    response = scim_client("post", "Users", clash)
    assert response.status_code == 409
    assert response.json()["detail"] == "userName person1@corp.example is already taken."
