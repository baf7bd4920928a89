"""Profiles visible only to matches stay hidden everywhere; people's URLs are not
sequential; mentor review holds new mentors back when the programme wants it."""

import pytest
from django.urls import reverse

from matching import services as matching_services
from matching.models import MatchingConfig, MatchRequest
from matching.services import MatchingError, population_load
from profiles.models import Profile
from safety import selectors, services
from tests.factories import MentorshipFactory

from .helpers import make_mentee, make_mentor, moderator, onboarded

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_mentor():
    mentor = onboarded(make_mentor(visibility=Profile.Visibility.MATCHES))
    return mentor


def test_request_form_hides_a_matches_only_mentor_from_strangers(client, private_mentor):
    url = reverse("matching:mentor_request", args=[private_mentor.profile.public_id])
    client.force_login(make_mentee())
    assert client.get(url).status_code == 404
    response = client.post(url, {"format": "flash", "message": "Please mentor me, I am keen."})
    assert response.status_code == 404 and not MatchRequest.objects.exists()
    assert (
        client.get(
            reverse("profiles:profile_detail", args=[private_mentor.profile.public_id])
        ).status_code
        == 404
    )


def test_a_match_sees_the_matches_only_mentor(client, private_mentor):
    mentee = make_mentee()
    MentorshipFactory(mentee=mentee, mentor=private_mentor, format="flash")
    client.force_login(mentee)
    url = reverse("profiles:profile_detail", args=[private_mentor.profile.public_id])
    assert client.get(url).status_code == 200


def test_people_urls_use_random_ids_not_sequential_ones(client, private_mentor):
    client.force_login(make_mentee())
    public = make_mentor()
    assert str(public.profile.public_id) in reverse(
        "profiles:profile_detail", args=[public.profile.public_id]
    )
    assert client.get(f"/people/{public.profile.pk}/").status_code == 404
    assert client.get(f"/matches/mentors/{public.pk}/request/").status_code == 404


def test_profile_page_offers_report_block_and_request(client):
    mentor = onboarded(make_mentor())
    client.force_login(make_mentee())
    html = client.get(
        reverse("profiles:profile_detail", args=[mentor.profile.public_id])
    ).content.decode()
    assert "Report this profile" in html and f"Block {mentor.profile.name}" in html
    assert reverse("matching:mentor_request", args=[mentor.profile.public_id]) in html


def test_new_mentors_wait_for_review_when_the_programme_asks(client):
    mentor, mentee = onboarded(make_mentor()), make_mentee()
    config = MatchingConfig.load()
    config.review_new_mentors = True
    config.save()
    assert mentor.pk in selectors.mentors_held_for_review_ids()
    assert mentor.pk not in population_load().mentors.ids.tolist()
    with pytest.raises(MatchingError, match="is not taking new requests at the moment"):
        matching_services.match_request_create(
            mentee=mentee, mentor=mentor, format="flash", message="Hello there, mentor!"
        )
    # The queue shows the mentor; a moderator approves from it.
    mod = moderator(client)
    assert mentor.profile.name in client.get(reverse("safety:staff_queue")).content.decode()
    response = client.post(
        reverse("safety:staff_mentor_review", args=[mentor.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert not selectors.mentor_held_for_review(mentor)
    assert mentor.pk in population_load().mentors.ids.tolist()
    assert mod.pk != mentor.pk


def test_declining_a_mentor_needs_a_note():
    from mentorship.errors import Refusal

    with pytest.raises(Refusal, match="Give a reason"):
        services.mentor_review_decide(moderator=moderator(), user=make_mentor(), approve=False)


def test_moderation_pages_render_a_case_with_the_thread(client):
    from .helpers import MatchRequestFactory, message_on

    mentee, mentor = make_mentee(), make_mentor()
    request = MatchRequestFactory(mentee=mentee, mentor=mentor, message="Hello, mentor.")
    message = message_on(request, author=mentor, body="Rude words here.")
    report = services.report_create(
        reporter=mentee, target=message, reason="harassment", details="Mean."
    )
    moderator(client)
    queue = client.get(reverse("safety:staff_queue")).content.decode()
    assert "1 report" in queue and "Harassment or bullying" in queue
    case = client.get(reverse("safety:staff_case", args=[mentor.pk])).content.decode()
    for text in (
        "Hello, mentor.",
        "Rude words here.",
        "Reporter's note",
        "Mean.",
        "Hide this request message",
    ):
        assert text in case, text
    bad = client.post(reverse("safety:staff_report_hide", args=[report.pk]), {"hide-reason": ""})
    assert bad.status_code == 400 and "This field is required." in bad.content.decode()


def test_moderators_see_open_reports_on_their_dashboard(client):
    from .helpers import MatchRequestFactory, message_on

    mentee, mentor = make_mentee(), make_mentor()
    message = message_on(MatchRequestFactory(mentee=mentee, mentor=mentor), author=mentor)
    services.report_create(reporter=mentee, target=message, reason="spam")
    client.force_login(mentee)
    assert "open report" not in client.get(reverse("dashboard")).content.decode()
    moderator(client)
    html = client.get(reverse("dashboard")).content.decode()
    assert "1 open report" in html and reverse("safety:staff_queue") in html


def test_matches_only_mentors_are_suggested_only_when_a_cohort_paired_them(client, private_mentor):
    from matching.models import MatchRun
    from tests.factories import MatchRunFactory, SuggestionFactory

    mentee, other = make_mentee(), make_mentee()
    scored = SuggestionFactory(mentee=mentee, mentor=private_mentor)
    cohort = SuggestionFactory(
        mentee=other, mentor=private_mentor, run=MatchRunFactory(kind=MatchRun.Kind.COHORT)
    )
    client.force_login(mentee)
    assert (
        private_mentor.profile.name
        not in client.get(reverse("matching:suggestions")).content.decode()
    )
    url = reverse("matching:suggestion_request", args=[scored.pk])
    assert client.get(url).status_code == 404
    client.force_login(other)
    assert (
        private_mentor.profile.name in client.get(reverse("matching:suggestions")).content.decode()
    )
    assert client.get(reverse("matching:suggestion_request", args=[cohort.pk])).status_code == 200
