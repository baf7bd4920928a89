"""Shared fixtures.

Services: tests marked ``postgres`` / ``redis`` run where ``DATABASE_URL`` /
``REDIS_URL`` are set and are skipped otherwise, unless
``REQUIRE_SERVICES=1``, which turns a missing service into a failure (CI).
Browser tests use Debian's Chromium through Playwright; they are skipped
when it is not installed, again unless ``REQUIRE_SERVICES=1``.
"""

import os
import shutil
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-results"


def _missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            _missing("needs PostgreSQL: set DATABASE_URL")
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        _missing("needs Redis: set REDIS_URL")
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        _missing(f"needs Chromium at {CHROMIUM}")


@pytest.fixture(autouse=True)
def _isolated_cache(settings, tmp_path):
    """Each test gets its own cache so rate limits never leak between tests."""
    if os.environ.get("REDIS_URL"):
        # A fresh key prefix isolates the test without flushing the shared
        # Redis database (the broker of a worker test may live there).
        settings.CACHES = {
            "default": {
                "BACKEND": "mentorship.cache.PrefixScopedRedisCache",
                "LOCATION": os.environ["REDIS_URL"],
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            }
        }
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    settings.CACHES = {
        **settings.CACHES,
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"fragments-{uuid.uuid4().hex}",
            "OPTIONS": {"MAX_ENTRIES": 300},
        },
    }
    yield


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Give transactional tests the rows the data migrations seeded.

    A transactional test ends by flushing every table, which also removes
    the occupations, languages and skill taxonomy that migration
    ``profiles.0003`` inserted. pytest-django runs transactional tests after
    the others, so only they can see the flushed state: restore it first.
    """
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        from profiles.models import Language
        from profiles.reference_data import seed_reference_data

        if not Language.objects.exists():
            seed_reference_data()
    yield


@pytest.fixture
def artifacts_dir() -> Path:
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    """A headless system Chromium driven by Playwright (no browser download)."""
    if not shutil.which(CHROMIUM):
        _missing(f"needs Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def is_csp_violation(text: str) -> bool:
    """Chromium's console message for anything the Content-Security-Policy refused."""
    return "Content Security Policy" in text or "Content-Security-Policy" in text


@pytest.fixture
def page(browser, live_server):
    """A browser page; any Content-Security-Policy violation on it fails the test.

    The site's CSP forbids inline script (docs/security.md "Headers"): a page
    that still relied on one would silently lose its behaviour, so every
    browser test doubles as a CSP check.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if is_csp_violation(message.text)
            else None
        ),
    )
    page.csp_violations = violations
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's ``admin_client``, with a second factor passed in the session:
    the admin requires it (safety.middleware)."""
    from tests.factories import staff_login

    staff_login(client, admin_user)
    return client
