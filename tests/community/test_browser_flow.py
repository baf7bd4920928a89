"""In a real browser: a mentee asks the network; a routed mentor sees it under "Asked of
you" and answers; the mentee marks the answer helpful, accepts it and goes to book a
flash session (the sessions app's flash booking, the question as its topic); another
member reports the answer and a moderator hides it.
Screenshots go to test-results/screenshots/.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community.models import Answer, HelpfulMark, QuestionRoute
from safety.models import Report
from tests.factories import (
    MODERATOR,
    PASSWORD,
    add_totp,
    make_mentee,
    make_mentor,
    staff_user,
    totp_code,
)
from tests.matching.test_browser_flow import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ask_route_answer_mark_accept_book_report_and_hide(page, live_server, artifacts_dir):
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
    question_url = page.url.split("/sessions/")[0]
    log_out(page)

    # Another member reports the answer from its menu.
    member = make_mentee(wants=("Go",), verified=True, display_name="Olu Member", **done)
    log_in(page, live_server, member)
    page.get_by_role("link", name="Questions", exact=True).click()
    page.get_by_role("link", name="How should I split settings in a Django project?").click()
    answer = page.locator("article.answer-card", has_text="One settings package")
    answer.get_by_role("button", name="Report or block Amara Rossi").click()
    answer.get_by_role("link", name="Report this answer").click()
    expect(page.get_by_role("heading", name="Report this answer")).to_be_visible()
    page.get_by_label("Spam or advertising").check()
    page.get_by_label("Anything moderators should know (optional)").fill(
        "Looks copied from an advert."
    )
    page.screenshot(path=artifacts_dir / "community-report-answer.png", full_page=True)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you", exact=False).first).to_be_visible()
    report = Report.objects.get()
    assert (report.kind, report.reporter, report.target_user) == ("answer", member, mentor)
    log_out(page)

    # A moderator signs in with a second factor and hides it from the queue.
    moderator = staff_user(MODERATOR, email="mod@example.org", name="Mo Derator", verified=True)
    add_totp(moderator)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(moderator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.get_by_placeholder("Code").fill(totp_code())
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="Moderation").click()
    page.get_by_role("link", name="Amara Rossi").click()
    expect(page.get_by_text("How should I split settings in a Django project?")).to_be_visible()
    hide = page.locator("form", has=page.get_by_role("button", name="Hide this answer"))
    hide.get_by_label("Reason (the person will read it)").fill("Off-topic advertising.")
    page.screenshot(path=artifacts_dir / "community-moderator-case.png", full_page=True)
    hide.get_by_role("button", name="Hide this answer").click()
    expect(page.get_by_text("Hidden now.")).to_be_visible()
    saved.refresh_from_db()
    assert saved.is_hidden and saved.hidden_reason == "Off-topic advertising."
    page.goto(question_url)
    expect(page.locator("article.answer-card", has_text="One settings package")).to_have_count(0)


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
