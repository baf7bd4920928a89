"""Full runs at scale: a big model frozen out of the cyclic GC, stored uncompressed, declines indexed."""

import gc

import pytest

from matching.engine import MatchModel
from matching.services import snapshots
from tests.matching.test_engine_scoring import random_people


@pytest.fixture
def model():
    mentees, mentors, cats = random_people(30, 20, seed=5)
    yield MatchModel(config={"k": 3}, skill_categories=cats).fit(mentees, mentors)
    gc.unfreeze()


def test_a_small_model_is_left_to_the_collector(model):
    assert snapshots.heap_settle(model) is False
    assert snapshots.heap_settle(None) is False


def test_a_big_model_is_frozen_and_a_later_one_releases_the_earlier_freeze(model, monkeypatch):
    monkeypatch.setattr(snapshots, "HEAP_SETTLE_PEOPLE", 10)
    assert snapshots.heap_settle(model) is True
    frozen = gc.get_freeze_count()
    assert frozen > 0
    garbage = [[]]
    garbage[0].append(garbage)  # a cycle frozen with the first model
    snapshots.heap_settle(model)
    assert gc.get_freeze_count() > 0
    del garbage
    gc.unfreeze()
    assert gc.collect() >= 1  # the frozen cycle is collectable again once released


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_stored_model_is_not_compressed_again_by_postgresql():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'matching_matchrunmodel'::regclass AND attname = 'data'"
        )
        assert cur.fetchone()[0] == "e"  # EXTERNAL: out of line, uncompressed


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_declined_pairs_a_full_run_excludes_are_read_from_their_own_index():
    """Not by scanning millions of suggestion rows (5.7 s at 100,000 mentees)."""
    from django.db import connection

    from matching.models import Suggestion

    assert Suggestion.Status.DECLINED == "declined"  # the index's condition
    qs = Suggestion.objects.filter(status=Suggestion.Status.DECLINED).values_list(
        "mentee_id", "mentor_id"
    )
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")  # a test table is small enough to scan
        sql, params = qs.query.sql_with_params()
        cur.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert "suggestion_declined_pairs" in plan


@pytest.mark.django_db
def test_rows_copied_twice_are_written_once_and_the_copy_falls_back_quietly():
    """Rows go straight into the table; a row that exists already (a second write of the
    same run's list) is skipped through the fallback, inside the caller's transaction."""
    from django.db import transaction

    from matching.models import Suggestion
    from matching.services.suggestion_rows import Row, rows_insert
    from tests.factories import MatchRunFactory, make_mentee, make_mentor

    run = MatchRunFactory()
    mentee, mentors = make_mentee(), [make_mentor() for _ in range(3)]
    rows = [
        Row(mentee.pk, m.pk, rank, 0.5, {"skills": 0.5}, ["Offers skills you want: SQL"])
        for rank, m in enumerate(mentors, start=1)
    ]
    with transaction.atomic():
        assert rows_insert(run=run, rows=rows[:1], statuses=["open"]) == 1
        assert rows_insert(run=run, rows=rows[:2], statuses=["open"] * 2, fresh=True) == 2
        assert rows_insert(run=run, rows=rows, statuses=["open"] * 3) == 3
        assert Suggestion.objects.filter(run=run).count() == 3  # the transaction still works
    stored = Suggestion.objects.get(run=run, mentor_id=mentors[0].pk)
    assert stored.reasons == ["Offers skills you want: SQL"]
    assert stored.components == {"skills": 0.5}
    assert stored.is_current and stored.created_at is not None
