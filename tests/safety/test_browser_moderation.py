"""In a real browser: a member reports a request message; a moderator (signed in
through /admin/login/ with password and TOTP code) hides it from the queue and
suspends the sender; the sender's open session is signed out on its next click
and cannot sign in again; the audit log shows each step.
Screenshots go to test-results/screenshots/."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import encrypt
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import RequestMessage
from safety.models import AuditLog, Report, Suspension
from tests.factories import MODERATOR, PASSWORD, staff_user, verify_email

from .helpers import MatchRequestFactory, make_mentee, make_mentor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


def log_in(page, url, user, *, expect_dashboard=True) -> None:
    page.goto(url)
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if expect_dashboard:
        page.wait_for_url("**/dashboard/")


def test_report_hide_suspend_sign_out_and_audit(browser, live_server, artifacts_dir):
    done = {"onboarded_at": timezone.now()}
    mentee = make_mentee(verified=True, display_name="Maya Mentee", **done)
    sender = make_mentor(verified=True, display_name="Sam Sender", **done)
    request = MatchRequestFactory(
        mentee=mentee, mentor=sender, message="Could you mentor me on SQL?"
    )
    RequestMessage.objects.create(
        request=request, author=sender, body="Pay me 500 dollars first, then I will answer."
    )
    mod = staff_user(MODERATOR, email="moderator@example.org", name="Mo Derator")
    verify_email(mod)
    Authenticator.objects.create(
        user=mod, type=Authenticator.Type.TOTP, data={"secret": encrypt(SECRET)}
    )
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(3)]
    reporter_page, mod_page, sender_page = (context.new_page() for context in contexts)
    for page in (reporter_page, mod_page, sender_page):
        page.set_default_timeout(15_000)
    try:
        # The sender has an open session.
        log_in(sender_page, f"{live_server.url}/accounts/login/", sender)

        # The member reports the message from its ⋯ menu.
        log_in(reporter_page, f"{live_server.url}/accounts/login/", mentee)
        reporter_page.goto(f"{live_server.url}/matches/requests/{request.pk}/")
        reporter_page.get_by_role("button", name="Report or block Sam Sender").click()
        reporter_page.get_by_role("link", name="Report this request message").click()
        expect(reporter_page.get_by_text("Pay me 500 dollars first")).to_be_visible()
        reporter_page.get_by_label("Scam, fraud or asking for money").check()
        reporter_page.get_by_label("Anything moderators should know (optional)").fill(
            "He wants money before helping."
        )
        reporter_page.screenshot(
            path=str(artifacts_dir / "safety-1-report-form.png"), full_page=True
        )
        reporter_page.get_by_role("button", name="Send report").click()
        expect(reporter_page.get_by_text("Thank you: your report arrived.")).to_be_visible()
        assert Report.objects.filter(reporter=mentee, status="open").count() == 1

        # The moderator signs in through /admin/login/: allauth, password, then the TOTP code.
        log_in(mod_page, f"{live_server.url}/admin/login/", mod, expect_dashboard=False)
        mod_page.wait_for_url("**/accounts/2fa/authenticate/**")
        mod_page.get_by_placeholder("Code").fill(
            format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))
        )
        mod_page.get_by_role("button", name="Sign In").click()
        mod_page.wait_for_url("**/admin/")
        expect(mod_page.get_by_text("Site administration")).to_be_visible()
        mod_page.get_by_role("link", name="View site").click()
        mod_page.get_by_role("link", name="Moderation").click()
        mod_page.get_by_role("link", name="Sam Sender").click()
        expect(mod_page.get_by_text("He wants money before helping.")).to_be_visible()
        mod_page.screenshot(path=str(artifacts_dir / "safety-2-case.png"), full_page=True)
        hide = mod_page.locator("form[action$='/hide/']")
        hide.locator("textarea").fill("Asking for money is against the community rules.")
        hide.get_by_role("button", name="Hide this request message").click()
        expect(mod_page.get_by_text("Hidden. The author was told why")).to_be_visible()
        suspend = mod_page.locator("form[action$='/suspend/']")
        suspend.locator("textarea").fill("Asked a mentee for money.")
        suspend.get_by_role("button", name="Suspend the account").click()
        expect(mod_page.get_by_text("Suspended. Their open sessions end")).to_be_visible()
        mod_page.screenshot(path=str(artifacts_dir / "safety-3-suspended.png"), full_page=True)
        assert Suspension.objects.active().filter(user=sender).exists()

        # The reporter no longer sees the message.
        reporter_page.goto(f"{live_server.url}/matches/requests/{request.pk}/")
        expect(reporter_page.get_by_text("This message was hidden by a moderator.")).to_be_visible()
        expect(reporter_page.get_by_text("Pay me 500 dollars first")).to_have_count(0)
        reporter_page.screenshot(
            path=str(artifacts_dir / "safety-3b-hidden-for-reporter.png"), full_page=True
        )

        # The suspension ended the sender's session at once: their next click lands on
        # the sign-in page, and signing in again says why it is refused.
        sender_page.get_by_role("link", name="Mentorships").click()
        sender_page.wait_for_url("**/accounts/login/**")
        log_in(sender_page, f"{live_server.url}/accounts/login/", sender, expect_dashboard=False)
        expect(sender_page.get_by_text("Your account is suspended.")).to_be_visible()
        sender_page.goto(f"{live_server.url}/dashboard/")
        sender_page.wait_for_url("**/accounts/login/**")
        sender_page.screenshot(
            path=str(artifacts_dir / "safety-4-sender-refused.png"), full_page=True
        )

        # The audit log shows each step.
        mod_page.get_by_role("link", name="Audit log").click()
        for label in ("Reported", "Content hidden", "Suspended", "Signed out (suspended)"):
            expect(mod_page.get_by_role("cell", name=label, exact=True).first).to_be_visible()
        mod_page.screenshot(path=str(artifacts_dir / "safety-5-audit-log.png"), full_page=True)
        actions = set(AuditLog.objects.values_list("action", flat=True))
        assert {
            "report",
            "content_hidden",
            "suspension",
            "signed_out_suspended",
            "sign_in_failed",
            "sign_in",
        } <= actions
    finally:
        for context in contexts:
            context.close()
