"""In a real browser: a mentee who wants PostgreSQL is shown a mentor who knows MySQL
and Microsoft SQL Server (no tag in common), with the reason and the component.
The suggestion comes from a real fit of the skill model and a real scoring run."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching.services import scoring, skill_model
from profiles.models import ProfileSkill

from .lifecycle_helpers import make_mentee, make_mentor
from .scoring_helpers import skill
from .test_browser_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentee_sees_a_mentor_with_related_skills_and_why(
    page, live_server, artifacts_dir, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    done = {"onboarded_at": timezone.now()}
    mentee = make_mentee(verified=True, display_name="Maya Mentee", **done)
    mentor = make_mentor(verified=True, display_name="Amara Rossi", years_experience=12, **done)
    designer = make_mentor(verified=True, display_name="Jonas Keller", years_experience=12, **done)
    ProfileSkill.objects.create(
        profile=mentee.profile, skill=skill("PostgreSQL"), direction="wants", level=3
    )
    for name in ("MySQL", "Microsoft SQL Server"):
        ProfileSkill.objects.create(
            profile=mentor.profile, skill=skill(name), direction="offers", level=5
        )
    ProfileSkill.objects.create(
        profile=designer.profile, skill=skill("Adobe Photoshop"), direction="offers", level=5
    )
    skill_model._CACHE.clear()
    skill_model.skill_model_fit(n_components=128, include_profiles=False)
    run = scoring.match_run_execute_inline(
        run=scoring.match_run_start(chunk_size=10, enqueue=False)
    )
    assert run.parameters["skill_model_version"] == 1

    log_in(page, live_server, mentee)
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
