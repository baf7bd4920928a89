"""The access matrix: every URL pattern × every kind of person × GET and POST.

See ``policies.py`` for the table (a pattern without a row fails
:func:`test_every_pattern_has_a_policy`) and ``cast.py`` for the fixture and
its markers. :func:`test_access_matrix` requests every pattern as anonymous,
the two people of a mentorship, a stranger, a blocked and a suspended
person, staff without a role and both staff roles, and asserts:

* each answer is the one the policy says (sign-in page, 404, or the page);
* no response and no email carries a marker to someone outside its readers;
* no POST by someone the policy does not allow changes, deletes or adds a
  row that is not theirs alone.

API rows (``api(...)``) are asked the same, with JSON: anonymous and
suspended callers get 401/403, and everyone not allowed also tries PUT,
PATCH and DELETE. SCIM rows are asked by everyone with a session cookie
(never enough there) and then with the manager's SCIM token.

It writes the figures to ``test-results/security-access-matrix.json``;
``docs/security.md`` quotes the latest ones.
"""

from __future__ import annotations

import fcntl
import json
import secrets

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import ARTIFACTS

from .cast import (
    ACTORS,
    ANONYMOUS,
    MANAGER,
    MENTEE,
    MODERATOR_ACTOR,
    STAFF_PLAIN,
    STRANGER,
    SUSPENDED,
    build_cast,
)
from .matrix import (
    API_WRITES,
    HOSTILE_JSON,
    SCIM_JSON,
    Actors,
    admin_kwargs,
    body_text,
    changes,
    send,
    snapshot,
    url_of,
    walk,
)
from .policies import ADMIN, LOGIN, PUBLIC, SCIM, STAFF, TOKEN, policy_for

pytestmark = pytest.mark.django_db


def test_every_pattern_has_a_policy():
    missing = [r.key for r in walk() if policy_for(r.key) is None]
    assert missing == [], f"URL patterns without a row in tests/security/policies.py: {missing}"


def test_policy_rows_name_existing_patterns():
    keys = {r.key for r in walk()}
    from .policies import POLICIES

    assert sorted(set(POLICIES) - keys) == []


def test_staff_rows_match_the_views_permission():
    """A staff row's role must hold the permission its view demands (and the view must demand one)."""
    from mentorship.api_auth import IsProgrammeManager
    from safety.api import IsModerator
    from safety.roles import ROLES

    from .policies import POLICIES

    roles = {MODERATOR_ACTOR: "Moderator", "manager": "Programme manager"}
    api_checks = {MODERATOR_ACTOR: IsModerator, "manager": IsProgrammeManager}
    wrong = []
    for route in walk():
        policy = POLICIES.get(route.key)
        if policy is None or policy.kind != STAFF:
            continue
        if policy.api:  # the API's staff views ask the role by a permission class
            classes = getattr(getattr(route.callback, "cls", None), "permission_classes", [])
            if api_checks[policy.role] not in classes:
                wrong.append((route.key, [c.__name__ for c in classes]))
            continue
        perm = getattr(route.callback, "staff_permission", None)
        held = {f"{app}.{code}" for app, code in ROLES[roles[policy.role]]}
        if perm is None or perm not in held:
            wrong.append((route.key, perm))
    assert wrong == []


def test_row_changes_are_seen_except_the_actors_own():
    """The change detector itself: another person's row counts, the actor's own does not."""
    from tests.factories import GoalFactory, UserFactory

    owner, actor = UserFactory(), UserFactory()
    goal = GoalFactory(owner=owner)
    before = snapshot()
    goal.title = "changed"
    goal.save()
    GoalFactory(owner=actor)
    actor.name = "renamed"
    actor.save()
    found = changes(before, snapshot(), actor_id=actor.pk)
    assert found == [f"profiles.goal #{goal.pk} changed"]


class Matrix:
    def __init__(self, cast):
        self.cast = cast
        self.actors = Actors(cast)
        self.attempts = 0
        self.leaks: list[str] = []
        self.changes: list[str] = []
        self.unexpected: list[str] = []
        #: Markers the API and SCIM answered to their readers (the leak check reads JSON too).
        self.api_seen: set[str] = set()
        self.login_url = reverse("account_login")

    # --- one request ---
    def request(self, actor, method, url, *, data=None, reader=None, json_body=None, **headers):
        client = self.actors.client(actor)
        self.attempts += 1
        response = send(client, method, url, data, json_body=json_body, **headers)
        text = body_text(response)
        self.check_markers(reader or actor, f"{method} {url} as {actor}", text)
        if url.startswith(("/api/v1/", "/scim/")):
            self.api_seen |= {v for v, readers in self.cast.markers.items() if v in text}
        return response

    def check_markers(self, reader, where, text):
        for value, readers in self.cast.markers.items():
            if value in text and reader not in readers:
                self.leaks.append(f"{where}: {value}")

    def expect(self, ok: bool, where: str, response):
        if not ok:
            location = response.get("Location", "")
            self.unexpected.append(f"{where} -> {response.status_code} {location}".strip())

    def to_login(self, response) -> bool:
        return response.status_code == 302 and response["Location"].startswith(self.login_url)

    # --- one pattern ---
    def run(self, route, policy):
        if policy.kind == ADMIN:
            return self.run_admin(route)
        if policy.kind == TOKEN:
            return self.run_token(route, policy)
        if policy.kind == SCIM:
            return self.run_scim(route, policy)
        url = url_of(route, policy.kwargs(self.cast))
        query = policy.query(self.cast) if policy.query else None
        for actor in ACTORS:
            allowed = self.allowed(policy, actor)
            if policy.api:
                self.attempt_api(route, policy, actor, url, query, allowed)
                continue
            for method in ("GET", "POST"):
                if method == "POST" and allowed:
                    continue  # the owner's own writes are the feature tests' business
                self.attempt(route, policy, actor, method, url, query, allowed)

    def attempt_api(self, route, policy, actor, url, query, allowed):
        """GET, and for those not allowed every write too (one row snapshot around them)."""
        methods = ("GET",) if allowed else ("GET", *API_WRITES)
        before = snapshot() if not allowed else None
        for method in methods:
            where = f"{method} {route.key} as {actor}"
            body = None if method == "GET" else HOSTILE_JSON
            response = self.request(actor, method, url, data=query, json_body=body)
            self.expect_status(policy, actor, method, allowed, where, response)
        if before is not None:
            user = self.cast.users.get(actor)
            found = changes(before, snapshot(), actor_id=user.pk if user else None)
            self.changes += [f"{'/'.join(methods)} {route.key} as {actor}: {c}" for c in found]

    def allowed(self, policy, actor) -> bool:
        if policy.kind == PUBLIC:
            return True
        if actor in (ANONYMOUS, SUSPENDED):
            return False
        if policy.kind == LOGIN:
            return True
        return actor in policy.allow

    def attempt(self, route, policy, actor, method, url, query, allowed):
        where = f"{method} {route.key} as {actor}"
        before = snapshot() if method == "POST" else None
        response = self.request(actor, method, url, data=query)
        if before is not None:
            user = self.cast.users.get(actor)
            found = changes(before, snapshot(), actor_id=user.pk if user else None)
            self.changes += [f"{where}: {change}" for change in found]
        self.expect_status(policy, actor, method, allowed, where, response)

    def expect_status(self, policy, actor, method, allowed, where, response):
        status = response.status_code
        self.expect(status < 500, where, response)
        if policy.kind == PUBLIC:
            return
        if actor == SUSPENDED:
            ok = self.to_login(response) or (policy.api and status in (401, 403))
            self.expect(ok, where, response)
        elif actor == ANONYMOUS and policy.api:
            self.expect(status in (401, 403), where, response)
        elif actor == ANONYMOUS:
            # 405: the method check ran before the sign-in check, which reveals nothing.
            self.expect(self.to_login(response) or status == 405, where, response)
        elif not allowed and actor in policy.seen_by:
            pass  # they see it: a refusal is the answer; the row snapshot proves nothing changed
        elif not allowed:
            self.expect(status in (404, 405), where, response)
        elif method == "GET" and not (policy.missing_ok and status == 404):
            self.expect(status not in (403, 404), where, response)

    def run_token(self, route, policy):
        kind = policy.args["token"].value
        made_up = reverse(route.key, kwargs={"token": secrets.token_urlsafe(24)})
        for actor in ACTORS:
            for method in ("GET", "POST"):
                where = f"{method} {route.key} (made-up token) as {actor}"
                before = snapshot() if method == "POST" else None
                response = self.request(actor, method, made_up)
                if actor == SUSPENDED:
                    self.expect(self.to_login(response), where, response)
                else:
                    self.expect(response.status_code in (400, 404, 405), where, response)
                if before is not None:
                    self.changes += [
                        f"{where}: {c}" for c in changes(before, snapshot(), actor_id=None)
                    ]
        # The real token is the owner's key: whoever holds it reads as the owner.
        real = reverse(route.key, kwargs={"token": self.real_token(kind)})
        response = self.request(ANONYMOUS, "GET", real, reader=MENTEE)
        self.expect(response.status_code == 200, f"GET {route.key} (real token)", response)

    def real_token(self, kind):
        if kind == "calendar":
            return self.cast.calendar_feed.token
        from mentorship.email_preferences import unsubscribe_token

        return unsubscribe_token(user=self.cast.mentee, kind="matching.request_received")

    def run_scim(self, route, policy):
        """A session is never enough at /scim/v2/: no data, no change, for anyone.

        401 where SCIM asks who calls; the paths SCIM does not offer (Groups,
        Bulk, Me, the root) answer 501, unknown paths 404: both without data.
        No answer names any of the fixture's people (their addresses).
        """
        url = url_of(route, policy.kwargs(self.cast))
        emails = {u.email for u in self.cast.users.values()}
        for actor in ACTORS:
            where = f"{route.key} as {actor}"
            before = snapshot()
            for method in ("GET", *API_WRITES):
                body = None if method == "GET" else SCIM_JSON
                response = self.request(
                    actor,
                    method,
                    url,
                    json_body=body,
                    content_type="application/scim+json",
                )
                status = response.status_code
                # A suspended person's session is ended on arrival, here as anywhere.
                ok = status in (401, 404, 501) or (actor == SUSPENDED and self.to_login(response))
                self.expect(ok, f"{method} {where}", response)
                text = body_text(response)
                self.leaks += [f"{method} {where}: {e}" for e in sorted(emails) if e in text]
            user = self.cast.users.get(actor)
            found = changes(before, snapshot(), actor_id=user.pk if user else None)
            self.changes += [f"{'/'.join(('GET', *API_WRITES))} {where}: {c}" for c in found]
        # Any other token (the manager's own write token) is no SCIM token: 401 on every read.
        from mentorship.services.tokens import api_token_create

        _, write = api_token_create(user=self.cast.manager, name="not scim", scope="write")
        response = self.request(ANONYMOUS, "GET", url, Authorization=f"Bearer {write}")
        self.expect(response.status_code in (401, 404, 501), f"GET {where} (write token)", response)
        # The real SCIM token reads as the manager.
        response = self.request(
            ANONYMOUS,
            "GET",
            url,
            reader=MANAGER,
            Authorization=f"Bearer {self.cast.secrets['scim']}",
        )
        self.expect(
            response.status_code not in (401, 403, 500), f"GET {where} (SCIM token)", response
        )

    def run_admin(self, route):
        url = url_of(route, admin_kwargs(route, self.cast))
        index = route.key == "admin:index"
        for actor in (ANONYMOUS, STRANGER, SUSPENDED, STAFF_PLAIN):
            for method in ("GET", "POST"):
                where = f"{method} {route.key} as {actor}"
                response = self.request(actor, method, url)
                status = response.status_code
                if actor == STAFF_PLAIN:
                    ok = status in (302, 403, 404, 405) or index or route.key == "admin:logout"
                    self.expect(ok, where, response)
                else:
                    self.expect(status == 302, where, response)

    def check_mail(self):
        for message in mail.outbox:
            texts = [message.subject, message.body] + [c for c, _ in message.alternatives]
            for address in message.to:
                reader = next(
                    (a for a, u in self.cast.users.items() if u.email == address), address
                )
                for text in texts:
                    self.check_markers(reader, f"mail to {address}: {message.subject}", text)


def _send_pending_mail():
    """The digests and reminders that the beat would send, so their mail is checked too."""
    from mentorship.digests import digests_send
    from mentorship.models import Notification
    from mentorship.notifications import _send_email
    from sessions.services.reminders import message_digests_send, reminders_send

    message_digests_send()
    reminders_send()
    digests_send()
    # Every notification the fixture raised, as its email (whatever the person chose): the
    # outbox sends only rows still owed, so each is marked owed first.
    Notification.objects.update(email_pending=True)
    for pk in Notification.objects.values_list("pk", flat=True):
        _send_email(pk)


def _write_figures(part: str, figures: dict, matrix: Matrix) -> None:
    """Each part (the project's shards, the admin) keeps its section of one JSON file, with
    the totals; parts run in parallel test processes, so the file is rewritten under a lock."""
    path = ARTIFACTS / "security-access-matrix.json"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(ARTIFACTS / ".security-access-matrix.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            data = {}
        known = {"admin", *(f"project-{p}" for p in PARTS)}
        data = {name: value for name, value in data.items() if name in known}  # no stale parts
        data[part] = {
            **figures,
            "leak_list": matrix.leaks,
            "change_list": matrix.changes,
            "unexpected_list": matrix.unexpected,
        }
        parts = [data[name] for name in sorted(data)]
        data["total"] = {
            key: sum(p[key] for p in parts)
            for key in ("patterns", "attempts", "leaks", "changes", "unexpected_status")
        }
        path.write_text(json.dumps(data, indent=2))


def _figures(routes, cast, matrix) -> dict:
    return {
        "patterns": len(routes),
        "actors": len(ACTORS),
        "markers": len(cast.markers),
        "attempts": matrix.attempts,
        "emails_checked": len(mail.outbox),
        "leaks": len(matrix.leaks),
        "changes": len(matrix.changes),
        "unexpected_status": len(matrix.unexpected),
    }


#: The project's patterns run in parts so parallel test processes share the walk: the API
#: and SCIM in one (its answers must show every marker of ``API_MARKERS``), the web pages
#: dealt round-robin into the rest. Every pattern is in exactly one part (test below).
WEB_PARTS = 3
PARTS = ["api", *(f"web-{i}" for i in range(WEB_PARTS))]


def _is_api(route) -> bool:
    policy = policy_for(route.key)
    return policy.api or policy.kind == SCIM


def _part_routes(part: str) -> list:
    routes = sorted((r for r in walk() if r.namespace != "admin"), key=lambda r: r.key)
    if part == "api":
        return [r for r in routes if _is_api(r)]
    web = [r for r in routes if not _is_api(r)]
    return web[int(part.removeprefix("web-")) :: WEB_PARTS]


def test_every_project_pattern_is_in_one_part():
    keys = [r.key for part in PARTS for r in _part_routes(part)]
    assert sorted(keys) == sorted(r.key for r in walk() if r.namespace != "admin")
    assert all(_part_routes(part) for part in PARTS)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("part", PARTS)
def test_access_matrix(part, django_capture_on_commit_callbacks):
    """Every project pattern (the admin's are below) as every person, GET and POST."""
    with django_capture_on_commit_callbacks(execute=True):
        cast = build_cast()
    if part == "web-0":  # the fixture's own mail, once
        with django_capture_on_commit_callbacks(execute=True):
            _send_pending_mail()
    routes = _part_routes(part)
    matrix = Matrix(cast)
    with django_capture_on_commit_callbacks(execute=True):
        for route in routes:
            matrix.run(route, policy_for(route.key))
    matrix.check_mail()
    figures = _figures(routes, cast, matrix)
    _write_figures(f"project-{part}", figures, matrix)
    assert matrix.leaks == []
    assert matrix.changes == []
    assert matrix.unexpected == []
    if part == "web-0":
        assert figures["emails_checked"] > 0
    if part == "api":
        # The JSON answers carried their readers' markers: the leak check saw real data there.
        seen = {
            value.split("-", 1)[1].rsplit("-", 1)[0]
            for value in matrix.api_seen
            if "MARK-" in value
        }
        assert API_MARKERS - seen == set()


#: Markers the API must show their readers (proof that its answers were read, not only codes).
API_MARKERS = {
    "goal",
    "milestone",
    "session-topic",
    "shared-note",
    "private-note-mentee",
    "private-note-mentor",
    "workspace-message",
    "flash-message",
    "notification",
    "request-message",
    "request-question",
    "report-details",
    "hidden-question",
}


def test_hostile_json_is_a_write_the_owner_could_make(client):
    """The matrix's JSON bodies are valid enough that, sent by someone allowed, they change
    rows: a view that forgot its access check would change something, not refuse the input."""
    cast = build_cast()
    client.force_login(cast.mentee)
    writes = [
        ("PATCH", reverse("profiles_api:goal", kwargs={"pk": cast.goal.pk})),
        ("POST", reverse("profiles_api:milestones", kwargs={"pk": cast.goal.pk})),
        ("POST", reverse("sessions_api:session_notes", kwargs={"pk": cast.past_session.pk})),
        ("POST", reverse("sessions_api:mentorship_messages", kwargs={"pk": cast.mentorship.pk})),
        ("POST", reverse("sessions_api:session_messages", kwargs={"pk": cast.flash_session.pk})),
        ("POST", reverse("matching_api:request_withdraw", kwargs={"pk": cast.request.pk})),
        ("POST", reverse("core_api:notification_read", kwargs={"pk": cast.notification.pk})),
    ]
    unchanged = []
    for method, url in writes:
        before = snapshot()
        response = send(client, method, url, None, json_body=HOSTILE_JSON)
        if not changes(before, snapshot(), actor_id=None):
            unchanged.append((method, url, response.status_code, response.content[:200]))
    assert unchanged == []


@pytest.mark.timeout(900)
def test_admin_is_closed_to_members_and_roleless_staff():
    """Django's admin: anonymous people, members and suspended people are sent to sign in,
    staff without a role get no page but the (empty) index; nothing changes, nothing leaks."""
    cast = build_cast()
    routes = [route for route in walk() if route.namespace == "admin"]
    matrix = Matrix(cast)
    # The admin's few hundred patterns share one snapshot: none of them may change a row.
    before = snapshot()
    for route in routes:
        matrix.run(route, policy_for(route.key))
    matrix.changes += [f"admin probes: {c}" for c in changes(before, snapshot(), actor_id=None)]
    _write_figures("admin", _figures(routes, cast, matrix), matrix)
    assert matrix.leaks == []
    assert matrix.changes == []
    assert matrix.unexpected == []
