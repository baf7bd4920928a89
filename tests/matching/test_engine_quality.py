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


def test_skill_model_fitted_without_the_cohort_beats_tfidf():
    from benchmarks.quality import heldout_recall

    for disjoint in (False, True):
        engine = heldout_recall(disjoint, seed=5)
        tfidf = heldout_recall(disjoint, PLAIN_TFIDF, seed=5, skill_model=False)
        assert engine["unknown_skills"] > 0  # the evaluation occupations were removed
        assert engine["recall_at_10"] > tfidf["recall_at_10"] + 0.05
        assert engine["recall_at_10"] > 5 * engine["random"]
        assert engine["max_lists_per_mentor"] <= 25  # balancing held the popular ones back
