"""The audit log: append-only, safe text, addresses behind proxies, filters and CSV."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from safety.models import AuditLog, AuditLogImmutable
from safety.services import audit_record, clean_text
from safety.views_staff import csv_cell
from tests.factories import UserFactory

from .helpers import moderator

pytestmark = pytest.mark.django_db


def test_rows_cannot_be_changed_or_deleted_through_the_orm():
    row = audit_record(action=AuditLog.Action.BLOCK, summary="x")
    row.summary = "changed"
    with pytest.raises(AuditLogImmutable):
        row.save()
    with pytest.raises(AuditLogImmutable):
        row.delete()
    with pytest.raises(AuditLogImmutable):
        AuditLog.objects.all().update(summary="changed")
    with pytest.raises(AuditLogImmutable):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get().summary == "x"


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete_even_in_raw_sql():
    from django.db import transaction
    from django.db.utils import InternalError

    audit_record(action=AuditLog.Action.BLOCK, summary="x")
    for sql in ("UPDATE safety_auditlog SET summary = 'y'", "DELETE FROM safety_auditlog"):
        with (
            pytest.raises(InternalError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditLog.objects.get().summary == "x"


def test_text_is_one_safe_line():
    forged = "Ann\n2026-01-01 00:00:00 sign_in admin\r\x1b[31m\u202eevil\ttab"
    assert clean_text(forged) == "Ann 2026-01-01 00:00:00 sign_in admin [31m evil tab"
    assert len(clean_text("x" * 900)) == 500
    row = audit_record(action=AuditLog.Action.WARNING, summary=forged)
    assert "\n" not in row.summary and "\x1b" not in row.summary


def test_address_respects_the_trusted_proxy_count(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert audit_record(action="block", request=request).ip_address == "10.0.0.1"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert audit_record(action="block", request=request).ip_address == "203.0.113.7"


def test_sign_in_failure_names_no_email(client):
    client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "x"})
    row = AuditLog.objects.get(action=AuditLog.Action.SIGN_IN_FAILED)
    assert row.target_type == "unknown account" and "nobody" not in row.summary


def test_staff_filter_and_export_csv(client):
    mod = moderator(client)
    target = UserFactory(email="eve@example.org")
    audit_record(action=AuditLog.Action.WARNING, actor=mod, target=target, summary="=HYPERLINK()")
    audit_record(action=AuditLog.Action.BLOCK, summary="other")
    page = client.get(reverse("safety:staff_audit"), {"action": "warning"}).content.decode()
    assert "eve@example.org" in page and "other" not in page
    page = client.get(reverse("safety:staff_audit"), {"person": "eve@example.org"}).content.decode()
    assert "=HYPERLINK()" in page
    response = client.get(reverse("safety:staff_audit_csv"), {"action": "warning"})
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("time_utc,action,actor_id,actor")
    assert len(lines) == 2 and ",warning," in lines[1] and "'=HYPERLINK()" in lines[1]
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    assert csv_cell("+1") == "'+1" and csv_cell("ok") == "ok"


def test_data_export_and_account_deletion_are_recorded(client):
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("profiles:data_download"))
    assert AuditLog.objects.filter(action="data_export", actor_id=user.pk).exists()


def test_admin_cannot_change_audit_rows(admin_client):
    row = audit_record(action=AuditLog.Action.BLOCK)
    assert admin_client.get(reverse("admin:safety_auditlog_changelist")).status_code == 200
    change = admin_client.post(reverse("admin:safety_auditlog_change", args=[row.pk]), {})
    assert change.status_code in (302, 403) or b"readonly" in change.content
    assert (
        admin_client.post(
            reverse("admin:safety_auditlog_delete", args=[row.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_account_deletion_is_recorded_without_the_address(client):
    from allauth.account.models import EmailAddress

    from tests.factories import PASSWORD

    user = UserFactory(email="gone@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user_id = user.pk
    client.force_login(user)
    response = client.post(
        reverse("profiles:data_delete"), {"password": PASSWORD, "confirm": user.email}
    )
    assert response.status_code == 302
    row = AuditLog.objects.get(action=AuditLog.Action.ACCOUNT_DELETED)
    assert row.actor_id == user_id and row.target_user_id == user_id
    assert not AuditLog.objects.filter(summary__icontains="gone@example.org").exists()


def test_a_suspended_htmx_click_redirects_the_whole_page(client):
    from safety import services

    from .helpers import make_mentee

    person = make_mentee()
    services.suspension_create(moderator=moderator(), user=person, reason="Spam.")
    client.force_login(person)
    response = client.get(reverse("dashboard"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("account_login")
