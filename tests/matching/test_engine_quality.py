"""Quality on O*NET occupations (small scale of the quality_onet benchmark)."""

import pytest

from benchmarks.quality import PLAIN_TFIDF, recall_at_k

N_OCC = 250


@pytest.fixture(scope="module")
def figures():
    return {
        (disjoint, name): recall_at_k(disjoint, settings, n_occupations=N_OCC, seed=3)
        for disjoint in (False, True)
        for name, settings in (("tfidf", PLAIN_TFIDF), ("engine", None))
    }


def test_engine_at_least_as_good_as_tfidf_on_independent_samples(figures):
    assert figures[(False, "engine")]["recall"] >= figures[(False, "tfidf")]["recall"]
    assert figures[(False, "engine")]["recall"] > 5 * figures[(False, "engine")]["random"]


def test_skill_relations_find_the_right_mentor_without_shared_tools(figures):
    tfidf, engine = figures[(True, "tfidf")], figures[(True, "engine")]
    assert tfidf["recall"] <= 2 * tfidf["random"]  # TF-IDF alone is blind here
    assert engine["recall"] > 2 * engine["random"]
