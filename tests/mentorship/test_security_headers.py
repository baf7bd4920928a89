"""Response headers (docs/security.md "Headers").

* A Content-Security-Policy without ``unsafe-inline`` (or eval) for scripts on
  every page, and no template or rendered page that needs one: no inline
  ``<script>``, no ``on*=`` handler, no ``javascript:`` URL. (Every browser
  test also fails on a CSP violation in the console: tests/conftest.py.)
* ``Cache-Control: no-store`` on every response to a signed-in person and on
  every API, account and admin response; public pages stay cacheable.
* A Permissions-Policy on every response.
* Production settings: ``check --deploy`` clean, secure cookies, HSTS.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import (
    MentoringSessionFactory,
    MentorshipFactory,
    make_mentee,
    make_mentor,
    verify_email,
)

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "mentorship.settings.production",
    "DJANGO_SECRET_KEY": "check-deploy-dummy-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "mentorship.example.org",
    "SITE_URL": "https://mentorship.example.org",
    "DATABASE_URL": "postgres://user:pass@127.0.0.1:5432/mentorship",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.I | re.S)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


class ScriptFinder(HTMLParser):
    """Inline scripts, event-handler attributes and javascript: URLs in a page."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        json_data = (attrs.get("type") or "").lower() == "application/json"
        if tag == "script" and not attrs.get("src") and not json_data:
            self.problems.append(f"inline <script {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            url_attribute = name in {"href", "src", "action", "formaction"}
            if url_attribute and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")


# --- templates -------------------------------------------------------------


def _templates():
    for directory in TEMPLATE_DIRS:
        yield from sorted(directory.rglob("*.html"))


def test_the_template_walk_sees_the_templates():
    names = {p.name for p in _templates()}
    assert {"base.html", "workspace.html", "directory.html"} <= names


def test_no_template_holds_inline_script_handlers_or_javascript_urls():
    problems = []
    for path in _templates():
        text = path.read_text()
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script>"),
            (EVENT_ATTRIBUTE, "on* attribute"),
            (JAVASCRIPT_URL, "javascript: URL"),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert problems == []


def test_the_template_checks_catch_what_they_look_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/app.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script id="d" type="application/json">{}</script>')
    assert EVENT_ATTRIBUTE.search('<form method="post" onsubmit="return confirm()">')
    assert EVENT_ATTRIBUTE.search('<input\n  onfocus="this.select()">')
    assert not EVENT_ATTRIBUTE.search('<form data-confirm="Go on?">')


# --- the policy on responses -------------------------------------------------


@pytest.mark.django_db
def test_content_security_policy_refuses_inline_script(client):
    response = client.get(reverse("home"))
    directives = _directives(response["Content-Security-Policy"])

    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    # Styles may be inline (docs/security.md explains why); scripts never.
    assert "'unsafe-inline'" not in directives["script-src"]
    assert not any("http" in src for src in directives["script-src"])


@pytest.fixture
def pair(db):
    mentor = make_mentor(verified=True)
    mentee = make_mentee(verified=True)
    mentorship = MentorshipFactory(mentor=mentor, mentee=mentee)
    session = MentoringSessionFactory(mentor=mentor, mentee=mentee)
    return mentor, mentee, mentorship, session


def _simple_get_urls() -> list[str]:
    """Every URL pattern of the project's own apps that takes no argument."""
    urls = []

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                if p.namespace in {"admin"} or str(p.pattern).startswith("accounts/"):
                    continue
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name and not p.pattern.converters:
                if "<" in str(p.pattern) or "(" in str(p.pattern):
                    continue
                urls.append(reverse(f"{namespace}{p.name}"))

    walk(get_resolver().url_patterns, "", "")
    return sorted(set(urls))


def _pages_of(pair) -> list[str]:
    mentor, mentee, mentorship, session = pair
    return [
        *_simple_get_urls(),
        reverse("profiles:profile_detail", args=[mentor.profile.public_id]),
        reverse("matching:mentorship_detail", args=[mentorship.pk]),
        reverse("sessions:session_detail", args=[session.pk]),
        reverse("matching:mentor_request", args=[mentor.profile.public_id]),
        reverse("account_email"),
        reverse("account_change_password"),
    ]


def test_every_signed_in_page_has_the_headers_and_no_inline_script(client, pair):
    mentor, mentee, *_ = pair
    verify_email(mentee)
    client.force_login(mentee)
    checked = 0
    problems = []
    for url in _pages_of(pair):
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        cache = response.get("Cache-Control", "")
        if "no-store" not in cache:
            problems.append(f"{url}: Cache-Control {cache!r}")
        if "Permissions-Policy" not in response:
            problems.append(f"{url}: no Permissions-Policy")
        if response.get("Content-Type", "").startswith("text/html") and response.status_code == 200:
            if "Content-Security-Policy" not in response:
                problems.append(f"{url}: no Content-Security-Policy")
            finder = ScriptFinder()
            finder.feed(response.content.decode())
            problems += [f"{url}: {p}" for p in finder.problems]
            checked += 1
    assert problems == []
    assert checked >= 20, "the walk reached too few pages to mean anything"


def test_the_rendered_page_check_catches_inline_script():
    finder = ScriptFinder()
    finder.feed(
        '<script>x()</script><a href=" JavaScript:x()">a</a><b onclick="x()">b</b>'
        '<script src="/s.js"></script><script type="application/json">{}</script>'
    )
    assert len(finder.problems) == 3


@pytest.mark.django_db
def test_public_pages_may_be_cached_but_carry_the_permissions_policy(client):
    response = client.get(reverse("home"))
    assert "no-store" not in response.get("Cache-Control", "")
    assert response["Permissions-Policy"] == settings.PERMISSIONS_POLICY
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/password/reset/", "/api/v1/", "/scim/v2/Users"]
)
def test_account_and_api_responses_are_never_stored(client, url):
    response = client.get(url)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_signed_in_not_found_page_is_not_stored_either(client):
    user = make_mentee(verified=True)
    client.force_login(user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]


def test_static_files_stay_cacheable(settings, pair):
    # WhiteNoise serves them before the session is read, signed in or not
    # (here from the finders: the tests do not collect static files).
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()
    client.force_login(pair[0])
    response = client.get(settings.STATIC_URL + "js/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- production settings -------------------------------------------------------


def _production(code: str) -> str:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is for this process only.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(PROD_ENV)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_production_settings_pass_check_deploy():
    out = _production(
        "import django, sys; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    assert "no issues" in out


def test_production_settings_secure_cookies_and_hsts():
    out = _production(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT,"
        " 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE)"
    )
    assert out.split() == ["True"] * 7
