"""Test settings: the base settings with fast hashing and captured mail.

Without DATABASE_URL the tests use SQLite; with it (CI) PostgreSQL.
Celery is never switched to eager mode: task bodies are plain functions
tested directly, and a few integration tests start a real worker.
"""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=False)

# A file-based SQLite test database, so a real worker process started by a
# test (tests/matching/test_worker_kill.py) can open the same database. One
# file per pytest process: several engineers' runs must not share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    import os as _os

    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{_os.getpid()}.sqlite3")}
# Worker tests give their worker a private queue, so another worker on the
# same broker never takes their tasks (and the worker's chords stay on it).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Webhook tests deliver to a receiver on 127.0.0.1 over plain http.
WEBHOOK_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
WEBHOOK_ALLOW_HTTP = True
# A crash test's worker gets a shorter one (its claims' lease is twice this).
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=3.0)
