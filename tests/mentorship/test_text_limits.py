"""Every text people write has a length limit: model, database and form.

* The models of the project's apps are walked: a ``CharField``/``TextField``
  people write must have ``max_length``; a ``TextField`` also needs the
  validator (``full_clean``) and a database CHECK (``mentorship.fields``),
  because Django enforces a TextField's ``max_length`` in neither. The few
  fields no person writes are listed below with the reason.
* The database refuses an over-long value written past the services.
* The project's forms are walked: every text field has ``max_length``.
* Every Markdown field fits the renderer's bounded input.
"""

from __future__ import annotations

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction

from mentorship.fields import length_check_name
from profiles.sanitize import MAX_MARKDOWN_LENGTH
from tests.factories import factory_for

PROJECT_APPS = ["mentorship", "profiles", "safety", "matching", "mentoring_sessions", "community"]

# Text no person writes, and why it needs no limit of its own.
NOT_WRITTEN_BY_PEOPLE = {
    "profiles.Occupation.description": "O*NET reference data, loaded by a migration",
    "matching.MatchRun.error": "the worker's own error text for staff",
}
# Fields rendered as Markdown (through profiles.sanitize.render_markdown).
MARKDOWN_FIELDS = [
    "profiles.Profile.bio",
    "profiles.Goal.description",
    "mentoring_sessions.MentoringSession.agenda",
    "mentoring_sessions.SessionNote.body",
    "mentoring_sessions.Message.body",
    "community.Question.body",
    "community.Answer.body",
]


def _key(model, field) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field.name}"


def _text_fields():
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                    yield model, field


def _bounded_text_fields():
    return [
        (model, field)
        for model, field in _text_fields()
        if isinstance(field, models.TextField) and _key(model, field) not in NOT_WRITTEN_BY_PEOPLE
    ]


def test_the_walk_sees_the_text_fields():
    keys = {_key(m, f) for m, f in _text_fields()}
    assert {"profiles.Profile.bio", "community.Answer.body", "safety.Report.details"} <= keys
    assert set(NOT_WRITTEN_BY_PEOPLE) <= keys, "an exemption names a field that is gone"


def test_every_text_field_people_write_has_a_limit_in_model_and_database():
    problems = []
    for model, field in _text_fields():
        key = _key(model, field)
        if key in NOT_WRITTEN_BY_PEOPLE:
            continue
        if not field.max_length:
            problems.append(f"{key}: no max_length")
            continue
        if isinstance(field, models.TextField):
            limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
            if limits != [field.max_length]:
                problems.append(f"{key}: validator {limits} for max_length {field.max_length}")
            name = length_check_name(field.name) % {
                "app_label": model._meta.app_label,
                "class": model.__name__.lower(),
            }
            if name not in {c.name for c in model._meta.constraints}:
                problems.append(f"{key}: no database check {name}")
    assert problems == []


@pytest.mark.parametrize(
    ("model", "field"),
    _bounded_text_fields(),
    ids=[_key(m, f) for m, f in _bounded_text_fields()],
)
@pytest.mark.django_db
def test_the_database_refuses_an_over_long_text(model, field):
    row = factory_for(model)()
    at_limit = "x" * field.max_length
    model.objects.filter(pk=row.pk).update(**{field.name: at_limit})
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field.name: at_limit + "x"})
    setattr(row, field.name, at_limit + "x")
    with pytest.raises(ValidationError) as info:
        row.full_clean()
    assert field.name in info.value.message_dict


def test_markdown_fields_fit_the_bounded_renderer():
    for key in MARKDOWN_FIELDS:
        label, model_name, field_name = key.split(".")
        field = apps.get_model(label, model_name)._meta.get_field(field_name)
        assert field.max_length and field.max_length <= MAX_MARKDOWN_LENGTH, key


# --- forms ----------------------------------------------------------------------

PROJECT_MODULES = ("mentorship.", "profiles.", "safety.", "matching.", "sessions.", "community.")
# Form fields that are not free text a person writes (choices are checked
# against their list; passwords are hashed, never stored).
NOT_FREE_TEXT = (
    forms.ChoiceField,
    forms.ModelChoiceField,
    forms.DateField,
    forms.TimeField,
    forms.DateTimeField,
    forms.IntegerField,
    forms.FloatField,
    forms.DecimalField,
    forms.BooleanField,
    forms.FileField,
)


def _project_forms():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return sorted(
        {
            cls
            for cls in subclasses(forms.BaseForm)
            if cls.__module__.startswith(PROJECT_MODULES)
            and cls.__name__ not in {"Form", "ModelForm"}
        },
        key=lambda c: f"{c.__module__}.{c.__name__}",
    )


def test_every_text_field_of_every_form_has_a_limit():
    found = _project_forms()
    assert len(found) >= 30
    problems = []
    for cls in found:
        for name, field in cls.base_fields.items():
            if isinstance(field, NOT_FREE_TEXT) or not isinstance(field, forms.CharField):
                continue
            if field.max_length is None:
                problems.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert problems == []
