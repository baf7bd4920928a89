"""Scale: the stored run model, incremental re-scores on the warm model, batched imports, pruning."""

import datetime
import json

import numpy as np
import pytest
from django.utils import timezone

from matching import receivers, services, tasks
from matching.engine.persist import FORMAT, state_load
from matching.errors import MatchingRunError
from matching.models import (
    MatchingConfig,
    MatchRequest,
    MatchRun,
    MatchRunModel,
    SkillVectorSet,
    Suggestion,
)
from matching.services import skill_model
from profiles.models import Profile
from tests.factories import (
    BlockFactory,
    MentoringSessionFactory,
    SkillVectorSetFactory,
    SuspensionFactory,
    community,
    make_mentee,
    make_mentor,
)
from tests.profiles.test_import import make_csv, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Each test starts like a fresh worker: no cached run model, no warm model."""
    services.snapshot_cache_clear()
    services.warm_forget()
    yield
    services.snapshot_cache_clear()
    services.warm_forget()


def full_run(chunk_size=4) -> MatchRun:
    run = services.match_run_start(chunk_size=chunk_size)
    return services.match_run_execute_inline(run=run)


def lists() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for mentee_id, mentor_id in (
        Suggestion.objects.filter(is_current=True)
        .order_by("mentee_id", "rank")
        .values_list("mentee_id", "mentor_id")
    ):
        out.setdefault(mentee_id, []).append(mentor_id)
    return out


def no_balancing():
    MatchingConfig.objects.update_or_create(pk=1, defaults={"exposure_strength": 0.0})


# --- the run's model, shared by every chunk ---------------------------------------


def test_chunks_scored_by_different_workers_use_the_same_stored_model():
    community(mentors=6, mentees=12)
    run = services.match_run_start(chunk_size=4)
    todo = services.match_run_prepare(run_id=run.pk)
    assert todo == [0, 1, 2]
    # The data change after the model was fitted: a newcomer every mentee would want.
    newcomer = make_mentor(skills=("Python", "Django", "SQL", "Excel"), capacity=50)

    services.snapshot_cache_clear()  # "worker A": nothing cached, reads the stored model
    services.match_run_score_chunk(run_id=run.pk, index=0)
    services.snapshot_cache_clear()  # "worker B" on another machine
    services.match_run_score_chunk(run_id=run.pk, index=1)
    services.match_run_score_chunk(run_id=run.pk, index=2)
    run = services.match_run_finish(run_id=run.pk)

    assert run.status == MatchRun.Status.SUCCEEDED
    stored = MatchRunModel.objects.get(run=run)
    prints = [c.figures["model_fingerprint"] for c in run.chunks.order_by("index")]
    assert prints == [stored.fingerprint] * 3
    # every chunk scored with the run's model, so nobody got the newcomer
    assert not Suggestion.objects.filter(run=run, mentor=newcomer).exists()
    assert bytes(stored.data)[:2] == b"PK"  # an .npz archive, not a pickle


def test_chunks_on_different_workers_use_the_run_s_skill_model_version():
    """A skill model fitted mid-run changes nothing in it: every chunk attaches the run's version."""
    SkillVectorSetFactory(version=1)
    community(mentors=6, mentees=12)
    run = services.match_run_start(chunk_size=4)
    assert run.parameters["skill_model_version"] == 1
    services.match_run_prepare(run_id=run.pk)
    stored = MatchRunModel.objects.get(run=run)
    assert stored.skill_model_version == 1
    SkillVectorSetFactory(version=2)  # the weekly refit lands while the run is going

    used = []
    for index in range(3):
        # each chunk on a fresh "worker": no run model, no skill model cached
        services.snapshot_cache_clear()
        skill_model._CACHE.clear()
        services.match_run_score_chunk(run_id=run.pk, index=index)
        model = services.snapshot_load(run).model
        used.append((services.snapshot_load(run).fingerprint, model.skill_model_.version_))
    run = services.match_run_finish(run_id=run.pk)

    assert run.status == MatchRun.Status.SUCCEEDED
    assert used == [(stored.fingerprint, 1)] * 3
    prints = {c.figures["model_fingerprint"] for c in run.chunks.all()}
    assert prints == {stored.fingerprint}
    # the related_skills component was scored (a skill model in use), by version 1
    assert Suggestion.objects.filter(run=run).exclude(components__related_skills=None).exists()


def test_a_stored_model_whose_skill_model_version_is_gone_fails_the_chunk():
    SkillVectorSetFactory(version=1)
    community(mentors=4, mentees=6)
    run = services.match_run_start(chunk_size=3)
    services.match_run_prepare(run_id=run.pk)
    SkillVectorSet.objects.filter(version=1).delete()
    services.snapshot_cache_clear()
    skill_model._CACHE.clear()
    with pytest.raises(MatchingRunError, match="skill model v1"):
        services.match_run_score_chunk(run_id=run.pk, index=0)


def test_a_stored_run_model_keeps_its_skill_model_version_from_pruning():
    SkillVectorSetFactory(version=1)
    community(mentors=3, mentees=4)
    full_run()
    for _ in range(skill_model.KEEP_VERSIONS + 1):
        skill_model.skill_model_fit(n_components=2, include_profiles=False)
    assert SkillVectorSet.objects.filter(version=1).exists()


def test_a_stored_model_never_builds_classes_outside_the_engine():
    manifest = json.dumps(
        {"format": FORMAT, "root": {"__obj__": "os:system", "state": {}}, "meta": {}}
    ).encode()
    import io

    buf = io.BytesIO()
    np.savez(buf, __manifest__=np.frombuffer(manifest, dtype=np.uint8))
    with pytest.raises(ValueError, match="may not contain a os:system"):
        state_load(buf.getvalue())


# --- incremental re-scores are the full run's answer --------------------------------


def test_a_changed_mentee_gets_the_list_a_full_run_would_give():
    no_balancing()
    mentors, mentees = community(mentors=8, mentees=10, seed=3)
    full_run()
    mentee = mentees[4]
    Profile.objects.filter(user=mentee).update(years_experience=0, timezone="Asia/Tokyo")

    run = services.match_rescore_user(user_id=mentee.pk)
    incremental = lists()[mentee.pk]
    assert run.figures["refitted"] is False  # the warm model, not a re-fit
    assert set(
        Suggestion.objects.filter(mentee=mentee, is_current=True).values_list("run_id", flat=True)
    ) == {run.pk}

    full_run()
    assert lists()[mentee.pk] == incremental


def test_incremental_equals_full_with_blocks_suspensions_and_reliability():
    """What changed around the person since the nightly run (a block, a suspension,
    missed sessions) weighs in a re-score on the warm model exactly as in a full run."""
    no_balancing()
    mentors, mentees = community(mentors=8, mentees=10, seed=5)
    for mentor in mentors:  # room for everyone: lists are not cut by places
        Profile.objects.filter(user=mentor).update(capacity=20)
    full_run()
    mentee = mentees[3]
    before = Suggestion.objects.filter(mentee=mentee, is_current=True).order_by("rank")
    first, second, third = (s.mentor for s in before[:3])
    third_score = before[2].score

    BlockFactory(blocker=mentee, blocked=first)
    SuspensionFactory(user=second)
    start = timezone.now() - datetime.timedelta(days=30)
    for i in range(6):  # the third mentor missed six sessions: reliability drops
        at = start + datetime.timedelta(days=i)
        MentoringSessionFactory(
            mentor=third,
            mentee=mentees[i],
            starts_at=at,
            ends_at=at + datetime.timedelta(hours=1),
            status="no_show",
            no_show_user=third,
        )
    Profile.objects.filter(user=mentee).update(years_experience=2)

    run = services.match_rescore_user(user_id=mentee.pk)
    assert run.figures["refitted"] is False  # the warm model, patched
    incremental = lists()[mentee.pk]
    assert first.pk not in incremental and second.pk not in incremental
    after = Suggestion.objects.get(mentee=mentee, mentor=third, is_current=True)
    assert after.components["responsiveness"] < before[2].components["responsiveness"]
    assert after.score < third_score

    full_run()
    assert lists()[mentee.pk] == incremental
    full = Suggestion.objects.get(mentee=mentee, mentor=third, is_current=True)
    # the same components and filters; only the fitted IDF weights of skills and
    # goal words are the base's (the suspended mentor left the population), by design
    fitted = {"skills", "goals"}
    assert {k: v for k, v in full.components.items() if k not in fitted} == {
        k: v for k, v in after.components.items() if k not in fitted
    }
    assert full.components["skills"] == pytest.approx(after.components["skills"], abs=0.01)


def test_a_new_mentor_skips_blocked_and_suspended_mentees():
    no_balancing()
    blocker = make_mentee(wants=("Kubernetes",))
    suspended = make_mentee(wants=("Kubernetes",))
    fits = make_mentee(wants=("Kubernetes",))
    make_mentor(skills=("Excel",))
    full_run()
    newcomer = make_mentor(skills=("Kubernetes",))
    BlockFactory(blocker=blocker, blocked=newcomer)
    SuspensionFactory(user=suspended)

    services.match_rescore_user(user_id=newcomer.pk)
    listing = set(
        Suggestion.objects.filter(mentor=newcomer, is_current=True).values_list(
            "mentee_id", flat=True
        )
    )
    assert listing == {fits.pk}


def test_a_mentor_who_starts_accepting_enters_the_lists_a_full_run_would_give():
    no_balancing()
    mentors, mentees = community(mentors=8, mentees=12, seed=4)
    late = mentors[2]
    Profile.objects.filter(user=late).update(accepting=False)
    full_run()
    assert not Suggestion.objects.filter(mentor=late, is_current=True).exists()

    Profile.objects.filter(user=late).update(accepting=True, capacity=20)
    run = services.match_rescore_user(user_id=late.pk)
    after_incremental = lists()

    assert run.figures["mentor_inserted_into"] > 0
    assert Suggestion.objects.filter(mentor=late, is_current=True, run=run).exists()
    full_run()
    assert lists() == after_incremental  # every list, not only the mentor's


@pytest.mark.parametrize("group", [1, 32])
def test_mentors_who_start_accepting_together_enter_the_lists_a_full_run_would_give(
    group, monkeypatch
):
    """One batched re-score of several mentors (an import): a list that takes more than
    one of them holds what a full run would give it, with each row once, whether they
    were scored in one group of columns or (group 1) one after another."""
    from matching.services import rescore

    monkeypatch.setattr(rescore, "COLUMN_GROUP", group)
    no_balancing()
    mentors, mentees = community(mentors=10, mentees=16, seed=5)
    late = [mentors[1], mentors[4], mentors[7]]
    Profile.objects.filter(user__in=late).update(accepting=False)
    full_run()
    assert not Suggestion.objects.filter(mentor__in=late, is_current=True).exists()

    Profile.objects.filter(user__in=late).update(accepting=True, capacity=20)
    run = services.match_rescore_users(user_ids=[m.pk for m in late])
    after_incremental = lists()

    took_two = [
        ids for ids in after_incremental.values() if len(set(ids) & {m.pk for m in late}) > 1
    ]
    assert took_two, "the fixture should have a list that takes two of them"
    assert run.figures["mentor_inserted_into"] > 0
    # every row written once: a list that took two of them was not rewritten twice
    assert run.suggestions_count == Suggestion.objects.filter(run=run).count()
    full_run()
    assert lists() == after_incremental


def test_a_new_mentor_appears_in_the_lists_of_mentees_they_fit():
    excel = make_mentor(skills=("Excel",))
    fits = make_mentee(wants=("Kubernetes",), goals=("Run clusters",))
    other = make_mentee(wants=("Excel",), goals=("Spreadsheets",))
    full_run()
    assert lists()[fits.pk] == [excel.pk]

    newcomer = make_mentor(skills=("Kubernetes", "Terraform"))
    run = services.match_rescore_user(user_id=newcomer.pk)

    top = Suggestion.objects.get(mentee=fits, is_current=True, rank=1)
    assert top.mentor_id == newcomer.pk and top.run_id == run.pk
    assert "Offers skills you want: Kubernetes" in top.reasons
    assert lists()[fits.pk] == [newcomer.pk, excel.pk]  # the list keeps its other entries
    assert lists()[other.pk][0] == excel.pk


def test_a_new_mentor_enters_at_most_their_exposure_quota_of_lists():
    mentors, mentees = community(mentors=6, mentees=30, seed=6)
    full_run()
    newcomer = make_mentor(skills=("Python", "Django", "SQL", "Excel"), capacity=1)

    services.match_rescore_user(user_id=newcomer.pk)

    shown = Suggestion.objects.filter(mentor=newcomer, is_current=True).count()
    config = MatchingConfig.load()
    free = sum(max(p.capacity, 0) for p in Profile.objects.filter(role__in=Profile.MENTOR_ROLES))
    quota = max(config.suggestions_per_mentee * 30 * 1 / free / config.exposure_strength, 1)
    assert 0 < shown <= int(np.ceil(quota))


def test_the_warm_model_follows_changes_made_by_other_workers():
    no_balancing()
    mentors, mentees = community(mentors=6, mentees=8, seed=8)
    full_run()
    services.match_rescore_user(user_id=mentees[0].pk)  # this process is now warm
    # Another worker re-scores a mentor who stopped accepting.
    Profile.objects.filter(user=mentors[1]).update(accepting=False)
    services.warm_forget()
    services.match_rescore_user(user_id=mentors[1].pk)
    services.warm_forget()
    services.match_rescore_user(user_id=mentees[0].pk)  # a fresh warm model, patched
    assert not Suggestion.objects.filter(mentor=mentors[1], is_current=True).exists()


def test_a_refit_is_wanted_after_more_changes_than_the_population_allows(settings):
    """The warm model takes MATCHING_WARM_MAX_CHANGES changed people, or its share of
    the population when that is more, before it asks for a re-fit."""
    mentors, mentees = community(mentors=6, mentees=14, seed=9)  # 20 people
    full_run()
    settings.MATCHING_WARM_MAX_CHANGES = 2
    settings.MATCHING_WARM_MAX_CHANGES_SHARE = 0.25  # 5 of 20

    within = services.match_rescore_users(user_ids=[m.pk for m in mentees[:4]])
    assert within.figures["refit_wanted"] == ""
    beyond = services.match_rescore_users(user_ids=[m.pk for m in mentees[4:6]])
    assert beyond.figures["refit_wanted"] == (
        "more than 5 people changed since the model was fitted"
    )
    settings.MATCHING_WARM_MAX_CHANGES_SHARE = 0.0  # the count alone
    services.warm_forget()
    again = services.match_rescore_users(user_ids=[m.pk for m in mentees[:3]])
    assert again.figures["refit_wanted"] == (
        "more than 2 people changed since the model was fitted"
    )


def test_a_new_skill_rescores_at_once_then_queues_one_refit(monkeypatch):
    make_mentor(skills=("Python",))
    make_mentor(skills=("Underwater basket weaving",))
    mentee = make_mentee(wants=("Python",))
    full_run()
    from django.core.cache import cache

    from profiles.models import ProfileSkill
    from tests.factories import skill

    ProfileSkill.objects.create(
        profile=mentee.profile, skill=skill("Figma"), direction="wants", level=3
    )
    queued = []
    monkeypatch.setattr(tasks.rescore_users, "delay_on_commit", lambda *a: queued.append(a))
    cache.delete(tasks.REFIT_LOCK)

    run_id = tasks.rescore_user.run(mentee.pk)  # goes ahead on the warm model
    tasks.rescore_user.run(mentee.pk)  # a second one while the re-fit is pending

    run = MatchRun.objects.get(pk=run_id)
    assert run.figures["refitted"] is False
    assert run.figures["refit_wanted"] == "a skill the model's vocabulary does not know"
    assert queued == [([mentee.pk], True)]  # one re-fit, not one per re-score
    refit = MatchRun.objects.get(pk=tasks.rescore_users.run(*queued[0]))
    assert refit.figures["refitted"] is True
    assert MatchRunModel.objects.filter(run=refit).exists()  # the new warm base
    assert cache.get(tasks.REFIT_LOCK) is None


# --- imports: one batched re-score -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_import_queues_one_batched_rescore_not_one_per_person(monkeypatch):
    from profiles.importing import import_apply

    sent = []
    monkeypatch.setattr(
        tasks.rescore_users, "apply_async", lambda args, **kw: sent.append(("many", args))
    )
    monkeypatch.setattr(
        tasks.rescore_user, "apply_async", lambda args, **kw: sent.append(("one", args))
    )
    rows = [person(email=f"p{i}@example.org", name=f"P {i}") for i in range(30)]

    report = import_apply(data=make_csv(rows), invite=False)

    assert report.applied
    assert [kind for kind, _ in sent] == ["many"]
    ids = sent[0][1][0]
    assert len(ids) == 30
    assert set(ids) == set(Profile.objects.values_list("user_id", flat=True))


def test_batched_rescores_are_split_into_bounded_tasks(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.rescore_users, "apply_async", lambda args, **kw: sent.append(args))
    monkeypatch.setattr(receivers, "BATCH_SIZE", 10)
    assert receivers.schedule_rescore_many(range(25)) == 3
    assert [len(a[0]) for a in sent] == [10, 10, 5]


def test_a_batched_rescore_gives_every_imported_mentee_a_list():
    make_mentor(skills=("Python",))
    people = [make_mentee(wants=("Python",)) for _ in range(5)]
    run = tasks.rescore_users.run([p.pk for p in people])
    assert run is not None
    assert set(lists()) == {p.pk for p in people}


# --- retention ---------------------------------------------------------------------


def test_pruning_keeps_what_people_see_or_acted_on():
    no_balancing()
    mentors, mentees = community(mentors=4, mentees=6, seed=2)
    old = full_run()
    requested = Suggestion.objects.filter(run=old).order_by("pk").first()
    MatchRequest.objects.create(
        mentee_id=requested.mentee_id, mentor_id=requested.mentor_id, suggestion=requested
    )
    Suggestion.objects.filter(pk=requested.pk).update(status=Suggestion.Status.REQUESTED)
    new = full_run()
    long_ago = timezone.now() - datetime.timedelta(days=30)
    MatchRun.objects.filter(pk=old.pk).update(created_at=long_ago)
    superseded = Suggestion.objects.filter(run=old, is_current=False).exclude(pk=requested.pk)
    assert superseded.exists()

    counts = services.match_runs_prune(days=14)

    assert counts["suggestions"] == superseded.count() or not superseded.exists()
    assert (
        not Suggestion.objects.filter(run=old, is_current=False, status="open")
        .exclude(requests__isnull=False)
        .exists()
    )
    assert Suggestion.objects.filter(pk=requested.pk).exists()  # a request points to it
    assert Suggestion.objects.filter(run=new, is_current=True).exists()
    assert MatchRunModel.objects.filter(run=new).exists()  # the warm base stays
    assert not MatchRunModel.objects.filter(run=old).exists()


def test_prune_task_uses_the_retention_setting(settings):
    settings.MATCHING_RUN_RETENTION_DAYS = 0
    make_mentor(skills=("Python",))
    make_mentee(wants=("Python",))
    full_run()
    full_run()
    counts = tasks.prune_runs.run()
    assert counts["suggestions"] >= 1
    assert Suggestion.objects.filter(is_current=True).count() >= 1


# A real worker bringing a new mentor into fitting lists within a minute:
# tests/matching/test_new_mentor_reaches_mentees.py (filesystem broker and Redis).


def test_a_person_deleted_behind_the_warm_models_back_gets_no_rows_and_breaks_no_rescore():
    """A deletion that sent no re-score (a direct delete, the admin): the warm model still
    lists them, but nothing is written for them, and the new mentor reaches everyone else."""
    no_balancing()
    gone = make_mentee(wants=("Kubernetes",))
    stays = make_mentee(wants=("Kubernetes",))
    make_mentor(skills=("Excel",))
    full_run()
    services.match_rescore_user(user_id=stays.pk)  # this process is now warm
    gone_id = gone.pk
    type(gone).objects.filter(pk=gone_id).delete()  # no signal a re-score listens to

    newcomer = make_mentor(skills=("Kubernetes",))
    run = services.match_rescore_user(user_id=newcomer.pk)

    assert run.status == run.Status.SUCCEEDED, run.error
    listing = set(
        Suggestion.objects.filter(mentor=newcomer, is_current=True).values_list(
            "mentee_id", flat=True
        )
    )
    assert listing == {stays.pk}
    assert not Suggestion.objects.filter(mentee_id=gone_id).exists()
