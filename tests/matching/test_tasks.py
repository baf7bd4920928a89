"""Task bodies called directly (never eager), with the broker calls captured."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from matching import receivers, services, tasks
from matching.models import MatchingConfig, MatchRequest, MatchRun, Suggestion
from profiles.models import Profile
from profiles.services import profile_update
from tests.factories import community, make_mentee, make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _runs_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


class FakeChord:
    """Stands in for ``celery.chord``: records the header and the body instead of sending."""

    calls: list = []

    def __init__(self, header):
        self.header = list(header)

    def __call__(self, body):
        FakeChord.calls.append((self.header, body))


@pytest.fixture
def sent(monkeypatch):
    """Capture every ``delay`` / ``apply_async`` and the chord instead of using the broker."""
    calls = []
    FakeChord.calls = []
    monkeypatch.setattr(tasks, "chord", FakeChord)
    for task in (tasks.run_full_scoring, tasks.finish_run, tasks.rescore_user):
        monkeypatch.setattr(
            task,
            "apply_async",
            lambda args=None, kwargs=None, _t=task, **options: calls.append(
                (_t.name, tuple(args or ()), options)
            ),
        )
        monkeypatch.setattr(task, "delay", lambda *args, _t=task: calls.append((_t.name, args, {})))
    return calls


def test_full_run_through_its_tasks(sent, django_capture_on_commit_callbacks):
    community(mentors=4, mentees=7)
    with django_capture_on_commit_callbacks(execute=True):
        run_id = tasks.start_full_run.run()
    assert sent == [("matching.tasks.run_full_scoring", (run_id,), {})]

    assert tasks.run_full_scoring.run(run_id) == 1  # 7 mentees, one chunk of 1000
    header, body = FakeChord.calls[0]
    assert [s.task for s in header] == ["matching.tasks.score_chunk"]
    assert body.task == "matching.tasks.finish_run" and tuple(body.args) == (run_id,)
    for signature in header:
        assert tasks.score_chunk.run(*signature.args) > 0
        assert tasks.score_chunk.run(*signature.args) == 0  # delivered twice: no-op
    assert tasks.finish_run.run(*body.args) == MatchRun.Status.SUCCEEDED
    assert tasks.finish_run.run(*body.args) == MatchRun.Status.SUCCEEDED  # idempotent
    run = MatchRun.objects.get(pk=run_id)
    assert run.suggestions_count == Suggestion.objects.filter(run=run, is_current=True).count()


def test_nightly_task_skips_while_a_run_is_active(sent):
    active = services.match_run_start()
    assert tasks.start_full_run.run() is None
    assert MatchRun.objects.filter(kind="full").get() == active


def test_run_task_failure_marks_the_run_failed():
    run = services.match_run_start()
    tasks.finish_run.on_failure(RuntimeError("boom"), "id", (run.pk,), {}, None)
    run.refresh_from_db()
    assert run.status == "failed" and run.error == "RuntimeError: boom"


def test_profile_change_queues_a_debounced_rescore(sent, django_capture_on_commit_callbacks):
    make_mentor(skills=("Tableau",))
    mentee = make_mentee(wants=("Excel",))
    profile = Profile.objects.get(user=mentee)

    with django_capture_on_commit_callbacks(execute=True):
        profile_update(profile=profile, years_experience=4)

    assert len(sent) == 1
    name, args, options = sent[0]
    assert name == "matching.tasks.rescore_user" and args[0] == mentee.pk
    assert options == {"countdown": receivers.DEBOUNCE_SECONDS}
    run_id = tasks.rescore_user.run(*args)
    assert MatchRun.objects.get(pk=run_id).subject_id == mentee.pk
    assert Suggestion.objects.filter(mentee=mentee, is_current=True).exists()


def test_only_the_last_change_of_a_burst_rescores(sent, django_capture_on_commit_callbacks):
    make_mentor(skills=("Excel",))
    mentee = make_mentee(wants=("Excel",))
    with django_capture_on_commit_callbacks(execute=True):
        receivers.on_profile_changed(sender=Profile, user_id=mentee.pk)
        receivers.on_profile_changed(sender=Profile, user_id=mentee.pk)
    first, second = (args for _, args, _ in sent)
    assert first[1] != second[1]

    assert tasks.rescore_user.run(*first) is None  # superseded
    assert not MatchRun.objects.filter(kind="incremental").exists()
    assert tasks.rescore_user.run(*second) is not None
    # With the cache emptied, a queued re-score still runs rather than being lost.
    cache.clear()
    assert tasks.rescore_user.run(*first) is not None


def test_a_rolled_back_change_queues_nothing(sent, django_capture_on_commit_callbacks):
    mentee = make_mentee()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        receivers.on_profile_changed(sender=Profile, user_id=mentee.pk)
    assert sent == [] and len(callbacks) == 1  # only on commit


def test_an_unreachable_broker_does_not_break_the_save(monkeypatch):
    from kombu.exceptions import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.rescore_user, "apply_async", down)
    assert receivers.schedule_rescore(123) is None


def test_expire_requests_task_expires_overdue_requests():
    MatchingConfig.load()
    request = MatchRequest.objects.create(
        mentee=make_mentee(),
        mentor=make_mentor(),
        expires_at=timezone.now() - datetime.timedelta(hours=1),
    )
    result = tasks.expire_requests.run()
    request.refresh_from_db()
    assert request.status == MatchRequest.Status.EXPIRED
    assert result["expired"] == 1
    assert tasks.expire_requests.run()["expired"] == 0  # idempotent


def test_learn_weights_task_reports_a_refusal():
    result = tasks.learn_score_weights.run()
    assert result["ok"] is False and "not enough data" in result["reason"]


def test_cohort_preview_task_computes_a_queued_preview():
    community(mentors=2, mentees=4)
    run = services.match_cohort_create(mode="stable")
    assert tasks.cohort_preview.run(run.pk) == MatchRun.Status.SUCCEEDED
    assert tasks.cohort_preview.run(run.pk) == MatchRun.Status.SUCCEEDED
    run.refresh_from_db()
    assert run.suggestions.count() == run.figures["matched"] > 0


def test_beat_schedules_exist():
    from django_celery_beat.models import PeriodicTask

    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {
        "matching.tasks.start_full_run",
        "matching.tasks.expire_requests",
        "matching.tasks.learn_weights",
    } <= names
    from mentorship.celery import app

    app.loader.import_default_modules()
    assert {"matching.tasks.start_full_run", "matching.tasks.expire_requests"} <= set(app.tasks)
