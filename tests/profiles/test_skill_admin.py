"""Skill tag curation in the admin: approve, merge and rename without losing anyone's data."""

import pytest
from django.contrib.auth.models import Permission

from profiles.models import ProfileSkill, Skill
from profiles.skill_curation import skill_merge, skill_rename
from tests.factories import (
    ProfileFactory,
    ProfileSkillFactory,
    SkillFactory,
    UserFactory,
    staff_login,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/profiles/skill/"
MERGE = "/admin/profiles/skill/merge/"


def test_changelist_filters_and_search_by_alias(staff_client):
    SkillFactory(name="Zebra tooling", aliases="zt;stripes", status=Skill.Status.PENDING)
    response = staff_client.get(CHANGELIST, {"q": "stripes"})
    assert response.status_code == 200
    assert "Zebra tooling" in response.content.decode()
    response = staff_client.get(
        CHANGELIST, {"status__exact": "pending", "source__exact": "curated"}
    )
    assert "Zebra tooling" in response.content.decode()


def test_approve_action(staff_client):
    pending = SkillFactory(status=Skill.Status.PENDING, source=Skill.Source.MEMBER)
    response = staff_client.post(
        CHANGELIST, {"action": "approve", "_selected_action": [pending.pk]}, follow=True
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Skill.Status.APPROVED
    assert "Approved 1 skill(s)." in response.content.decode()


def test_merge_moves_everyone_keeps_the_higher_level_and_keeps_the_name_as_alias(
    staff_client, signals, django_capture_on_commit_callbacks
):
    target = SkillFactory(name="JavaScript programming", aliases="js")
    source = SkillFactory(name="Javascipt", aliases="jvs", status=Skill.Status.PENDING)
    both = ProfileFactory()  # has both: the higher level wins
    ProfileSkillFactory(profile=both, skill=target, direction="offers", level=2)
    ProfileSkillFactory(profile=both, skill=source, direction="offers", level=4)
    ProfileSkillFactory(profile=both, skill=source, direction="wants", level=1)
    only_source = ProfileFactory()
    ProfileSkillFactory(profile=only_source, skill=source, direction="wants", level=3)
    bystander = ProfileFactory()
    ProfileSkillFactory(profile=bystander, skill=target, direction="offers", level=5)

    response = staff_client.post(CHANGELIST, {"action": "merge", "_selected_action": [source.pk]})
    assert response.status_code == 302
    assert response["Location"] == f"{MERGE}?ids={source.pk}"
    page = staff_client.get(response["Location"])
    assert page.status_code == 200
    assert "Javascipt" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(MERGE, {"ids": str(source.pk), "target": target.pk})
    assert response.status_code == 302

    assert not Skill.objects.filter(pk=source.pk).exists()
    rows = set(ProfileSkill.objects.values_list("profile_id", "skill_id", "direction", "level"))
    assert rows == {
        (both.pk, target.pk, "offers", 4),
        (both.pk, target.pk, "wants", 1),
        (only_source.pk, target.pk, "wants", 3),
        (bystander.pk, target.pk, "offers", 5),
    }
    target.refresh_from_db()
    assert target.alias_list == ["js", "javascipt", "jvs"]
    assert sorted(signals) == sorted([both.user_id, only_source.user_id])


def test_merge_page_refuses_the_same_skill_as_target(staff_client):
    skill = SkillFactory()
    response = staff_client.post(MERGE, {"ids": str(skill.pk), "target": skill.pk})
    assert response.status_code == 200
    assert "Choose a target other than the skill being merged." in response.content.decode()
    assert Skill.objects.filter(pk=skill.pk).exists()


def test_merge_service_needs_a_source():
    from django.core.exceptions import ValidationError

    skill = SkillFactory()
    with pytest.raises(ValidationError):
        skill_merge(sources=[skill], target=skill)


def test_rename_in_the_change_form_keeps_links_updates_slug_and_keeps_old_name(
    staff_client, signals, django_capture_on_commit_callbacks
):
    skill = SkillFactory(name="Pyton", slug="pyton", status=Skill.Status.PENDING)
    row = ProfileSkillFactory(skill=skill, direction="offers", level=4)
    data = {
        "name": "Python scripting",
        "category": skill.category,
        "aliases": "",
        "status": "approved",
        "source": skill.source,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/profiles/skill/{skill.pk}/change/", data)
    assert response.status_code == 302
    skill.refresh_from_db()
    assert (skill.name, skill.slug, skill.status) == (
        "Python scripting",
        "python-scripting",
        "approved",
    )
    assert skill.alias_list == ["pyton"]
    row.refresh_from_db()
    assert (row.skill_id, row.level) == (skill.pk, 4)
    assert signals == [row.profile.user_id]


def test_rename_to_an_existing_name_suggests_merging(staff_client):
    SkillFactory(name="Zorblang")
    skill = SkillFactory(name="Zorblangg")
    data = {
        "name": "zorblang",
        "category": "x",
        "aliases": "",
        "status": "approved",
        "source": "curated",
    }
    response = staff_client.post(f"/admin/profiles/skill/{skill.pk}/change/", data)
    assert response.status_code == 200
    assert "already exists: use “Merge selected into…” instead." in response.content.decode()
    skill.refresh_from_db()
    assert skill.name == "Zorblangg"


def test_rename_service_refuses_a_clash():
    from django.core.exceptions import ValidationError

    SkillFactory(name="Rust")
    skill = SkillFactory(name="Rusty")
    with pytest.raises(ValidationError, match="merge this skill into it"):
        skill_rename(skill=skill, name="RUST")


def test_skill_admin_access_ladder(client):
    skill = SkillFactory()
    response = client.get(MERGE, {"ids": skill.pk})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(UserFactory())  # not staff
    response = client.get(MERGE, {"ids": skill.pk})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_skill"))
    staff_login(client, viewer)  # staff who may only look
    assert client.get(MERGE, {"ids": skill.pk}).status_code == 403
    assert client.post(MERGE, {"ids": skill.pk, "target": skill.pk}).status_code == 403
