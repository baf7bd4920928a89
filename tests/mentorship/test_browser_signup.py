"""Sign-up in a real browser: form, verification mail, confirm, dashboard.

The live server runs in this process, so the locmem outbox sees its mail.
Screenshots go to test-results/screenshots/ for a human to look at.
"""

import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_signup_verify_and_reach_dashboard(page, live_server, artifacts_dir):
    page.goto(f"{live_server.url}/accounts/signup/")
    assert page.title() == "Sign up · Mentorship"

    # Server-side errors show next to the fields.
    page.get_by_label("Email").fill("not-an-email")
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("short")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_selector("#id_email.is-invalid")
    assert page.locator("#id_email_errors").inner_text() == "Enter a valid email address."
    page.screenshot(path=artifacts_dir / "signup-errors.png", full_page=True)

    page.get_by_label("Email").fill("grace@example.com")
    page.locator("#id_password1").fill("a-long-pass-phrase-42")
    page.locator("#id_password2").fill("a-long-pass-phrase-42")
    page.screenshot(path=artifacts_dir / "signup.png", full_page=True)
    page.get_by_role("button", name="Sign up").click()

    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    assert page.get_by_role("heading", name="Check your inbox").is_visible()
    page.screenshot(path=artifacts_dir / "verification-sent.png", full_page=True)

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    assert page.get_by_role("heading", name="Confirm your email address").is_visible()
    page.screenshot(path=artifacts_dir / "confirm.png", full_page=True)
    page.get_by_role("button", name="Confirm").click()

    # Confirming logs the new member in and starts the guided onboarding;
    # the dashboard is one click away in the navigation.
    page.wait_for_url(re.compile(r"/onboarding/"))
    page.screenshot(path=artifacts_dir / "signup-onboarding.png", full_page=True)
    page.get_by_role("link", name="Dashboard").first.click()
    page.wait_for_url(re.compile(r"/dashboard/$"))
    assert page.get_by_role("heading", name="Welcome, grace@example.com").is_visible()
    page.screenshot(path=artifacts_dir / "dashboard.png", full_page=True)

    # The account menu opens and offers a POST logout.
    page.locator("#account-menu").click()
    assert page.get_by_role("link", name="Two-factor authentication").is_visible()
    page.screenshot(path=artifacts_dir / "dashboard-account-menu.png")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("link", name="Log in").first.is_visible()


def test_home_and_login_on_a_phone(browser, live_server, artifacts_dir):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        # Collapsed navigation: the toggler shows, the links appear after a tap.
        toggler = page.get_by_role("button", name="Toggle navigation")
        assert toggler.is_visible()
        no_overflow = "document.documentElement.scrollWidth <= window.innerWidth"
        assert page.evaluate(no_overflow)
        page.screenshot(path=artifacts_dir / "home-phone.png", full_page=True)
        toggler.click()
        page.locator("#site-nav.show").wait_for()
        page.screenshot(path=artifacts_dir / "home-phone-menu.png")

        page.goto(f"{live_server.url}/accounts/login/")
        assert page.evaluate(no_overflow)
        page.screenshot(path=artifacts_dir / "login-phone.png", full_page=True)
    finally:
        context.close()


def test_home_and_about_on_a_desktop(page, live_server, artifacts_dir):
    page.goto(f"{live_server.url}/")
    page.screenshot(path=artifacts_dir / "home-desktop.png", full_page=True)
    page.goto(f"{live_server.url}/about/")
    assert page.get_by_text("O*NET® is a trademark of USDOL/ETA.").first.is_visible()
    page.screenshot(path=artifacts_dir / "about-desktop.png", full_page=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.screenshot(path=artifacts_dir / "login-desktop.png", full_page=True)


def test_account_settings_pages(page, live_server, artifacts_dir):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        email="ada@example.com", password="correct-horse-battery", name="Ada Lovelace"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("ada@example.com")
    page.locator("#id_password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("alert").wait_for()
    page.screenshot(path=artifacts_dir / "login-error.png", full_page=True)
    page.locator("#id_password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/onboarding/"))

    page.goto(f"{live_server.url}/accounts/email/")
    page.screenshot(path=artifacts_dir / "account-email.png", full_page=True)
    assert page.get_by_role("heading", name="Email Address", exact=True).is_visible()

    page.goto(f"{live_server.url}/accounts/2fa/")
    page.screenshot(path=artifacts_dir / "mfa-index.png", full_page=True)
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    page.locator("#id_password").fill("correct-horse-battery")
    page.screenshot(path=artifacts_dir / "reauthenticate.png", full_page=True)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    assert page.locator("img.qr-code").is_visible()
    page.screenshot(path=artifacts_dir / "mfa-totp-activate.png", full_page=True)
