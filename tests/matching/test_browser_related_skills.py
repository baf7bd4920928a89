"""In a real browser: a mentee who wants PostgreSQL is shown a mentor who knows MySQL
and Microsoft SQL Server (no tag in common), with the reason and the component.
The suggestion comes from a real fit of the skill model and a real scoring run."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching import services
from matching.services import skill_model
from profiles.models import User
from tests.factories import make_mentee, make_mentor

from .test_browser_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentee_sees_a_mentor_with_related_skills_and_why(
    page, live_server, artifacts_dir, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    done = {"onboarded_at": timezone.now()}
    # No tag in common: the mentee wants PostgreSQL, one mentor knows MySQL and
    # SQL Server, the other only Photoshop.
    make_mentee(verified=True, display_name="Maya Mentee", wants=("PostgreSQL",), **done)
    make_mentor(
        verified=True,
        display_name="Amara Rossi",
        skills=("MySQL", "Microsoft SQL Server"),
        years=12,
        **done,
    )
    make_mentor(
        verified=True, display_name="Jonas Keller", skills=("Adobe Photoshop",), years=12, **done
    )
    skill_model._CACHE.clear()
    skill_model.skill_model_fit(n_components=128, include_profiles=False)
    run = services.match_run_execute_inline(run=services.match_run_start(chunk_size=10))
    assert run.parameters["skill_model_version"] == 1

    log_in(page, live_server, User.objects.get(profile__display_name="Maya Mentee"))
    page.get_by_role("link", name="Suggestions", exact=True).click()
    card = page.locator("article", has_text="Amara Rossi")
    expect(card.get_by_text("#1")).to_be_visible()
    expect(
        card.get_by_text("Knows MySQL and Microsoft SQL Server, close to the PostgreSQL you want")
    ).to_be_visible()
    card.get_by_text("How this score is made").click()
    expect(card.get_by_text("Related skills")).to_be_visible()
    page.screenshot(path=artifacts_dir / "matching-related-skills.png", full_page=True)
    other = page.locator("article", has_text="Jonas Keller")
    expect(other.get_by_text("close to the PostgreSQL")).to_have_count(0)
