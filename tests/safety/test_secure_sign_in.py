"""Staff sign-in goes through allauth (rate limits, MFA); the admin needs MFA in this session."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import encrypt
from django.urls import reverse

from safety.models import AuditLog
from tests.factories import PASSWORD, UserFactory, verify_email

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"
TOO_MANY = "Too many failed login attempts. Try again later."


def _code() -> str:
    import time

    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))


@pytest.fixture
def staff():
    user = UserFactory(is_staff=True, is_superuser=True, email="staff@example.org")
    verify_email(user)
    return user


def test_admin_login_is_allauths_sign_in(client):
    response = client.get("/admin/login/?next=/admin/profiles/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fprofiles%2F"
    # An outside next is dropped.
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_staff_password_posted_to_admin_login_signs_nobody_in(client, staff):
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_staff_password_without_a_second_factor_does_not_reach_the_admin(client, staff):
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302  # signed in with the password only...
    admin = client.get("/admin/")
    assert admin.status_code == 302  # ...so the admin sends them to enrol a second factor
    assert admin["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.get("/admin/profiles/profile/").status_code == 302


def test_an_authenticator_alone_is_not_enough_the_session_must_pass_it(client, staff):
    Authenticator.objects.create(
        user=staff, type=Authenticator.Type.TOTP, data={"secret": encrypt(SECRET)}
    )
    client.force_login(staff)  # a session that never typed a code
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_password_then_totp_code_reaches_the_admin(client, staff):
    Authenticator.objects.create(
        user=staff, type=Authenticator.Type.TOTP, data={"secret": encrypt(SECRET)}
    )
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD}
    )
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert client.get("/admin/").status_code == 302  # not signed in until the code
    response = client.post(reverse("mfa_authenticate"), {"code": _code()})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditLog.objects.filter(action="sign_in", actor_id=staff.pk).exists()


def _wrong(client, path, **extra):
    return client.post(path, {"login": "staff@example.org", "password": "wrong", **extra})


def test_the_sixth_wrong_password_is_refused_on_the_sign_in_page(client, staff):
    for _ in range(5):
        assert TOO_MANY not in _wrong(client, reverse("account_login")).content.decode()
    sixth = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert TOO_MANY in sixth.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="sign_in_failed", target_user_id=staff.pk).count() == 5


def test_the_sixth_wrong_password_is_refused_through_the_admin_login(client, staff):
    # /admin/login/ never checks a password (not even the right one) ...
    for password in ["wrong"] * 5 + [PASSWORD]:
        client.post("/admin/login/", {"username": staff.email, "password": password})
        assert "_auth_user_id" not in client.session
    # ... it leads to allauth's form, where the sixth attempt is refused.
    login = client.get("/admin/login/")["Location"]
    for _ in range(5):
        _wrong(client, login)
    sixth = client.post(login, {"login": staff.email, "password": PASSWORD})
    assert TOO_MANY in sixth.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_sixth_wrong_password_is_refused_when_reauthenticating(client, staff):
    client.force_login(staff)
    url = reverse("account_reauthenticate")
    for _ in range(5):
        page = client.post(url, {"password": "wrong"}).content.decode()
        assert TOO_MANY not in page
    sixth = client.post(url, {"password": PASSWORD}).content.decode()
    assert TOO_MANY in sixth


def test_the_sixth_wrong_password_is_refused_when_deleting_the_account(client):
    user = UserFactory(email="dana@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    url = reverse("profiles:data_delete")
    for _ in range(5):
        client.post(url, {"password": "wrong", "confirm": user.email})
    sixth = client.post(url, {"password": PASSWORD, "confirm": user.email})
    assert TOO_MANY in sixth.content.decode()
    user.refresh_from_db()  # still there


def test_typing_a_code_in_a_password_only_session_opens_staff_pages(client):
    from tests.factories import MODERATOR, add_totp, staff_user, totp_code

    moderator = staff_user(MODERATOR)
    add_totp(moderator)
    client.force_login(moderator)
    response = client.get(reverse("safety:staff_queue"))
    assert response.status_code == 302
    step = response["Location"]
    assert step == f"{reverse('mfa_reauthenticate')}?next=%2Fsafety%2Fstaff%2F"
    response = client.post(step, {"code": totp_code()})
    assert response.status_code == 302 and response["Location"] == "/safety/staff/"
    assert client.get("/safety/staff/").status_code == 200


def test_a_wrong_second_factor_code_is_audited(client, staff):
    from tests.factories import add_totp

    add_totp(staff)
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    row = AuditLog.objects.get(action="sign_in_failed")
    assert row.target_user_id == staff.pk and row.summary == "wrong second-factor code"
