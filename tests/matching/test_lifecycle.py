"""The request → mentorship lifecycle services: rules, rows and notifications."""

import datetime

import pytest
from django.utils import timezone

from matching import services
from matching.models import (
    Format,
    MatchingConfig,
    MatchRequest,
    Mentorship,
    PairExclusion,
    RequestMessage,
    Suggestion,
)
from matching.selectors import suggestions_visible_to
from matching.services import MatchingError
from matching.services import mentorships as mentorship_services
from matching.services import requests as request_services
from mentorship.models import Notification
from tests.factories import (
    GoalFactory,
    MatchRequestFactory,
    MentorshipFactory,
    SuggestionFactory,
    UserFactory,
    make_mentee,
    make_mentor,
)

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


# --- suggestion_decline -----------------------------------------------------------


def test_suggestion_decline_marks_declined_and_excludes_the_pair_for_good():
    mentee, mentor = make_mentee(), make_mentor()
    suggestion = SuggestionFactory(mentee=mentee, mentor=mentor)

    result = services.suggestion_decline(suggestion=suggestion, mentee=mentee, reason="Wrong field")

    assert result.status == Suggestion.Status.DECLINED
    exclusion = PairExclusion.objects.get(mentee=mentee, mentor=mentor)
    assert exclusion.reason == PairExclusion.Reason.DECLINED_BY_MENTEE
    assert exclusion.note == "Wrong field"
    # A later run proposing the same mentor again is still hidden.
    suggestion.is_current = False
    suggestion.save()
    SuggestionFactory(mentee=mentee, mentor=mentor)
    assert not suggestions_visible_to(user=mentee).exists()


def test_suggestion_decline_of_someone_elses_suggestion_is_refused():
    mentee, other, mentor = make_mentee(), make_mentee(), make_mentor()
    suggestion = SuggestionFactory(mentee=mentee, mentor=mentor)
    with pytest.raises(MatchingError, match="not yours"):
        services.suggestion_decline(suggestion=suggestion, mentee=other, reason="")
    assert not PairExclusion.objects.exists()


# --- match_request_create ---------------------------------------------------------


def test_request_create_writes_the_request_marks_the_suggestion_and_emails_the_mentor(
    django_capture_on_commit_callbacks, mailoutbox
):
    mentee, mentor = make_mentee(), make_mentor()
    goal = GoalFactory(owner=mentee, title="Lead a team")
    suggestion = SuggestionFactory(mentee=mentee, mentor=mentor)
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        request = services.match_request_create(
            mentee=mentee,
            mentor=mentor,
            format=Format.LONG_TERM,
            message="Could you help me lead my first team?",
            goal=goal,
            suggestion=suggestion,
        )

    assert request.status == MatchRequest.Status.PENDING
    assert request.goal == goal
    expected = before + datetime.timedelta(days=MatchingConfig.load().request_expiry_days)
    assert abs((request.expires_at - expected).total_seconds()) < 60
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REQUESTED
    assert kinds(mentor) == ["request_received"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [mentor.email]
    assert "asks you for a long-term mentorship" in mailoutbox[0].subject
    assert f"/matches/requests/{request.pk}/" in mailoutbox[0].body


def test_request_to_yourself_is_refused():
    person = make_mentor()
    with pytest.raises(MatchingError, match="yourself"):
        services.match_request_create(
            mentee=person, mentor=person, format=Format.FLASH, message="hi there you"
        )


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ({"accepting": False}, "not taking new requests"),
        ({"away_until": datetime.date.today() + datetime.timedelta(days=3)}, "is away until"),
        ({"format_long_term": False}, "does not offer long-term mentorships"),
        ({"capacity": 0}, "no free place for a long-term mentorship"),
        ({"role": "mentee"}, "is not a mentor"),
    ],
)
def test_request_to_an_unavailable_mentor_is_refused(profile, message):
    mentee, mentor = make_mentee(), make_mentor(**profile)
    with pytest.raises(MatchingError, match=message):
        services.match_request_create(
            mentee=mentee, mentor=mentor, format=Format.LONG_TERM, message="Please help me."
        )
    assert not MatchRequest.objects.exists()


def test_request_for_a_format_the_mentee_does_not_want_is_refused():
    mentee, mentor = make_mentee(format_flash=False), make_mentor()
    with pytest.raises(MatchingError, match="do not want one-hour flash sessions"):
        services.match_request_create(
            mentee=mentee, mentor=mentor, format=Format.FLASH, message="Quick question."
        )


def test_request_to_a_full_mentor_may_still_ask_for_a_flash_session():
    mentee, mentor = make_mentee(), make_mentor(capacity=1)
    MentorshipFactory(mentee=make_mentee(), mentor=mentor)
    with pytest.raises(MatchingError, match="ask for a flash session instead"):
        services.match_request_create(
            mentee=mentee, mentor=mentor, format=Format.LONG_TERM, message="Please help me."
        )
    request = services.match_request_create(
        mentee=mentee, mentor=mentor, format=Format.FLASH, message="One hour, please."
    )
    assert request.format == Format.FLASH


@pytest.mark.parametrize("reason", list(PairExclusion.Reason.values))
def test_request_between_an_excluded_pair_is_refused(reason):
    mentee, mentor = make_mentee(), make_mentor()
    PairExclusion.objects.create(mentee=mentee, mentor=mentor, reason=reason)
    with pytest.raises(MatchingError, match="cannot send a request"):
        services.match_request_create(
            mentee=mentee, mentor=mentor, format=Format.FLASH, message="Please help me."
        )


def test_request_to_your_current_mentor_or_a_second_pending_one_is_refused():
    mentee, mentor, other = make_mentee(), make_mentor(), make_mentor()
    MentorshipFactory(mentee=mentee, mentor=mentor)
    with pytest.raises(MatchingError, match="already your mentor"):
        services.match_request_create(
            mentee=mentee, mentor=mentor, format=Format.FLASH, message="Please help me."
        )
    MatchRequestFactory(mentee=mentee, mentor=other)
    with pytest.raises(MatchingError, match="already have a pending request"):
        services.match_request_create(
            mentee=mentee, mentor=other, format=Format.FLASH, message="Please help me."
        )
    assert MatchRequest.objects.filter(mentor=other).count() == 1


def test_the_cap_on_pending_requests_is_explained_when_reached():
    config = MatchingConfig.load()
    config.max_pending_requests = 2
    config.save()
    mentee = make_mentee()
    for _ in range(2):
        MatchRequestFactory(mentee=mentee, mentor=make_mentor())
    with pytest.raises(MatchingError) as caught:
        services.match_request_create(
            mentee=mentee, mentor=make_mentor(), format=Format.FLASH, message="Please help."
        )
    assert caught.value.message == (
        "You already have 2 pending requests, the most you can have at once (2). "
        "Withdraw one or wait for an answer: mentors have 14 days to reply."
    )


def test_request_with_someone_elses_goal_is_refused():
    mentee, mentor = make_mentee(), make_mentor()
    with pytest.raises(MatchingError, match="your own goals"):
        services.match_request_create(
            mentee=mentee,
            mentor=mentor,
            format=Format.FLASH,
            message="Please help me.",
            goal=GoalFactory(owner=UserFactory()),
        )


def test_request_create_turns_a_unique_violation_into_a_clear_error(monkeypatch):
    """The one-pending-per-pair constraint is the backstop behind the check."""
    mentee, mentor = make_mentee(), make_mentor()
    MatchRequestFactory(mentee=mentee, mentor=mentor)
    real_filter = MatchRequest.objects.filter

    class BlindQuerySet:
        def __init__(self, qs):
            self.qs = qs

        def exists(self):
            return False  # the racing request is not visible yet

        def count(self):
            return 0

    def blind_filter(*args, **kwargs):
        if kwargs.get("status") == MatchRequest.Status.PENDING:
            return BlindQuerySet(real_filter(*args, **kwargs))
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(MatchRequest.objects, "filter", blind_filter)
    with pytest.raises(MatchingError, match="already have a pending request"):
        services.match_request_create(
            mentee=mentee, mentor=mentor, format=Format.FLASH, message="Please help me."
        )


# --- withdraw / decline / ask -----------------------------------------------------


def test_withdraw_reopens_the_suggestion_and_tells_the_mentor_in_app_only(
    django_capture_on_commit_callbacks, mailoutbox
):
    mentee, mentor = make_mentee(), make_mentor()
    suggestion = SuggestionFactory(mentee=mentee, mentor=mentor, status=Suggestion.Status.REQUESTED)
    request = MatchRequestFactory(mentee=mentee, mentor=mentor, suggestion=suggestion)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.match_request_withdraw(request=request, mentee=mentee)

    assert result.status == MatchRequest.Status.WITHDRAWN
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.OPEN
    assert kinds(mentor) == ["request_withdrawn"]
    assert mailoutbox == []
    with pytest.raises(MatchingError, match="no longer pending: it was withdrawn"):
        services.match_request_withdraw(request=request, mentee=mentee)


def test_only_the_mentee_withdraws():
    request = MatchRequestFactory(mentee=make_mentee(), mentor=make_mentor())
    with pytest.raises(MatchingError, match="not yours"):
        services.match_request_withdraw(request=request, mentee=request.mentor)


def test_decline_records_the_reason_excludes_the_pair_and_emails_the_mentee(
    django_capture_on_commit_callbacks, mailoutbox
):
    mentee, mentor = make_mentee(), make_mentor()
    request = MatchRequestFactory(mentee=mentee, mentor=mentor)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.match_request_decline(
            request=request, mentor=mentor, reason="My schedule is full until June."
        )

    assert result.status == MatchRequest.Status.DECLINED
    assert result.decline_reason == "My schedule is full until June."
    assert result.responded_at is not None
    assert PairExclusion.objects.filter(
        mentee=mentee, mentor=mentor, reason=PairExclusion.Reason.DECLINED_BY_MENTOR
    ).exists()
    assert kinds(mentee) == ["request_declined"]
    assert [m.to for m in mailoutbox] == [[mentee.email]]
    assert "My schedule is full until June." in mailoutbox[0].body


def test_only_the_addressed_mentor_declines_or_accepts_or_asks():
    request = MatchRequestFactory(mentee=make_mentee(), mentor=make_mentor())
    stranger = make_mentor()
    with pytest.raises(MatchingError, match="not sent to you"):
        services.match_request_decline(request=request, mentor=stranger, reason="no")
    with pytest.raises(MatchingError, match="not sent to you"):
        services.match_request_accept(request=request, mentor=stranger)
    with pytest.raises(MatchingError, match="not sent to you"):
        services.match_request_ask(request=request, mentor=stranger, question="?")
    request.refresh_from_db()
    assert request.status == MatchRequest.Status.PENDING


def test_ask_and_reply_build_a_thread_and_keep_the_request_pending():
    mentee, mentor = make_mentee(), make_mentor()
    request = MatchRequestFactory(mentee=mentee, mentor=mentor)

    question = services.match_request_ask(
        request=request, mentor=mentor, question="What do you want to reach in 3 months?"
    )
    answer = services.match_request_reply(
        request=request, mentee=mentee, answer="Run my team's planning on my own."
    )

    assert list(RequestMessage.objects.filter(request=request)) == [question, answer]
    assert question.author == mentor and answer.author == mentee
    request.refresh_from_db()
    assert request.status == MatchRequest.Status.PENDING
    assert kinds(mentee) == ["request_question"]
    assert kinds(mentor) == ["request_answer"]
    with pytest.raises(MatchingError, match="Write your question"):
        services.match_request_ask(request=request, mentor=mentor, question="   ")


# --- accept ----------------------------------------------------------------------------


def test_accept_long_term_takes_the_lowest_free_slot_and_emails_the_mentee(
    django_capture_on_commit_callbacks, mailoutbox
):
    mentor = make_mentor(capacity=3)
    first = MentorshipFactory(mentee=make_mentee(), mentor=mentor, slot=1)
    MentorshipFactory(mentee=make_mentee(), mentor=mentor, slot=2)
    services.mentorship_end(mentorship=first, by=mentor, reason="", completed=True)
    mentee = make_mentee()
    request = MatchRequestFactory(mentee=mentee, mentor=mentor)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        mentorship = services.match_request_accept(request=request, mentor=mentor)

    assert mentorship.slot == 1  # freed by the completed mentorship
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert mentorship.request == request
    request.refresh_from_db()
    assert request.status == MatchRequest.Status.ACCEPTED
    assert request.responded_at is not None
    assert "request_accepted" in kinds(mentee)
    assert [m.to for m in mailoutbox] == [[mentee.email]]


def test_accept_beyond_capacity_is_refused_with_a_clear_message():
    mentor = make_mentor(capacity=3)
    for _ in range(3):
        MentorshipFactory(mentee=make_mentee(), mentor=mentor)
    request = MatchRequestFactory(mentee=make_mentee(), mentor=mentor)

    with pytest.raises(MatchingError) as caught:
        services.match_request_accept(request=request, mentor=mentor)

    assert caught.value.message == (
        "You have no free places: 3 of 3 taken. Raise your capacity or end a mentorship first."
    )
    request.refresh_from_db()
    assert request.status == MatchRequest.Status.PENDING
    assert Mentorship.objects.filter(mentor=mentor).count() == 3


def test_accept_flash_needs_no_free_place():
    mentor = make_mentor(capacity=1)
    MentorshipFactory(mentee=make_mentee(), mentor=mentor)
    request = MatchRequestFactory(mentee=make_mentee(), mentor=mentor, format=Format.FLASH)
    mentorship = services.match_request_accept(request=request, mentor=mentor)
    assert mentorship.slot is None
    assert mentorship.format == Format.FLASH


def test_accept_twice_is_refused():
    mentor = make_mentor()
    request = MatchRequestFactory(mentee=make_mentee(), mentor=mentor)
    services.match_request_accept(request=request, mentor=mentor)
    with pytest.raises(MatchingError, match="no longer pending: it was accepted"):
        services.match_request_accept(request=request, mentor=mentor)
    assert Mentorship.objects.count() == 1


def test_accept_turns_a_slot_collision_into_the_same_clear_refusal(monkeypatch):
    """The unique (mentor, slot) constraint is the backstop behind the count."""
    mentor = make_mentor(capacity=1)
    MentorshipFactory(mentee=make_mentee(), mentor=mentor, slot=1)
    request = MatchRequestFactory(mentee=make_mentee(), mentor=mentor)
    monkeypatch.setattr(request_services, "_places_taken", lambda mentor: 0)
    monkeypatch.setattr(mentorship_services, "_lowest_free_slot", lambda mentor, capacity: 1)

    with pytest.raises(MatchingError, match="You have no free places"):
        services.match_request_accept(request=request, mentor=mentor)
    assert Mentorship.objects.filter(mentor=mentor).count() == 1


# --- expiry ---------------------------------------------------------------------------


def test_expire_nudges_the_mentor_once_then_expires_and_tells_the_mentee(
    django_capture_on_commit_callbacks, mailoutbox
):
    config = MatchingConfig.load()
    mentee, mentor = make_mentee(), make_mentor()
    suggestion = SuggestionFactory(mentee=mentee, mentor=mentor, status=Suggestion.Status.REQUESTED)
    request = MatchRequestFactory(mentee=mentee, mentor=mentor, suggestion=suggestion)
    created = request.created_at

    nudge_time = created + datetime.timedelta(days=config.request_nudge_days, hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.match_requests_expire(now=nudge_time) == {"nudged": 1, "expired": 0}
    assert services.match_requests_expire(now=nudge_time) == {"nudged": 0, "expired": 0}
    request.refresh_from_db()
    assert request.nudged_at == nudge_time
    assert kinds(mentor) == ["request_expiring"]
    assert [m.to for m in mailoutbox] == [[mentor.email]]

    after = request.expires_at + datetime.timedelta(minutes=1)
    assert services.match_requests_expire(now=after) == {"nudged": 0, "expired": 1}
    assert services.match_requests_expire(now=after) == {"nudged": 0, "expired": 0}
    request.refresh_from_db()
    assert request.status == MatchRequest.Status.EXPIRED
    assert kinds(mentee) == ["request_expired"]
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.OPEN


def test_expire_leaves_young_and_answered_requests_alone():
    mentor = make_mentor()
    young = MatchRequestFactory(mentee=make_mentee(), mentor=mentor)
    answered = MatchRequestFactory(
        mentee=make_mentee(),
        mentor=mentor,
        status=MatchRequest.Status.DECLINED,
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    assert services.match_requests_expire(now=timezone.now()) == {"nudged": 0, "expired": 0}
    young.refresh_from_db()
    answered.refresh_from_db()
    assert young.status == MatchRequest.Status.PENDING and young.nudged_at is None
    assert answered.status == MatchRequest.Status.DECLINED


# --- end / renew ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "status"),
    [(True, Mentorship.Status.COMPLETED), (False, Mentorship.Status.ENDED)],
)
def test_either_party_ends_a_mentorship_and_the_other_is_told(completed, status):
    mentee, mentor = make_mentee(), make_mentor()
    mentorship = MentorshipFactory(mentee=mentee, mentor=mentor)

    result = services.mentorship_end(
        mentorship=mentorship, by=mentee, reason="We reached the goal", completed=completed
    )

    assert result.status == status
    assert result.ended_at is not None
    assert result.end_reason == "We reached the goal"
    assert len(kinds(mentor)) == 1 and kinds(mentee) == []
    with pytest.raises(MatchingError, match="already ended"):
        services.mentorship_end(mentorship=mentorship, by=mentor, reason="", completed=True)


def test_a_stranger_cannot_end_a_mentorship():
    mentorship = MentorshipFactory(mentee=make_mentee(), mentor=make_mentor())
    with pytest.raises(MatchingError, match="not yours"):
        services.mentorship_end(mentorship=mentorship, by=make_mentee(), reason="", completed=False)


def test_renew_an_active_mentorship_keeps_its_place():
    mentee, mentor = make_mentee(), make_mentor(capacity=1)
    mentorship = MentorshipFactory(mentee=mentee, mentor=mentor)
    ends_on = timezone.localdate() + datetime.timedelta(days=180)

    renewed = services.mentorship_renew(mentorship=mentorship, by=mentor, ends_on=ends_on)

    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.COMPLETED
    assert renewed.status == Mentorship.Status.ACTIVE
    assert renewed.slot == mentorship.slot == 1
    assert renewed.renewed_from == mentorship
    assert renewed.ends_on == ends_on
    assert kinds(mentee) == ["mentorship_renewed"]


def test_renew_is_the_mentors_and_restarting_needs_a_free_place():
    mentee, mentor = make_mentee(), make_mentor(capacity=1)
    mentorship = MentorshipFactory(mentee=mentee, mentor=mentor)
    with pytest.raises(MatchingError, match="Only the mentor"):
        services.mentorship_renew(mentorship=mentorship, by=mentee)
    services.mentorship_end(mentorship=mentorship, by=mentor, reason="", completed=True)
    MentorshipFactory(mentee=make_mentee(), mentor=mentor)
    with pytest.raises(MatchingError, match="You have no free places: 1 of 1 taken"):
        services.mentorship_renew(mentorship=mentorship, by=mentor)


# --- admin --------------------------------------------------------------------------------


def test_manual_match_creates_the_mentorship_closes_the_request_and_tells_both():
    admin = UserFactory(is_staff=True)
    mentee, mentor = make_mentee(), make_mentor()
    request = MatchRequestFactory(mentee=mentee, mentor=mentor)

    mentorship = services.manual_match(
        admin=admin, mentee=mentee, mentor=mentor, format=Format.LONG_TERM
    )

    assert mentorship.slot == 1 and mentorship.request == request
    request.refresh_from_db()
    assert request.status == MatchRequest.Status.ACCEPTED
    assert kinds(mentee) == ["manual_match"] and kinds(mentor) == ["manual_match"]


def test_manual_match_respects_capacity_exclusions_and_staff_only():
    admin = UserFactory(is_staff=True)
    mentee, mentor = make_mentee(), make_mentor(capacity=1)
    MentorshipFactory(mentee=make_mentee(), mentor=mentor)
    with pytest.raises(MatchingError) as caught:
        services.manual_match(admin=admin, mentee=mentee, mentor=mentor, format=Format.LONG_TERM)
    assert caught.value.message.startswith(f"{mentor.profile.name} has no free places: 1 of 1")
    services.pair_exclude(admin=admin, mentee=mentee, mentor=mentor, note="")
    with pytest.raises(MatchingError, match="remove the exclusion first"):
        services.manual_match(admin=admin, mentee=mentee, mentor=mentor, format=Format.FLASH)
    with pytest.raises(MatchingError, match="Only staff"):
        services.manual_match(
            admin=mentee, mentee=mentee, mentor=make_mentor(), format=Format.FLASH
        )


def test_pair_exclude_closes_pending_requests_and_is_idempotent():
    admin = UserFactory(is_staff=True)
    mentee, mentor = make_mentee(), make_mentor()
    request = MatchRequestFactory(mentee=mentee, mentor=mentor)

    first = services.pair_exclude(admin=admin, mentee=mentee, mentor=mentor, note="Conflict")
    again = services.pair_exclude(admin=admin, mentee=mentee, mentor=mentor, note="Conflict")

    assert first == again
    assert first.reason == PairExclusion.Reason.ADMIN and first.created_by == admin
    request.refresh_from_db()
    assert request.status == MatchRequest.Status.DECLINED
    assert PairExclusion.objects.count() == 1
