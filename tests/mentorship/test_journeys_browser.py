"""Each role's journey in a real browser, moving only by clicking what the pages offer.

* A mentee signs up, confirms their email, sets up a profile, finds a mentor
  in the directory and asks them.
* A mentor logs in for the first time, finds the request on the dashboard,
  accepts it and reaches the mentorship.
* A staff member logs in, reaches the staff pages from the menu, previews a
  cohort (the worker's task body is called directly: tests never use eager
  mode), confirms the publish, and the matched mentees are notified.

Every page on the way is checked with axe-core (vendored in
``static/vendor/axe-core``) at desktop (1280 px) and phone (390 px) widths:
no critical or serious violation. Screenshots of each step go to
``test-results/screenshots/journey-*.png``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from matching import tasks
from matching.models import MatchRequest, MatchRun, Mentorship
from mentorship.models import Notification
from profiles.models import Profile
from tests.factories import (
    PASSWORD,
    PROGRAMME_MANAGER,
    GoalFactory,
    add_totp,
    make_mentee,
    make_mentor,
    staff_user,
    totp_code,
    verify_email,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_URL = settings.STATIC_URL + "vendor/axe-core/axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
BLOCKING = {"critical", "serious"}


class Journey:
    """Screenshots and axe-core checks at every step of one person's way."""

    def __init__(self, page, name: str, artifacts_dir: Path):
        self.page, self.name, self.dir = page, name, artifacts_dir
        self.step = 0
        self.violations: list[str] = []
        self.pages_checked: list[str] = []

    def check(self, label: str) -> None:
        self.step += 1
        page = self.page
        page.wait_for_load_state("networkidle")
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            # From the site's own origin: the CSP refuses inline script.
            page.add_script_tag(url=AXE_URL)
            result = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
                " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
            )
            for violation in result:
                if violation["impact"] in BLOCKING:
                    self.violations.append(
                        f"{self.name} step {self.step} ({label}, {width_name}) {page.url}: "
                        f"{violation['impact']} {violation['id']} - {violation['help']} "
                        f"{violation['nodes']}"
                    )
            page.screenshot(
                path=self.dir / f"journey-{self.name}-{self.step:02d}-{label}-{width_name}.png",
                full_page=True,
            )
        page.set_viewport_size({"width": 1280, "height": 900})
        self.pages_checked.append(page.url)

    def assert_accessible(self) -> None:
        assert not self.violations, "\n".join(self.violations)


def log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_mentee_signs_up_finds_a_mentor_in_the_directory_and_asks_them(
    page, live_server, artifacts_dir
):
    mentor = make_mentor(
        skills=("Python", "SQL", "PostgreSQL"),
        display_name="Amara Rossi",
        headline="Staff data engineer: pipelines, SQL and mentoring analysts",
        job_title="Data engineer",
        capacity=3,
        onboarded_at=timezone.now(),
    )
    journey = Journey(page, "mentee", artifacts_dir)

    page.goto(f"{live_server.url}/")
    journey.check("home")
    page.get_by_role("link", name="Get started").click()
    journey.check("signup")
    page.get_by_label("Email").fill("priya.newuser@example.org")
    page.get_by_label("Password").first.fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    journey.check("verify-sent")

    # The link in the mail is the one thing typed: it is what the person clicks in their inbox.
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    assert "example.com" not in mail.outbox[-1].body
    page.goto(live_server.url + link.group(1))
    journey.check("confirm-email")
    page.get_by_role("button", name="Confirm").click()

    # Onboarding: the name others will see, the role, then skills and a goal.
    expect(page.get_by_label("Your name")).to_be_visible()
    journey.check("onboarding-about")
    page.get_by_label("Your name").fill("Priya Raman")
    page.get_by_label("Find mentors — learn from people who have done it").check()
    page.get_by_label("English").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Add skills")).to_be_visible()
    page.get_by_label("Add skills").fill("Python, SQL")
    journey.check("onboarding-skills")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Your first goal").fill("Move from reporting into data engineering")
    journey.check("onboarding-goal")
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_text("You are all set, Priya Raman!")).to_be_visible()
    journey.check("onboarding-done")
    page.get_by_role("link", name="Go to my dashboard").click()
    journey.check("dashboard")

    # The directory, a profile, and the request from there.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Mentors", exact=True
    ).click()
    expect(page.get_by_role("link", name="Amara Rossi")).to_be_visible()
    journey.check("directory")
    page.get_by_role("link", name="Amara Rossi").click()
    expect(page.get_by_role("heading", name="Amara Rossi", exact=True)).to_be_visible()
    journey.check("mentor-profile")
    page.get_by_role("link", name="Ask Amara Rossi to mentor you").click()
    page.get_by_label("Long-term mentorship").check()
    page.get_by_label("Message").fill(
        "I build reports in SQL today and want to learn how real pipelines are made."
    )
    journey.check("request-form")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request is on its way to Amara Rossi")).to_be_visible()
    journey.check("request-sent")

    # Back on the profile, the page now says where the mentee stands.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Mentors", exact=True
    ).click()
    page.get_by_role("link", name="Amara Rossi").click()
    expect(page.get_by_role("link", name="See your request")).to_be_visible()

    match_request = MatchRequest.objects.get()
    assert (match_request.mentor, match_request.status) == (mentor, MatchRequest.Status.PENDING)
    assert match_request.mentee.profile.name == "Priya Raman"
    journey.assert_accessible()


def test_a_mentor_logs_in_accepts_a_request_and_reaches_the_mentorship(
    page, live_server, artifacts_dir
):
    done = {"onboarded_at": timezone.now()}
    mentor = make_mentor(verified=True, display_name="Amara Rossi", capacity=2, **done)
    mentee = make_mentee(
        verified=True, display_name="Priya Raman", headline="Reporting analyst", **done
    )
    goal = GoalFactory(owner=mentee, title="Move from reporting into data engineering")
    MatchRequest.objects.create(
        mentee=mentee,
        mentor=mentor,
        goal=goal,
        message="I would love your help with my first pipeline.",
        expires_at=timezone.now() + timezone.timedelta(days=14),
    )
    journey = Journey(page, "mentor", artifacts_dir)

    log_in(page, live_server, mentor.email)
    expect(page.get_by_role("heading", name="Requests to you")).to_be_visible()
    journey.check("dashboard")
    nav = page.get_by_role("navigation", name="Main navigation")
    # A mentor-only account is not offered the mentee's pages.
    expect(nav.get_by_role("link", name="Suggestions", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Priya Raman").first.click()
    expect(page.get_by_text("I would love your help with my first pipeline.")).to_be_visible()
    journey.check("request")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("is now your mentee")).to_be_visible()
    journey.check("mentorship")
    nav.get_by_role("link", name="Mentorships", exact=True).click()
    expect(page.get_by_role("link", name="Priya Raman").first).to_be_visible()
    journey.check("mentorships")

    assert Mentorship.objects.get().mentor == mentor
    journey.assert_accessible()


def test_staff_reach_the_staff_pages_preview_and_publish_a_cohort(page, live_server, artifacts_dir):
    done = {"onboarded_at": timezone.now()}
    for n, name in enumerate(["Amara Rossi", "Jonas Keller"]):
        make_mentor(display_name=name, capacity=2, email=f"m{n}@example.org", **done)
    mentees = [
        make_mentee(display_name=name, email=f"e{n}@example.org", **done)
        for n, name in enumerate(["Priya Raman", "Tomás Ortega", "Mei Chen"])
    ]
    staff = staff_user(PROGRAMME_MANAGER, email="coordinator@example.org", name="Sam Coordinator")
    verify_email(staff)
    add_totp(staff)
    journey = Journey(page, "staff", artifacts_dir)

    log_in(page, live_server, staff.email)
    # Staff pages need a second factor in this session: the TOTP code comes next.
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.get_by_placeholder("Code").fill(totp_code())
    page.get_by_role("button", name="Sign In").click()
    # Staff land on the dashboard, not in mentee onboarding, and see no 0 % checklist.
    page.wait_for_url("**/dashboard/")
    expect(page.get_by_role("heading", name="Run the programme")).to_be_visible()
    expect(page.get_by_test_id("completeness-panel")).to_have_count(0)
    journey.check("dashboard")
    page.get_by_test_id("nav-staff").click()
    expect(page.get_by_role("heading", name="Matching programme")).to_be_visible()
    journey.check("staff-overview")
    page.get_by_role("navigation", name="Programme").get_by_role(
        "link", name="Cohort matching"
    ).click()
    journey.check("cohort")
    page.get_by_role("button", name="Compute preview").click()
    expect(page.get_by_text("A worker is computing this preview")).to_be_visible()
    journey.check("cohort-queued")

    # What the worker does with the queued message.
    run = MatchRun.objects.get(kind=MatchRun.Kind.COHORT)
    tasks.cohort_preview(run.pk)
    expect(page.get_by_text("Priya Raman")).to_be_visible(timeout=10_000)  # the page polls
    journey.check("cohort-preview")
    page.get_by_text("Publish…").click()
    expect(page.get_by_role("heading", name="Publish this cohort?")).to_be_visible()
    journey.check("cohort-confirm")
    page.get_by_role("button", name=re.compile(r"Yes, publish and notify \d+ mentee")).click()
    expect(
        page.get_by_text("Published: each mentee now sees their cohort match first")
    ).to_be_visible()
    journey.check("cohort-published")

    run.refresh_from_db()
    assert run.status == MatchRun.Status.PUBLISHED
    matched = set(run.suggestions.values_list("mentee_id", flat=True))
    assert matched and matched <= {m.pk for m in mentees}
    notified = set(
        Notification.objects.filter(kind="cohort_match").values_list("user_id", flat=True)
    )
    assert notified == matched
    assert not Profile.objects.filter(user=staff, onboarded_at__isnull=False).exists()
    journey.assert_accessible()
