"""Accounts through the real allauth endpoints: bad input first, then the flows.

Mail goes to Django's locmem backend (``django.core.mail.outbox``); each test
has its own cache (see ``tests/conftest.py``), so rate limits start at zero.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "another-long-passphrase-42"
WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."
TOO_MANY_FAILED = "Too many failed login attempts. Try again later."

User = get_user_model()


def make_user(email="ada@example.com", *, verified=True, password=PASSWORD):
    user = User.objects.create_user(email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def login(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})


def signup(client, email, password=PASSWORD):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password},
    )


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def link_in(message) -> str:
    """The one http link in a mail body, as a path the test client can open."""
    url = re.search(r"https?://testserver(/\S+)", message.body)
    assert url, message.body
    return url.group(1)


# --- Bad input -----------------------------------------------------------------


def test_wrong_password_shows_clear_error_on_the_form(client):
    make_user()

    response = login(client, "ada@example.com", "not-my-password")

    assert response.status_code == 200
    html = response.content.decode()
    assert WRONG_CREDENTIALS in html
    assert 'class="alert alert-danger' in html
    assert 'value="ada@example.com"' in html  # the email stays filled in
    assert logged_in_user_id(client) is None


def test_signup_field_errors_are_shown_next_to_the_fields(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-email", "password1": "short", "password2": "different"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert 'aria-invalid="true"' in html
    assert re.search(r'<input type="email"[^>]*class="form-control is-invalid"', html)
    assert '<div class="invalid-feedback" id="id_email_errors">' in html
    assert User.objects.count() == 0


def test_login_with_unverified_email_goes_to_verification_sent_not_logged_in(client):
    make_user(verified=False)

    response = login(client, "ada@example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None
    page = client.get(response["Location"])
    assert "Check your inbox" in page.content.decode()
    # allauth sends a fresh verification mail.
    assert [m.subject for m in mail.outbox] == ["[Mentorship] Please Confirm Your Email Address"]


def test_duplicate_signup_creates_no_account_and_does_not_reveal_it(client):
    make_user()
    fresh = signup(client, "new@example.com")
    mail.outbox.clear()
    client.logout()

    duplicate = signup(client, "Ada@Example.com")

    assert User.objects.filter(email__iexact="ada@example.com").count() == 1
    # Same answer as a genuine sign-up: off to "check your inbox".
    assert duplicate.status_code == fresh.status_code == 302
    assert duplicate["Location"] == fresh["Location"] == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None
    page = client.get(duplicate["Location"]).content.decode()
    assert "Check your inbox" in page
    assert "already" not in page.lower()
    # The owner of the address is told, by mail only.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert mail.outbox[0].subject == "[Mentorship] Account Already Exists"


def test_password_reset_for_unknown_address_answers_like_a_known_one(client):
    make_user()

    known = client.post(reverse("account_reset_password"), {"email": "ada@example.com"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ada@example.com"], "[Mentorship] Password Reset Email"),
        (["nobody@example.com"], "[Mentorship] Unknown Account"),
    ]


def test_repeated_failed_logins_are_refused_with_a_clear_message(client):
    make_user()

    # settings: login_failed "5/5m/key" -> five wrong passwords for one address...
    for _ in range(5):
        response = login(client, "ada@example.com", "wrong-password")
        assert WRONG_CREDENTIALS in response.content.decode()

    # ...then even the right password is refused for a while.
    response = login(client, "ada@example.com")

    assert response.status_code == 200
    html = response.content.decode()
    assert TOO_MANY_FAILED in html
    assert WRONG_CREDENTIALS not in html
    assert logged_in_user_id(client) is None


# --- Flows ------------------------------------------------------------------------


def test_signup_verify_by_mail_confirm_then_land_on_dashboard(client):
    response = signup(client, "grace@example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="grace@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert logged_in_user_id(client) is None

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[Mentorship] Please Confirm Your Email Address"
    confirm_path = link_in(mail.outbox[0])

    # Opening the link only shows a button (mail scanners must not confirm).
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "grace@example.com" in page.content.decode()
    assert not EmailAddress.objects.get(user=user).verified

    confirmed = client.post(confirm_path)

    assert EmailAddress.objects.get(user=user).verified
    assert logged_in_user_id(client) == str(user.pk)
    assert confirmed.status_code == 302
    # A new person is sent to onboarding first (profiles.adapters); the dashboard works too.
    assert confirmed["Location"] == reverse("profiles:onboarding")
    dashboard = client.get(reverse("dashboard"))
    assert "Welcome, grace@example.com" in dashboard.content.decode()


def test_password_reset_full_flow(client):
    make_user()
    client.post(reverse("account_reset_password"), {"email": "ada@example.com"})
    reset_path = link_in(mail.outbox[0])

    # allauth moves the key into the session and redirects to a keyless URL.
    form_page = client.get(reset_path, follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0]

    mismatch = client.post(action, {"password1": NEW_PASSWORD, "password2": "something-else"})
    assert "You must type the same password each time." in mismatch.content.decode()

    done = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == reverse("account_reset_password_from_key_done")
    assert WRONG_CREDENTIALS in login(client, "ada@example.com", PASSWORD).content.decode()
    # Not onboarded yet, so the login goes to onboarding (profiles.adapters).
    assert login(client, "ada@example.com", NEW_PASSWORD)["Location"] == reverse(
        "profiles:onboarding"
    )
    # The link works once.
    client.logout()
    reused = client.get(reset_path, follow=True)
    assert "Bad Token" in reused.content.decode()


def test_change_email_add_verify_and_it_replaces_the_old_one(client):
    user = make_user()
    client.force_login(user)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "ada@newjob.example"}
    )

    assert response.status_code == 302
    pending = EmailAddress.objects.get(user=user, email="ada@newjob.example")
    assert not pending.verified
    assert mail.outbox[-1].to == ["ada@newjob.example"]
    page = client.get(reverse("account_email")).content.decode()
    assert "ada@newjob.example" in page

    client.post(link_in(mail.outbox[-1]))

    user.refresh_from_db()
    assert user.email == "ada@newjob.example"
    assert EmailAddress.objects.get(user=user, email="ada@newjob.example").verified
    assert EmailAddress.objects.get(user=user, email="ada@newjob.example").primary
    assert not EmailAddress.objects.filter(user=user, email="ada@example.com").exists()


def test_add_invalid_email_shows_field_error(client):
    user = make_user()
    client.force_login(user)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "nope"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "is-invalid" in html


def test_mfa_pages_use_the_site_layout(client):
    user = make_user()
    client.force_login(user)

    index = client.get(reverse("mfa_index")).content.decode()
    assert "Two-Factor Authentication" in index
    assert "settings-nav" in index

    # Activating TOTP asks for the password again first, then shows the QR code.
    reauth = client.get(reverse("mfa_activate_totp"))
    assert reauth.status_code == 302
    client.post(reauth["Location"], {"password": PASSWORD})
    activate = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'class="qr-code' in activate
    assert "Authenticator secret" in activate
    bad_code = client.post(reverse("mfa_activate_totp"), {"code": "000000"}).content.decode()
    assert "Incorrect code." in bad_code
    assert "is-invalid" in bad_code
