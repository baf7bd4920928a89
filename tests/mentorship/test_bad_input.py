"""NUL and other control characters never cost a 500 (docs/security.md "Bad input").

* NUL anywhere (path, query, form field or name, JSON body) and any control
  character in the address: a 400 page saying why, before a view or the
  database sees it (PostgreSQL refuses NUL in text: several search pages
  answered 500). Walked over every argument-free page of the project, with
  the query parameters the pages read.
* Other control characters in a form field: stripped by the shared form base
  (``mentorship.forms``), line breaks too in single-line fields.
"""

from __future__ import annotations

import contextlib

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from mentorship.forms import TextCleaningMixin
from mentorship.text import clean_text, header_text
from profiles.forms import GoalForm
from profiles.models import Goal
from tests.factories import PROGRAMME_MANAGER, make_mentee, make_mentor, staff_login, staff_user

pytestmark = pytest.mark.django_db

# The parameters the list and search pages read (directory, questions,
# suggestions, audit log, skill and occupation search, notifications).
PARAMETERS = [
    "q",
    "skill",
    "skills",
    "industry",
    "language",
    "tz",
    "format",
    "sort",
    "page",
    "status",
    "kind",
    "actor",
    "action",
    "overlap",
    "next",
]


def _argument_free_urls() -> list[str]:
    urls = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin" or getattr(p.pattern, "converters", None):
                    continue
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name and not p.pattern.converters:
                # (an include that takes arguments does not reverse)
                with contextlib.suppress(NoReverseMatch):
                    urls.append(reverse(f"{namespace}{p.name}"))

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


@pytest.fixture
def member_client(client):
    make_mentor(verified=True)
    client.force_login(make_mentee(verified=True))
    return client


def test_nul_in_any_query_parameter_of_any_page_is_a_400(member_client):
    urls = _argument_free_urls()
    assert len(urls) > 30
    wrong = []
    for url in urls:
        for name in PARAMETERS:
            response = member_client.get(url, {name: "py\x00thon"})
            if response.status_code != 400:
                wrong.append(f"{url}?{name}=NUL: {response.status_code}")
    assert wrong == []


def test_the_400_page_says_what_was_wrong(member_client):
    response = member_client.get(reverse("profiles:directory"), {"q": "a\x00"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x08", "\x7f", "\x85"])
def test_control_characters_in_the_address_are_a_400(member_client, char):
    response = member_client.get(reverse("community:question_list"), {"q": f"x{char}y"})
    assert response.status_code == 400
    response = member_client.get(reverse("profiles:directory"), {f"q{char}": "x"})
    assert response.status_code == 400


def test_tabs_and_ordinary_text_in_the_address_pass(member_client):
    response = member_client.get(reverse("profiles:directory"), {"q": "data\tscience ünïcode"})
    assert response.status_code == 200


def test_nul_in_the_path_is_a_400(client):
    assert client.get("/people/%00/").status_code == 400
    assert client.get("/questions/%00").status_code == 400


@pytest.mark.parametrize("where", ["value", "name"])
def test_nul_in_a_form_field_is_a_400_and_nothing_is_written(member_client, where):
    data = {"title": "Lead a team", "description": "x"}
    if where == "value":
        data["title"] = "Lead\x00 a team"
    else:
        data["ti\x00tle"] = "x"
    goals = Goal.objects.count()
    response = member_client.post(reverse("profiles:goal_list"), data)
    assert response.status_code == 400
    assert Goal.objects.count() == goals


def test_nul_in_a_json_body_is_a_400(member_client):
    for body in ('{"q": "a\\u0000b"}', '{"q": "a\x00b"}'):
        response = member_client.post(
            reverse("profiles:goal_list"), body, content_type="application/json"
        )
        assert response.status_code == 400
    # An escaped backslash followed by "u0000" is text, not NUL.
    response = member_client.post(
        reverse("profiles:goal_list"), '{"q": "a\\\\u0000b"}', content_type="application/json"
    )
    assert response.status_code != 400


def test_staff_search_pages_answer_400_to_nul(client):
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    for url in (reverse("safety:staff_audit"), reverse("matching:staff_people_options")):
        assert client.get(url, {"q": "\x00"}).status_code == 400


# --- forms strip the other control characters -----------------------------------


def test_a_submitted_goal_loses_control_characters_and_its_title_line_breaks(member_client):
    response = member_client.post(
        reverse("profiles:goal_list"),
        {"title": "Lead\r\nmy\x0bteam\x1b[31m", "description": "Why:\r\nit\x07 matters\x9b"},
    )
    assert response.status_code == 302
    goal = Goal.objects.latest("pk")
    assert goal.title == "Lead my team[31m"
    assert goal.description == "Why:\r\nit matters"


def test_form_cleaning_keeps_line_breaks_only_in_text_areas():
    form = GoalForm(data={"title": "a\nb", "description": "c\nd\x00e"})
    form.is_valid()
    assert form.cleaned_data["title"] == "a b"
    # NUL: Django's own validator gives a field error (the middleware 400 comes first).
    assert "description" in form.errors


def test_every_project_form_cleans_text():
    from django import forms

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    project = ("mentorship.", "profiles.", "safety.", "matching.", "sessions.", "community.")
    forms_of_project = {
        cls
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.startswith(project) and cls.__name__ not in {"Form", "ModelForm"}
    }
    assert len(forms_of_project) >= 30
    not_cleaning = sorted(
        f"{cls.__module__}.{cls.__name__}"
        for cls in forms_of_project
        if not issubclass(cls, TextCleaningMixin)
    )
    assert not_cleaning == []


@pytest.mark.parametrize(
    ("value", "multiline", "expected"),
    [
        ("plain", False, "plain"),
        ("two\nlines", True, "two\nlines"),
        ("two\r\nlines", False, "two lines"),
        ("tab\there", True, "tab\there"),
        ("esc\x1b[0m", True, "esc[0m"),
        ("bell\x07 nul\x00", True, "bell nul"),
        ("c1\x85\x9b", True, "c1"),
        ("sep\u2028line", False, "sep line"),
    ],
)
def test_clean_text(value, multiline, expected):
    assert clean_text(value, multiline=multiline) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ann Lee", "Ann Lee"),
        ("Ann\nBcc: x@evil.example", "Ann Bcc: x@evil.example"),
        ("Ann\r\n\r\nLee", "Ann Lee"),
        ("A\x00n\x1bn\u2028e", "A n n e"),
    ],
)
def test_header_text(value, expected):
    assert header_text(value) == expected


def test_a_password_is_left_as_typed():
    from django import forms

    from mentorship.forms import Form

    class PasswordForm(Form):
        password = forms.CharField(widget=forms.PasswordInput, max_length=100, strip=False)
        name = forms.CharField(max_length=100)

    form = PasswordForm(data={"password": "pa\x07ss\nword", "name": "Ann\x07\nLee"})
    assert form.is_valid()
    assert form.cleaned_data == {"password": "pa\x07ss\nword", "name": "Ann Lee"}


def test_the_api_answers_a_control_character_with_its_own_error_body(client):
    response = client.get("/api/v1/questions/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "bad_input"
