"""A verified person logs in, onboards as a mentee in the browser, sees the meter."""

import re

import pytest
from playwright.sync_api import expect

from profiles.models import Goal, Profile
from tests.factories import PASSWORD, verified_user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_mentee_onboarding_in_the_browser(page, live_server, artifacts_dir):
    user = verified_user(email="mira@example.org", name="Mira Okafor")

    def shot(name: str) -> None:
        page.screenshot(path=str(artifacts_dir / f"onboarding-{name}.png"), full_page=True)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form").get_by_role("button", name=re.compile("Sign in|Log in", re.I)).click()

    # Step 1: role, languages, time zone (guessed by the browser, set here explicitly).
    expect(page).to_have_url(re.compile(r"/onboarding/about/$"))
    expect(page.get_by_text("Step 1 of 4")).to_be_visible()
    page.get_by_label(re.compile("^Find mentors")).check()
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Spanish", exact=True).check()
    page.get_by_label("Your time zone").select_option("Europe/Madrid")
    shot("1-about")
    page.get_by_role("button", name="Next").click()

    # Step 2: skills with autocomplete ("JS" finds JavaScript through its alias).
    expect(page).to_have_url(re.compile(r"/onboarding/skills/$"))
    skill_input = page.get_by_label("Add skills you want to learn")
    skill_input.press_sequentially("JS", delay=40)
    suggestions = page.locator("#wants-suggestions .skill-option")
    expect(suggestions.first).to_contain_text("JavaScript")
    shot("2-skills-autocomplete")
    suggestions.first.click()
    expect(page.locator("#wants-rows .skill-row")).to_have_count(1)
    skill_input.press_sequentially("public spe", delay=30)
    expect(suggestions.first).to_contain_text("Public speaking")
    skill_input.press("Enter")  # picks the first suggestion (once it is that of "public spe")
    expect(page.locator("#wants-rows .skill-row")).to_have_count(2)
    skill_input.press_sequentially("Negotiation", delay=20)
    expect(suggestions.first).to_contain_text("Negotiation")
    suggestions.first.click()
    expect(page.locator("#wants-rows .skill-row")).to_have_count(3)
    page.locator("#wants-rows .skill-row").first.locator("select").select_option("3")
    shot("3-skills-chosen")
    page.get_by_role("button", name="Next").click()

    # Step 3: a goal.
    expect(page).to_have_url(re.compile(r"/onboarding/goals/$"))
    page.get_by_label("Your first goal").fill("Move from QA into backend development")
    page.get_by_label("What would success look like?").fill("A backend role within a year.")
    shot("4-goal")
    page.get_by_role("button", name="Finish").click()

    expect(page).to_have_url(re.compile(r"/onboarding/done/$"))
    expect(page.get_by_text("good enough to match")).to_be_visible()
    shot("5-done")
    page.get_by_role("link", name="Go to my dashboard").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    panel = page.get_by_test_id("completeness-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Good enough to match")
    expect(panel.get_by_role("link", name="Write a short bio")).to_be_visible()
    shot("6-dashboard")

    page.get_by_role("link", name="My profile").first.click()
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    expect(page.get_by_text("Move from QA into backend development")).to_be_visible()
    shot("7-my-profile")
    page.get_by_role("link", name="Details").click()
    page.get_by_label("Headline").fill("QA engineer learning backend")
    page.get_by_label("Bio").fill("I test **everything**. <script>alert(1)</script>")
    page.get_by_label("Job title").press_sequentially("Software Qual", delay=30)
    shot("8-edit")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("[data-testid=bio] strong")).to_have_text("everything")
    shot("9-profile-saved")

    profile = Profile.objects.get(user=user)
    assert profile.onboarded_at is not None
    assert profile.timezone == "Europe/Madrid"
    assert sorted(profile.languages.values_list("code", flat=True)) == ["en", "es"]
    wanted = dict(profile.skills.filter(direction="wants").values_list("skill__name", "level"))
    assert set(wanted) == {"JavaScript", "Public speaking", "Negotiation"}
    assert wanted["JavaScript"] == 3
    assert Goal.objects.filter(owner=user, title="Move from QA into backend development").exists()
