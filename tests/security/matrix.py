"""Machinery of the access matrix: walk the resolver, act as each person, snapshot rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import staff_login

from .cast import ANONYMOUS, STAFF_ACTORS, SUSPENDED

#: A POST body with a plausible value for every field name the forms use, so a
#: view that forgot its access check would change something, not fail validation.
HOSTILE_POST = {
    "title": "HIJACK title",
    "body": "HIJACK body",
    "description": "HIJACK description",
    "message": "HIJACK message",
    "reason": "HIJACK reason: taken over by someone else",
    "details": "HIJACK details",
    "note": "HIJACK note",
    "comment": "HIJACK comment",
    "agenda": "HIJACK agenda",
    "topic": "HIJACK topic",
    "question": "HIJACK question",
    "answer": "HIJACK answer",
    "status": "achieved",
    "outcome": "completed",
    "decision": "approve",
    "confirm": "on",
    "private": "",
    "rating": "1",
    "format": "flash",
    "mode": "stable",
    "done": "1",
    "ends_on": "2099-01-01",
    "weekly_limit": "0",
}

#: The same, as the API's JSON (the API parses JSON only): typed values where a
#: serializer wants them, and the fields the API adds (times, choices, flags).
HOSTILE_JSON = {
    **HOSTILE_POST,
    "rating": 1,
    "private": False,
    "done": True,
    "active": False,
    "starts_at": "2099-01-01T10:00:00Z",
    "ends_at": "2099-01-01T11:00:00Z",
    "offers": [],
    "wants": [],
    "display_name": "HIJACK name",
    "headline": "HIJACK headline",
    "bio": "HIJACK bio",
    "email": "hijack@example.org",
    "kind": "cohort",
    "hide_content": True,
}
#: Every write an API route might answer: someone not allowed tries them all.
API_WRITES = ("POST", "PUT", "PATCH", "DELETE")
SCIM_JSON = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "userName": "hijack@example.org",
    "emails": [{"value": "hijack@example.org", "primary": True}],
    "active": False,
    "Operations": [{"op": "replace", "value": {"active": False}}],
}

SKIP_MODELS = {
    # Written by every request of anyone, by design: the audit trail, sessions, sign-in state.
    "safety.auditlog",
    "sessions.session",
    "account.emailconfirmation",
    "usersessions.usersession",  # allauth's list of one's own signed-in devices
    # Reference data: no person owns it, and it is large.
    "profiles.occupation",
    "profiles.language",
    "profiles.skill",  # the taxonomy (thousands of rows); members only add pending names
    "contenttypes.contenttype",
    "auth.permission",
    "admin.logentry",
}
#: Columns a request writes for its own viewer (sign-in time, "seen" marks).
SKIP_COLUMNS = {"profiles.user": {"last_login"}, "mentorship.notification": {"seen_at"}}


@dataclass(frozen=True)
class Route:
    key: str
    route: str
    callback: object
    namespace: str | None
    params: tuple[str, ...]
    named: bool = True


def walk(resolver=None, prefix: str = "", namespace: str | None = None) -> list[Route]:
    """Every URL pattern of the project, from the root resolver."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found += walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name or route  # an unnamed pattern is keyed by its route
            key = f"{namespace}:{name}" if namespace else name
            params = tuple(entry.pattern.regex.groupindex)
            found.append(Route(key, route, entry.callback, namespace, params, bool(entry.name)))
    return found


def url_of(route: Route, kwargs: dict) -> str:
    if not route.named:  # no name to reverse: fill the pattern in by hand
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), route.route)
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m[1]]), path)
        return "/" + re.sub(r"[\^$]", "", path)
    return reverse(route.key, kwargs=kwargs)


def admin_kwargs(route: Route, cast) -> dict:
    values = {
        "app_label": "profiles",
        "object_id": str(cast.mentee.pk),
        "content_type_id": "1",
        "url": "x",
    }
    return {name: values.get(name, "1") for name in route.params}


def send(client, method: str, url: str, data: dict | None, *, json_body=None, **headers):
    """One request; ``json_body`` sends it as JSON (the API's and SCIM's only format)."""
    import json

    content_type = headers.pop("content_type", "application/json")
    if method == "GET":
        return client.get(url, data or {}, headers=headers)
    if json_body is None:
        return client.post(url, {**HOSTILE_POST, **(data or {})}, headers=headers)
    body = json.dumps({**json_body, **(data or {})})
    return client.generic(method, url, body, content_type=content_type, headers=headers)


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


@dataclass
class Actors:
    cast: object
    clients: dict = field(default_factory=dict)

    def client(self, actor: str) -> Client:
        if actor == ANONYMOUS:
            return Client()
        if actor not in self.clients or actor == SUSPENDED:
            client = Client()
            user = self.cast.users[actor]
            if actor in STAFF_ACTORS:
                staff_login(client, user)
            else:
                client.force_login(user)
            self.clients[actor] = client
        return self.clients[actor]


# --- Rows: who owns them, and what changed ----------------------------------------------


def _models():
    for model in apps.get_models():
        if model._meta.label_lower in SKIP_MODELS or model._meta.proxy:
            continue
        yield model


_SNAPSHOT_SQL: dict[str, list[tuple[str, str, tuple]]] = {}


def _snapshot_sql() -> list[tuple[str, str, tuple]]:
    """(label, SQL, params) reading each table's rows as (pk, columns...), compiled once.

    A snapshot runs before and after each of about a thousand refused writes: the
    ORM building ~60 querysets each time took most of the API part's time.
    """
    key = connection.alias + connection.vendor
    if key not in _SNAPSHOT_SQL:
        queries = []
        for model in _models():
            label = model._meta.label_lower
            skip = SKIP_COLUMNS.get(label, set())
            names = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
            query = model._default_manager.values_list("pk", *names).order_by().query
            sql, params = query.get_compiler(connection=connection).as_sql()
            queries.append((label, sql, tuple(params)))
        _SNAPSHOT_SQL[key] = queries
    return _SNAPSHOT_SQL[key]


def snapshot() -> dict:
    """Every row of every table, as the database holds it (values as the driver reads them)."""
    rows = {}
    with connection.cursor() as cur:
        for label, sql, params in _snapshot_sql():
            cur.execute(sql, params)
            rows[label] = {r[0]: r for r in cur.fetchall()}
    return rows


def _user_ids(label: str, row: tuple, rows: dict, depth: int = 2) -> set:
    """The people a row belongs to: its foreign keys to users, followed ``depth`` levels."""
    model = apps.get_model(label)
    user_label = apps.get_model("profiles.User")._meta.label_lower
    if label == user_label:
        return {row[0]}
    skip = SKIP_COLUMNS.get(label, set())
    fields = [f for f in model._meta.concrete_fields if f.name not in skip]
    found = set()
    for index, f in enumerate(fields, start=1):
        if not f.is_relation or row[index] is None:
            continue
        target = f.related_model._meta.label_lower
        if target == user_label:
            found.add(row[index])
        elif depth and target in rows and row[index] in rows[target]:
            found |= _user_ids(target, rows[target][row[index]], rows, depth - 1)
    return found


def changes(before: dict, after: dict, *, actor_id: int | None) -> list[str]:
    """Rows changed, deleted or added, except rows that belong to the actor alone."""
    found = []
    for label, old in before.items():
        new = after[label]
        for pk in old.keys() | new.keys():
            if old.get(pk) == new.get(pk):
                continue
            row = old.get(pk) or new.get(pk)
            owners = _user_ids(label, row, before if pk in old else after)
            if actor_id is not None and owners == {actor_id}:
                continue
            verb = "added" if pk not in old else "deleted" if pk not in new else "changed"
            found.append(f"{label} #{pk} {verb}")
    return found
