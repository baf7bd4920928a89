"""Real workers load the stored skill model, and follow a refit at their next run only.

Each worker is a separate process (as in production) on the test database and
the filesystem broker or, with REDIS_URL, Redis. Nothing is pre-loaded for
them: the prepare task of a run loads the version the run recorded from the
``SkillVectorSet`` table.
"""

import pytest

from matching import services
from matching.models import MatchRun, Suggestion
from matching.services import skill_model
from tests.factories import community, make_mentee, make_mentor
from tests.workers import stop_worker, wait_for

from .test_worker_kill import Broker


def _rows(run: MatchRun):
    return sorted(
        (s.mentee_id, s.mentor_id, s.rank, round(s.components["related_skills"], 5))
        for s in Suggestion.objects.filter(run=run)
    )


def _run_on(broker: Broker, logs) -> MatchRun:
    run = services.match_run_start(chunk_size=5)
    broker.start_run(run.pk)
    wait_for(
        lambda: MatchRun.objects.filter(pk=run.pk, status__in=["succeeded", "failed"]).exists(),
        timeout=120,
        what=f"run #{run.pk}",
        logs=logs,
    )
    run.refresh_from_db()
    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    return run


def _inline() -> MatchRun:
    run = services.match_run_start(chunk_size=5)
    return services.match_run_execute_inline(run=run)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["filesystem", pytest.param("redis", marks=pytest.mark.redis)])
def test_every_worker_loads_the_table_and_a_refit_waits_for_the_next_run(kind, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "inline"
    skill_model._CACHE.clear()
    community(mentors=6, mentees=14, seed=3)
    mentee = make_mentee(wants=("PostgreSQL",), goals=())
    data = make_mentor(skills=("MySQL", "Microsoft SQL Server"))
    skill_model.skill_model_fit(n_components=32)

    broker = Broker(kind, tmp_path / "worker")
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    first = broker.start_worker("first", logs[0])
    second = None
    try:
        run1 = _run_on(broker, logs)
        assert run1.parameters["skill_model_version"] == 1
        top = Suggestion.objects.get(run=run1, mentee=mentee, mentor=data)
        # no tag in common, yet related: the worker scored with the stored vectors
        assert top.components["related_skills"] > 0.1 and top.components["skills"] == 0

        current = list(Suggestion.objects.filter(is_current=True).values_list("id", flat=True))
        skill_model.skill_model_fit(n_components=8)  # v2 while the worker is alive
        assert list(Suggestion.objects.filter(is_current=True).values_list("id", flat=True)) == (
            current
        )  # nothing changes until a run

        run2 = _run_on(broker, logs)  # the same worker process, now on v2
        assert run2.parameters["skill_model_version"] == 2
        assert _rows(run2) != _rows(run1)

        stop_worker(first)
        second = broker.start_worker("second", logs[1])  # a fresh process
        run3 = _run_on(broker, logs)
        assert run3.parameters["skill_model_version"] == 2
        assert _rows(run3) == _rows(run2)
    finally:
        stop_worker(first)
        if second is not None:
            stop_worker(second)

    reference = _inline()  # this process, v2: the workers computed the same
    assert _rows(reference) == _rows(run2)
