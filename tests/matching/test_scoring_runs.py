"""Full runs, incremental re-scores, cohorts and learning, through the plain service functions."""

import datetime
from collections import Counter

import numpy as np
import pytest
from django.db import IntegrityError
from django.utils import timezone

from matching import services
from matching.engine import COMPONENTS
from matching.models import (
    MatchingConfig,
    MatchRequest,
    MatchRun,
    MatchRunChunk,
    Mentorship,
    PairExclusion,
    Suggestion,
)
from matching.services import runs as run_services
from profiles.models import Profile
from safety.models import Block
from tests.factories import community, make_mentee, make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _runs_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def full_run(chunk_size=4, **kwargs) -> MatchRun:
    run = services.match_run_start(chunk_size=chunk_size, **kwargs)
    return services.match_run_execute_inline(run=run)


def current_pairs():
    return sorted(
        Suggestion.objects.filter(is_current=True).values_list("mentee_id", "mentor_id", "rank")
    )


def test_full_run_writes_top_k_suggestions_with_reasons():
    MatchingConfig.objects.update_or_create(pk=1, defaults={"suggestions_per_mentee": 3})
    mentors, mentees = community(mentors=8, mentees=10)

    run = full_run(chunk_size=4)

    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    assert (run.chunks_total, run.chunks_done) == (3, 3)
    assert (run.mentees_count, run.mentors_count) == (10, 8)
    rows = list(Suggestion.objects.filter(run=run))
    assert run.suggestions_count == len(rows) > 0
    per_mentee = Counter(s.mentee_id for s in rows)
    assert max(per_mentee.values()) <= 3
    for mentee_id in per_mentee:
        ranks = sorted(s.rank for s in rows if s.mentee_id == mentee_id)
        assert ranks == list(range(1, len(ranks) + 1))
        scores = [s.score for s in sorted(rows, key=lambda s: s.rank) if s.mentee_id == mentee_id]
        assert scores == sorted(scores, reverse=True)
    s = rows[0]
    assert set(s.components) == set(COMPONENTS)
    assert s.reasons and all(isinstance(r, str) for r in s.reasons)
    assert all(0 <= x.score <= 1 and x.is_current and x.status == "open" for x in rows)
    for key in ("gini_before", "gini_after", "mean_score_cost", "seconds", "exposure_prices"):
        assert key in run.figures
    assert run.finished_at and run.duration_seconds is not None
    # the run's model stays in the database (the warm base of re-scores), and
    # every chunk recorded that it was scored with it
    assert run.model_state.fingerprint == run.figures["model_fingerprint"]
    assert {c.figures["model_fingerprint"] for c in run.chunks.all()} == {
        run.model_state.fingerprint
    }


def test_shared_skills_are_named_in_the_reasons():
    mentor = make_mentor(skills=("Kubernetes", "Terraform"))
    make_mentor(skills=("Figma",))
    mentee = make_mentee(wants=("Kubernetes",), goals=("Run clusters",))

    full_run()

    top = Suggestion.objects.get(mentee=mentee, rank=1)
    assert top.mentor_id == mentor.pk
    assert any("Kubernetes" in r for r in top.reasons)


def test_a_second_run_replaces_the_lists_and_keeps_requested_status():
    mentors, mentees = community(mentors=5, mentees=6)
    first = full_run()
    pick = Suggestion.objects.filter(run=first).order_by("id").first()
    Suggestion.objects.filter(pk=pick.pk).update(status=Suggestion.Status.REQUESTED)

    second = full_run()

    assert set(Suggestion.objects.filter(is_current=True).values_list("run_id", flat=True)) == {
        second.pk
    }
    again = Suggestion.objects.get(run=second, mentee_id=pick.mentee_id, mentor_id=pick.mentor_id)
    assert again.status == Suggestion.Status.REQUESTED
    assert not Suggestion.objects.filter(run=first, is_current=True).exists()


def test_rerunning_a_chunk_writes_nothing_twice():
    community(mentors=5, mentees=9)
    run = services.match_run_start(chunk_size=4)
    todo = services.match_run_prepare(run_id=run.pk)
    assert todo == [0, 1, 2]
    first = services.match_run_score_chunk(run_id=run.pk, index=0)
    assert first > 0
    before = current_pairs()

    # A redelivered task: the chunk is marked done, nothing is written.
    assert services.match_run_score_chunk(run_id=run.pk, index=0) == 0
    # Even if the done mark were lost, the (run, mentee, mentor) rows are not duplicated.
    MatchRunChunk.objects.filter(run=run, index=0).update(done_at=None)
    services.match_run_score_chunk(run_id=run.pk, index=0)
    assert current_pairs() == before
    assert Suggestion.objects.filter(run=run).count() == first
    # Preparing again (a resume) keeps the plan and lists only what is left.
    assert services.match_run_prepare(run_id=run.pk) == [1, 2]
    for index in (1, 2):
        services.match_run_score_chunk(run_id=run.pk, index=index)
    run = services.match_run_finish(run_id=run.pk)
    assert run.status == MatchRun.Status.SUCCEEDED
    assert run.chunks_done == run.chunks_total == 3


def test_a_failing_chunk_fails_the_run_and_leaves_previous_suggestions(monkeypatch):
    community(mentors=5, mentees=6)
    old = full_run(chunk_size=3)
    old_pairs = current_pairs()
    run = services.match_run_start(chunk_size=3)
    services.match_run_prepare(run_id=run.pk)
    real_write = run_services.suggestions_write

    def write_then_break(**kwargs):
        real_write(**kwargs)  # the flip and insert happen, then the transaction must undo them
        raise IntegrityError("disk full")

    monkeypatch.setattr(run_services, "suggestions_write", write_then_break)
    from matching.tasks import score_chunk

    with pytest.raises(IntegrityError):
        score_chunk.run(run.pk, 0)
    # What Celery does when a task finally fails:
    score_chunk.on_failure(IntegrityError("disk full"), "task-id", (run.pk, 0), {}, None)

    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert "IntegrityError: disk full" in run.error
    assert run.chunks_done == 0 and not Suggestion.objects.filter(run=run).exists()
    assert current_pairs() == old_pairs
    assert set(Suggestion.objects.filter(is_current=True).values_list("run", flat=True)) == {old.pk}
    # Other chunks of the failed run do nothing.
    monkeypatch.setattr(run_services, "suggestions_write", real_write)
    assert services.match_run_score_chunk(run_id=run.pk, index=1) == 0


def test_only_one_full_run_at_a_time(monkeypatch):
    first = services.match_run_start()
    with pytest.raises(services.RunAlreadyActive, match=f"#{first.pk} is already queued"):
        services.match_run_start()
    # The database constraint is the backstop when two callers pass the check together.
    monkeypatch.setattr(run_services, "match_run_active", lambda: None)
    with pytest.raises(services.RunAlreadyActive, match="already queued or running"):
        services.match_run_start()
    assert MatchRun.objects.filter(kind="full").count() == 1


def test_a_stale_run_is_failed_when_the_next_one_starts():
    stale = services.match_run_start()
    MatchRun.objects.filter(pk=stale.pk).update(
        status="running", created_at=timezone.now() - datetime.timedelta(hours=5)
    )
    fresh = services.match_run_start()
    stale.refresh_from_db()
    assert stale.status == MatchRun.Status.FAILED and "Abandoned" in stale.error
    assert fresh.status == MatchRun.Status.QUEUED


def test_pairs_excluded_for_any_reason_are_never_suggested():
    a, b, c, d = (make_mentor(skills=("Python",), capacity=3) for _ in range(4))
    mentee = make_mentee(wants=("Python",))
    PairExclusion.objects.create(mentee=mentee, mentor=a, reason="declined_by_mentor")
    Block.objects.create(blocker=b, blocked=mentee)  # blocks come from safety, either way
    MatchRequest.objects.create(mentee=mentee, mentor=c)

    full_run()

    assert list(Suggestion.objects.filter(mentee=mentee).values_list("mentor_id", flat=True)) == [
        d.pk
    ]


def test_full_mentors_and_other_languages_are_not_suggested():
    full = make_mentor(skills=("Python",), capacity=1)
    Mentorship.objects.create(mentee=make_mentee(), mentor=full, format="long_term", slot=1)
    french = make_mentor(skills=("Python",), languages=("fr",))
    ok = make_mentor(skills=("Python",))
    mentee = make_mentee(wants=("Python",), languages=("en",))

    full_run()

    suggested = set(Suggestion.objects.filter(mentee=mentee).values_list("mentor_id", flat=True))
    assert suggested == {ok.pk}
    assert full.pk not in suggested and french.pk not in suggested


def test_incremental_rescore_gives_a_new_mentee_suggestions():
    mentor = make_mentor(skills=("SQL", "PostgreSQL"))
    make_mentor(skills=("Figma",))
    newcomer = make_mentee(wants=("PostgreSQL",))

    run = services.match_rescore_user(user_id=newcomer.pk)

    assert run.kind == MatchRun.Kind.INCREMENTAL and run.status == MatchRun.Status.SUCCEEDED
    assert run.subject_id == newcomer.pk
    top = Suggestion.objects.get(mentee=newcomer, is_current=True, rank=1)
    assert top.mentor_id == mentor.pk and top.run_id == run.pk


def test_mentor_who_stops_accepting_leaves_lists_at_once():
    mentors, mentees = community(mentors=4, mentees=6)
    full_run()
    mentor_id = (
        Suggestion.objects.filter(is_current=True)
        .values_list("mentor_id", flat=True)
        .order_by("mentor_id")
        .first()
    )
    listed_by = set(
        Suggestion.objects.filter(mentor_id=mentor_id, is_current=True).values_list(
            "mentee_id", flat=True
        )
    )
    Profile.objects.filter(user_id=mentor_id).update(accepting=False)

    run = services.match_rescore_user(user_id=mentor_id)

    assert not Suggestion.objects.filter(mentor_id=mentor_id, is_current=True).exists()
    assert set(run.parameters["mentee_ids"]) >= listed_by
    for mentee_id in listed_by:
        ranks = sorted(
            Suggestion.objects.filter(mentee_id=mentee_id, is_current=True).values_list(
                "rank", flat=True
            )
        )
        assert ranks == list(range(1, len(ranks) + 1))


def test_someone_no_longer_matchable_loses_their_list():
    make_mentor(skills=("Python",))
    mentee = make_mentee(wants=("Python",))
    services.match_rescore_user(user_id=mentee.pk)
    assert Suggestion.objects.filter(mentee=mentee, is_current=True).exists()
    Profile.objects.filter(user=mentee).update(role=Profile.Role.MENTOR)

    services.match_rescore_user(user_id=mentee.pk)

    assert not Suggestion.objects.filter(mentee=mentee, is_current=True).exists()


def test_a_chunk_does_not_overwrite_a_fresher_incremental_list():
    make_mentor(skills=("Python",))
    make_mentor(skills=("Excel",))
    mentee = make_mentee(wants=("Python",))
    run = services.match_run_start()
    services.match_run_prepare(run_id=run.pk)
    # The mentee edits their profile while the run is in progress.
    fresh = services.match_rescore_user(user_id=mentee.pk)
    services.match_run_score_chunk(run_id=run.pk, index=0)
    assert set(
        Suggestion.objects.filter(mentee=mentee, is_current=True).values_list("run_id", flat=True)
    ) == {fresh.pk}


# --- cohorts -------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["stable", "optimal"])
def test_cohort_preview_respects_capacities(mode):
    mentors, mentees = community(mentors=3, mentees=8, capacity=(1, 2))

    run = services.match_cohort_preview(mode=mode)

    assert run.kind == MatchRun.Kind.COHORT and run.status == MatchRun.Status.SUCCEEDED
    pairs = list(run.suggestions.all())
    assert pairs and all(not p.is_current and p.rank == 1 for p in pairs)
    assert len({p.mentee_id for p in pairs}) == len(pairs)  # one mentor per mentee
    caps = dict(Profile.objects.filter(user__in=mentors).values_list("user_id", "capacity"))
    for mentor_id, n in Counter(p.mentor_id for p in pairs).items():
        assert n <= caps[mentor_id]
        assert run.figures["mentor_load"][str(mentor_id)] == [n, caps[mentor_id]]
    assert run.figures["matched"] == len(pairs)
    assert run.figures["unmatched"] == len(run.figures["unmatched_mentee_ids"]) == 8 - len(pairs)
    if mode == "stable":
        assert run.figures["blocking_pairs"] == 0
    # A preview is invisible to people.
    assert not Suggestion.objects.filter(is_current=True).exists()


def test_cohort_publish_puts_the_assigned_mentor_first():
    community(mentors=3, mentees=5)
    full_run()
    run = services.match_cohort_preview(mode="optimal")
    assigned = dict(run.suggestions.values_list("mentee_id", "mentor_id"))
    mentee_id, mentor_id = next(iter(assigned.items()))
    before = Suggestion.objects.filter(mentee_id=mentee_id, is_current=True).count()

    run = services.match_cohort_publish(run=run)

    assert run.status == MatchRun.Status.PUBLISHED
    assert run.figures["published"] == len(assigned)
    for mentee, mentor in assigned.items():
        current = Suggestion.objects.filter(mentee_id=mentee, is_current=True)
        assert current.get(rank=1).mentor_id == mentor
        assert current.filter(mentor_id=mentor).count() == 1
        ranks = sorted(current.values_list("rank", flat=True))
        assert len(set(ranks)) == len(ranks)
    after = Suggestion.objects.filter(mentee_id=mentee_id, is_current=True).count()
    assert after in (before, before + 1)
    with pytest.raises(services.CohortError, match="Only a finished cohort preview"):
        services.match_cohort_publish(run=run)
    with pytest.raises(services.CohortError):
        services.match_cohort_discard(run=run)


def test_cohort_discard_removes_the_preview():
    community(mentors=2, mentees=3)
    run = services.match_cohort_preview(mode="stable")
    assert run.suggestions.exists()

    run = services.match_cohort_discard(run=run)

    assert run.status == MatchRun.Status.DISCARDED and not run.suggestions.exists()
    with pytest.raises(services.CohortError, match="Unknown mode"):
        services.match_cohort_preview(mode="greedy")


# --- learning ------------------------------------------------------------------------


def _outcomes(n: int, seed: int = 0):
    """Outcomes where acceptance follows the skills component."""
    rng = np.random.default_rng(seed)
    mentor = make_mentor()
    run = MatchRun.objects.create(kind="full", status="succeeded")
    for i in range(n):
        mentee = make_mentee(email=f"learner{seed}-{i}@example.org")
        comp = {name: float(rng.random()) for name in COMPONENTS}
        accepted = comp["skills"] + 0.2 * rng.standard_normal() > 0.5
        s = Suggestion.objects.create(
            run=run, mentee=mentee, mentor=mentor, rank=1, score=0.5, components=comp
        )
        if i % 3 == 0 and not accepted:
            Suggestion.objects.filter(pk=s.pk).update(status="declined")
        else:
            MatchRequest.objects.create(
                mentee=mentee,
                mentor=mentor,
                suggestion=s,
                status="accepted" if accepted else "declined",
                responded_at=timezone.now(),
            )


def test_learning_refuses_with_too_few_outcomes_then_learns():
    MatchingConfig.objects.update_or_create(pk=1, defaults={"min_outcomes_to_learn": 60})
    _outcomes(10)
    with pytest.raises(services.LearningRefused, match="not enough data"):
        services.matching_learn_weights()
    assert MatchingConfig.load().learned_weights == {}

    _outcomes(80, seed=1)
    result = services.matching_learn_weights()

    config = MatchingConfig.load()
    assert result.ok and config.learned_outcomes == 90
    assert set(config.learned_weights) == set(COMPONENTS)
    assert max(config.learned_weights, key=config.learned_weights.get) == "skills"
    assert config.learned_auc > config.configured_auc
    assert config.learned_at is not None
    # The admin chooses: the learned weights drive the engine only when switched on.
    assert config.engine_config().weights["skills"] == pytest.approx(config.weight_skills)
    config.use_learned_weights = True
    assert config.engine_config().weights["skills"] == pytest.approx(
        config.learned_weights["skills"]
    )
