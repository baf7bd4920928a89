"""Staff changes to the matching programme land in the audit log."""

import types

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from matching.models import MatchingConfig, Mentorship
from safety.models import AuditLog
from tests.factories import PROGRAMME_MANAGER, staff_login, staff_user

from .helpers import make_mentee, make_mentor

pytestmark = pytest.mark.django_db


def test_manual_match_and_do_not_match_are_audited(client):
    manager = staff_login(client, staff_user(PROGRAMME_MANAGER))
    mentee, mentor, other = make_mentee(), make_mentor(), make_mentor()
    client.post(
        reverse("matching:staff_manual_match"),
        {"mentee": mentee.email, "mentor": mentor.email, "format": "flash"},
    )
    client.post(
        reverse("matching:staff_exclusions"),
        {"mentee": mentee.email, "mentor": other.email, "note": "Same team."},
    )
    assert Mentorship.objects.filter(mentee=mentee, mentor=mentor).exists()
    rows = AuditLog.objects.filter(actor_id=manager.pk).exclude(action="sign_in")
    assert {(row.action, row.target_user_id) for row in rows} == {
        ("manual_match", mentee.pk),
        ("do_not_match", mentee.pk),
    }


def test_settings_changes_in_the_admin_are_audited():
    config = MatchingConfig.load()
    model_admin = admin.site._registry[MatchingConfig]
    request = RequestFactory().post("/admin/matching/matchingconfig/1/change/")
    request.user = staff_user(PROGRAMME_MANAGER)
    form = types.SimpleNamespace(changed_data=["review_new_mentors", "weight_skills"])
    config.review_new_mentors = True
    model_admin.save_model(request, config, form, change=True)
    row = AuditLog.objects.get(action="settings_changed")
    assert row.actor_id == request.user.pk
    assert row.summary == "changed: review_new_mentors, weight_skills"
