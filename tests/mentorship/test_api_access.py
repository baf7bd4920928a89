"""Every API route in one access table, driven by the URL resolver.

For each route under /api/v1/: anonymous gets 401; a stranger (a signed-in
person with a write token who is not a party) gets 404 on objects and on
staff endpoints; the owner gets an answer that is not 401/403/404. A route
added without a row here fails ``test_every_api_route_is_in_the_table``.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from safety.roles import MODERATOR, PROGRAMME_MANAGER
from tests.factories import (
    GoalFactory,
    MatchRequestFactory,
    MatchRunFactory,
    MentorshipFactory,
    MilestoneFactory,
    SuggestionFactory,
    api_client,
    make_mentee,
    make_mentor,
    staff_user,
)

pytestmark = pytest.mark.django_db


def _api_routes():
    names = set()

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith("api/v1/"):
                    names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, "", None)
    return names


@pytest.fixture
def world():
    mentee, mentor = make_mentee(), make_mentor()
    goal = GoalFactory(owner=mentee)
    return {
        "mentee": mentee,
        "mentor": mentor,
        "staff": staff_user(PROGRAMME_MANAGER),
        "moderator": staff_user(MODERATOR),
        "goal": goal,
        "milestone": MilestoneFactory(goal=goal),
        "suggestion": SuggestionFactory(mentee=mentee, mentor=mentor),
        "request": MatchRequestFactory(mentee=mentee, mentor=mentor),
        "mentorship": MentorshipFactory(mentee=mentee, mentor=make_mentor()),
        "run": MatchRunFactory(),
        "cohort": MatchRunFactory(kind="cohort", mode="stable"),
        "notification": None,
    }


def _question(w):
    """A hidden question of the mentee: only its author sees it (a stranger's 404)."""
    from tests.factories import QuestionFactory

    return w.setdefault(
        "question", QuestionFactory(author=w["mentee"], is_hidden=True, hidden_reason="Test")
    )


def _answer(w):
    from tests.factories import AnswerFactory

    return w.setdefault("answer", AnswerFactory(question=_question(w)))


def _block(w):
    from tests.factories import BlockFactory

    return w.setdefault("block", BlockFactory(blocker=w["mentee"], blocked=make_mentor()))


def _report(w):
    from tests.factories import ReportFactory

    return w.setdefault("report", ReportFactory(reporter=w["mentee"]))


def _sessions(w):
    """A session of the world's mentorship, a flash session and a shared note (made once)."""
    if "session" not in w:
        from tests.factories import MentoringSessionFactory, SessionNoteFactory

        m = w["mentorship"]
        w["session"] = MentoringSessionFactory(
            mentorship=m, kind="long_term", mentor=m.mentor, mentee=m.mentee
        )
        w["flash"] = MentoringSessionFactory(mentor=m.mentor, mentee=m.mentee)
        w["note"] = SessionNoteFactory(session=w["session"], author=m.mentee, is_private=False)
    return w


def _notification(w):
    from mentorship.notifications import notify

    return notify(user=w["mentee"], kind="test", title="Hello", email=False)


# route name -> (method, path builder, owner key, is it an object/staff route)
TABLE = {
    "core_api:notifications": ("get", lambda w: "/api/v1/notifications/", "mentee", False),
    "core_api:notification_read": (
        "post",
        lambda w: f"/api/v1/notifications/{_notification(w).pk}/read/",
        "mentee",
        True,
    ),
    "core_api:notifications_read_all": (
        "post",
        lambda w: "/api/v1/notifications/read-all/",
        "mentee",
        False,
    ),
    "profiles_api:my_profile": ("get", lambda w: "/api/v1/me/profile/", "mentee", False),
    "profiles_api:my_skills": ("get", lambda w: "/api/v1/me/skills/", "mentee", False),
    "profiles_api:skills": ("get", lambda w: "/api/v1/skills/", "mentee", False),
    "profiles_api:goals": ("get", lambda w: "/api/v1/me/goals/", "mentee", False),
    "profiles_api:goal": ("get", lambda w: f"/api/v1/me/goals/{w['goal'].pk}/", "mentee", True),
    "profiles_api:milestones": (
        "post",
        lambda w: f"/api/v1/me/goals/{w['goal'].pk}/milestones/",
        "mentee",
        True,
    ),
    "profiles_api:milestone": (
        "patch",
        lambda w: f"/api/v1/me/goals/{w['goal'].pk}/milestones/{w['milestone'].pk}/",
        "mentee",
        True,
    ),
    "profiles_api:people": ("get", lambda w: "/api/v1/people/", "staff", True),
    "profiles_api:person": (
        "get",
        lambda w: f"/api/v1/people/{w['mentee'].profile.public_id}/",
        "staff",
        True,
    ),
    "profiles_api:person_deactivate": (
        "post",
        lambda w: f"/api/v1/people/{w['mentee'].profile.public_id}/deactivate/",
        "staff",
        True,
    ),
    "profiles_api:person_reactivate": (
        "post",
        lambda w: f"/api/v1/people/{w['mentee'].profile.public_id}/reactivate/",
        "staff",
        True,
    ),
    "matching_api:suggestions": ("get", lambda w: "/api/v1/suggestions/", "mentee", False),
    "matching_api:suggestion_request": (
        "post",
        lambda w: f"/api/v1/suggestions/{w['suggestion'].pk}/request/",
        "mentee",
        True,
    ),
    "matching_api:suggestion_decline": (
        "post",
        lambda w: f"/api/v1/suggestions/{w['suggestion'].pk}/decline/",
        "mentee",
        True,
    ),
    "matching_api:mentor_request": (
        "post",
        lambda w: f"/api/v1/mentors/{w['mentor'].profile.public_id}/request/",
        "mentee",
        False,
    ),
    "matching_api:requests_sent": ("get", lambda w: "/api/v1/requests/sent/", "mentee", False),
    "matching_api:requests_received": (
        "get",
        lambda w: "/api/v1/requests/received/",
        "mentor",
        False,
    ),
    "matching_api:request": (
        "get",
        lambda w: f"/api/v1/requests/{w['request'].pk}/",
        "mentee",
        True,
    ),
    "matching_api:request_accept": (
        "post",
        lambda w: f"/api/v1/requests/{w['request'].pk}/accept/",
        "mentor",
        True,
    ),
    "matching_api:request_decline": (
        "post",
        lambda w: f"/api/v1/requests/{w['request'].pk}/decline/",
        "mentor",
        True,
    ),
    "matching_api:request_withdraw": (
        "post",
        lambda w: f"/api/v1/requests/{w['request'].pk}/withdraw/",
        "mentee",
        True,
    ),
    "matching_api:request_ask": (
        "post",
        lambda w: f"/api/v1/requests/{w['request'].pk}/ask/",
        "mentor",
        True,
    ),
    "matching_api:request_reply": (
        "post",
        lambda w: f"/api/v1/requests/{w['request'].pk}/reply/",
        "mentee",
        True,
    ),
    "matching_api:mentorships": ("get", lambda w: "/api/v1/mentorships/", "mentee", False),
    "matching_api:mentorship": (
        "get",
        lambda w: f"/api/v1/mentorships/{w['mentorship'].pk}/",
        "mentee",
        True,
    ),
    "matching_api:mentorship_end": (
        "post",
        lambda w: f"/api/v1/mentorships/{w['mentorship'].pk}/end/",
        "mentee",
        True,
    ),
    "matching_api:mentorship_renew": (
        "post",
        lambda w: f"/api/v1/mentorships/{w['mentorship'].pk}/renew/",
        "mentee",
        True,
    ),
    "matching_api:runs": ("get", lambda w: "/api/v1/runs/", "staff", True),
    "matching_api:run": ("get", lambda w: f"/api/v1/runs/{w['run'].pk}/", "staff", True),
    "matching_api:cohorts": ("post", lambda w: "/api/v1/cohorts/", "staff", True),
    "matching_api:cohort": ("get", lambda w: f"/api/v1/cohorts/{w['cohort'].pk}/", "staff", True),
    "matching_api:cohort_publish": (
        "post",
        lambda w: f"/api/v1/cohorts/{w['cohort'].pk}/publish/",
        "staff",
        True,
    ),
    "sessions_api:sessions": ("get", lambda w: "/api/v1/sessions/", "mentee", False),
    "sessions_api:session": (
        "get",
        lambda w: f"/api/v1/sessions/{_sessions(w)['session'].pk}/",
        "mentee",
        True,
    ),
    "sessions_api:session_confirm": (
        "post",
        lambda w: f"/api/v1/sessions/{_sessions(w)['session'].pk}/confirm/",
        "mentee",
        True,
    ),
    "sessions_api:session_decline": (
        "post",
        lambda w: f"/api/v1/sessions/{_sessions(w)['session'].pk}/decline/",
        "mentee",
        True,
    ),
    "sessions_api:session_cancel": (
        "post",
        lambda w: f"/api/v1/sessions/{_sessions(w)['session'].pk}/cancel/",
        "mentee",
        True,
    ),
    "sessions_api:session_reschedule": (
        "post",
        lambda w: f"/api/v1/sessions/{_sessions(w)['session'].pk}/reschedule/",
        "mentee",
        True,
    ),
    "sessions_api:session_ics": (
        "get",
        lambda w: f"/api/v1/sessions/{_sessions(w)['session'].pk}/calendar.ics",
        "mentee",
        True,
    ),
    "sessions_api:session_notes": (
        "get",
        lambda w: f"/api/v1/sessions/{_sessions(w)['session'].pk}/notes/",
        "mentee",
        True,
    ),
    "sessions_api:session_note": (
        "delete",
        lambda w: f"/api/v1/sessions/{_sessions(w)['session'].pk}/notes/{w['note'].pk}/",
        "mentee",
        True,
    ),
    "sessions_api:session_feedback": (
        "post",
        lambda w: f"/api/v1/sessions/{_sessions(w)['session'].pk}/feedback/",
        "mentee",
        True,
    ),
    "sessions_api:session_messages": (
        "get",
        lambda w: f"/api/v1/sessions/{_sessions(w)['flash'].pk}/messages/",
        "mentee",
        True,
    ),
    "sessions_api:mentorship_messages": (
        "get",
        lambda w: f"/api/v1/mentorships/{w['mentorship'].pk}/messages/",
        "mentee",
        True,
    ),
    "safety_api:blocks": ("get", lambda w: "/api/v1/blocks/", "mentee", False),
    "safety_api:block": ("delete", lambda w: f"/api/v1/blocks/{_block(w).pk}/", "mentee", True),
    "safety_api:reports": ("get", lambda w: "/api/v1/reports/", "mentee", False),
    "safety_api:queue": ("get", lambda w: "/api/v1/moderation/reports/", "moderator", True),
    "safety_api:queue_report": (
        "get",
        lambda w: f"/api/v1/moderation/reports/{_report(w).pk}/",
        "moderator",
        True,
    ),
    "safety_api:queue_hide": (
        "post",
        lambda w: f"/api/v1/moderation/reports/{_report(w).pk}/hide/",
        "moderator",
        True,
    ),
    "safety_api:queue_restore": (
        "post",
        lambda w: f"/api/v1/moderation/reports/{_report(w).pk}/restore/",
        "moderator",
        True,
    ),
    "safety_api:queue_dismiss": (
        "post",
        lambda w: f"/api/v1/moderation/reports/{_report(w).pk}/dismiss/",
        "moderator",
        True,
    ),
    "safety_api:queue_warn": (
        "post",
        lambda w: f"/api/v1/moderation/reports/{_report(w).pk}/warn/",
        "moderator",
        True,
    ),
    "safety_api:queue_suspend": (
        "post",
        lambda w: f"/api/v1/moderation/reports/{_report(w).pk}/suspend/",
        "moderator",
        True,
    ),
    "community_api:questions": ("get", lambda w: "/api/v1/questions/", "mentee", False),
    "community_api:question": (
        "get",
        lambda w: f"/api/v1/questions/{_question(w).pk}/",
        "mentee",
        True,
    ),
    "community_api:answers": (
        "get",
        lambda w: f"/api/v1/questions/{_question(w).pk}/answers/",
        "mentee",
        True,
    ),
    "community_api:answer_helpful": (
        "post",
        lambda w: f"/api/v1/answers/{_answer(w).pk}/helpful/",
        "mentee",
        True,
    ),
    "community_api:answer_accept": (
        "post",
        lambda w: f"/api/v1/answers/{_answer(w).pk}/accept/",
        "mentee",
        True,
    ),
}


def test_every_api_route_is_in_the_table():
    assert _api_routes() == set(TABLE)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_access_ladder(name, world):
    method, path_for, owner_key, guarded = TABLE[name]
    path = path_for(world)

    anonymous = getattr(api_client(), method)(path, {}, format="json")
    assert anonymous.status_code == 401, (name, anonymous.content)
    assert anonymous.json()["code"] == "not_authenticated"

    stranger = make_mentee()
    answer = getattr(api_client(stranger), method)(path, {}, format="json")
    if guarded:
        assert answer.status_code == 404, (name, answer.content)
        assert answer.json() == {"code": "not_found", "message": "Not found."}
    else:
        assert answer.status_code not in (401, 403, 404, 500), (name, answer.content)

    owner = getattr(api_client(world[owner_key]), method)(path, {}, format="json")
    # Empty bodies may be refused (400) but never hidden from the owner.
    assert owner.status_code in (200, 201, 202, 204, 400), (name, owner.content)


def test_anonymous_answer_names_the_scheme():
    response = api_client().get("/api/v1/suggestions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
