"""The mentor directory: access, every filter, pagination, htmx and query count."""

import datetime
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from profiles.directory_selectors import (
    directory_mentors,
    mentor_free_places_annotation,
    skills_matching_term,
    timezones_overlapping,
    working_hours_overlap,
)
from profiles.models import Profile, ProfileSkill, Skill
from tests.factories import (
    MentorProfileFactory,
    ProfileFactory,
    ProfileSkillFactory,
    UserFactory,
    language,
)
from tests.queries import statements

pytestmark = pytest.mark.django_db
URL = reverse("profiles:directory")
WINTER = datetime.datetime(2025, 1, 15, 12, tzinfo=datetime.UTC)


def skill(name: str) -> Skill:
    return Skill.objects.get(name=name)


def mentor(name="Mentor", *, offers=(), languages=("en",), **fields) -> Profile:
    fields.setdefault("onboarded_at", timezone.now())
    profile = MentorProfileFactory(user=UserFactory(name=name), **fields)
    for skill_name in offers:
        ProfileSkillFactory(
            profile=profile,
            skill=skill(skill_name),
            direction=ProfileSkill.Direction.OFFERS,
            level=4,
        )
    profile.languages.set([language(code) for code in languages])
    return profile


@pytest.fixture
def viewer(client):
    profile = ProfileFactory(user=UserFactory(name="Vera Viewer"), timezone="Europe/Berlin")
    client.force_login(profile.user)
    return profile


def names(response) -> list[str]:
    return [card["profile"].name for card in response.context["cards"]]


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_lists_onboarded_visible_active_mentors_only(client, viewer):
    mentor("Listed Mentor")
    mentor("Both Roles", role=Profile.Role.BOTH)
    mentor("Not Onboarded", onboarded_at=None)
    mentor("Matches Only", visibility=Profile.Visibility.MATCHES)
    gone = mentor("Deactivated")
    gone.user.is_active = False
    gone.user.save()
    ProfileFactory(user=UserFactory(name="Just Mentee"), onboarded_at=timezone.now())

    response = client.get(URL)

    assert response.status_code == 200
    assert names(response) == ["Both Roles", "Listed Mentor"]
    assert b"2</strong> mentors" in response.content


def test_text_search_covers_name_headline_and_job_title(client, viewer):
    mentor("Ada Lovelace", headline="Analytical engines", job_title="Mathematician")
    mentor("Grace Hopper", headline="Compilers and COBOL", job_title="Rear Admiral")
    mentor("Alan Turing", headline="Codebreaking", job_title="Cryptanalyst")

    assert names(client.get(URL, {"q": "lovelace"})) == ["Ada Lovelace"]
    assert names(client.get(URL, {"q": "cobol"})) == ["Grace Hopper"]
    assert names(client.get(URL, {"q": "cryptanalyst"})) == ["Alan Turing"]
    assert names(client.get(URL, {"q": "grace compilers"})) == ["Grace Hopper"]


def test_skill_filter_by_name_and_alias_and_only_offered(client, viewer):
    mentor("JS Mentor", offers=["JavaScript"])
    mentor("Python Mentor", offers=["Python"])
    learner = mentor("JS Learner", offers=["Python"])
    ProfileSkillFactory(
        profile=learner, skill=skill("JavaScript"), direction=ProfileSkill.Direction.WANTS
    )

    assert names(client.get(URL, {"skill": "JavaScript"})) == ["JS Mentor"]
    assert names(client.get(URL, {"skill": "JS"})) == ["JS Mentor"]  # alias
    assert names(client.get(URL, {"skill": " javascript "})) == ["JS Mentor"]
    assert names(client.get(URL, {"skill": "python"})) == ["JS Learner", "Python Mentor"]
    assert names(client.get(URL, {"skill": "no such skill at all"})) == []


def test_alias_resolution_prefers_exact_matches():
    assert list(skills_matching_term("js").values_list("name", flat=True)) == ["JavaScript"]
    assert list(skills_matching_term("k8s").values_list("name", flat=True)) == ["Kubernetes"]
    assert "Python" in skills_matching_term("pyth").values_list("name", flat=True)


def test_industry_filter(client, viewer):
    mentor("Health Mentor", industry="Healthcare")
    mentor("Tech Mentor", industry="Technology")

    response = client.get(URL, {"industry": "Healthcare"})

    assert names(response) == ["Health Mentor"]
    choices = [value for value, _ in response.context["filter"].form.fields["industry"].choices]
    assert choices == ["", "Healthcare", "Technology"]

    # The list is cached, and forgotten when a profile changes.
    latest = mentor("Law Mentor", industry="Legal")
    response = client.get(URL)
    choices = [value for value, _ in response.context["filter"].form.fields["industry"].choices]
    assert choices == ["", "Healthcare", "Legal", "Technology"]
    Profile.objects.filter(pk=latest.pk).update(industry="Space")  # no save(): cached
    response = client.get(URL)
    assert "Space" not in dict(response.context["filter"].form.fields["industry"].choices)
    latest.refresh_from_db()
    latest.save()
    response = client.get(URL)
    assert "Space" in dict(response.context["filter"].form.fields["industry"].choices)


def test_language_filter(client, viewer):
    mentor("Spanish Speaker", languages=["en", "es"])
    mentor("English Only", languages=["en"])

    assert names(client.get(URL, {"language": "es"})) == ["Spanish Speaker"]
    assert names(client.get(URL, {"language": "en"})) == ["English Only", "Spanish Speaker"]


def test_working_hours_overlap_uses_utc_offsets_on_a_circle():
    assert working_hours_overlap("Europe/Berlin", "Europe/Paris", at=WINTER) == 8
    assert working_hours_overlap("Europe/London", "Europe/Berlin", at=WINTER) == 7
    assert working_hours_overlap("Europe/Berlin", "Asia/Kolkata", at=WINTER) == 3.5
    assert working_hours_overlap("Europe/Berlin", "America/Los_Angeles", at=WINTER) == 0
    # +13 and -8 are 21 hours apart one way, 3 the other way round the clock.
    assert working_hours_overlap("Pacific/Auckland", "America/Los_Angeles", at=WINTER) == 5
    zones = timezones_overlapping("Europe/Berlin", 6, at=WINTER)
    assert "Europe/Paris" in zones and "Europe/London" in zones
    assert "Asia/Kolkata" not in zones and "America/New_York" not in zones


def test_overlap_filter_compares_with_the_viewers_time_zone(client, viewer):
    mentor("Paris Mentor", timezone="Europe/Paris")
    mentor("Delhi Mentor", timezone="Asia/Kolkata")  # 3.5 or 4.5 hours ahead of Berlin
    mentor("LA Mentor", timezone="America/Los_Angeles")  # 9 hours behind

    assert names(client.get(URL, {"overlap": "2"})) == ["Delhi Mentor", "Paris Mentor"]
    assert names(client.get(URL, {"overlap": "6"})) == ["Paris Mentor"]
    assert names(client.get(URL)) == ["Delhi Mentor", "LA Mentor", "Paris Mentor"]

    viewer.timezone = "America/Denver"  # an hour ahead of LA
    viewer.save()
    assert names(client.get(URL, {"overlap": "6"})) == ["LA Mentor"]


def test_format_filter(client, viewer):
    mentor("Flash Only", format_flash=True, format_long_term=False)
    mentor("Long Only", format_flash=False, format_long_term=True)
    mentor("Both Formats", format_flash=True, format_long_term=True)

    assert names(client.get(URL, {"format": "flash"})) == ["Both Formats", "Flash Only"]
    assert names(client.get(URL, {"format": "long_term"})) == ["Both Formats", "Long Only"]


def test_has_capacity_now_filter(client, viewer):
    today = timezone.localdate()
    mentor("Open Mentor", capacity=2)
    mentor("Back Again", capacity=1, away_until=today - datetime.timedelta(days=1))
    mentor("Away Mentor", capacity=2, away_until=today + datetime.timedelta(days=10))
    mentor("Away Today", capacity=2, away_until=today)
    mentor("Closed Mentor", capacity=2, accepting=False)
    mentor("No Places", capacity=0)

    response = client.get(URL, {"available": "on"})

    assert names(response) == ["Back Again", "Open Mentor"]
    statuses = {card["profile"].name: card["status"] for card in response.context["cards"]}
    assert statuses == {"Back Again": "1 place free", "Open Mentor": "2 places free"}
    everyone = {c["profile"].name: c["status"] for c in client.get(URL).context["cards"]}
    assert everyone["Closed Mentor"] == "Not taking requests"
    assert everyone["Away Mentor"].startswith("Away until")
    assert everyone["No Places"] == "Full for long-term"


def test_free_places_is_capacity_without_active_mentorships():
    mentor("Three Places", capacity=3)
    row = directory_mentors().get()
    assert row.free_places == 3
    assert Profile.objects.annotate(free=mentor_free_places_annotation()).get().free == 3


def test_active_long_term_mentorships_use_up_places(client, viewer):
    from matching.models import Mentorship

    busy = mentor("Busy Mentor", capacity=1)
    mentor("Free Mentor", capacity=1)
    Mentorship.objects.create(mentor=busy.user, mentee=UserFactory(), format="long_term", slot=1)
    Mentorship.objects.create(mentor=busy.user, mentee=UserFactory(), format="flash")

    response = client.get(URL, {"available": "on"})

    assert names(response) == ["Free Mentor"]
    assert directory_mentors().get(pk=busy.pk).free_places == 0


def test_filters_combine(client, viewer):
    mentor("Right One", offers=["Python"], languages=["en", "de"], industry="Technology")
    mentor("Wrong Language", offers=["Python"], languages=["en"], industry="Technology")
    mentor("Wrong Skill", offers=["JavaScript"], languages=["de"], industry="Technology")

    response = client.get(URL, {"skill": "py", "language": "de", "industry": "Technology"})

    assert names(response) == ["Right One"]


def test_bad_filter_value_shows_an_error_and_keeps_the_rest(client, viewer):
    mentor("Spanish Speaker", languages=["es"], format_flash=True)
    mentor("German Speaker", languages=["de"], format_flash=False)

    response = client.get(URL, {"language": "xx", "format": "flash"})

    assert response.status_code == 200
    assert "language" in response.context["filter"].form.errors
    assert names(response) == ["Spanish Speaker"]
    assert b"is-invalid" in response.content


def test_pagination_twenty_a_page_keeps_filters(client, viewer):
    for n in range(23):
        mentor(f"Mentor {n:02d}", industry="Technology")

    first = client.get(URL, {"industry": "Technology"})
    second = client.get(URL, {"industry": "Technology", "page": "2"})
    beyond = client.get(URL, {"industry": "Technology", "page": "99"})

    assert len(first.context["cards"]) == 20
    assert names(second) == ["Mentor 20", "Mentor 21", "Mentor 22"]
    assert names(beyond) == names(second)
    assert re.search(rb'href="\?industry=Technology&amp;page=2"', first.content)


def test_htmx_request_gets_only_the_results(client, viewer):
    mentor("JS Mentor", offers=["JavaScript"])

    response = client.get(URL, {"skill": "js"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="directory-results"')
    assert "<html" not in body and "JS Mentor" in body


def test_page_without_js_has_a_plain_get_form(client, viewer):
    body = client.get(URL).content.decode()
    assert re.search(r'<form method="get" action="/mentors/"', body)
    assert 'hx-get="/mentors/"' in body
    assert 'type="submit"' in body


def test_card_content(client, viewer):
    mentor(
        "Card Person",
        offers=["Python", "JavaScript", "Git", "Django", "React", "PostgreSQL"],
        languages=["en", "fr"],
        headline="Helps people <b>ship</b>",
        job_title="Software Developer",
        format_flash=True,
        format_long_term=False,
    )
    body = client.get(URL).content.decode()
    assert "Card Person" in body and "Software Developer" in body
    assert "Helps people &lt;b&gt;ship&lt;/b&gt;" in body  # escaped
    assert "+1 more" in body
    assert "English, French" in body
    assert "Flash sessions" in body


def test_skill_options_for_the_datalist(client, viewer):
    mentor("Py", offers=["Python"])
    response = client.get(reverse("profiles:directory_skill_options"), {"skill": "pyth"})
    options = re.findall(r'<option value="([^"]+)"', response.content.decode())
    assert options[0] == "Python"  # offered by a mentor: listed first
    assert (
        client.get(reverse("profiles:directory_skill_options"), {"skill": "p"}).content.strip()
        == b""
    )


def _first_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_first_page_query_count_does_not_grow_with_mentors(client, viewer):
    offers = ["Python", "JavaScript", "Git", "Django", "React", "PostgreSQL", "Docker"]
    for n in range(5):
        mentor(f"Mentor {n:02d}", offers=offers[: 3 + n % 5], languages=["en", "es"])
    with_five = _first_page_queries(client)
    for n in range(5, 50):
        mentor(f"Mentor {n:02d}", offers=offers[: 3 + n % 5], languages=["en", "de", "fr"])
    with_fifty = _first_page_queries(client)

    assert with_five == with_fifty
    # Session, user, suspension check, notifications seen, viewer, blocks, filters,
    # count, page, skills, languages, roles, unread count: no page over 15.
    assert with_five <= 15


def test_result_pages_are_kept_until_a_card_changes_and_never_shown_across_a_block(client, viewer):
    from tests.factories import BlockFactory, MentorshipFactory, SuspensionFactory

    ada = mentor("Ada Kept", headline="Data engineer", capacity=1)
    mentor("Bo Kept")
    first = statements(lambda: client.get(URL))
    again = statements(lambda: client.get(URL))
    assert any("profiles_profileskill" in sql for sql in first)
    assert len(again) < len(first)  # the same page again: the list, skills, languages not read
    assert not any("profiles_profileskill" in sql for sql in again)
    assert "Data engineer" in client.get(URL).content.decode()

    # Whatever a card shows, changed, is shown on the next page.
    ada.headline = "Staff data engineer"
    ada.save()
    assert "Staff data engineer" in client.get(URL).content.decode()
    ProfileSkillFactory(
        profile=ada, skill=skill("Docker"), direction=ProfileSkill.Direction.OFFERS, level=4
    )
    assert "Docker" in client.get(URL).content.decode()
    ada.languages.add(language("pt"))
    assert "Portuguese" in client.get(URL).content.decode()
    # Free places may lag by up to a minute (every accepted request would empty
    # every page otherwise): shown once the kept page is gone.
    mentee = UserFactory(name="New Mentee")
    assert "Full for long-term" not in client.get(URL).content.decode()
    MentorshipFactory(mentor=ada.user, mentee=mentee)
    assert "Full for long-term" not in client.get(URL).content.decode()
    caches["fragments"].clear()
    assert "Full for long-term" in client.get(URL).content.decode()
    ada.user.name = "Ada Renamed"
    ada.user.save()
    assert "Ada Renamed" in client.get(URL).content.decode()

    # A block either way, or a suspension, hides the person at once, cached or not.
    bo = Profile.objects.get(user__name="Bo Kept")
    BlockFactory(blocker=bo.user, blocked=viewer.user)
    assert "Bo Kept" not in client.get(URL).content.decode()
    SuspensionFactory(user=ada.user)
    page = client.get(URL).content.decode()
    assert "Ada Renamed" not in page
    # Another viewer (no block, another zone) has pages of their own.
    other = ProfileFactory(user=UserFactory(name="Other Viewer"), timezone="Asia/Tokyo")
    client.force_login(other.user)
    page = client.get(URL).content.decode()
    assert "Bo Kept" in page and "Asia/Tokyo" in page
    # A viewer at the same UTC offset shares those pages, with their own zone named.
    seoul = ProfileFactory(user=UserFactory(name="Seoul Viewer"), timezone="Asia/Seoul")
    tokyo_sql = statements(lambda: client.get(URL, {"q": "Kept"}))
    client.force_login(seoul.user)
    client.get(URL)  # the session's first page
    shared_sql = statements(lambda: client.get(URL, {"q": "Kept"}))
    assert any("profiles_profileskill" in sql for sql in tokyo_sql)
    assert not any("profiles_profileskill" in sql for sql in shared_sql)
    page = client.get(URL, {"q": "Kept"}).content.decode()
    assert "Asia/Seoul" in page and "Asia/Tokyo" not in page and "Bo Kept" in page


def test_kept_result_pages_are_bounded_in_number(client, viewer, settings):
    """A query string is anyone's to vary: kept pages are culled, never unbounded."""
    settings.CACHES = {
        **settings.CACHES,
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "fragments-bounded",
            "OPTIONS": {"MAX_ENTRIES": 5},
        },
    }
    mentor("Only Mentor")
    for n in range(12):
        assert client.get(URL, {"q": f"nobody-{n}"}).status_code == 200
    assert 0 < len(caches["fragments"]._cache) <= 5
