"""The stored skill-relatedness model: fit, versions, loading, and how runs use it."""

import io
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from matching import services, tasks
from matching.engine.relatedness import ARRAY_NAMES
from matching.models import MatchingConfig, MatchRun, SkillVectorSet, Suggestion
from matching.services import skill_model
from tests.factories import UserFactory, make_mentee, make_mentor

pytestmark = pytest.mark.django_db

CLOSE = "Knows MySQL and Microsoft SQL Server, close to the PostgreSQL you want"


@pytest.fixture(autouse=True)
def _runs_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture(autouse=True)
def _fresh_cache():
    skill_model._CACHE.clear()
    yield
    skill_model._CACHE.clear()


def fit(n=32, **kwargs) -> SkillVectorSet:
    return skill_model.skill_model_fit(n_components=n, **kwargs)


def full_run() -> MatchRun:
    run = services.match_run_start(chunk_size=10)
    return services.match_run_execute_inline(run=run)


def related(mentee, mentor, run) -> float:
    return Suggestion.objects.get(run=run, mentee=mentee, mentor=mentor).components[
        "related_skills"
    ]


@pytest.fixture
def world():
    """A mentee who wants PostgreSQL; one mentor knows its neighbours, one knows design."""
    MatchingConfig.objects.update_or_create(
        pk=1, defaults={"weight_related_skills": 0.4, "suggestions_per_mentee": 2}
    )
    data = make_mentor(skills=("MySQL", "Microsoft SQL Server"), email="data@example.org")
    design = make_mentor(skills=("Adobe Photoshop",), email="design@example.org")
    mentee = make_mentee(wants=("PostgreSQL",), goals=(), email="mentee@example.org")
    return mentee, data, design


def test_fit_reads_the_shipped_files_and_the_members_lists(world):
    row = fit()
    assert row.version == 1 and row.dims == 32
    assert row.figures["occupations"] == 923  # every occupation with tools in profiles/data
    assert (
        row.figures["profile_lists"] == 1
    )  # the data mentor's two skills (singletons add nothing)
    assert row.documents_count == 924
    with np.load(io.BytesIO(bytes(row.data)), allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(ARRAY_NAMES)
        assert archive["vectors"].shape == (row.skills_count, 32)
    model = skill_model.skill_model_load()
    assert model.version_ == 1 and model.n_dims_ == 32
    sim = model.related_pairs(["PostgreSQL"], ["MySQL", "Adobe Photoshop"], threshold=0.0)
    assert [o for _, o, _ in sim] == ["MySQL", "Adobe Photoshop"]


def test_loading_is_cached_per_process_and_follows_new_versions(django_assert_num_queries):
    fit(n=8, include_profiles=False)
    first = skill_model.skill_model_load()
    with django_assert_num_queries(1):  # only "which version is newest?"
        assert skill_model.skill_model_load() is first
    fit(n=8, include_profiles=False)
    second = skill_model.skill_model_load()
    assert second.version_ == 2 and second is not first
    assert skill_model.skill_model_load(version=1) is first
    assert skill_model.skill_model_load(version=None) is None
    assert skill_model.skill_model_load(version=99) is None


def test_nothing_fitted_means_no_model():
    assert skill_model.skill_model_current_version() is None
    assert skill_model.skill_model_load() is None


def test_old_versions_are_pruned_unless_an_unfinished_run_needs_them():
    fit(n=4, include_profiles=False)
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.FULL,
        status=MatchRun.Status.RUNNING,
        parameters={"skill_model_version": 1},
    )
    for _ in range(skill_model.KEEP_VERSIONS):
        fit(n=4, include_profiles=False)
    assert list(SkillVectorSet.objects.values_list("version", flat=True)) == [4, 3, 2, 1]
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.SUCCEEDED)
    fit(n=4, include_profiles=False)
    assert list(SkillVectorSet.objects.values_list("version", flat=True)) == [5, 4, 3]


def test_without_a_model_runs_score_as_before(world):
    mentee, data, _ = world
    run = full_run()
    assert run.parameters["skill_model_version"] is None
    assert related(mentee, data, run) == 0
    reasons = Suggestion.objects.get(run=run, mentee=mentee, mentor=data).reasons
    assert not any("close to" in r for r in reasons)


def test_people_who_share_no_tag_are_matched_and_told_why(world):
    mentee, data, design = world
    fit()
    run = full_run()
    assert run.parameters["skill_model_version"] == 1
    top = Suggestion.objects.get(run=run, mentee=mentee, rank=1)
    assert top.mentor == data
    assert top.components["related_skills"] > related(mentee, design, run)
    assert top.components["skills"] == 0  # no tag in common
    assert CLOSE in top.reasons
    other = Suggestion.objects.get(run=run, mentee=mentee, mentor=design)
    assert not any("close to" in r for r in other.reasons)


def test_explanations_follow_the_threshold(world):
    mentee, data, _ = world
    fit()
    MatchingConfig.objects.filter(pk=1).update(engine_options={"related_skill_threshold": 0.99})
    run = full_run()
    reasons = Suggestion.objects.get(run=run, mentee=mentee, mentor=data).reasons
    assert not any("close to" in r for r in reasons)


def test_a_refit_changes_suggestions_only_at_the_next_run(world):
    mentee, data, _ = world
    fit()
    run1 = full_run()
    before = list(Suggestion.objects.filter(is_current=True).values_list("id", "components"))

    started = services.match_run_start(chunk_size=10)  # records v1
    fit(n=8)  # v2: other vectors
    assert list(Suggestion.objects.filter(is_current=True).values_list("id", "components")) == (
        before
    )  # a refit rewrites nothing

    run2 = services.match_run_execute_inline(run=started)
    assert run2.parameters["skill_model_version"] == 1
    assert related(mentee, data, run2) == pytest.approx(related(mentee, data, run1))

    run3 = full_run()
    assert run3.parameters["skill_model_version"] == 2
    assert related(mentee, data, run3) != pytest.approx(related(mentee, data, run1), abs=1e-4)


def test_incremental_and_cohort_runs_record_their_version(world):
    mentee, _, _ = world
    fit(n=8)
    run = services.match_rescore_user(user_id=mentee.pk)
    assert run.parameters["skill_model_version"] == 1
    cohort = services.match_cohort_preview(mode="stable")
    assert cohort.parameters["skill_model_version"] == 1


def test_command_fits_and_reports(world):
    out = StringIO()
    call_command("fit_skill_model", components=16, stdout=out)
    text = out.getvalue()
    row = SkillVectorSet.objects.get()
    assert text.startswith(
        f"Skill model v1: {row.skills_count} skills x 16 dims from 923 occupations "
        "and 1 member skill lists ("
    )
    assert text.rstrip().endswith("The next scoring run uses it.")
    out = StringIO()
    call_command("fit_skill_model", if_missing=True, stdout=out)
    assert out.getvalue() == "Skill model v1 already stored; nothing to do.\n"
    with pytest.raises(CommandError, match="--components must be between 2 and 1024."):
        call_command("fit_skill_model", components=1)


def test_weekly_task_fits_a_new_version_and_beat_schedules_it():
    from django_celery_beat.models import PeriodicTask

    result = tasks.fit_skill_model.run()
    assert result["version"] == 1 and result["occupations"] == 923
    entry = PeriodicTask.objects.get(task="matching.tasks.fit_skill_model")
    assert entry.enabled and entry.crontab.day_of_week == "0" and entry.crontab.hour == "4"


def test_admin_lists_versions_and_refits(admin_client, client):
    fit(n=4, include_profiles=False)
    url = reverse("admin:matching_skillvectorset_changelist")
    html = admin_client.get(url).content.decode()
    assert "Skill model versions" in html and "Refit the skill model now" in html
    refit = reverse("admin:matching_skillvectorset_refit")
    assert admin_client.get(refit).status_code == 405
    response = admin_client.post(refit, follow=True)
    assert skill_model.skill_model_current_version() == 2
    assert "Skill model v2 stored" in response.content.decode()

    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.post(refit).status_code == 302  # no view permission: back to the login page
    assert skill_model.skill_model_current_version() == 2


def test_admin_settings_show_the_related_skills_weight(admin_client):
    MatchingConfig.load()
    html = admin_client.get(reverse("admin:matching_matchingconfig_change", args=[1])).content
    assert b"weight_related_skills" in html and b"Related skills" in html
