"""A big model's objects are frozen out of the cyclic GC's scans; a small one's are not."""

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
