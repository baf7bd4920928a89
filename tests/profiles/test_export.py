"""Profile export: the import format, so export → import changes nothing."""

import csv
import io

import pytest
from django.core.management import call_command

from profiles.exporting import profiles_export_csv
from profiles.importing import COLUMNS, import_apply
from profiles.models import Goal, Skill
from tests.factories import (
    GoalFactory,
    MentorProfileFactory,
    ProfileFactory,
    ProfileSkillFactory,
    SkillFactory,
    UserFactory,
    language,
    staff_login,
)

pytestmark = pytest.mark.django_db


def community():
    mentor = MentorProfileFactory(
        user__email="mira@example.org",
        user__name='Mira, the "mentor"',
        headline='=HYPERLINK("http://evil")',
        bio="Line one\nLine two; with a semicolon",
        job_title="Software Developers",
        format_flash=False,
    )
    mentor.languages.set([language("en"), language("fr")])
    odd = SkillFactory(name="Tradesman;s Estimator: Pro")
    ProfileSkillFactory(profile=mentor, skill=odd, direction="offers", level=5)
    ProfileSkillFactory(
        profile=mentor, skill=Skill.objects.get(name="Python"), direction="offers", level=4
    )
    mentee = ProfileFactory(user__email="mo@example.org", role="mentee", capacity=0)
    ProfileSkillFactory(profile=mentee, skill=odd, direction="wants", level=2)
    GoalFactory(owner=mentee.user, title="Ship; then rest")
    GoalFactory(owner=mentee.user, title="Old goal", status=Goal.Status.ACHIEVED)
    UserFactory(email="staff@example.org", is_staff=True)  # no profile: not exported
    return mentor, mentee


def export_text() -> str:
    out = io.StringIO(newline="")
    profiles_export_csv(out=out)
    return out.getvalue()


def test_export_writes_the_import_columns_and_guards_formulas():
    community()
    rows = list(csv.DictReader(io.StringIO(export_text())))
    assert list(rows[0]) == list(COLUMNS)
    assert [row["email"] for row in rows] == ["mira@example.org", "mo@example.org"]
    mira = rows[0]
    assert mira["headline"].startswith("'=HYPERLINK")
    assert mira["languages"] == "en;fr"
    assert mira["skills_offered"] == "Tradesman\\;s Estimator: Pro:5;Python:4"
    assert mira["formats"] == "long_term"
    assert rows[1]["goals"] == "Ship\\; then rest"  # achieved goals are history


def test_export_then_import_is_unchanged(tmp_path, capsys):
    community()
    path = tmp_path / "profiles.csv"
    call_command("export_profiles", str(path))
    assert "Exported 2 profile(s)" in capsys.readouterr().out
    report = import_apply(data=path.read_bytes(), invite=False)
    assert report.ok, report.errors
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 2}


def test_export_imports_into_an_empty_platform_identically(django_db_blocker):
    mentor, mentee = community()
    text = export_text()
    for profile in (mentor, mentee):
        profile.user.delete()
    report = import_apply(data=text.encode(), invite=False)
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert export_text() == text


def test_admin_export_action_and_view(client, admin_user):
    mentor, mentee = community()
    staff_login(client, admin_user)
    response = client.post(
        "/admin/profiles/profile/",
        {"action": "export_selected", "_selected_action": [mentee.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert "mo@example.org" in body and "mira@example.org" not in body
    response = client.get("/admin/profiles/profile/export/")
    assert "mira@example.org" in response.content.decode()
    client.force_login(UserFactory())
    assert client.get("/admin/profiles/profile/export/").status_code == 302
