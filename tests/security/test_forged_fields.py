"""Forged fields: what a form does not offer changes nothing.

For every POST route of the policy table, as a person allowed to use it, the
test finds the route's form on its page (or the pages that hold its
buttons), fills it in as a browser would submit it, and posts it twice from
the same state (each post rolled back): once as the form is, once with forged
fields added — status, capacity, owner / user / mentor / mentee / author
ids (another mentor's among them), ``is_staff``, ``is_superuser``,
``public_id``, email, role, visibility... — fields the form does not have.
The two resulting databases must be the same: existing rows column by
column, new rows by everything that is not a timestamp or random.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter

import html5lib
import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models, transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import ARTIFACTS
from tests.factories import make_mentor, staff_login

from .cast import ANONYMOUS, MANAGER, MENTEE, MENTOR, MODERATOR_ACTOR, STAFF_ACTORS, build_cast
from .matrix import HOSTILE_POST, SKIP_MODELS, body_text, url_of, walk
from .policies import LOGIN, OBJECT, STAFF, policy_for

pytestmark = pytest.mark.django_db

#: Never posted: they end the session or the account, whatever the form holds.
NOT_POSTED = {"account_logout", "profiles:data_delete", "admin_login_redirect"}
PREFERRED = (MENTEE, MENTOR, MODERATOR_ACTOR, MANAGER)
NEW_ROW_SKIP = {"mentorship.notification", "safety.auditlog"}


def forged_fields(cast, other_mentor) -> dict:
    other = str(other_mentor.pk)
    return {
        "status": "accepted",
        "capacity": "99",
        "slot": "9",
        "owner": other,
        "owner_id": other,
        "user": other,
        "user_id": other,
        "mentor": other,
        "mentor_id": other,
        "mentee": other,
        "mentee_id": other,
        "author": other,
        "author_id": other,
        "recipient": other,
        "recipient_id": other,
        "reporter": other,
        "blocker": other,
        "created_by": other,
        "mentorship": str(cast.mentorship.pk + 1000),
        "session": str(cast.session.pk + 1000),
        "goal": str(cast.goal.pk + 1000),
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "on",
        "is_hidden": "on",
        "is_private": "on",
        "public_id": str(uuid.uuid4()),
        "email": "forged@example.org",
        "role": "both",
        "visibility": "public",
        "onboarded_at": "2000-01-01T00:00",
        "accepted_at": "2000-01-01T00:00",
        "expires_at": "2999-01-01T00:00",
        "score": "1.0",
        "rank": "1",
        "token": "forged",
        "id": "1",
        "pk": "1",
    }


# --- The form a browser would submit ------------------------------------------------------


def forms_in(html: str) -> list:
    document = html5lib.parse(html, namespaceHTMLElements=False)
    return [f for f in document.iter("form") if f.get("method", "get").lower() == "post"]


def form_data(form) -> dict:
    data: dict[str, list[str]] = {}
    for element in form.iter():
        name = element.get("name") if isinstance(element.tag, str) else None
        if not name:
            continue
        if element.tag == "input":
            kind = element.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    data.setdefault(name, []).append(element.get("value", "on"))
                elif kind == "radio" and name not in data:
                    data[name] = [element.get("value", "on")]  # pick the first choice
            elif kind not in ("submit", "button", "file", "image", "reset"):
                data.setdefault(name, []).append(element.get("value", ""))
        elif element.tag == "textarea":
            data.setdefault(name, []).append(element.text or "")
        elif element.tag == "select":
            options = list(element.iter("option"))
            chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            data[name] = [o.get("value", o.text or "") for o in chosen]
    # Empty text a required field would refuse: something a person could have typed.
    for name, values in data.items():
        if values == [""] and name in HOSTILE_POST:
            data[name] = [HOSTILE_POST[name]]
    return data


def form_for(html: str, url: str) -> dict | None:
    for form in forms_in(html):
        if form.get("action", url) in (url, ""):
            return form_data(form)
    return None


# --- State: existing rows by column, new rows by what is not time or chance -----------


def _columns(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if not isinstance(f, models.DateTimeField | models.DateField | models.UUIDField)
    ]


def state(existing: dict) -> tuple[dict, dict]:
    rows, new = {}, {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in SKIP_MODELS or model._meta.proxy:
            continue
        fields = _columns(model)
        names = [f.attname for f in fields]
        pks = existing.get(label, set())
        rows[label] = {}
        signatures = Counter()
        for row in model._default_manager.values_list("pk", *names):
            if row[0] in pks:
                rows[label][row[0]] = row[1:]
            elif label not in NEW_ROW_SKIP:
                signature = tuple(
                    value
                    for f, value in zip(fields, row[1:], strict=True)
                    if not f.primary_key and not (f.has_default() and callable(f.default))
                )
                signatures[signature] += 1
        new[label] = signatures
    return rows, new


def existing_pks() -> dict:
    return {
        model._meta.label_lower: set(model._default_manager.values_list("pk", flat=True))
        for model in apps.get_models()
        if model._meta.label_lower not in SKIP_MODELS and not model._meta.proxy
    }


def posted(client, url, data, existing) -> tuple[int, tuple]:
    cache.clear()  # rate limits must not tell the two posts apart
    with transaction.atomic():
        response = client.post(url, data)
        result = state(existing)
        transaction.set_rollback(True)
    return response.status_code, result


def diff(a: tuple, b: tuple) -> list[str]:
    found = []
    for label in a[0]:
        for pk in a[0][label].keys() | b[0][label].keys():
            if a[0][label].get(pk) != b[0][label].get(pk):
                found.append(f"{label} #{pk}")
        if a[1][label] != b[1][label]:
            found.append(f"{label}: new rows differ")
    return found


@pytest.mark.timeout(900)
def test_forged_fields_change_nothing():
    cast = build_cast()
    other_mentor = make_mentor(email="other-mentor@sec.example.org")
    forged = forged_fields(cast, other_mentor)
    clients = {}

    def client_for(actor):
        if actor not in clients:
            client = Client()
            user = cast.users[actor]
            staff_login(client, user) if actor in STAFF_ACTORS else client.force_login(user)
            clients[actor] = client
        return clients[actor]

    hubs = {
        MENTEE: [
            reverse("matching:request_detail", args=[cast.request.pk]),
            reverse("sessions:session_detail", args=[cast.session.pk]),
            reverse("sessions:session_detail", args=[cast.past_session.pk]),
            reverse("matching:mentorship_detail", args=[cast.mentorship.pk]),
            reverse("profiles:goal_detail", args=[cast.goal.pk]),
            reverse("community:question_detail", args=[cast.question.pk]),
            reverse("matching:suggestions"),
            reverse("notifications"),
        ],
        MENTOR: [
            reverse("matching:request_detail", args=[cast.request.pk]),
            reverse("sessions:session_detail", args=[cast.session.pk]),
            reverse("matching:mentorship_detail", args=[cast.mentorship.pk]),
            reverse("safety:blocks"),
            reverse("community:question_detail", args=[cast.question.pk]),
        ],
        MODERATOR_ACTOR: [
            reverse("safety:staff_case", args=[cast.mentor.pk]),
            reverse("safety:staff_suspensions"),
            reverse("sessions:staff_flags"),
        ],
        MANAGER: [reverse("matching:staff_cohort_detail", args=[cast.cohort_run.pk])],
    }
    hub_html = {
        a: [client_for(a).get(u).content.decode() for u in urls] for a, urls in hubs.items()
    }

    tried, effective, problems, formless = 0, 0, [], []
    for route in walk():
        policy = policy_for(route.key)
        if route.namespace == "admin" or route.key in NOT_POSTED:
            continue
        if policy.kind not in (LOGIN, OBJECT, STAFF):
            continue
        if policy.api:  # JSON, no form to fill in: the API's serializers name their fields
            continue
        actor = next((a for a in PREFERRED if policy.kind == LOGIN or a in policy.allow), None)
        if actor is None or actor == ANONYMOUS:
            continue
        url = url_of(route, policy.kwargs(cast))
        query = policy.query(cast) if policy.query else {}
        full = url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
        client = client_for(actor)
        page = client.get(full)
        html = page.status_code == 200 and "html" in page.get("Content-Type", "")
        pages = [body_text(page)] if html else []
        data = next(
            (d for html in pages + hub_html.get(actor, []) if (d := form_for(html, url))), None
        )
        if data is None:
            formless.append(route.key)
            continue
        data = {**query, **data}
        extra = {k: v for k, v in forged.items() if k not in data}
        existing = existing_pks()
        before = state(existing)
        status_plain, plain = posted(client, full, data, existing)
        status_forged, with_forged = posted(client, full, {**data, **extra}, existing)
        tried += 1
        effective += bool(diff(before, plain))
        found = diff(plain, with_forged)
        if found or status_plain != status_forged:
            problems.append(f"{route.key} as {actor}: {status_plain}/{status_forged} {found}")

    figures = {
        "forms_posted": tried,
        "forms_that_changed_rows": effective,
        "forged_fields": len(forged),
        "changes_from_forged_fields": len(problems),
        "post_routes_without_a_form": len(formless),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "security-forged-fields.json").write_text(
        json.dumps({**figures, "problems": problems, "formless": formless}, indent=2)
    )
    assert problems == []
    assert effective >= 20  # the forms were really filled in: most of them changed something
