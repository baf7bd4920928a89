"""tests/factories.py has a factory for every model of the project's apps, and each builds a valid row."""

from pathlib import Path

import pytest
from django.apps import apps

from tests.factories import factory_for

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.django_db


def _project_models():
    """The models of the apps at the top of this repository (not Django's nor allauth's)."""
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT
        for model in config.get_models()
    ]


def test_the_project_apps_are_found():
    labels = {model._meta.app_label for model in _project_models()}
    assert {"mentorship", "profiles", "matching"} <= labels


def test_every_model_of_the_project_has_a_factory():
    missing = [m._meta.label for m in _project_models() if factory_for(m) is None]
    assert missing == [], (
        f"No factory for {', '.join(missing)}: add one named <Model>Factory to "
        "tests/factories.py for every model you add."
    )


@pytest.mark.parametrize("model", _project_models(), ids=lambda m: m._meta.label)
def test_a_factory_builds_a_valid_row(model):
    row = factory_for(model)()
    row.full_clean()
    assert model._default_manager.filter(pk=row.pk).exists()
