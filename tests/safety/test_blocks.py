"""A block stops every channel between two people: one test per channel."""

import pytest
from django.urls import reverse

from matching import services as matching_services
from matching.models import MatchRequest, Mentorship, Suggestion
from matching.selectors import exclusions_load, suggestions_visible_to
from matching.services import MatchingError
from mentorship.errors import Refusal
from mentorship.models import Notification
from profiles.directory_selectors import directory_mentors
from safety import selectors, services
from safety.models import AuditLog, Block
from tests.factories import MentorshipFactory, SuggestionFactory, UserFactory

from .helpers import MatchRequestFactory, make_mentee, make_mentor, message_on, onboarded

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    return make_mentee(), onboarded(make_mentor())


def test_block_is_stored_once_both_ways_and_audited(pair):
    mentee, mentor = pair
    block = services.block_create(blocker=mentee, blocked=mentor)
    assert services.block_create(blocker=mentee, blocked=mentor) == block
    assert Block.objects.count() == 1
    assert selectors.users_blocked(mentee, mentor) and selectors.users_blocked(mentor, mentee)
    assert selectors.blocked_user_ids(mentor) == {mentee.pk}
    row = AuditLog.objects.get(action=AuditLog.Action.BLOCK)
    assert (row.actor_id, row.target_user_id) == (mentee.pk, mentor.pk)


def test_cannot_block_yourself(pair):
    with pytest.raises(Refusal, match="You cannot block yourself."):
        services.block_create(blocker=pair[0], blocked=pair[0])


def test_channel_suggestions_none_either_way(pair):
    mentee, mentor = pair
    suggestion = SuggestionFactory(mentee=mentee, mentor=mentor)
    assert list(suggestions_visible_to(user=mentee)) == [suggestion]
    services.block_create(blocker=mentor, blocked=mentee)  # the mentor blocks
    assert list(suggestions_visible_to(user=mentee)) == []
    assert not Suggestion.objects.get(pk=suggestion.pk).is_current
    pairs = exclusions_load().pairs
    assert (mentee.pk, mentor.pk) in pairs and (mentor.pk, mentee.pk) in pairs


def test_channel_requests_refused_both_ways(pair):
    mentee, mentor = pair
    services.block_create(blocker=mentee, blocked=mentor)
    name = mentor.profile.name
    with pytest.raises(MatchingError, match=f"You cannot contact {name}."):
        matching_services.match_request_create(
            mentee=mentee, mentor=mentor, format="flash", message="Hello, can we talk?"
        )
    assert not MatchRequest.objects.exists()


def test_channel_open_request_ends_and_the_blocked_person_is_told_only_that(pair):
    mentee, mentor = pair
    request = MatchRequestFactory(mentee=mentee, mentor=mentor)
    services.block_create(blocker=mentor, blocked=mentee)
    request.refresh_from_db()
    assert request.status == MatchRequest.Status.WITHDRAWN
    told = Notification.objects.get(user=mentee, kind="request_closed")
    assert told.title == f"Your request with {mentor.profile.name} has ended"
    assert "block" not in (told.title + told.body).lower()
    assert not Notification.objects.filter(user=mentor, kind="request_closed").exists()


def test_channel_request_messages_refused(pair):
    mentee, mentor = pair
    request = MatchRequestFactory(mentee=mentee, mentor=mentor)
    message_on(request, author=mentor)
    Block.objects.create(blocker=mentee, blocked=mentor)  # a block row without the hooks
    with pytest.raises(MatchingError, match="You cannot contact"):
        matching_services.match_request_ask(
            request=request, mentor=mentor, question="One more thing?"
        )
    with pytest.raises(MatchingError, match="You cannot contact"):
        matching_services.match_request_reply(request=request, mentee=mentee, answer="Sure, here.")
    with pytest.raises(MatchingError, match="You cannot contact"):
        matching_services.match_request_accept(request=request, mentor=mentor)


def test_channel_mentorship_ends_and_blocked_person_told_only_it_ended(pair):
    mentee, mentor = pair
    mentorship = MentorshipFactory(mentee=mentee, mentor=mentor)
    services.block_create(blocker=mentee, blocked=mentor)
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED and mentorship.end_reason == "Ended"
    told = Notification.objects.get(user=mentor, kind="mentorship_ended")
    assert told.title == f"Your mentorship with {mentee.profile.name} has ended"
    with pytest.raises(MatchingError, match="has blocked the other"):
        matching_services.manual_match(
            admin=UserFactory(is_staff=True), mentee=mentee, mentor=mentor, format="flash"
        )


def test_channel_directory_hidden_both_ways(client, pair):
    mentee, mentor = pair
    other = onboarded(make_mentor())
    assert set(directory_mentors(viewer=mentee)) == {mentor.profile, other.profile}
    services.block_create(blocker=mentor, blocked=mentee)
    assert set(directory_mentors(viewer=mentee)) == {other.profile}
    client.force_login(mentee)
    html = client.get(reverse("profiles:directory")).content.decode()
    assert other.profile.name in html and mentor.profile.name not in html


def test_channel_profile_pages_and_request_form_404_both_ways(client, pair):
    mentee, mentor = pair
    services.block_create(blocker=mentee, blocked=mentor)
    client.force_login(mentee)
    assert (
        client.get(reverse("profiles:profile_detail", args=[mentor.profile.public_id])).status_code
        == 404
    )
    assert (
        client.get(reverse("matching:mentor_request", args=[mentor.profile.public_id])).status_code
        == 404
    )
    client.force_login(mentor)
    assert (
        client.get(reverse("profiles:profile_detail", args=[mentee.profile.public_id])).status_code
        == 404
    )


def test_block_from_a_request_message_page_then_unblock_from_the_list(client, pair):
    mentee, mentor = pair
    request = MatchRequestFactory(mentee=mentee, mentor=mentor)
    message = message_on(request, author=mentor)
    client.force_login(mentee)
    detail = client.get(reverse("matching:request_detail", args=[request.pk])).content.decode()
    assert "Block" in detail and "Report this request message" in detail
    query = {"content": "matching.requestmessage", "id": message.pk, "next": "/"}
    page = client.get(reverse("safety:block_confirm"), query)
    assert page.status_code == 200 and f"Block {mentor.profile.name}?" in page.content.decode()
    response = client.post(reverse("safety:block_confirm"), query)
    assert response.status_code == 302 and response.url == reverse("safety:blocks")
    block = Block.objects.get(blocker=mentee, blocked=mentor)
    assert block.source == Block.Source.MESSAGE
    listing = client.get(reverse("safety:blocks")).content.decode()
    assert f"Unblock {mentor.profile.name}" in listing
    # Only the blocker can lift it: anyone else gets a 404.
    client.force_login(mentor)
    assert client.post(reverse("safety:block_remove", args=[block.pk])).status_code == 404
    client.force_login(mentee)
    client.post(reverse("safety:block_remove", args=[block.pk]))
    assert not Block.objects.exists()
    assert AuditLog.objects.filter(action=AuditLog.Action.UNBLOCK, actor_id=mentee.pk).exists()


def test_block_pages_ladder(client, pair):
    mentee, mentor = pair
    request = MatchRequestFactory(mentee=mentee, mentor=mentor)
    message = message_on(request, author=mentor)
    query = {"content": "matching.requestmessage", "id": message.pk}
    url = reverse("safety:block_confirm")
    assert client.get(url, query).status_code == 302  # anonymous: to sign in
    client.force_login(make_mentee())  # a stranger to the request
    assert client.get(url, query).status_code == 404
    assert client.get(url, {"content": "nope.model", "id": 1}).status_code == 404
    assert client.get(url, {"content": "profiles.profile", "id": "not-a-uuid"}).status_code == 404
    client.force_login(mentor)  # the author cannot block themself from their message
    assert client.get(url, query).status_code == 404
