"""The Content-Security-Policy in a real browser (docs/security.md "Headers").

The ``page`` fixture (tests/conftest.py) fails any browser test whose pages
log a CSP violation. Here: that the detector sees one, and a signed-in
member's pages (dashboard, directory, profile, skills, onboarding, the
workspace, a session, requests) load with no violation while the behaviour
moved out of inline scripts (confirm before submit, the skill editor, the
directory's filters) still works.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import is_csp_violation
from tests.factories import MentoringSessionFactory, MentorshipFactory, make_mentee, make_mentor
from tests.matching.test_browser_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_detector_sees_a_refused_inline_script(page, live_server):
    page.goto(f"{live_server.url}/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.inlineRan = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.inlineRan === true") is False
    seen = [v for v in page.csp_violations if is_csp_violation(v)]
    assert seen, "the browser ran or did not report the inline script"
    page.csp_violations.clear()  # expected here; the fixture fails on any other


def test_a_members_pages_load_without_a_violation_and_keep_their_behaviour(page, live_server):
    done = {"onboarded_at": timezone.now()}
    mentor = make_mentor(verified=True, display_name="Mira Mentor", **done)
    mentee = make_mentee(verified=True, display_name="Max Mentee", **done)
    mentorship = MentorshipFactory(mentor=mentor, mentee=mentee)
    session = MentoringSessionFactory(mentor=mentor, mentee=mentee)
    log_in(page, live_server, mentee)
    for url in [
        reverse("dashboard"),
        reverse("profiles:directory"),
        reverse("profiles:profile_detail", args=[mentor.profile.public_id]),
        reverse("profiles:profile_skills"),
        reverse("profiles:onboarding_step", args=["about"]),
        reverse("matching:suggestions"),
        reverse("matching:requests_sent"),
        reverse("matching:mentorship_detail", args=[mentorship.pk]),
        reverse("sessions:session_detail", args=[session.pk]),
        reverse("community:question_list"),
        reverse("notifications"),
        reverse("profiles:data"),
    ]:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        assert page.csp_violations == [], url

    # data-confirm (was an inline onsubmit): dismissing the question keeps the page.
    page.goto(f"{live_server.url}{reverse('sessions:session_detail', args=[session.pk])}")
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_text("Withdraw or cancel").click()
    page.get_by_role("button", name="Cancel the session").click()
    page.wait_for_timeout(300)
    assert questions == ["Cancel this session?"]
    assert page.url.endswith(reverse("sessions:session_detail", args=[session.pk]))

    # The skill editor (was an inline script): removing a row works.
    page.goto(f"{live_server.url}{reverse('profiles:profile_skills')}")
    rows = page.locator(".skill-row")
    before = rows.count()
    if before:
        page.locator("[data-skill-remove]").first.click()
        expect(rows).to_have_count(before - 1)
    assert page.csp_violations == []
