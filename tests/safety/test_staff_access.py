"""Every staff URL refuses anonymous people, members and staff without its permission.

Driven by the URL resolver, so a staff page added later is covered without
editing this file: any route with "staff" in it must be wrapped in
``safety.access.staff_permission_required`` (the wrapper marks the view).
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import MODERATOR, PROGRAMME_MANAGER, UserFactory, staff_login, staff_user

pytestmark = pytest.mark.django_db

CONVERTER_VALUES = {"int": "1", "uuid": str(uuid.UUID(int=1)), "slug": "x", "str": "x", "path": "x"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def _path(route: str) -> str:
    def fill(match):
        converter = match.group(1) or "str"
        return CONVERTER_VALUES[converter]

    path = re.sub(r"<(?:(\w+):)?\w+>", fill, route)
    return "/" + path.lstrip("^").rstrip("$")


def staff_routes():
    return [
        (route, callback)
        for route, callback in _walk(get_resolver().url_patterns)
        if not route.startswith("admin/")
        and ("staff" in route or hasattr(callback, "staff_permission"))
    ]


def test_every_staff_route_is_guarded():
    routes = staff_routes()
    assert len(routes) >= 20  # matching's programme pages and safety's moderation pages
    unguarded = [route for route, callback in routes if not hasattr(callback, "staff_permission")]
    assert unguarded == []


@pytest.mark.parametrize(
    ("route", "callback"),
    staff_routes(),
    ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", "view"),
)
def test_staff_route_refuses_everyone_without_the_permission(client, route, callback):
    path = _path(route)
    perm = callback.staff_permission
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code == 302, (method, path)
        assert response["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())  # a member
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    client.force_login(UserFactory(is_staff=True))  # staff with no permission at all
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    # Staff in the other role, even with a second factor, are refused too.
    other_role = MODERATOR if perm.startswith("matching.") else PROGRAMME_MANAGER
    staff_login(client, staff_user(other_role))
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


@pytest.mark.parametrize(
    ("route", "callback"),
    staff_routes(),
    ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", "view"),
)
def test_staff_route_needs_a_second_factor_in_this_session(client, route, callback):
    role = PROGRAMME_MANAGER if callback.staff_permission.startswith("matching.") else MODERATOR
    client.force_login(staff_user(role))  # the right role, but a password-only session
    response = client.get(_path(route))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/?next=")


def test_denials_are_audited(client):
    from safety.models import AuditLog

    member = UserFactory()
    client.force_login(member)
    client.get("/safety/staff/")
    row = AuditLog.objects.get(action=AuditLog.Action.PERMISSION_DENIED)
    assert row.actor_id == member.pk and "safety.moderate" in row.summary


def test_the_migration_created_both_roles_with_their_permissions():
    import importlib

    from django.contrib.auth.models import Group

    from safety.roles import ROLES

    migration = importlib.import_module("safety.migrations.0002_staff_roles_and_audit_trigger")
    assert migration.ROLES == ROLES  # the frozen copy matches the live table
    for name, perms in ROLES.items():
        held = set(
            Group.objects.get(name=name).permissions.values_list(
                "content_type__app_label", "codename"
            )
        )
        assert held == set(perms), name
