"""The skeleton: apps, user model, settings per mode, healthz, staff MFA."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.urls import reverse

from mentorship import views

ROOT = Path(__file__).resolve().parents[2]


def test_both_sessions_apps_load_with_distinct_labels():
    assert apps.get_app_config("sessions").name == "django.contrib.sessions"
    mentoring = apps.get_app_config("mentoring_sessions")
    assert mentoring.name == "sessions"
    assert mentoring.verbose_name == "Mentoring sessions"


def test_custom_user_model_uses_email_as_login():
    User = get_user_model()
    assert settings.AUTH_USER_MODEL == "profiles.User"
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(User, "username") or User.username is None


@pytest.mark.django_db
def test_create_user_normalises_email_and_refuses_case_duplicates():
    User = get_user_model()
    user = User.objects.create_user("Ann.Lee@Example.ORG", "pw-123456789")
    assert user.email == "ann.lee@example.org"
    assert user.check_password("pw-123456789")
    with pytest.raises(IntegrityError):
        User.objects.create(email="ANN.LEE@example.org")


@pytest.mark.django_db
def test_create_superuser_is_staff():
    admin = get_user_model().objects.create_superuser("root@example.org", "pw-123456789")
    assert admin.is_staff and admin.is_superuser


def test_cache_is_real_never_dummy():
    assert "DummyCache" not in settings.CACHES["default"]["BACKEND"]


def _settings_in_subprocess(env_extra: dict, expression: str, module="mentorship.settings.base"):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(env_extra)
    code = f"import json, {module} as s; print(json.dumps({expression}, default=str))"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_mode_uses_sqlite_wal_and_filesystem_broker(tmp_path):
    figures = _settings_in_subprocess(
        {"VAR_DIR": str(tmp_path)},
        "[s.DATABASES['default'], s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND']]",
    )
    database, broker, cache_backend = figures
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["timeout"] >= 5
    assert broker == "filesystem://"
    assert cache_backend.endswith("FileBasedCache")


def test_services_mode_uses_postgres_and_redis(tmp_path):
    database, broker, cache_backend, options = _settings_in_subprocess(
        {
            "VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        },
        "[s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'],"
        " s.CELERY_BROKER_TRANSPORT_OPTIONS]",
    )
    assert database == "django.db.backends.postgresql"
    assert broker == "redis://127.0.0.1:6379/3"
    assert cache_backend.endswith("RedisCache")
    assert options["visibility_timeout"] >= 600


def test_linkedin_is_enabled_only_with_credentials(tmp_path):
    off = _settings_in_subprocess({"VAR_DIR": str(tmp_path)}, "s.SOCIALACCOUNT_PROVIDERS")
    assert off == {}
    on = _settings_in_subprocess(
        {
            "VAR_DIR": str(tmp_path),
            "LINKEDIN_OIDC_CLIENT_ID": "abc",
            "LINKEDIN_OIDC_SECRET": "xyz",
        },
        "s.SOCIALACCOUNT_PROVIDERS",
    )
    app = on["openid_connect"]["APPS"][0]
    assert app["provider_id"] == "linkedin"
    assert app["settings"]["server_url"] == "https://www.linkedin.com/oauth"


def test_production_settings_require_mfa_for_staff_and_https(tmp_path):
    figures = _settings_in_subprocess(
        {
            "VAR_DIR": str(tmp_path),
            "DJANGO_SECRET_KEY": "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "example.org",
            "SITE_URL": "https://example.org/",
            "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
        "[s.MFA_REQUIRED_FOR_STAFF, s.SESSION_COOKIE_SECURE, s.DEBUG, s.SITE_URL]",
        module="mentorship.settings.production",
    )
    assert figures == [True, True, False, "https://example.org"]


@pytest.mark.django_db
def test_healthz_reports_every_service(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


@pytest.mark.django_db
def test_healthz_is_503_and_names_the_failing_part(client, monkeypatch):
    def broken():
        raise ConnectionError("nobody home")

    monkeypatch.setitem(views.HEALTH_CHECKS, "cache", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["cache"] == "error: ConnectionError"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_detects_an_unreachable_broker(client, settings):
    from mentorship.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


@pytest.mark.django_db
def test_staff_without_totp_is_sent_to_enrolment_when_required(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    User = get_user_model()
    staff = User.objects.create_user("staff@example.org", "pw-123456789", is_staff=True)
    member = User.objects.create_user("member@example.org", "pw-123456789")

    client.force_login(member)
    assert client.get(reverse("dashboard")).status_code == 200

    client.force_login(staff)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The enrolment page itself stays reachable.
    assert client.get(reverse("mfa_activate_totp")).status_code in {200, 302}

    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={})
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_staff_mfa_not_required_when_setting_off(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    staff = get_user_model().objects.create_user("s2@example.org", "pw-123456789", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_demo_logins_are_idempotent_and_verified():
    from allauth.account.models import EmailAddress

    from profiles.demo import DEMO_LOGINS, demo_logins_ensure

    demo_logins_ensure()
    demo_logins_ensure()
    User = get_user_model()
    assert User.objects.count() == len(DEMO_LOGINS)
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == len(DEMO_LOGINS)
    admin = User.objects.get(email=DEMO_LOGINS[0].email)
    assert admin.is_staff and admin.check_password(DEMO_LOGINS[0].password)
