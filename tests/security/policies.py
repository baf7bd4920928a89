"""The access policy of every URL pattern, keyed by URL name (``namespace:name``).

The access matrix (``test_access_matrix.py``) walks the root resolver and
fails for any pattern without a row here, so a new URL cannot escape: add
its row in the same change. A row says who may use the URL and how its
arguments come from the fixture (``tests/security/cast.py``):

* ``public()``: anyone, signed in or not;
* ``login()``: anyone signed in; the page is about the viewer only (their own
  profile, their lists), so there is no one else's object to protect;
* ``obj(allow, **args)``: an object of someone; only the actors in ``allow``
  may use it, everyone else signed in gets a 404, anonymous the sign-in page;
* ``staff(role, **args)``: a staff page; only that staff role (with a second
  factor) opens it, everyone else signed in gets a 404;
* ``token(kind)``: a secret URL (calendar feed, unsubscribe link): the token is
  the key; a made-up token answers 404.

An argument value names a fixture object (its ``pk``), a fixture person
(``"mentor"``: their user ``pk``; ``"mentor.public_id"``: their profile's
public id) or is a literal (``lit("about")``). ``query`` adds a query string
(and the same fields to a POST body), for pages that name their object there.

Django's admin (namespace ``admin``) is one row by namespace: Django's own,
staff only; the matrix proves that anonymous people, members and staff
without a role reach none of it.

API routes (``/api/v1/``) join this table as rows like any other, keyed by
their URL names, wrapped in ``api(...)``: ``"sessions_api:session":
api(obj(PARTIES, pk="session"))``. The matrix signs people in with a session
cookie; an anonymous or suspended API caller must get 401/403 instead of the
sign-in page, and everyone not allowed is tried with GET, POST, PUT, PATCH
and DELETE (JSON bodies), not only GET and POST. Staff API rows
(``api(staff(MANAGER))``) need the role only: a token carries no second factor
(docs/api.md), so the matrix's staff sessions prove nothing more there.

``scim(**args)``: a SCIM 2.0 route (``/scim/v2/``). Only a ``scim``-scope
token of a programme manager opens it: anonymous people and every member
with a session cookie (staff included) get no data (401, or the 404/501 that
SCIM answers without any data for unknown or unoffered paths), and nothing
changes; the manager's real SCIM token reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .cast import (
    BLOCKED,
    MANAGER,
    MENTEE,
    MENTOR,
    MODERATOR_ACTOR,
    PARTIES,
    STAFF_ACTORS,
    STRANGER,
)

PUBLIC, LOGIN, OBJECT, STAFF, TOKEN, ADMIN = "public", "login", "object", "staff", "token", "admin"
SCIM = "scim"
#: Everyone signed in who is not suspended (a suspended person is signed out on arrival).
MEMBERS = frozenset({MENTEE, MENTOR, STRANGER, BLOCKED, *STAFF_ACTORS})


@dataclass(frozen=True)
class lit:
    value: object


@dataclass(frozen=True)
class Policy:
    kind: str
    allow: frozenset[str] = frozenset()
    role: str | None = None
    args: dict = field(default_factory=dict)
    query: Callable | None = None
    #: Actors who may see the object but not act on it: a refusal, not a 404.
    seen_by: frozenset[str] = frozenset()
    #: The viewer may have nothing of theirs here (allauth's recovery codes): a 404 is fine.
    missing_ok: bool = False
    #: An API route: anonymous callers get 401/403 (no sign-in page to redirect to).
    api: bool = False

    def kwargs(self, cast) -> dict:
        return {name: resolve(cast, spec) for name, spec in self.args.items()}


@dataclass(frozen=True)
class computed:
    """An argument computed from the fixture (``fn(cast)``)."""

    fn: Callable


def resolve(cast, spec):
    if isinstance(spec, lit):
        return spec.value
    if isinstance(spec, computed):
        return spec.fn(cast)
    name, _, attr = spec.partition(".")
    if name in cast.users:
        user = cast.users[name]
        return user.profile.public_id if attr == "public_id" else user.pk
    return getattr(cast.objects[name], attr or "pk")


def public(**args) -> Policy:
    return Policy(PUBLIC, args=args)


def login(missing_ok=False, **args) -> Policy:
    return Policy(LOGIN, args=args, missing_ok=missing_ok)


def obj(allow, query=None, seen_by=(), missing_ok=False, **args) -> Policy:
    return Policy(
        OBJECT,
        allow=frozenset(allow),
        args=args,
        query=query,
        seen_by=frozenset(seen_by),
        missing_ok=missing_ok,
    )


def api(policy: Policy) -> Policy:
    """The same rule for an API route: ``api(obj(PARTIES, pk="session"))``."""
    from dataclasses import replace

    return replace(policy, api=True)


def staff(role: str, **args) -> Policy:
    return Policy(STAFF, allow=frozenset({role}), role=role, args=args)


def token(kind: str) -> Policy:
    return Policy(TOKEN, args={"token": lit(kind)})


def scim(**args) -> Policy:
    return Policy(SCIM, args=args)


def _first_chart(cast) -> str:
    from community.selectors.dashboard import programme_charts

    return programme_charts()[0].slug


def _report_query(cast) -> dict:
    return {"content": "matching.requestmessage", "id": str(cast.request_question.pk)}


def _block_query(cast) -> dict:
    return {"content": "profiles.profile", "id": str(cast.mentor.profile.public_id)}


MENTEE_ONLY = {MENTEE}
MENTOR_ONLY = {MENTOR}
SEE_MENTOR = MEMBERS - {BLOCKED}  # the mentor blocked ``blocked``
# Asking, booking, blocking the mentor: anyone who sees them except themself (404 on oneself).
ACT_ON_MENTOR = SEE_MENTOR - {MENTOR}

POLICIES: dict[str, Policy] = {
    # --- mentorship (site) ---
    "home": public(),
    "about": public(),
    "healthz": public(),
    "dashboard": login(),
    "notifications": login(),
    "notification_open": obj(MENTEE_ONLY, pk="notification"),
    "notifications_read_all": login(),
    "notification_preferences": login(),
    "email_unsubscribe": token("unsubscribe"),
    "api_tokens": login(),
    "api_token_revoke": obj(MENTEE_ONLY, pk="api_token"),
    # The API's schema and docs describe routes, never anyone's data.
    "api_schema": public(),
    "api_docs": public(),
    "api_redoc": public(),
    # --- accounts (allauth: its own views, rate limits and flows) ---
    "account_login": public(),
    "account_logout": public(),
    "account_inactive": public(),
    "account_signup": public(),
    "account_reauthenticate": login(),
    "account_email": login(),
    "account_email_verification_sent": public(),
    "account_change_password": login(),
    "account_set_password": login(),
    "account_reset_password": public(),
    "account_confirm_login_code": public(),
    "account_confirm_email": public(key=lit("made-up-key")),
    "account_reset_password_from_key_done": public(),
    "account_reset_password_from_key": public(uidb36=lit("1"), key=lit("made-up-key")),
    "account_reset_password_done": public(),
    "account_request_login_code": public(),
    "usersessions_list": login(),
    "mfa_index": login(),
    "mfa_authenticate": public(),
    "mfa_reauthenticate": login(),
    "mfa_activate_totp": login(),
    "mfa_deactivate_totp": login(missing_ok=True),
    "mfa_view_recovery_codes": login(missing_ok=True),
    "mfa_generate_recovery_codes": login(),
    "mfa_download_recovery_codes": login(missing_ok=True),
    "socialaccount_login_cancelled": public(),
    "socialaccount_login_error": public(),
    "socialaccount_signup": public(),
    "socialaccount_connections": login(),
    "accounts/social/login/cancelled/": public(),
    "accounts/social/login/error/": public(),
    "accounts/social/signup/": public(),
    "accounts/social/connections/": public(),  # a permanent redirect to the 3rdparty page
    "openid_connect_login": public(provider_id=lit("linkedin")),
    "openid_connect_callback": public(provider_id=lit("linkedin")),
    "admin_login_redirect": public(),
    # --- profiles ---
    "profiles:profile": login(),
    "profiles:profile_edit": login(),
    "profiles:profile_skills": login(),
    "profiles:skill_search": login(),
    "profiles:skill_row": login(missing_ok=True),  # a row for a ?skill= it knows
    "profiles:profile_availability": login(),
    "profiles:occupation_search": login(),
    "profiles:goal_list": login(),
    "profiles:goal_detail": obj(MENTEE_ONLY, pk="goal"),
    "profiles:goal_edit": obj(MENTEE_ONLY, pk="goal"),
    "profiles:goal_delete": obj(MENTEE_ONLY, pk="goal"),
    "profiles:milestone_add": obj(MENTEE_ONLY, pk="goal"),
    "profiles:milestone_toggle": obj(MENTEE_ONLY, goal_pk="goal", pk="milestone"),
    "profiles:milestone_delete": obj(MENTEE_ONLY, goal_pk="goal", pk="milestone"),
    "profiles:onboarding": login(),
    "profiles:onboarding_step": login(step=lit("about")),
    "profiles:directory": login(),
    "profiles:directory_skill_options": login(),
    "profiles:profile_detail": obj(SEE_MENTOR, public_id="mentor.public_id"),
    "profiles:data": login(),
    "profiles:data_download": login(),
    "profiles:data_delete": login(),
    "profiles:data_deleted": public(),
    # --- safety ---
    "safety:report_create": obj(MENTEE_ONLY, query=_report_query),
    "safety:block_confirm": obj(ACT_ON_MENTOR, query=_block_query),
    "safety:blocks": login(),
    "safety:block_remove": obj(MENTOR_ONLY, pk="block"),
    "safety:reports_mine": login(),
    "safety:staff_queue": staff(MODERATOR_ACTOR),
    "safety:staff_case": staff(MODERATOR_ACTOR, user_id="mentor"),
    "safety:staff_case_dismiss": staff(MODERATOR_ACTOR, user_id="mentor"),
    "safety:staff_case_warn": staff(MODERATOR_ACTOR, user_id="mentor"),
    "safety:staff_case_suspend": staff(MODERATOR_ACTOR, user_id="mentor"),
    "safety:staff_report_hide": staff(MODERATOR_ACTOR, pk="report"),
    "safety:staff_report_restore": staff(MODERATOR_ACTOR, pk="report"),
    "safety:staff_suspensions": staff(MODERATOR_ACTOR),
    "safety:staff_suspension_lift": staff(MODERATOR_ACTOR, pk="suspension"),
    "safety:staff_mentor_review": staff(MODERATOR_ACTOR, user_id="mentor"),
    "safety:staff_audit": staff(MODERATOR_ACTOR),
    "safety:staff_audit_csv": staff(MODERATOR_ACTOR),
    # --- matching ---
    "matching:suggestions": login(),
    "matching:suggestion_request": obj(MENTEE_ONLY, pk="suggestion"),
    "matching:suggestion_decline": obj(MENTEE_ONLY, pk="suggestion"),
    # Undoes the viewer's own decline of that mentor: there is no one else's row to reach.
    "matching:suggestion_decline_undo": login(mentor_id="mentor"),
    "matching:mentor_request": obj(ACT_ON_MENTOR, public_id="mentor.public_id"),
    "matching:request_inbox": login(),
    "matching:requests_sent": login(),
    "matching:request_detail": obj(PARTIES, pk="request"),
    "matching:request_accept": obj(MENTOR_ONLY, pk="request"),
    "matching:request_decline": obj(MENTOR_ONLY, pk="request"),
    "matching:request_ask": obj(MENTOR_ONLY, pk="request"),
    "matching:request_reply": obj(MENTEE_ONLY, pk="request"),
    "matching:request_withdraw": obj(MENTEE_ONLY, pk="request"),
    "matching:mentorships": login(),
    "matching:mentorship_detail": obj(PARTIES, pk="mentorship"),
    "matching:mentorship_end": obj(PARTIES, pk="mentorship"),
    "matching:mentorship_renew": obj(PARTIES, pk="mentorship"),
    "matching:staff_overview": staff(MANAGER),
    "matching:staff_runs": staff(MANAGER),
    "matching:staff_run_start": staff(MANAGER),
    "matching:staff_run_progress": staff(MANAGER, pk="cohort_run"),
    "matching:staff_cohort": staff(MANAGER),
    "matching:staff_cohort_detail": staff(MANAGER, pk="cohort_run"),
    "matching:staff_cohort_publish": staff(MANAGER, pk="cohort_run"),
    "matching:staff_cohort_discard": staff(MANAGER, pk="cohort_run"),
    "matching:staff_manual_match": staff(MANAGER),
    "matching:staff_people_options": staff(MANAGER),
    "matching:staff_exclusions": staff(MANAGER),
    "matching:webhooks": staff(MANAGER),
    "matching:webhook_detail": staff(MANAGER, pk="webhook"),
    "matching:webhook_action": staff(MANAGER, pk="webhook", action=lit("disable")),
    # --- sessions ---
    "sessions:session_list": login(),
    "sessions:mentor_settings": login(),
    "sessions:session_detail": obj(PARTIES, pk="session"),
    "sessions:session_confirm": obj(PARTIES, pk="session"),
    "sessions:session_decline": obj(PARTIES, pk="session"),
    "sessions:session_propose_another": obj(PARTIES, pk="session"),
    "sessions:session_cancel": obj(PARTIES, pk="session"),
    "sessions:session_details": obj(PARTIES, pk="session"),
    "sessions:note_add": obj(PARTIES, pk="session"),
    "sessions:note_delete": obj(MENTEE_ONLY, pk="session", note_pk="private_note"),
    "sessions:feedback_leave": obj(PARTIES, pk="past_session"),
    "sessions:report_no_show": obj(PARTIES, pk="past_session"),
    "sessions:session_message": obj(PARTIES, pk="session"),
    "sessions:session_ics": obj(PARTIES, pk="session"),
    "sessions:staff_flags": staff(MODERATOR_ACTOR),
    "sessions:staff_flag_resolve": staff(MODERATOR_ACTOR, pk="staff_flag"),
    "sessions:flash_book": obj(ACT_ON_MENTOR, public_id="mentor.public_id"),
    "sessions:calendar_feed_manage": login(),
    "sessions:calendar_feed": token("calendar"),
    "sessions:workspace_book": obj(PARTIES, pk="mentorship"),
    "sessions:workspace_message": obj(PARTIES, pk="mentorship"),
    "sessions:workspace_end": obj(PARTIES, pk="mentorship"),
    "sessions:workspace_milestone_add": obj(PARTIES, pk="mentorship", goal_pk="goal"),
    "sessions:workspace_milestone_toggle": obj(
        PARTIES, pk="mentorship", goal_pk="goal", milestone_pk="milestone"
    ),
    "sessions:workspace_goal_status": obj(PARTIES, pk="mentorship", goal_pk="goal"),
    # --- community ---
    "community:question_list": login(),
    "community:question_ask": login(),
    "community:question_settings": login(),
    "community:question_detail": obj(MEMBERS, pk="question"),
    "community:answer_create": obj(MEMBERS, pk="question"),
    "community:answer_helpful": obj(MEMBERS, pk="answer"),
    "community:answer_accept": obj(MENTEE_ONLY, seen_by=MEMBERS, pk="answer"),
    "community:programme_dashboard": staff(MANAGER),
    "community:programme_chart_csv": staff(MANAGER, chart=computed(_first_chart)),
    # --- the REST API (/api/v1/): tests/mentorship/test_api_access.py has the same ladder ---
    "core_api:notifications": api(login()),
    "core_api:notification_read": api(obj(MENTEE_ONLY, pk="notification")),
    "core_api:notifications_read_all": api(login()),
    "profiles_api:my_profile": api(login()),
    "profiles_api:my_skills": api(login()),
    "profiles_api:skills": api(login()),
    "profiles_api:goals": api(login()),
    "profiles_api:goal": api(obj(MENTEE_ONLY, pk="goal")),
    "profiles_api:milestones": api(obj(MENTEE_ONLY, pk="goal")),
    "profiles_api:milestone": api(obj(MENTEE_ONLY, pk="goal", milestone_pk="milestone")),
    "profiles_api:people": api(staff(MANAGER)),
    "profiles_api:person": api(staff(MANAGER, public_id="mentee.public_id")),
    "profiles_api:person_deactivate": api(staff(MANAGER, public_id="mentee.public_id")),
    "profiles_api:person_reactivate": api(staff(MANAGER, public_id="mentee.public_id")),
    "safety_api:blocks": api(login()),
    "safety_api:block": api(obj(MENTOR_ONLY, pk="block")),
    "safety_api:reports": api(login()),
    "safety_api:queue": api(staff(MODERATOR_ACTOR)),
    "safety_api:queue_report": api(staff(MODERATOR_ACTOR, pk="report")),
    "safety_api:queue_hide": api(staff(MODERATOR_ACTOR, pk="report")),
    "safety_api:queue_restore": api(staff(MODERATOR_ACTOR, pk="report")),
    "safety_api:queue_dismiss": api(staff(MODERATOR_ACTOR, pk="report")),
    "safety_api:queue_warn": api(staff(MODERATOR_ACTOR, pk="report")),
    "safety_api:queue_suspend": api(staff(MODERATOR_ACTOR, pk="report")),
    "matching_api:suggestions": api(login()),
    "matching_api:suggestion_request": api(obj(MENTEE_ONLY, pk="suggestion")),
    "matching_api:suggestion_decline": api(obj(MENTEE_ONLY, pk="suggestion")),
    "matching_api:mentor_request": api(obj(ACT_ON_MENTOR, public_id="mentor.public_id")),
    "matching_api:requests_sent": api(login()),
    "matching_api:requests_received": api(login()),
    "matching_api:request": api(obj(PARTIES, pk="request")),
    "matching_api:request_accept": api(obj(MENTOR_ONLY, pk="request")),
    "matching_api:request_decline": api(obj(MENTOR_ONLY, pk="request")),
    "matching_api:request_withdraw": api(obj(MENTEE_ONLY, pk="request")),
    "matching_api:request_ask": api(obj(MENTOR_ONLY, pk="request")),
    "matching_api:request_reply": api(obj(MENTEE_ONLY, pk="request")),
    "matching_api:mentorships": api(login()),
    "matching_api:mentorship": api(obj(PARTIES, pk="mentorship")),
    "matching_api:mentorship_end": api(obj(PARTIES, pk="mentorship")),
    "matching_api:mentorship_renew": api(obj(PARTIES, pk="mentorship")),
    "matching_api:runs": api(staff(MANAGER)),
    "matching_api:run": api(staff(MANAGER, pk="run")),
    "matching_api:cohorts": api(staff(MANAGER)),
    "matching_api:cohort": api(staff(MANAGER, pk="cohort_run")),
    "matching_api:cohort_publish": api(staff(MANAGER, pk="cohort_run")),
    "sessions_api:sessions": api(login()),
    "sessions_api:session": api(obj(PARTIES, pk="session")),
    "sessions_api:session_confirm": api(obj(PARTIES, pk="session")),
    "sessions_api:session_decline": api(obj(PARTIES, pk="session")),
    "sessions_api:session_cancel": api(obj(PARTIES, pk="session")),
    "sessions_api:session_reschedule": api(obj(PARTIES, pk="session")),
    "sessions_api:session_ics": api(obj(PARTIES, pk="session")),
    "sessions_api:session_notes": api(obj(PARTIES, pk="session")),
    "sessions_api:session_note": api(obj(MENTEE_ONLY, pk="session", note_pk="private_note")),
    # Reads the viewer's own rating: the mentor left none (a 404 for them is fine).
    "sessions_api:session_feedback": api(obj(PARTIES, missing_ok=True, pk="past_session")),
    "sessions_api:session_messages": api(obj(PARTIES, pk="flash_session")),
    "sessions_api:mentorship_messages": api(obj(PARTIES, pk="mentorship")),
    "community_api:questions": api(login()),
    "community_api:question": api(obj(MEMBERS, pk="question")),
    "community_api:answers": api(obj(MEMBERS, pk="question")),
    "community_api:answer_helpful": api(obj(MEMBERS, pk="answer")),
    "community_api:answer_accept": api(obj(MENTEE_ONLY, seen_by=MEMBERS, pk="answer")),
    # --- SCIM 2.0 (/scim/v2/): a programme manager's SCIM token only ---
    "scim:root": scim(),
    "scim:search": scim(),
    "scim:users-search": scim(),
    "scim:users": scim(uuid="mentee"),
    "scim:groups": scim(),
    "scim:me": scim(),
    "scim:service-provider-config": scim(),
    "scim:resource-types": scim(),
    "scim:schemas": scim(),
    "scim:bulk": scim(),
    "scim:not-found": scim(rest=lit("Nothing/here")),
}

#: Namespaces whose every pattern shares one policy.
NAMESPACE_POLICIES: dict[str, Policy] = {"admin": Policy(ADMIN)}


def policy_for(key: str) -> Policy | None:
    namespace = key.split(":", 1)[0] if ":" in key else None
    if namespace in NAMESPACE_POLICIES:
        return NAMESPACE_POLICIES[namespace]
    return POLICIES.get(key)
