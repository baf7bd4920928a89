"""In a real browser: a mentee requests a suggested mentor, the mentor accepts,
both see the mentorship. Screenshots go to test-results/screenshots/."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Mentorship
from tests.factories import (
    PASSWORD,
    GoalFactory,
    MatchRunFactory,
    SuggestionFactory,
    make_mentee,
    make_mentor,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")


def log_out(page) -> None:
    page.locator("#account-menu").click()
    page.get_by_role("button", name="Log out").click()


def test_mentee_requests_a_suggested_mentor_and_the_mentor_accepts(
    page, live_server, artifacts_dir
):
    done = {"onboarded_at": timezone.now()}
    mentee = make_mentee(
        verified=True, display_name="Maya Mentee", headline="Junior data analyst", **done
    )
    mentor = make_mentor(
        verified=True,
        capacity=3,
        display_name="Amara Rossi",
        headline="Staff data engineer, 12 years in analytics",
        job_title="Data engineer",
        **done,
    )
    other = make_mentor(
        verified=True, display_name="Jonas Keller", headline="Product manager", **done
    )
    GoalFactory(owner=mentee, title="Lead my first analytics project")
    run = MatchRunFactory()
    SuggestionFactory(
        mentee=mentee,
        mentor=mentor,
        run=run,
        rank=1,
        score=0.86,
        components={
            "skills": 0.92,
            "goals": 0.71,
            "seniority": 0.88,
            "context": 1.0,
            "availability": 0.6,
            "responsiveness": 0.5,
        },
        reasons=[
            "Knows SQL and Apache Airflow, which you want to learn",
            "4 hours of overlap in your working weeks",
            "9 years ahead of you",
        ],
    )
    SuggestionFactory(
        mentee=mentee,
        mentor=other,
        run=run,
        rank=2,
        score=0.55,
        reasons=["Matches your goal “lead my first analytics project”"],
    )

    # The mentee sees the suggestions and requests the first one.
    log_in(page, live_server, mentee)
    page.get_by_role("link", name="Suggestions", exact=True).click()
    expect(page.get_by_role("heading", name="Amara Rossi")).to_be_visible()
    expect(page.get_by_text("4 hours of overlap in your working weeks")).to_be_visible()
    page.get_by_text("How this score is made").first.click()
    page.screenshot(path=artifacts_dir / "matching-suggestions.png", full_page=True)

    # "Not for me" on the second card removes it without a reload (htmx).
    second = page.locator("article", has_text="Jonas Keller")
    second.get_by_text("Not for me").click()
    second.get_by_label("Why not?").select_option("field")
    page.screenshot(path=artifacts_dir / "matching-not-for-me.png", full_page=True)
    second.get_by_role("button", name="Remove this suggestion").click()
    expect(page.locator("article", has_text="Jonas Keller")).to_have_count(0)

    page.locator("article", has_text="Amara Rossi").get_by_role("link", name="Request").click()
    page.get_by_label("Long-term mentorship").check()
    page.get_by_label("Goal").select_option(label="Lead my first analytics project")
    page.get_by_label("Message").fill(
        "I am starting my first analytics project and would love advice on pipelines."
    )
    page.screenshot(path=artifacts_dir / "matching-request-form.png", full_page=True)
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request is on its way to Amara Rossi")).to_be_visible()
    page.screenshot(path=artifacts_dir / "matching-request-sent.png", full_page=True)
    log_out(page)

    # The mentor finds it in the inbox, with goals, reasons and capacity, and accepts.
    log_in(page, live_server, mentor)
    expect(page.get_by_text("1 new")).to_be_visible()
    page.screenshot(path=artifacts_dir / "matching-mentor-dashboard.png", full_page=True)
    page.get_by_role("link", name="Requests", exact=True).click()
    expect(page.get_by_text("0 of 3 places taken")).to_be_visible()
    expect(page.get_by_text("Lead my first analytics project").first).to_be_visible()
    page.screenshot(path=artifacts_dir / "matching-inbox.png", full_page=True)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("is now your mentee")).to_be_visible()
    expect(page.get_by_role("heading", name="Maya Mentee")).to_be_visible()
    page.screenshot(path=artifacts_dir / "matching-mentorship-mentor.png", full_page=True)
    log_out(page)

    # The mentee sees the mentorship too.
    log_in(page, live_server, mentee)
    page.get_by_role("link", name="Mentorships", exact=True).click()
    expect(page.get_by_text("My mentors")).to_be_visible()
    page.screenshot(path=artifacts_dir / "matching-mentorships-mentee.png", full_page=True)
    page.get_by_role("link", name="Amara Rossi").click()
    expect(page.get_by_role("heading", name="Amara Rossi")).to_be_visible()
    expect(page.get_by_text("Your mentor")).to_be_visible()
    page.screenshot(path=artifacts_dir / "matching-mentorship-mentee.png", full_page=True)

    mentorship = Mentorship.objects.get()
    assert (mentorship.mentee, mentorship.mentor, mentorship.slot) == (mentee, mentor, 1)
