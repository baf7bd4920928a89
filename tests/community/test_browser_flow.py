"""In a real browser: a mentee asks the network; a routed mentor sees it under "Asked of
you" and answers; the mentee marks the answer helpful, accepts it and goes to book a
flash session (the sessions app's flash booking, the question as its topic).

Reporting the answer and a moderator hiding it come with the safety app.
Screenshots go to test-results/screenshots/.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community.models import Answer, HelpfulMark, QuestionRoute
from tests.factories import make_mentee, make_mentor
from tests.matching.test_browser_flow import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ask_route_answer_mark_accept_and_book(page, live_server, artifacts_dir):
    done = {"onboarded_at": timezone.now()}
    mentee = make_mentee(wants=("Django",), verified=True, display_name="Maya Mentee", **done)
    mentor = make_mentor(
        skills=("Django", "PostgreSQL"),
        verified=True,
        display_name="Amara Rossi",
        headline="Staff engineer, 12 years of Django",
        format_flash=True,
        **done,
    )
    make_mentor(skills=("Figma",), verified=True, display_name="Dana Designer", **done)

    # The mentee asks, tagging a skill through the profile's autocomplete.
    log_in(page, live_server, mentee)
    page.get_by_role("link", name="Questions", exact=True).click()
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Title").fill("How should I split settings in a Django project?")
    page.get_by_label("Details").fill("I have **dev** and production. What do you do?")
    page.get_by_label("Add skills").press_sequentially("Djan", delay=60)
    page.locator(".skill-option", has_text="Django").first.click()
    expect(page.locator("#wants-rows .skill-row", has_text="Django")).to_be_visible()
    page.screenshot(path=artifacts_dir / "community-ask.png", full_page=True)
    page.get_by_role("button", name="Post question").click()
    expect(page.get_by_text("Your question is posted and was put to 1 mentor.")).to_be_visible()
    expect(page.get_by_role("link", name="Amara Rossi")).to_be_visible()
    page.screenshot(path=artifacts_dir / "community-question-posted.png", full_page=True)
    route = QuestionRoute.objects.get()
    assert route.mentor == mentor
    log_out(page)

    # The routed mentor sees it first, under "Asked of you", and answers.
    log_in(page, live_server, mentor)
    page.get_by_role("link", name="Questions", exact=True).click()
    asked = page.locator("section", has=page.get_by_role("heading", name="Asked of you"))
    expect(asked.get_by_text("How should I split settings in a Django project?")).to_be_visible()
    page.screenshot(path=artifacts_dir / "community-asked-of-you.png", full_page=True)
    asked.get_by_role("link", name="How should I split settings in a Django project?").click()
    page.get_by_label("Your answer").fill(
        "One settings package: base, dev, production, chosen by an environment variable."
    )
    page.get_by_role("button", name="Post answer").click()
    expect(page.get_by_text("Thank you: your answer is posted.")).to_be_visible()
    log_out(page)

    # The mentee marks it helpful, accepts it, and books a flash session from it.
    log_in(page, live_server, mentee)
    page.get_by_role("link", name="Notifications").first.click()
    item = page.locator(
        "li", has_text="New answer to “How should I split settings in a Django project?”"
    )
    expect(item.get_by_text("Amara Rossi answered your question.")).to_be_visible()
    item.get_by_role("button", name="Open").click()
    answer = page.locator("article.answer-card", has_text="One settings package")
    expect(answer.get_by_text("Offers Django, PostgreSQL")).to_be_visible()
    answer.get_by_role("button", name="Helpful").click()
    expect(page.get_by_text("Marked as helpful.")).to_be_visible()
    answer = page.locator("article.answer-card", has_text="One settings package")
    expect(answer.get_by_text("1 found this helpful")).to_be_visible()
    answer.get_by_role("button", name="Accept this answer").click()
    expect(page.get_by_text("You accepted this answer.")).to_be_visible()
    answer = page.locator("article.answer-card", has_text="One settings package")
    expect(answer.get_by_text("Accepted", exact=True)).to_be_visible()
    page.screenshot(path=artifacts_dir / "community-answer-accepted.png", full_page=True)
    answer.get_by_role("link", name="Book a flash session with").click()
    # The sessions app's flash booking, with the question as the topic.
    expect(
        page.get_by_role("heading", name="Book a one-hour flash session with Amara Rossi")
    ).to_be_visible()
    expect(page.get_by_label("What would you like to talk about?")).to_have_value(
        "How should I split settings in a Django project?"
    )
    page.screenshot(path=artifacts_dir / "community-book-flash.png", full_page=True)

    saved = Answer.objects.get()
    assert saved.author == mentor and saved.is_accepted
    assert HelpfulMark.objects.get().user == mentee


def test_programme_manager_sees_the_charts(page, live_server, artifacts_dir):
    from tests.community.bulk import programme
    from tests.factories import PROGRAMME_MANAGER, staff_login, staff_user

    programme(60, seed=4)
    from django.conf import settings
    from django.test import Client

    manager = staff_user(PROGRAMME_MANAGER, verified=True)
    # Staff log in with a second factor; the session is made directly here.
    client = Client()
    staff_login(client, manager)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/dashboard/")
    page.locator("#account-menu").click()
    page.get_by_role("link", name="Programme dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="Programme dashboard")).to_be_visible()
    for title in ("Sign-ups per month", "Profile completeness", "Mentor load"):
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    # Chart.js drew into every canvas (a blank canvas has no chart attached); the
    # scripts are deferred, so wait until they ran rather than racing them.
    page.wait_for_function(
        "() => window.Chart && Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".every(c => !!window.Chart.getChart(c))"
    )
    drawn = page.evaluate(
        "() => Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".map(c => !!window.Chart.getChart(c))"
    )
    assert drawn and all(drawn)
    page.screenshot(path=artifacts_dir / "community-programme-dashboard.png", full_page=True)
