"""Bounded text for every model (docs/security.md "Bad input").

``TextField(max_length=...)`` alone bounds only the form: Django neither
validates it in ``full_clean`` nor stores it in the database. ``bounded_text``
adds the validator, and ``length_checks`` the database CHECK, so a service,
an import or a raw update cannot store more than the form would take.
tests/mentorship/test_text_limits.py walks every model and fails on a text
field that people write with no limit.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual


def bounded_text(max_length: int, **kwargs) -> models.TextField:
    """A ``TextField`` whose ``max_length`` holds in forms, ``full_clean`` and (with
    :func:`length_checks`) the database."""
    return models.TextField(
        max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs
    )


def length_check_name(field: str) -> str:
    return f"%(app_label)s_%(class)s_{field}_len"


def length_checks(**limits: int) -> list[models.CheckConstraint]:
    """One CHECK (length(field) <= limit) per ``field=limit``, for ``Meta.constraints``."""
    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(field), limit), name=length_check_name(field)
        )
        for field, limit in limits.items()
    ]


def cut_to_limits(app_label: str, limits: dict[str, dict[str, int]]):
    """A migration operation that cuts stored text longer than its new limit.

    Runs before the CHECK constraints are added, so rows written while a field
    was unbounded (a long goal description, a notification quoting a long
    reason) do not stop the migration. ``limits``: model name -> field -> limit.
    """
    from django.db import migrations
    from django.db.models.functions import Left

    def forward(apps, schema_editor):
        for model_name, fields in limits.items():
            model = apps.get_model(app_label, model_name)
            for field, limit in fields.items():
                model.objects.annotate(_length=Length(field)).filter(_length__gt=limit).update(
                    **{field: Left(field, limit)}
                )

    return migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)
