"""The demo `make run` builds reads like a real programme.

It is the first thing a newcomer judges the matching by: the demo mentee's
best suggestions must be people a reader calls plausible (same field, the
skills they want), job titles singular, skills real tool names rather than
niche product codes, and industry agreeing with the job.
"""

from collections import Counter

import pytest
from django.core.management import call_command

from matching.models import Suggestion
from profiles.demo_community import (
    INDUSTRY_BY_GROUP,
    KNOWN_TOOL_OCCUPATIONS,
    _is_plural_person,
    demo_people,
)
from profiles.models import Profile, User
from profiles.reference_data import CURATED_SKILLS, onet_tools

MAKE_RUN = {"mentors": 150, "mentees": 400, "seed": 7}  # setup_demo's defaults


@pytest.fixture(autouse=True)
def _runs_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.mark.django_db
def test_the_demo_mentees_top_five_share_the_wanted_skills_and_the_field():
    call_command("setup_demo", **MAKE_RUN)
    mentee = User.objects.get(email="mentee@demo.mentorship.local")
    wanted = set(
        mentee.profile.skills.filter(direction="wants").values_list("skill__name", flat=True)
    )
    group = mentee.profile.occupation.soc_code[:2]
    top = list(
        Suggestion.objects.filter(mentee=mentee, is_current=True)
        .select_related("mentor__profile__occupation")
        .order_by("rank")[:5]
    )
    assert len(top) == 5
    for suggestion in top:
        profile = suggestion.mentor.profile
        offered = set(
            profile.skills.filter(direction="offers").values_list("skill__name", flat=True)
        )
        assert offered & wanted, (profile.name, profile.job_title, sorted(offered))
        assert profile.occupation.soc_code[:2] == group, (profile.name, profile.job_title)
        assert profile.industry == INDUSTRY_BY_GROUP[group]


def test_titles_are_singular_skills_are_real_and_industry_fits_the_job():
    people = demo_people(mentors=400, mentees=800, seed=7)
    spread = Counter()
    hot = set()
    by_occupation: dict[str, set[str]] = {}
    for row in onet_tools():
        by_occupation.setdefault(row.soc_code, set()).add(row.tool)
        if row.hot:
            hot.add(row.tool)
    for tools in by_occupation.values():
        spread.update(tools)
    niche = 0
    total = 0
    for person in people:
        last = person.job_title.split(" of ")[0].split(" ")[-1].split("/")[0]
        assert not _is_plural_person(last), person.job_title
        assert person.industry == INDUSTRY_BY_GROUP[person.soc_code[:2]], person
        for name, _ in person.offers + person.wants:
            if name in CURATED_SKILLS:
                continue
            total += 1
            niche += name not in hot and spread[name] < KNOWN_TOOL_OCCUPATIONS
    assert niche / total < 0.02, f"{niche} of {total} tools are niche product names"


@pytest.mark.django_db
def test_the_demo_mentor_works_in_the_industry_of_their_job():
    call_command("setup_demo", mentors=0, mentees=0, seed=7)
    mentor = Profile.objects.get(user__email="mentor@demo.mentorship.local")
    assert (mentor.job_title, mentor.industry) == ("Software Developer", "Technology")
