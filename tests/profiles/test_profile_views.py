"""Own-profile, skills, availability and goal pages: access ladder, form errors, content."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from profiles import selectors
from profiles.models import Goal, Milestone, Profile, Skill
from tests.factories import (
    GoalFactory,
    MentorProfileFactory,
    MilestoneFactory,
    ProfileFactory,
    ProfileSkillFactory,
    UserFactory,
    language,
)

pytestmark = pytest.mark.django_db

OWN_PAGES = [
    "profiles:profile",
    "profiles:profile_edit",
    "profiles:profile_skills",
    "profiles:profile_availability",
    "profiles:goal_list",
    "profiles:onboarding_step",
]


def _url(name):
    return reverse(name, args=["about"]) if name == "profiles:onboarding_step" else reverse(name)


@pytest.mark.parametrize("name", OWN_PAGES)
def test_anonymous_is_sent_to_login(client, name):
    url = _url(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("name", OWN_PAGES)
def test_owner_gets_the_page(client, name):
    profile = MentorProfileFactory(headline="Backend lead at ACME")
    client.force_login(profile.user)
    response = client.get(_url(name))
    assert response.status_code == 200
    assert b"<form" in response.content or name == "profiles:profile"


def test_goal_pages_climb_the_access_ladder(client):
    goal = GoalFactory(title="Ship my first talk")
    milestone = MilestoneFactory(goal=goal)
    urls = [
        ("get", reverse("profiles:goal_detail", args=[goal.pk])),
        ("get", reverse("profiles:goal_edit", args=[goal.pk])),
        ("post", reverse("profiles:goal_delete", args=[goal.pk])),
        ("post", reverse("profiles:milestone_add", args=[goal.pk])),
        ("post", reverse("profiles:milestone_toggle", args=[goal.pk, milestone.pk])),
        ("post", reverse("profiles:milestone_delete", args=[goal.pk, milestone.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    assert Goal.objects.filter(pk=goal.pk).exists()
    assert Milestone.objects.get(pk=milestone.pk).done_at is None
    client.force_login(goal.owner)
    response = client.get(urls[0][1])
    assert response.status_code == 200
    assert "Ship my first talk" in response.content.decode()


def test_milestone_of_another_goal_is_404_even_for_an_owner(client):
    mine = GoalFactory()
    theirs = MilestoneFactory()
    client.force_login(mine.owner)
    url = reverse("profiles:milestone_toggle", args=[mine.pk, theirs.pk])
    assert client.post(url).status_code == 404


def test_state_changes_need_post(client):
    goal = GoalFactory()
    client.force_login(goal.owner)
    assert client.get(reverse("profiles:goal_delete", args=[goal.pk])).status_code == 405
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_profile_overview_shows_sanitised_bio_and_skills(client):
    profile = ProfileFactory(
        bio="I **love** SQL <script>alert('x')</script>[me](javascript:alert(1))"
    )
    ProfileSkillFactory(profile=profile, skill=Skill.objects.get(name="Python"), level=3)
    client.force_login(profile.user)
    html = client.get(reverse("profiles:profile")).content.decode()
    assert "<strong>love</strong>" in html
    assert "alert(" not in html
    assert "Python" in html and "Top priority" in html
    assert "My profile" in html  # nav entry


def test_profile_edit_saves_and_sets_occupation(client):
    profile = ProfileFactory()
    client.force_login(profile.user)
    data = {
        "role": "both",
        "display_name": "Ann",
        "headline": "Analyst",
        "bio": "Hi",
        "job_title": "Data Scientists",
        "industry": "Finance",
        "organisation": "",
        "years_experience": "6",
        "location": "Porto",
        "timezone": "Europe/Lisbon",
        "languages": [language("en").pk, language("pt").pk],
        "strengths": "",
        "growth_areas": "",
        "format_flash": "on",
        "format_long_term": "on",
        "linkedin_url": "",
        "website_url": "",
        "visibility": "members",
        "capacity": "2",
        "accepting": "on",
        "away_until": "",
    }
    response = client.post(reverse("profiles:profile_edit"), data)
    assert response.status_code == 302 and response["Location"] == reverse("profiles:profile")
    profile.refresh_from_db()
    assert (profile.role, profile.timezone, profile.capacity) == ("both", "Europe/Lisbon", 2)
    assert profile.occupation.title == "Data Scientists"
    assert profile.languages.count() == 2


def test_profile_edit_shows_field_errors_and_keeps_input(client):
    profile = ProfileFactory(timezone="Europe/Berlin")
    client.force_login(profile.user)
    response = client.post(
        reverse("profiles:profile_edit"),
        {
            "role": "mentor",
            "headline": "Keep this headline",
            "timezone": "Mars/Olympus",
            "years_experience": "-3",
            "capacity": "99",
            "visibility": "members",
            "away_until": "2001-01-01",
            "website_url": "not a url",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["timezone"] == [
        "Choose a time zone from the list (for example Europe/Berlin)."
    ]
    assert form.errors["years_experience"] == ["Ensure this value is greater than or equal to 0."]
    assert form.errors["capacity"] == ["Ensure this value is less than or equal to 50."]
    assert form.errors["away_until"] == ["Choose a date in the future, or leave it empty."]
    assert "website_url" in form.errors
    assert "format_long_term" in form.errors  # neither format chosen
    html = response.content.decode()
    assert 'value="Keep this headline"' in html
    assert "is-invalid" in html
    assert Profile.objects.get(pk=profile.pk).timezone == "Europe/Berlin"


def _png(size=(300, 300)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "me.png"
    return buffer


def test_avatar_upload_through_the_form_and_refusal_message(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    profile = ProfileFactory()
    client.force_login(profile.user)
    base = {"role": "mentee", "timezone": "UTC", "years_experience": 0, "capacity": 0}
    base |= {"visibility": "members", "format_flash": "on"}
    bad = io.BytesIO(b"<?php echo 1; ?>")
    bad.name = "shell.jpg"
    response = client.post(reverse("profiles:profile_edit"), {**base, "avatar": bad})
    assert response.status_code == 200
    assert response.context["form"].errors["avatar"] == [
        "This file is not a JPEG, PNG or WebP image."
    ]
    response = client.post(reverse("profiles:profile_edit"), {**base, "avatar": _png()})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.avatar.name.startswith("avatars/") and profile.avatar.name.endswith(".png")


def test_skills_page_saves_rows_and_typed_names(client):
    profile = ProfileFactory(role=Profile.Role.BOTH)
    python = Skill.objects.get(name="Python")
    client.force_login(profile.user)
    response = client.post(
        reverse("profiles:profile_skills"),
        {
            "offers-skill": [str(python.pk)],
            f"offers-level-{python.pk}": "5",
            "offers-add": "",
            "wants-skill": ["new:Bonsai pruning"],
            "wants-level-new:Bonsai pruning": "3",
            "wants-add": "sql, public speaking",
            "wants-add_level": "1",
        },
    )
    assert response.status_code == 302
    offers = [
        (r.skill.name, r.level)
        for r in selectors.profile_skills(profile=profile, direction="offers")
    ]
    wants = {
        (r.skill.name, r.level)
        for r in selectors.profile_skills(profile=profile, direction="wants")
    }
    assert offers == [("Python", 5)]
    assert wants == {
        ("Bonsai pruning", 3),
        ("Structured query language SQL", 1),
        ("Public speaking", 1),
    }
    assert Skill.objects.get(name="Bonsai pruning").status == Skill.Status.PENDING


def test_skills_page_remove_button_without_javascript(client):
    profile = ProfileFactory()
    row = ProfileSkillFactory(profile=profile)
    client.force_login(profile.user)
    response = client.post(
        reverse("profiles:profile_skills"),
        {
            "wants-skill": [str(row.skill_id)],
            f"wants-level-{row.skill_id}": "2",
            "wants-remove": str(row.skill_id),
        },
    )
    assert response.status_code == 302
    assert not profile.skills.exists()


def test_skills_page_errors_keep_the_rows(client):
    profile = ProfileFactory()
    client.force_login(profile.user)
    response = client.post(
        reverse("profiles:profile_skills"),
        {"wants-skill": ["new:" + "x" * 80], "wants-add": "Rust"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "too long for a skill" in html
    assert 'value="new:Rust"' in html  # the typed name is still there
    assert not profile.skills.exists()


def test_skill_search_endpoint_finds_js_and_offers_new(client):
    client.force_login(UserFactory())
    url = reverse("profiles:skill_search")
    html = client.get(
        url, {"direction": "wants", "wants-add": "JS"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "JavaScript" in html
    assert "as a new skill" not in html  # "JS" is an alias: nothing new to offer
    html = client.get(
        url, {"direction": "offers", "offers-add": "Underwater basket weaving"}
    ).content.decode()
    assert "Add “Underwater basket weaving” as a new skill" in html
    assert client.get(url, {"direction": "sideways", "q": "x"}).status_code == 404


def test_skill_row_endpoint_hides_other_peoples_pending_skills(client):
    theirs = Skill.objects.create(
        name="Secret tag", slug="secret-tag", status="pending", created_by=UserFactory()
    )
    client.force_login(UserFactory())
    url = reverse("profiles:skill_row")
    assert client.get(url, {"direction": "wants", "skill": theirs.pk}).status_code == 404
    python = Skill.objects.get(name="Python")
    html = client.get(url, {"direction": "wants", "skill": python.pk}).content.decode()
    assert f'name="wants-skill" value="{python.pk}"' in html
    html = client.get(url, {"direction": "wants", "name": "Brand new"}).content.decode()
    assert 'value="new:Brand new"' in html


def test_occupation_search_returns_options(client):
    client.force_login(UserFactory())
    html = client.get(
        reverse("profiles:occupation_search"), {"job_title": "nurse"}
    ).content.decode()
    assert "<option value=" in html and "Nurse" in html


def test_availability_page_saves_and_reports_overlap(client):
    profile = MentorProfileFactory(timezone="Asia/Tokyo")
    client.force_login(profile.user)
    url = reverse("profiles:profile_availability")
    data = {
        "slots-TOTAL_FORMS": "3",
        "slots-INITIAL_FORMS": "0",
        "slots-0-weekday": "0",
        "slots-0-start_time": "09:00",
        "slots-0-end_time": "11:00",
        "slots-1-weekday": "0",
        "slots-1-start_time": "10:00",
        "slots-1-end_time": "12:00",
        "slots-2-weekday": "2",
        "slots-2-start_time": "14:00",
        "slots-2-end_time": "13:00",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.forms[2].errors["end_time"] == ["The end must be after the start (same day)."]
    assert "Asia/Tokyo" in response.content.decode()
    data["slots-2-end_time"] = "15:00"
    response = client.post(url, data)
    assert response.context["formset"].forms[1].errors["start_time"] == [
        "Overlaps your Monday slot 09:00–11:00."
    ]
    assert not profile.availability.exists()
    data["slots-1-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    assert [str(slot) for slot in profile.availability.all()] == [
        "Monday 09:00–11:00",
        "Wednesday 14:00–15:00",
    ]


def test_goal_create_edit_milestones_and_delete(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("profiles:goal_list"), {"title": ""})
    assert response.context["form"].errors["title"] == ["This field is required."]
    response = client.post(
        reverse("profiles:goal_list"), {"title": "Speak at a meetup", "description": "*Soon*"}
    )
    goal = Goal.objects.get(owner=user)
    assert response["Location"] == reverse("profiles:goal_detail", args=[goal.pk])

    response = client.post(
        reverse("profiles:milestone_add", args=[goal.pk]), {"title": "Pick a topic"}
    )
    assert response.status_code == 302
    milestone = goal.milestones.get()
    response = client.post(
        reverse("profiles:milestone_toggle", args=[goal.pk, milestone.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "milestone-done" in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).done_at is not None

    response = client.post(
        reverse("profiles:goal_edit", args=[goal.pk]),
        {"title": "Speak at a conference", "description": "*Soon*", "status": "in_progress"},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.title, goal.status) == ("Speak at a conference", "in_progress")
    detail = client.get(reverse("profiles:goal_detail", args=[goal.pk])).content.decode()
    assert "<em>Soon</em>" in detail and "Pick a topic" in detail

    client.post(reverse("profiles:goal_delete", args=[goal.pk]))
    assert not Goal.objects.filter(owner=user).exists()


def test_dashboard_shows_the_completeness_panel_with_quick_links(client):
    profile = ProfileFactory(headline="", bio="")
    client.force_login(profile.user)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="completeness-panel"' in html
    assert "needed to match" in html
    assert reverse("profiles:goal_list") + "#new-goal" in html
    assert "Continue setup" in html
