"""Accounts under attack: rate limits on every way in, no enumeration, sessions.

Through the real allauth endpoints. Each test has its own cache
(``tests/conftest.py``), so every rate limit starts at zero. The figures
these tests hold are listed in docs/security.md "Accounts".
"""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from mentorship.sign_in_limits import SignInThrottled, limited_sign_in
from safety.services.moderation import suspension_create
from tests.factories import (
    MODERATOR,
    PASSWORD,
    add_totp,
    staff_user,
    totp_code,
    verified_user,
)

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed login attempts. Try again later."
WRONG = "The email address and/or password you specified are not correct."
FAILED_PER_ADDRESS = 5  # ACCOUNT_RATE_LIMITS["login_failed"]: 5/5m/key


def _password_login(client, email, password=PASSWORD, path=None):
    return client.post(path or reverse("account_login"), {"login": email, "password": password})


def _signed_in(client) -> bool:
    """Whether this client's cookie still names a live signed-in session."""
    return client.get(reverse("account_email")).status_code == 200


def _session_exists(key: str) -> bool:
    return import_module(settings.SESSION_ENGINE).SessionStore().exists(key)


def _request_code(client, email):
    return client.post(reverse("account_request_login_code"), {"email": email})


def _mailed_code() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", body, flags=re.MULTILINE)
    assert match, body
    return match.group(1)


def _wrong_code(code: str) -> str:
    return "ZZZZ-ZZZZ" if code != "ZZZZ-ZZZZ" else "YYYY-YYYY"


# --- Rate limits on every way in -----------------------------------------------------


def test_password_the_sixth_attempt_is_refused_even_with_the_right_password(client):
    user = verified_user(email="ann@example.org")
    for _ in range(FAILED_PER_ADDRESS):
        assert WRONG in _password_login(client, user.email, "wrong").content.decode()
    refused = _password_login(client, user.email)
    assert TOO_MANY in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_code_wrong_codes_spend_the_address_budget_then_the_right_code_is_refused(client):
    user = verified_user(email="ann@example.org")
    # allauth gives three tries per code; five wrong ones take two codes.
    for tries in (3, 2):
        assert _request_code(client, user.email).status_code == 302
        code = _mailed_code()
        for _ in range(tries):
            client.post(reverse("account_confirm_login_code"), {"code": _wrong_code(code)})
    # The second code is still pending with a try left, but the address's budget is spent.
    right = client.post(
        reverse("account_confirm_login_code"), {"code": _mailed_code()}, follow=True
    )
    assert TOO_MANY in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_code_wrong_passwords_also_close_the_code_door(client):
    user = verified_user(email="ann@example.org")
    for _ in range(FAILED_PER_ADDRESS):
        _password_login(client, user.email, "wrong")
    _request_code(client, user.email)
    refused = client.post(
        reverse("account_confirm_login_code"), {"code": _mailed_code()}, follow=True
    )
    assert TOO_MANY in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_code_the_right_code_signs_in_and_costs_nothing(client):
    user = verified_user(email="ann@example.org")
    for _ in range(FAILED_PER_ADDRESS - 1):
        _password_login(client, user.email, "wrong")
    _request_code(client, user.email)
    response = client.post(reverse("account_confirm_login_code"), {"code": _mailed_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_code_sign_in_still_asks_for_the_second_factor(client):
    user = verified_user(email="ann@example.org")
    add_totp(user)
    _request_code(client, user.email)
    response = client.post(reverse("account_confirm_login_code"), {"code": _mailed_code()})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_code_requests_per_address_are_limited():
    user = verified_user(email="ann@example.org")
    for _ in range(3):  # request_login_code: 3/m/key, each from a fresh browser
        assert _request_code(Client(), user.email).status_code == 302
    fourth = _request_code(Client(), user.email)
    assert fourth.status_code == 200
    assert TOO_MANY in fourth.content.decode()
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("factor", ["totp", "recovery_code"])
def test_mfa_the_sixth_code_is_refused_even_when_right(client, factor):
    user = verified_user(email="ann@example.org")
    add_totp(user)
    recovery = RecoveryCodes.activate(user).get_unused_codes()[0]
    right = totp_code() if factor == "totp" else recovery
    response = _password_login(client, user.email)
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    for _ in range(FAILED_PER_ADDRESS):
        page = client.post(reverse("mfa_authenticate"), {"code": "00000000"}).content.decode()
        assert TOO_MANY not in page
    sixth = client.post(reverse("mfa_authenticate"), {"code": right})
    assert TOO_MANY in sixth.content.decode()
    assert "_auth_user_id" not in client.session


def test_mfa_a_new_password_login_does_not_reset_the_code_budget(client):
    user = verified_user(email="ann@example.org")
    add_totp(user)
    _password_login(client, user.email)
    for _ in range(FAILED_PER_ADDRESS):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    fresh = Client()
    _password_login(fresh, user.email)
    refused = fresh.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert TOO_MANY in refused.content.decode()


def test_admin_login_checks_no_password_and_leads_to_the_limited_form(client):
    staff = staff_user(MODERATOR, is_superuser=True)
    for _ in range(FAILED_PER_ADDRESS + 3):
        response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session
    login = client.get("/admin/login/")["Location"]
    for _ in range(FAILED_PER_ADDRESS):
        _password_login(client, staff.email, "wrong", path=login)
    refused = _password_login(client, staff.email, path=login)
    assert TOO_MANY in refused.content.decode()
    assert "_auth_user_id" not in client.session


def _token_request(ip: str, method: str = "get"):
    return getattr(RequestFactory(), method)("/api/v1/", REMOTE_ADDR=ip)


def test_api_token_misses_per_address_are_limited_then_even_a_good_token_is_refused():
    good = object()
    tries = []

    def check(raw):
        tries.append(raw)
        return good if raw == "good" else None

    misses = 20  # ACCOUNT_RATE_LIMITS["api_token_failed"]: 20/m/ip
    for _ in range(misses):
        request = _token_request("203.0.113.7")
        assert (
            limited_sign_in(request, action="api_token_failed", attempt=lambda: check("bad"))
            is None
        )
    with pytest.raises(SignInThrottled) as refused:
        limited_sign_in(
            _token_request("203.0.113.7", "post"),
            action="api_token_failed",
            attempt=lambda: check("good"),
        )
    assert refused.value.code == "too_many_attempts"
    assert len(tries) == misses  # the refused attempt never reached the token check
    # Another client address is not affected.
    other = _token_request("198.51.100.9")
    assert limited_sign_in(other, action="api_token_failed", attempt=lambda: check("good")) is good


def test_api_token_good_tokens_do_not_spend_the_budget():
    for _ in range(50):
        request = _token_request("203.0.113.8")
        assert (
            limited_sign_in(request, action="api_token_failed", attempt=lambda: "token") == "token"
        )


# --- No enumeration -------------------------------------------------------------------


def _normalised(response, email: str) -> str:
    html = response.content.decode()
    html = html.replace(email, "EMAIL")
    # CSRF tokens are masked afresh on every page.
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF", html)


def _compare(action, known: str, unknown: str, *, follow: bool = True):
    """``action(client, email)`` for a known and an unknown address, in fresh clients."""
    answers = []
    for email in (known, unknown):
        client = Client()
        response = action(client, email)
        chain = [(response.status_code, response.get("Location"))]
        if follow and response.status_code == 302:
            response = client.get(response["Location"])
            chain.append((response.status_code, None))
        answers.append((chain, _normalised(response, email)))
    (known_chain, known_page), (unknown_chain, unknown_page) = answers
    assert known_chain == unknown_chain
    assert known_page == unknown_page
    return known_chain


def test_enumeration_login_wrong_password(client):
    verified_user(email="ann@example.org")
    chain = _compare(
        lambda c, e: _password_login(c, e, "wrong"), "ann@example.org", "bob@example.org"
    )
    assert chain == [(200, None)]


def test_enumeration_signup():
    verified_user(email="ann@example.org")
    chain = _compare(
        lambda c, e: c.post(
            reverse("account_signup"), {"email": e, "password1": PASSWORD, "password2": PASSWORD}
        ),
        "ann@example.org",
        "bob@example.org",
    )
    assert chain[0] == (302, reverse("account_email_verification_sent"))


def test_enumeration_password_reset():
    verified_user(email="ann@example.org")
    chain = _compare(
        lambda c, e: c.post(reverse("account_reset_password"), {"email": e}),
        "ann@example.org",
        "bob@example.org",
    )
    assert chain[0] == (302, reverse("account_reset_password_done"))


def test_enumeration_login_by_code_request_and_wrong_code():
    verified_user(email="ann@example.org")
    chain = _compare(_request_code, "ann@example.org", "bob@example.org")
    assert chain[0] == (302, reverse("account_confirm_login_code"))

    def wrong_code(client, email):
        _request_code(client, email)
        return client.post(reverse("account_confirm_login_code"), {"code": "ZZZZZZ"})

    _compare(wrong_code, "ann@example.org", "bob@example.org")


# --- Sessions ---------------------------------------------------------------------------


def _anonymous_session_key(client) -> str:
    client.get(reverse("account_login"))
    session = client.session
    session["visited"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return session.session_key


def test_session_key_changes_at_password_login(client):
    user = verified_user(email="ann@example.org")
    before = _anonymous_session_key(client)
    _password_login(client, user.email)
    after = client.session.session_key
    assert client.session["_auth_user_id"] == str(user.pk)
    assert after != before and not _session_exists(before)


def test_session_key_changes_at_code_login(client):
    user = verified_user(email="ann@example.org")
    before = _anonymous_session_key(client)
    _request_code(client, user.email)
    client.post(reverse("account_confirm_login_code"), {"code": _mailed_code()})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != before and not _session_exists(before)


def test_session_key_changes_after_the_second_factor(client):
    user = verified_user(email="ann@example.org")
    add_totp(user)
    _password_login(client, user.email)
    between = client.session.session_key
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != between


@pytest.fixture
def two_devices():
    """One person signed in twice, through the real form (as two browsers would)."""
    user = verified_user(email="ann@example.org")
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        assert _password_login(device, user.email).status_code == 302
        assert _signed_in(device)
    assert UserSession.objects.filter(user=user).count() == 2
    return user, laptop, phone


def test_logout_ends_the_other_sessions(two_devices):
    user, laptop, phone = two_devices
    phone_key = phone.session.session_key
    laptop.post(reverse("account_logout"))
    assert not _signed_in(laptop)
    assert not _session_exists(phone_key)
    assert not _signed_in(phone)


def test_password_change_keeps_this_session_and_ends_the_others(two_devices):
    user, laptop, phone = two_devices
    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase-7",
            "password2": "a-new-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    assert _signed_in(laptop)
    assert not _signed_in(phone)


def _activate_totp(client):
    # allauth asks for the password again before a second factor changes.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    import time

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    return client.post(reverse("mfa_activate_totp"), {"code": code})


def test_adding_a_second_factor_ends_the_other_sessions(
    two_devices, django_capture_on_commit_callbacks
):
    user, laptop, phone = two_devices
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals on commit
        assert _activate_totp(laptop).status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert _signed_in(laptop)
    assert not _signed_in(phone)


def test_removing_the_second_factor_ends_the_other_sessions(two_devices):
    user, laptop, phone = two_devices
    assert _activate_totp(laptop).status_code == 302
    # Sign the phone in again, this time with the code.
    _password_login(phone, user.email)
    phone.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert _signed_in(phone)
    response = laptop.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert _signed_in(laptop)
    assert not _signed_in(phone)


def test_suspension_ends_every_session_at_once(two_devices):
    user, laptop, phone = two_devices
    keys = [laptop.session.session_key, phone.session.session_key]
    moderator = staff_user(MODERATOR)
    suspension_create(moderator=moderator, user=user, reason="Harassment reported twice.")
    # Gone from the store at once, not only at the person's next request.
    assert [_session_exists(key) for key in keys] == [False, False]
    assert not UserSession.objects.filter(user=user).exists()
    assert not _signed_in(laptop) and not _signed_in(phone)


def test_api_and_scim_stop_a_client_guessing_tokens_even_when_it_then_has_a_good_one():
    import uuid

    from rest_framework.test import APIClient

    from tests.factories import PROGRAMME_MANAGER, api_token, make_mentee, staff_user

    good = api_token(make_mentee(), scope="read")
    scim = api_token(staff_user(PROGRAMME_MANAGER), scope="scim")
    # A fresh client address each run: the counts live in the shared cache.
    guesser, other = (f"2001:db8:{uuid.uuid4().hex[:4]}:{n}::1" for n in (1, 2))
    client = APIClient(REMOTE_ADDR=guesser)
    for n in range(20):  # ACCOUNT_RATE_LIMITS["api_token_failed"]
        guess = client.get("/api/v1/me/profile/", HTTP_AUTHORIZATION=f"Bearer wrong-{n}")
        assert guess.status_code == 401
    refused = client.get("/api/v1/me/profile/", HTTP_AUTHORIZATION=f"Bearer {good}")
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts" in refused.json()["message"]
    scim_refused = client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {scim}")
    assert scim_refused.status_code == 429
    # Another client address is not affected, and good tokens spend nothing.
    fine = APIClient(REMOTE_ADDR=other)
    for _ in range(25):
        response = fine.get("/api/v1/me/profile/", HTTP_AUTHORIZATION=f"Bearer {good}")
        assert response.status_code == 200
