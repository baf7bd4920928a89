"""The directory in a real browser: filter with htmx, open a profile, on desktop and phone.

Screenshots go to test-results/screenshots/ (directory-*.png, profile-*.png).
"""

import importlib
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from profiles.demo import demo_logins_ensure
from profiles.models import Skill, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def community():
    # Transactional tests flush the database, reference data included.
    if not Skill.objects.exists():
        importlib.import_module("profiles.migrations.0003_reference_data").load(apps, None)
    call_command("seed_demo", mentors=40, mentees=10, seed=7, no_password=True)
    demo_logins_ensure()
    return User.objects.get(email="mentee@demo.mentorship.local")


def login(context, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_filter_the_directory_and_open_a_profile(browser, live_server, artifacts_dir, community):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(context, live_server, community)
        page.goto(f"{live_server.url}/mentors/")
        assert page.get_by_role("heading", name="Find a mentor").is_visible()
        assert page.locator("[data-testid=mentor-card]").count() == 20
        page.screenshot(path=artifacts_dir / "directory.png", full_page=True)

        # htmx: the results change without a page load, and the URL follows.
        page.evaluate("window.notReloaded = true")
        page.get_by_label("Skill").fill("Python")
        page.get_by_label("Skill").press("Enter")
        page.wait_for_url(re.compile(r"skill=Python"))
        page.get_by_label("Language").select_option(label="German")
        page.wait_for_url(re.compile(r"language=de"))
        cards = page.locator("[data-testid=mentor-card]")
        cards.filter(has_text="Morgan Mentor").wait_for()
        assert page.evaluate("window.notReloaded") is True
        count = cards.count()
        assert 1 <= count < 20
        assert page.get_by_test_id("result-count").inner_text().startswith(f"{count} mentor")
        page.screenshot(path=artifacts_dir / "directory-filtered.png", full_page=True)

        cards.filter(has_text="Morgan Mentor").get_by_role("link", name="Morgan Mentor").click()
        page.wait_for_url(re.compile(r"/people/[0-9a-f-]{36}/$"))
        assert page.get_by_role("heading", name="Morgan Mentor").is_visible()
        assert page.get_by_test_id("offered-skills").get_by_text("Python").is_visible()
        assert "shared once you are matched" in page.content()
        page.screenshot(path=artifacts_dir / "profile.png", full_page=True)
        profile_url = page.url
        filtered_url = f"{live_server.url}/mentors/?skill=Python&language=de"
    finally:
        context.close()

    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    try:
        login(phone, live_server, community)
        page.goto(filtered_url)  # works as a plain link too
        page.locator("[data-testid=mentor-card]").filter(has_text="Morgan Mentor").wait_for()
        # On a phone the filters fold away so the results come first.
        assert not page.get_by_label("Language").is_visible()
        assert page.evaluate(NO_OVERFLOW)
        page.screenshot(path=artifacts_dir / "directory-phone.png", full_page=True)
        page.locator("summary", has_text="Filters (2 active)").click()
        assert page.get_by_label("Language").is_visible()
        page.screenshot(path=artifacts_dir / "directory-phone-filters.png")
        page.goto(profile_url)
        assert page.evaluate(NO_OVERFLOW)
        page.screenshot(path=artifacts_dir / "profile-phone.png", full_page=True)
    finally:
        phone.close()
