"""The admin upload → preview → confirm → result flow for cohort imports."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from profiles.models import Profile, User
from tests.factories import UserFactory, staff_login
from tests.profiles.test_import import good_file, make_csv, person

pytestmark = pytest.mark.django_db

IMPORT = "/admin/profiles/profile/import/"
CONFIRM = "/admin/profiles/profile/import/confirm/"


@pytest.fixture(autouse=True)
def _imports_dir(settings, tmp_path, monkeypatch):
    monkeypatch.setattr("profiles.admin.IMPORT_DIR", tmp_path / "imports")


def upload(client, data: bytes, name="cohort.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data, "text/csv")})


def test_changelist_links_to_import_and_export(staff_client):
    body = staff_client.get("/admin/profiles/profile/").content.decode()
    assert IMPORT in body and "/admin/profiles/profile/export/" in body


def test_preview_then_confirm_imports(staff_client, django_capture_on_commit_callbacks):
    assert staff_client.get(IMPORT).status_code == 200
    response = upload(staff_client, good_file())
    assert response.status_code == 200
    body = response.content.decode()
    assert "every row is valid" in body
    assert "ann@example.org" in body and "bob@example.org" in body
    assert "Underwater Kubernetes Weaving" in body
    assert response.context["report"].counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert not User.objects.filter(email="ann@example.org").exists()  # preview writes nothing
    token = response.context["confirm_form"].initial["token"]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(CONFIRM, {"token": token})
    assert response.status_code == 200
    assert "Imported: 2 created, 0 updated, 0 unchanged. Invitations sent: 2." in (
        response.content.decode()
    )
    assert Profile.objects.count() == 2
    assert len(mail.outbox) == 2

    # The same token cannot be applied twice.
    response = staff_client.post(CONFIRM, {"token": token}, follow=True)
    assert "no longer available" in response.content.decode()
    assert len(mail.outbox) == 2


def test_bad_rows_are_listed_and_nothing_can_be_confirmed(staff_client):
    response = upload(staff_client, make_csv([person(role="guru"), person(timezone="X")]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was imported: 3 problems on 2 lines." in body
    assert "unknown role “guru”" in body
    assert "duplicate email ann@example.org (already on line 2)" in body
    assert "Confirm and import" not in body
    assert response.context["confirm_form"].initial["token"] == ""


def test_confirm_only_trusts_the_file_kept_server_side(staff_client, client, admin_user):
    response = upload(staff_client, good_file())
    token = response.context["confirm_form"].initial["token"]
    # A made-up token, or a real one from another session, is refused.
    staff_client.post(CONFIRM, {"token": "0" * 64})
    other = UserFactory(is_staff=True, is_superuser=True)
    from django.test import Client

    other_client = Client()
    other_client.force_login(other)
    other_client.post(CONFIRM, {"token": token})
    assert not Profile.objects.exists()


def test_the_file_is_validated_again_on_confirm(staff_client):
    response = upload(staff_client, make_csv([person(email="new@example.org")]))
    token = response.context["confirm_form"].initial["token"]
    # Between preview and confirm someone else takes that address as a secondary one.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=UserFactory(), email="new@example.org", verified=True)
    response = staff_client.post(CONFIRM, {"token": token})
    assert response.status_code == 400
    assert "already an address of another account" in response.content.decode()
    assert not Profile.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cohort.xlsx", b"PK\x03\x04", "Upload a .csv file"),
        ("cohort.csv", b"\x00\x01binary", "This is not a text file"),
        ("cohort.csv", b"email\n" + b"x" * (2 * 1024 * 1024), "the limit is 2 MB"),
    ],
)
def test_upload_validation(staff_client, name, data, message):
    response = upload(staff_client, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_non_utf8_upload_is_reported(staff_client):
    response = upload(
        staff_client, "email,name,role,timezone\nz@x.org,Zoë,mentee,UTC\n".encode("cp1252")
    )
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()


def test_access_ladder(client):
    assert client.get(IMPORT).status_code == 302
    client.force_login(UserFactory())
    response = client.get(IMPORT)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_profile"))
    staff_login(client, viewer)
    assert client.get(IMPORT).status_code == 403
    assert client.post(CONFIRM, {"token": "0" * 64}).status_code == 403
    assert client.get("/admin/profiles/profile/export/").status_code == 200
