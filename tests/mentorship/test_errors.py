"""The shared refusal type and the helper that shows it."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from matching.errors import MatchingError, RunAlreadyActive
from mentorship.errors import Refusal
from mentorship.views_helpers import refusals_shown
from profiles.services import SkillsError


class NameForm(forms.Form):
    name = forms.CharField()


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_every_app_error_is_a_refusal_with_a_code():
    assert MatchingError("x").code == "match_refused"
    assert RunAlreadyActive("x").code == "run_active"
    assert SkillsError({"offered": ["Too many"]}).code == "skills_invalid"
    for error in (MatchingError("x"), RunAlreadyActive("x"), SkillsError({"a": ["b"]})):
        assert isinstance(error, Refusal)


def test_refusal_as_dict_is_the_api_body():
    assert Refusal("Full.", code="capacity_full").as_dict() == {
        "code": "capacity_full",
        "message": "Full.",
    }
    assert Refusal("Too long.", field="name").as_dict()["errors"] == {"name": ["Too long."]}


def test_refusals_shown_puts_the_message_on_the_form_field():
    request, form = _request(), NameForm({"name": "x"})
    form.is_valid()
    with refusals_shown(request, form=form) as outcome:
        raise Refusal("That name is taken.", field="name")
    assert outcome.refused and form.errors == {"name": ["That name is taken."]}


def test_refusals_shown_without_a_form_is_a_message_and_other_errors_propagate():
    request = _request()
    with refusals_shown(request) as outcome:
        raise MatchingError("You have no free places.")
    assert [str(m) for m in get_messages(request)] == ["You have no free places."]
    assert outcome.error.code == "match_refused"
    with pytest.raises(ValueError), refusals_shown(request):
        raise ValueError("a bug, not a refusal")
    with refusals_shown(request) as fine:
        pass
    assert fine.ok
