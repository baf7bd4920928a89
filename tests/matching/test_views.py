"""Matching pages: the access ladder for every view, then what each page does."""

import pytest
from django.urls import reverse

from matching.models import (
    Format,
    MatchingConfig,
    MatchRequest,
    MatchRun,
    Mentorship,
    PairExclusion,
    Suggestion,
)
from mentorship.models import Notification
from profiles.models import Language
from tests.factories import (
    PROGRAMME_MANAGER,
    GoalFactory,
    MatchRequestFactory,
    MentorshipFactory,
    SuggestionFactory,
    UserFactory,
    make_mentee,
    make_mentor,
    staff_login,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    mentee, mentor = make_mentee(), make_mentor(capacity=2)
    suggestion = SuggestionFactory(mentee=mentee, mentor=mentor)
    request = MatchRequestFactory(mentee=mentee, mentor=mentor)
    mentorship = MentorshipFactory(mentee=mentee, mentor=make_mentor())
    return {
        "mentee": mentee,
        "mentor": mentor,
        "suggestion": suggestion,
        "request": request,
        "mentorship": mentorship,
        "stranger": make_mentor(),
    }


# (url name, object key, method, party allowed) — every object-scoped view.
OBJECT_VIEWS = [
    ("matching:suggestion_request", "suggestion", "get", "mentee"),
    ("matching:suggestion_decline", "suggestion", "get", "mentee"),
    ("matching:suggestion_decline", "suggestion", "post", "mentee"),
    ("matching:request_detail", "request", "get", "mentor"),
    ("matching:request_detail", "request", "get", "mentee"),
    ("matching:request_accept", "request", "post", "mentor"),
    ("matching:request_decline", "request", "post", "mentor"),
    ("matching:request_ask", "request", "post", "mentor"),
    ("matching:request_reply", "request", "post", "mentee"),
    ("matching:request_withdraw", "request", "post", "mentee"),
    ("matching:mentorship_detail", "mentorship", "get", "mentee"),
    ("matching:mentorship_end", "mentorship", "post", "mentee"),
    ("matching:mentorship_renew", "mentorship", "post", "mentee"),
]

LIST_VIEWS = [
    "matching:suggestions",
    "matching:requests_sent",
    "matching:request_inbox",
    "matching:mentorships",
    "notifications",
]

STAFF_VIEWS = [
    "matching:staff_overview",
    "matching:staff_runs",
    "matching:staff_cohort",
    "matching:staff_manual_match",
    "matching:staff_exclusions",
]


@pytest.mark.parametrize(("name", "key", "method", "party"), OBJECT_VIEWS)
def test_object_views_climb_the_access_ladder(client, world, name, key, method, party):
    url = reverse(name, args=[world[key].pk])
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))

    client.force_login(world["stranger"])
    assert getattr(client, method)(url).status_code == 404

    if key == "request":
        # The other party of a request may read it but not act for the first.
        other = "mentee" if party == "mentor" else "mentor"
        if method == "post":
            client.force_login(world[other])
            assert client.post(url).status_code == 404

    client.force_login(world[party] if key != "mentorship" else world["mentorship"].mentee)
    response = getattr(client, method)(url)
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("name", LIST_VIEWS)
def test_list_views_need_a_login_and_show_only_your_rows(client, world, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    client.force_login(world["stranger"])
    response = client.get(url)
    assert response.status_code == 200
    assert world["mentee"].profile.name not in response.content.decode()


@pytest.mark.parametrize("name", STAFF_VIEWS)
def test_staff_pages_are_404_for_members_and_open_to_staff(client, world, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    client.force_login(world["mentor"])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))  # staff without the permission
    assert client.get(url).status_code == 404
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "matching:request_accept",
        "matching:request_withdraw",
        "matching:mentorship_end",
        "matching:mentorship_renew",
    ],
)
def test_state_changes_refuse_get(client, world, name):
    key = "mentorship" if "mentorship" in name else "request"
    client.force_login(world["mentorship"].mentor if key == "mentorship" else world["mentor"])
    assert client.get(reverse(name, args=[world[key].pk])).status_code == 405


# --- mentee pages -------------------------------------------------------------------


def test_suggestions_page_shows_score_reasons_and_components(client, world):
    client.force_login(world["mentee"])
    response = client.get(reverse("matching:suggestions"))
    html = response.content.decode()
    assert world["mentor"].profile.name in html
    assert "Knows Python and SQL, which you want to learn" in html
    assert 'aria-valuenow="82"' in html  # the score bar
    assert "How this score is made" in html and "Skills" in html


def test_suggestions_empty_state_explains_when_they_appear(client):
    client.force_login(make_mentee())
    html = client.get(reverse("matching:suggestions")).content.decode()
    assert "No suggestions yet" in html
    assert "within a minute of saving your profile" in html


def test_suggestion_filters(client, world):
    full_flash_only = make_mentor(capacity=1, format_long_term=False)
    SuggestionFactory(mentee=world["mentee"], mentor=full_flash_only, rank=2)
    client.force_login(world["mentee"])
    url = reverse("matching:suggestions")
    both = client.get(url).content.decode()
    assert full_flash_only.profile.name in both
    long_term = client.get(url, {"format": "long_term"}).content.decode()
    assert full_flash_only.profile.name not in long_term
    assert world["mentor"].profile.name in long_term
    MentorshipFactory(mentee=make_mentee(), mentor=world["mentor"])
    MentorshipFactory(mentee=make_mentee(), mentor=world["mentor"])
    with_place = client.get(url, {"has_capacity": "on"}).content.decode()
    assert world["mentor"].profile.name not in with_place
    full_flash_only.profile.languages.add(
        Language.objects.get_or_create(code="de", defaults={"name": "German"})[0]
    )
    german = client.get(url, {"language": "de"}).context["suggestions"]
    assert [s.mentor for s in german] == [full_flash_only]


def test_not_for_me_with_htmx_removes_the_card_without_reload(client, world):
    client.force_login(world["mentee"])
    url = reverse("matching:suggestion_decline", args=[world["suggestion"].pk])
    response = client.post(url, {"reason": "skills", "note": "Too backend"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    name = world["mentor"].profile.name
    assert f"We will not suggest {name} again." in response.content.decode()
    assert "Undo" in response.content.decode()
    assert "<article" not in response.content.decode()
    world["suggestion"].refresh_from_db()
    assert world["suggestion"].status == Suggestion.Status.DECLINED
    exclusion = PairExclusion.objects.get(mentee=world["mentee"], mentor=world["mentor"])
    assert exclusion.note == "Their skills don't fit what I want to learn: Too backend"
    page = client.get(reverse("matching:suggestions"))
    assert list(page.context["suggestions"]) == []
    # Listed among the mentors said no to, with a way back.
    assert "Mentors you said no to (1)" in page.content.decode()


def test_the_not_for_me_form_is_fetched_when_its_box_opens(client, world):
    """The cards carry no forms; opening "Not for me" fetches the card's form (htmx),
    and without JS the box links to the same form on its own page."""
    client.force_login(world["mentee"])
    pk = world["suggestion"].pk
    url = reverse("matching:suggestion_decline", args=[pk])
    page = client.get(reverse("matching:suggestions")).content.decode()
    assert f'id="decline-form-{pk}"' in page and f'hx-get="{url}"' in page
    assert f'<a href="{url}">Tell us why' in page
    assert 'name="reason"' not in page
    fragment = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"decline-form-{pk}")
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "<article" not in body and "<html" not in body
    assert f'id="decline-{pk}-reason"' in body and 'name="csrfmiddlewaretoken"' in body
    assert f'hx-post="{url}"' in body
    own_page = client.get(url).content.decode()
    assert "<html" in own_page and f'id="decline-{pk}-reason"' in own_page
    # Another mentee opening the box finds nothing.
    client.force_login(make_mentee())
    assert (
        client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"decline-form-{pk}").status_code
        == 404
    )


def test_undo_not_for_me_brings_the_card_back(client, world):
    client.force_login(world["mentee"])
    decline = reverse("matching:suggestion_decline", args=[world["suggestion"].pk])
    client.post(decline, {"reason": "skills"}, HTTP_HX_REQUEST="true")
    undo = reverse("matching:suggestion_decline_undo", args=[world["mentor"].pk])
    response = client.post(undo, HTTP_HX_REQUEST="true")
    assert f'id="suggestion-{world["suggestion"].pk}"' in response.content.decode()
    assert "<article" in response.content.decode()
    world["suggestion"].refresh_from_db()
    assert world["suggestion"].status == Suggestion.Status.OPEN
    assert not PairExclusion.objects.filter(mentee=world["mentee"]).exists()
    # Twice is a clear refusal, not a 500; a stranger's undo finds nothing to undo.
    again = client.post(undo, follow=True)
    assert "You have not declined this mentor." in again.content.decode()


def test_not_for_me_without_js_redirects_and_bad_input_keeps_the_form(client, world):
    client.force_login(world["mentee"])
    url = reverse("matching:suggestion_decline", args=[world["suggestion"].pk])
    bad = client.post(url, {"reason": "nonsense", "note": "keep me"})
    assert bad.status_code == 400
    assert "keep me" in bad.content.decode()
    bad_htmx = client.post(url, {"reason": "nonsense"}, HTTP_HX_REQUEST="true")
    assert "<article" in bad_htmx.content.decode() and "is-invalid" in bad_htmx.content.decode()
    response = client.post(url, {"reason": "schedule"})
    assert response.status_code == 302 and response.url == reverse("matching:suggestions")


def test_request_form_sends_a_request_and_shows_it(client, world):
    mentee = make_mentee()
    goal = GoalFactory(owner=mentee, title="Move into product")
    suggestion = SuggestionFactory(mentee=mentee, mentor=world["mentor"])
    client.force_login(mentee)
    url = reverse("matching:suggestion_request", args=[suggestion.pk])
    page = client.get(url).content.decode()
    assert "Move into product" in page and "Why we suggested" in page

    response = client.post(
        url, {"format": "long_term", "goal": goal.pk, "message": "I want to move into product."}
    )
    created = MatchRequest.objects.get(mentee=mentee)
    assert response.status_code == 302
    assert response.url == reverse("matching:request_detail", args=[created.pk])
    assert created.goal == goal and created.suggestion == suggestion


def test_request_form_keeps_input_on_errors_and_explains_the_cap(client, world):
    config = MatchingConfig.load()
    config.max_pending_requests = 1
    config.save()
    client.force_login(world["mentee"])  # already has one pending request
    other = make_mentor()
    url = reverse("matching:mentor_request", args=[other.profile.public_id])
    page = client.get(url).content.decode()
    assert "the most you can have at once (1)" in page
    response = client.post(url, {"format": "flash", "message": "My carefully written words."})
    html = response.content.decode()
    assert response.status_code == 200
    assert "My carefully written words." in html
    assert "You already have 1 pending requests" in html
    short = client.post(url, {"format": "flash", "message": "hi"})
    assert "at least a sentence" in short.content.decode()


def test_someone_elses_goal_is_not_a_valid_choice(client, world):
    client.force_login(world["mentee"])
    url = reverse("matching:mentor_request", args=[make_mentor().profile.public_id])
    response = client.post(
        url,
        {"format": "flash", "goal": GoalFactory().pk, "message": "A real message here."},
    )
    assert "Select a valid choice" in response.content.decode()
    assert MatchRequest.objects.filter(mentee=world["mentee"]).count() == 1


def test_my_requests_lists_states_and_withdraw(client, world):
    client.force_login(world["mentee"])
    html = client.get(reverse("matching:requests_sent")).content.decode()
    assert "Pending" in html and "Withdraw" in html
    response = client.post(reverse("matching:request_withdraw", args=[world["request"].pk]))
    assert response.status_code == 302
    world["request"].refresh_from_db()
    assert world["request"].status == MatchRequest.Status.WITHDRAWN
    again = client.post(
        reverse("matching:request_withdraw", args=[world["request"].pk]), follow=True
    )
    assert "no longer pending" in again.content.decode()


# --- mentor pages ----------------------------------------------------------------------


def test_inbox_shows_goals_reasons_and_capacity(client, world):
    GoalFactory(owner=world["mentee"], title="Lead my first team")
    MentorshipFactory(mentee=make_mentee(), mentor=world["mentor"])
    world["request"].suggestion = world["suggestion"]
    world["request"].save()
    client.force_login(world["mentor"])
    html = client.get(reverse("matching:request_inbox")).content.decode()
    assert "Lead my first team" in html
    # The mentor reads the reasons written for their side, never the mentee's.
    assert "Wants to learn what you offer: Python and SQL" in html
    assert "Knows Python and SQL" not in html
    assert "1 of 2 places taken" in html
    assert world["request"].message in html


def test_accept_beyond_capacity_shows_the_clear_refusal(client, world):
    mentor = world["mentor"]
    MentorshipFactory(mentee=make_mentee(), mentor=mentor)
    MentorshipFactory(mentee=make_mentee(), mentor=mentor)
    client.force_login(mentor)
    response = client.post(
        reverse("matching:request_accept", args=[world["request"].pk]), follow=True
    )
    assert (
        "You have no free places: 2 of 2 taken. Raise your capacity or end a mentorship first."
        in response.content.decode()
    )
    assert not Mentorship.objects.filter(request=world["request"]).exists()


def test_accept_then_both_see_the_mentorship(client, world):
    client.force_login(world["mentor"])
    response = client.post(reverse("matching:request_accept", args=[world["request"].pk]))
    mentorship = Mentorship.objects.get(request=world["request"])
    assert response.url == reverse("matching:mentorship_detail", args=[mentorship.pk])
    for person, partner in ((world["mentor"], world["mentee"]), (world["mentee"], world["mentor"])):
        client.force_login(person)
        html = client.get(response.url).content.decode()
        assert partner.profile.name in html and "Long-term mentorship" in html
        assert partner.profile.name in client.get(reverse("matching:mentorships")).content.decode()


def test_decline_needs_a_reason_and_ask_keeps_it_pending(client, world):
    client.force_login(world["mentor"])
    url = reverse("matching:request_decline", args=[world["request"].pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    ask = reverse("matching:request_ask", args=[world["request"].pk])
    client.post(ask, {"body": "What would success look like?"})
    assert world["request"].messages.count() == 1
    client.force_login(world["mentee"])
    html = client.get(
        reverse("matching:request_detail", args=[world["request"].pk])
    ).content.decode()
    assert "What would success look like?" in html and "Send answer" in html
    client.force_login(world["mentor"])
    client.post(url, {"reason": "Not my field, sorry."})
    world["request"].refresh_from_db()
    assert world["request"].status == MatchRequest.Status.DECLINED


def test_mentorship_end_and_renew(client, world):
    mentorship = world["mentorship"]
    client.force_login(mentorship.mentor)
    renew = client.post(reverse("matching:mentorship_renew", args=[mentorship.pk]), {"ends_on": ""})
    renewed = Mentorship.objects.get(renewed_from=mentorship)
    assert renew.url == reverse("matching:mentorship_detail", args=[renewed.pk])
    bad = client.post(
        reverse("matching:mentorship_renew", args=[renewed.pk]), {"ends_on": "2001-01-01"}
    )
    assert bad.status_code == 400 and "Choose a date in the future" in bad.content.decode()
    client.force_login(mentorship.mentee)
    unconfirmed = client.post(
        reverse("matching:mentorship_end", args=[renewed.pk]),
        {"outcome": "completed", "reason": "Thank you!"},
    )
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm: finishing cannot be undone." in unconfirmed.content.decode()
    renewed.refresh_from_db()
    assert renewed.status == Mentorship.Status.ACTIVE
    client.post(
        reverse("matching:mentorship_end", args=[renewed.pk]),
        {"outcome": "completed", "reason": "Thank you!", "confirm": "on"},
    )
    renewed.refresh_from_db()
    assert renewed.status == Mentorship.Status.COMPLETED


def test_response_rate_include_renders(client, world):
    from django.template import Context, Template

    world["request"].status = MatchRequest.Status.ACCEPTED
    world["request"].responded_at = world["request"].created_at
    world["request"].save()
    html = Template(
        '{% include "matching/includes/_response_rate.html" with mentor=mentor %}'
    ).render(Context({"mentor": world["mentor"]}))
    assert "Answers <strong>100%</strong> of requests" in html
    assert "usually within a day" in html


def test_nav_shows_matching_links_and_unread_count(client, world):
    Notification.objects.create(user=world["mentor"], kind="x", title="Hello")
    client.force_login(world["mentor"])
    html = client.get(reverse("matching:request_inbox")).content.decode()
    assert reverse("matching:request_inbox") in html and reverse("notifications") in html
    assert 'id="nav-unread-count">1<' in html
    # A mentor-only account is not offered the mentee's pages.
    assert reverse("matching:suggestions") not in html
    assert reverse("matching:requests_sent") not in html
    client.force_login(world["mentee"])
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("matching:suggestions") in html and reverse("matching:requests_sent") in html
    assert f'href="{reverse("matching:request_inbox")}"' not in html


# --- staff pages ------------------------------------------------------------------------


def test_staff_manual_match_and_do_not_match(client, world):
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    mentee, mentor = make_mentee(), make_mentor()
    response = client.post(
        reverse("matching:staff_manual_match"),
        {"mentee": mentee.email, "mentor": mentor.email.upper(), "format": Format.LONG_TERM},
    )
    assert response.status_code == 302
    assert Mentorship.objects.filter(mentee=mentee, mentor=mentor).exists()
    unknown = client.post(
        reverse("matching:staff_exclusions"),
        {"mentee": "nobody@example.org", "mentor": mentor.email, "note": "x"},
    )
    assert "No active mentee is called or has the email “nobody@example.org”." in (
        unknown.content.decode()
    )
    client.post(
        reverse("matching:staff_exclusions"),
        {"mentee": world["mentee"].email, "mentor": world["mentor"].email, "note": "Conflict"},
    )
    world["request"].refresh_from_db()
    assert world["request"].status == MatchRequest.Status.DECLINED
    refused = client.post(
        reverse("matching:staff_manual_match"),
        {"mentee": world["mentee"].email, "mentor": world["mentor"].email, "format": "flash"},
    )
    assert "remove the exclusion first" in refused.content.decode()


def test_staff_pick_people_by_name_and_tell_namesakes_apart(client):
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    mentor = make_mentor(display_name="Amara Rossi")
    twins = [make_mentee(display_name="Sam Lee") for _ in range(2)]
    options = client.get(
        reverse("matching:staff_people_options"), {"role": "mentee", "mentee": "sam"}
    ).content.decode()
    for twin in twins:
        assert f"Sam Lee &lt;{twin.email}&gt;" in options
    url = reverse("matching:staff_manual_match")
    ambiguous = client.post(url, {"mentee": "Sam Lee", "mentor": "Amara Rossi", "format": "flash"})
    assert "2 members are called “Sam Lee”: pick one from the list (it shows their email)." in (
        ambiguous.content.decode()
    )
    picked = client.post(
        url, {"mentee": f"Sam Lee <{twins[1].email}>", "mentor": "amara rossi", "format": "flash"}
    )
    assert picked.status_code == 302
    assert Mentorship.objects.get().mentee == twins[1]
    assert Mentorship.objects.get().mentor == mentor


def test_staff_run_progress_fragment_polls_only_while_active(client):
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.FULL, status=MatchRun.Status.RUNNING, chunks_total=4, chunks_done=1
    )
    html = client.get(reverse("matching:staff_run_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html and "1 of 4 chunks · 25%" in html
    run.status, run.chunks_done = MatchRun.Status.SUCCEEDED, 4
    run.save()
    html = client.get(reverse("matching:staff_run_progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in html and "100%" in html


def test_staff_run_start_refuses_a_second_full_run(client):
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    MatchRun.objects.create(kind=MatchRun.Kind.FULL, status=MatchRun.Status.RUNNING)
    response = client.post(reverse("matching:staff_run_start"), follow=True)
    assert "only one full run at a time" in response.content.decode()
    assert MatchRun.objects.filter(kind=MatchRun.Kind.FULL).count() == 1


def test_staff_cohort_preview_page_shows_pairs_load_and_unmatched(client, world):
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.COHORT,
        mode="stable",
        status=MatchRun.Status.SUCCEEDED,
        figures={
            "mean_score": 0.7,
            "blocking_pairs": 0,
            "unmatched_mentee_ids": [world["stranger"].pk],
            "mentor_load": {str(world["mentor"].pk): [1, 2]},
        },
    )
    SuggestionFactory(mentee=world["mentee"], mentor=world["mentor"], run=run, is_current=False)
    html = client.get(reverse("matching:staff_cohort_detail", args=[run.pk])).content.decode()
    assert world["mentee"].profile.name in html
    assert "1 of 2" in html
    assert world["stranger"].email in html
    assert "0 blocking pairs" in html
    response = client.post(reverse("matching:staff_cohort_discard", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DISCARDED


def test_admin_pages_render_for_superusers(admin_client, world):
    MatchingConfig.load()
    for url in [
        reverse("admin:matching_matchingconfig_change", args=[1]),
        reverse("admin:matching_matchrun_changelist"),
        reverse("admin:matching_pairexclusion_changelist"),
        reverse("admin:matching_pairexclusion_add"),
        reverse("admin:matching_matchrequest_changelist"),
        reverse("admin:matching_mentorship_changelist"),
        reverse("admin:matching_suggestion_changelist"),
    ]:
        assert admin_client.get(url).status_code == 200, url
    html = admin_client.get(
        reverse("admin:matching_matchingconfig_change", args=[1])
    ).content.decode()
    assert "Held-out AUC" in html and "Configured vs learned" in html
