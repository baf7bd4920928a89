"""In a real browser: a person creates an API token from the account menu, sees it once,
a script uses it, and the person revokes it; a programme manager registers a webhook.
Screenshots go to test-results/screenshots/."""

import pytest
import requests
from django.utils import timezone
from playwright.sync_api import expect

from mentorship.models import ApiToken, WebhookEndpoint
from safety.roles import PROGRAMME_MANAGER
from tests.factories import (
    PASSWORD,
    ProfileFactory,
    add_totp,
    staff_user,
    totp_code,
    verified_user,
    verify_email,
)
from tests.matching.test_browser_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_use_and_revoke_a_token(page, live_server, artifacts_dir):
    user = verified_user(name="Maya Mentee")
    ProfileFactory(user=user, onboarded_at=timezone.now())
    log_in(page, live_server, user)
    page.locator("#account-menu").click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    page.get_by_label("Name").fill("Calendar sync")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("Copy it now")).to_be_visible()
    raw = page.get_by_label("New token").input_value()
    page.screenshot(path=artifacts_dir / "api_token_created.png", full_page=True)

    answer = requests.get(
        f"{live_server.url}/api/v1/me/profile/",
        headers={"Authorization": f"Bearer {raw}"},
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.json()["email"] == user.email

    page.reload()
    expect(page.get_by_text("Copy it now")).to_have_count(0)
    page.get_by_role("button", name="Revoke Calendar sync").click()
    expect(page.get_by_text("Token “Calendar sync” revoked.")).to_be_visible()
    page.screenshot(path=artifacts_dir / "api_token_revoked.png", full_page=True)
    assert ApiToken.objects.get(user=user).revoked_at is not None
    again = requests.get(
        f"{live_server.url}/api/v1/me/profile/",
        headers={"Authorization": f"Bearer {raw}"},
        timeout=10,
    )
    assert again.status_code == 401


def test_programme_manager_registers_a_webhook(page, live_server, artifacts_dir):
    staff = staff_user(PROGRAMME_MANAGER, name="Pat Manager")
    verify_email(staff)
    add_totp(staff)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Staff pages need a second factor in this session.
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.get_by_placeholder("Code").fill(totp_code())
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
    page.locator("#account-menu").click()
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_label("Endpoint URL").fill("http://127.0.0.1:9/hooks/mentoring")
    page.get_by_label("Description").fill("Chat bot announcing matches")
    page.get_by_label("Match accepted (match.accepted)").check()
    page.get_by_role("button", name="Register endpoint").click()
    expect(page.get_by_text("Endpoint registered.")).to_be_visible()
    endpoint = WebhookEndpoint.objects.get()
    expect(page.get_by_label("Signing secret")).to_have_value(endpoint.secret)
    page.screenshot(path=artifacts_dir / "webhook_detail.png", full_page=True)
    page.goto(f"{live_server.url}/staff/webhooks/")
    page.screenshot(path=artifacts_dir / "webhook_list.png", full_page=True)


def test_api_docs_render_from_vendored_assets(page, live_server, artifacts_dir):
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("Mentorship API")).to_be_visible()
    expect(page.get_by_text("/api/v1/suggestions/").first).to_be_visible()
    page.screenshot(path=artifacts_dir / "api_docs.png")
