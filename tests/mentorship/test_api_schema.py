"""schemathesis against /api/schema/ on a live server, signed in with a token.

The schema is built at import (pytest-django has set Django up by then) by the
same generator that serves /api/schema/ — schemathesis's lazy fixture loader
does not run on pytest 9 — and ``test_live_schema_is_the_tested_one`` checks
the live server serves exactly that document.

Every operation of the OpenAPI schema gets a few generated requests (bounded:
``max_examples`` is small so the suite stays fast); no answer may be a server
error, use an undocumented status code, or break its documented schema.
Long work is not queued (the tasks' ``delay`` is replaced): the live server
runs in this process, so the patch reaches it.
"""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from safety.roles import PROGRAMME_MANAGER
from tests.factories import (
    GoalFactory,
    MatchRequestFactory,
    MentorshipFactory,
    SuggestionFactory,
    api_token,
    make_mentee,
    make_mentor,
    staff_user,
)

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _schema_document() -> dict:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


DOCUMENT = _schema_document()


@pytest.fixture
def server(live_server, monkeypatch):
    from matching import tasks as matching_tasks
    from mentorship import tasks as core_tasks

    for task in (matching_tasks.run_full_scoring, matching_tasks.cohort_preview):
        monkeypatch.setattr(task, "delay", lambda *a, **k: None)
    monkeypatch.setattr(core_tasks.webhook_deliver, "delay", lambda *a, **k: None)
    return live_server.url


@pytest.fixture
def token(transactional_db):
    # A programme manager who is also a mentee with a little history, so some
    # generated ids find real rows and the staff endpoints are reachable.
    staff = staff_user(PROGRAMME_MANAGER)
    mentee = make_mentee()
    mentor = make_mentor()
    for pk_owner in (staff,):
        GoalFactory(owner=pk_owner)
    SuggestionFactory(mentee=mentee, mentor=mentor)
    MatchRequestFactory(mentee=mentee, mentor=mentor)
    MentorshipFactory(mentee=mentee, mentor=make_mentor())
    return api_token(staff, "write")


schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_live_schema_is_the_tested_one(server):
    import requests

    served = requests.get(
        f"{server}/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}, timeout=10
    )
    assert served.status_code == 200
    assert served.json() == DOCUMENT
    assert DOCUMENT["openapi"] == "3.1.0"


def test_api_conforms_to_its_schema(server, token):
    """Every operation, a few generated cases each, in one test (one database flush)."""
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=4,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(
                base_url=server, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
            )

        try:
            check()
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - reported below
            failures.append(f"{operation.method.upper()} {operation.path}: {str(failure)[:1500]}")
    assert operations == sum(
        1 for item in DOCUMENT["paths"].values() for method in item if method != "parameters"
    )
    assert operations >= 40
    assert failures == [], "\n\n".join(failures)
