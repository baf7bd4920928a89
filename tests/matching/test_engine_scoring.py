"""Engine scoring: components, filters, top-k, chunking, balancing, explanations (no DB)."""

import numpy as np
import pytest
from sklearn.base import clone

from matching.engine import (
    COMPONENTS,
    EngineConfig,
    Exclusions,
    MatchModel,
    Mentees,
    Mentors,
    select_topk,
)
from matching.engine import components as C

EVENINGS = [d * 24 + h for d in range(5) for h in (18, 19, 20)]  # 15 hours
MORNINGS = [d * 24 + h for d in range(5) for h in (7, 8)]


def person(i, skills, **kw):
    return {
        "id": i,
        "skills": skills,
        "text": kw.pop("text", ""),
        "years_experience": kw.pop("years", 2.0),
        "industry": kw.pop("industry", "Software"),
        "occupation_group": kw.pop("group", "15"),
        "available_hours": kw.pop("hours", EVENINGS),
        "languages": kw.pop("languages", {"en"}),
        "formats": kw.pop("formats", {"long_term"}),
        **kw,
    }


def mentor(i, skills, **kw):
    kw.setdefault("years", 10.0)
    return person(i, skills, **kw)


@pytest.fixture
def small():
    mentees = Mentees.from_records(
        [
            person(1, {"Python": 3, "SQL": 2}, text="learn data engineering pipelines"),
            person(2, {"Figma": 3}, text="become a product designer", industry="Media", group="27"),
            person(3, {"Python": 1}, languages={"fr"}),
        ]
    )
    mentors = Mentors.from_records(
        [
            mentor(
                10, {"Python": 5, "SQL": 4}, text="data engineering lead, pipelines and warehouses"
            ),
            mentor(
                11, {"Figma": 5, "Sketch": 3}, text="product designer", industry="Media", group="27"
            ),
            mentor(12, {"Python": 3}, accepting=False),
            mentor(13, {"Python": 4}, capacity_left=0),
            mentor(14, {"Python": 4}, languages={"de"}),
            mentor(15, {"Python": 4}, formats={"flash"}),
            mentor(1, {"Python": 5}),  # mentee 1 is also a mentor
            mentor(16, {"Excel": 2}, years=1.0, hours=MORNINGS, industry="Retail", group="41"),
        ]
    )
    return mentees, mentors


def fit(mentees, mentors, **cfg):
    config = EngineConfig.from_dict({"k": 5, "candidate_width": 8, "exposure_strength": 0.0, **cfg})
    return MatchModel(config=config, random_state=0).fit(mentees, mentors)


def test_components_are_in_unit_range_and_match_the_pair_path(small):
    mentees, mentors = small
    model = fit(mentees, mentors)
    a, b = np.meshgrid(np.arange(len(mentees)), np.arange(len(mentors)), indexing="ij")
    comp, scores, _ = model.score_pairs(a.ravel(), b.ravel())
    assert comp.shape == (a.size, len(COMPONENTS))
    assert (comp >= 0).all() and (comp <= 1 + 1e-6).all()
    assert np.allclose(scores, comp @ model.weights_)
    cands = model.candidates()
    for row in range(len(mentees)):
        for slot, j in enumerate(cands.mentor_index[row]):
            if j >= 0:
                p = np.flatnonzero((a.ravel() == row) & (b.ravel() == j))[0]
                assert np.allclose(cands.components[row, slot], comp[p], atol=1e-5)
                assert cands.scores[row, slot] == pytest.approx(scores[p], abs=1e-5)


def test_skills_component_prefers_shared_skills(small):
    mentees, mentors = small
    model = fit(mentees, mentors)
    comp, _, _ = model.score_pairs(np.array([0, 0, 1]), np.array([0, 1, 1]))
    assert comp[0, 0] > 0.9  # Python + SQL against Python + SQL
    assert comp[1, 0] == pytest.approx(0.0, abs=0.05)  # Python/SQL vs Figma/Sketch
    assert comp[2, 0] > 0.5


def test_goals_component_uses_text(small):
    mentees, mentors = small
    model = fit(mentees, mentors)
    comp, _, _ = model.score_pairs(np.array([0, 0]), np.array([0, 1]))
    assert comp[0, 1] > 0.3 and comp[1, 1] == pytest.approx(0.0)


def test_seniority_shape():
    cfg = EngineConfig()
    gaps = np.array([-5, 0, 0.5, 1, 3, 6, 15, 25, 40], float)
    s = C.seniority(np.zeros_like(gaps), gaps, cfg)
    assert s[0] == 0 and s[1] == 0 and s[2] == 0 and s[3] == 0  # behind, equal, under min
    assert 0 < s[4] < 1 and s[5] == pytest.approx(1.0)
    assert 0 < s[6] < 1 and s[7] == pytest.approx(0.0) and s[8] == 0
    assert (np.diff(s[3:6]) > 0).all() and (np.diff(s[5:8]) < 0).all()
    assert C.seniority(np.array([np.nan]), np.array([5.0]), cfg)[0] == cfg.unknown_seniority


def test_context_preferences():
    same = EngineConfig(context_preference="same")
    diff = EngineConfig(context_preference="different")
    anyc = EngineConfig(context_preference="any")
    a, b = np.array([0, 0, -1]), np.array([0, 1, 0])
    assert list(C.context(a, b, a, b, same)) == [1.0, 0.0, 0.5]
    assert list(C.context(a, b, a, b, diff)) == [0.0, 1.0, 0.5]
    assert list(C.context(a, b, a, b, anyc)) == [1.0, 1.0, 1.0]


def test_availability_and_responsiveness():
    cfg = EngineConfig(overlap_target_hours=4, format_share=0.3)
    h = C.hours_score(np.array([0, 2, 4, 10]), np.array([True, True, True, False]), cfg)
    assert list(h) == [0.0, 0.5, 1.0, cfg.unknown_availability]
    assert C.availability(np.array([1.0]), np.array([False]), cfg)[0] == pytest.approx(0.7)
    r = C.responsiveness(np.array([0, 10, 10]), np.array([0, 10, 0]), cfg)
    assert r[0] == pytest.approx(cfg.responsiveness_prior_rate)
    assert r[1] > r[0] > r[2] and r[2] >= 0 and r[1] <= 1


def test_hard_filters(small):
    mentees, mentors = small
    model = fit(mentees, mentors)
    top = model.score_topk(exclusions=Exclusions({(2, 11)}), balance=False)
    ids = {
        int(mentees.ids[r]): set(top.mentor_ids[p][top.mentor_ids[p] >= 0].tolist())
        for p, r in enumerate(top.rows)
    }
    for suggested in ids.values():
        assert not suggested & {12, 13}  # not accepting, no capacity
        assert 15 not in suggested or False  # flash-only mentor vs long-term mentees
    assert 1 not in ids[1]  # never themself
    assert 14 not in ids[1]  # no shared language
    assert 11 not in ids[2]  # excluded pair
    assert ids[3] == set()  # speaks only French: nobody left
    _, _, allowed = model.score_pairs(np.array([0, 0, 0, 0, 0, 0]), np.array([0, 2, 3, 4, 5, 6]))
    assert list(allowed) == [True, False, False, False, False, False]
    relaxed = fit(mentees, mentors, format_hard_filter=False).score_topk(balance=False)
    assert 15 in relaxed.mentor_ids[0]


def test_padding_when_few_candidates(small):
    mentees, mentors = small
    top = fit(mentees, mentors).score_topk(balance=False)
    row3 = top.mentor_index[2]
    assert (
        (row3 == -1).all() and np.isnan(top.scores[2]).all() and np.isnan(top.components[2]).all()
    )
    assert top.mentor_index.shape == (3, 5) and top.components.shape == (3, 5, len(COMPONENTS))


def random_people(n, m, seed):
    rng = np.random.default_rng(seed)
    vocab = [f"skill{i}" for i in range(30)]
    words = [
        "data",
        "design",
        "python",
        "cloud",
        "sales",
        "finance",
        "leadership",
        "teaching",
        "health",
        "security",
    ]

    def rec(i, is_mentor):
        sk = {
            vocab[j]: float(rng.integers(1, 6 if is_mentor else 4))
            for j in rng.choice(30, rng.integers(1, 6), replace=False)
        }
        return {
            "id": i,
            "skills": sk,
            "text": " ".join(rng.choice(words, 5)),
            "years_experience": float(rng.integers(0, 30)),
            "industry": ["A", "B", ""][rng.integers(3)],
            "occupation_group": ["11", "15", ""][rng.integers(3)],
            "available_hours": np.flatnonzero(rng.random(168) < 0.1).tolist(),
            "languages": [{"en"}, {"en", "fr"}, {"fr"}][rng.integers(3)],
            "formats": [{"flash"}, {"long_term"}, {"flash", "long_term"}, set()][rng.integers(4)],
            "capacity_left": int(rng.integers(0, 4)),
            "accepting": bool(rng.random() < 0.9),
            "requests_received": int(rng.integers(0, 10)),
            "requests_answered_in_time": 0,
        }

    mentees = Mentees.from_records([rec(i, False) for i in range(1, n + 1)])
    mentors = Mentors.from_records(
        [rec(i, True) for i in range(n - 5, n - 5 + m)]
    )  # a few are both
    cats = {v: f"cat{int(v[5:]) % 5}" for v in vocab}
    return mentees, mentors, cats


def test_topk_equals_brute_force_and_chunking_does_not_matter():
    mentees, mentors, cats = random_people(60, 40, seed=1)
    excl = Exclusions({(3, 60), (4, 61), (10, 70)})
    cfg = {"k": 5, "candidate_width": 5, "exposure_strength": 0.0}
    model = MatchModel(
        config=EngineConfig.from_dict({**cfg, "chunk_size": 1000}),
        skill_categories=cats,
        random_state=0,
    )
    top = model.fit(mentees, mentors).score_topk(exclusions=excl)
    a, b = np.meshgrid(np.arange(60), np.arange(40), indexing="ij")
    _, scores, allowed = model.score_pairs(a.ravel(), b.ravel(), exclusions=excl)
    scores = np.where(
        allowed & (mentees.ids[a.ravel()] != mentors.ids[b.ravel()]), scores, -np.inf
    ).reshape(60, 40)
    for i in range(60):
        expected = np.sort(scores[i])[::-1][:5]
        got = np.where(top.mentor_index[i] >= 0, top.scores[i], -np.inf)
        assert np.allclose(
            np.nan_to_num(got, neginf=-9), np.nan_to_num(expected, neginf=-9), atol=1e-5
        )
        for j, s in zip(top.mentor_index[i], top.scores[i], strict=True):
            if j >= 0:
                assert scores[i, j] == pytest.approx(s, abs=1e-5)
    for chunk, jobs in ((7, 1), (13, 2), (1, 1)):
        other = MatchModel(
            config=EngineConfig.from_dict({**cfg, "chunk_size": chunk, "n_jobs": jobs}),
            skill_categories=cats,
            random_state=0,
        )
        res = other.fit(mentees, mentors).score_topk(exclusions=excl)
        assert np.array_equal(res.mentor_index, top.mentor_index)
        assert np.allclose(res.scores, top.scores, equal_nan=True, atol=1e-6)


def test_tables_built_once_per_call_or_per_chunk_score_the_same(monkeypatch):
    """A call builds the categorical tables once for all its rows when they are small;
    when they would be too large each chunk builds its own: the same lists either way."""
    from matching.engine import model as engine_model

    mentees, mentors, cats = random_people(70, 40, seed=4)
    excl = Exclusions({(3, 66), (9, 70)})
    config = EngineConfig.from_dict({"k": 5, "chunk_size": 9, "exposure_strength": 0.0})
    model = MatchModel(config=config, skill_categories=cats, random_state=0).fit(mentees, mentors)
    built = []
    real = MatchModel._row_tables
    monkeypatch.setattr(
        MatchModel,
        "_row_tables",
        lambda self, side, rows: built.append(len(rows)) or real(self, side, rows),
    )
    once = model.score_topk(exclusions=excl)
    assert built == [70]
    built.clear()
    monkeypatch.setattr(engine_model, "CALL_TABLE_CELLS", 0)
    per_chunk = model.score_topk(exclusions=excl)
    assert len(built) > 1 and sum(built) == 70  # chunks of at least 16 rows
    assert np.array_equal(once.mentor_index, per_chunk.mentor_index)
    assert np.array_equal(once.scores, per_chunk.scores, equal_nan=True)
    assert np.array_equal(once.components, per_chunk.components, equal_nan=True)


def test_incremental_single_mentee_matches_full_run():
    mentees, mentors, cats = random_people(40, 30, seed=2)
    model = MatchModel(
        config={"k": 5, "exposure_strength": 0.0}, skill_categories=cats, random_state=0
    ).fit(mentees, mentors)
    full = model.score_topk()
    one = model.score_topk(mentees=mentees.subset([7]))
    assert np.array_equal(one.mentor_index[0], full.mentor_index[7])
    subset = model.score_topk(rows=[3, 7])
    assert np.array_equal(subset.mentor_index, full.mentor_index[[3, 7]])


def test_balancing_reduces_gini_of_a_popular_mentor():
    # Everyone wants Python, SQL and Go (in varying order); the star mentor has
    # all three and only 2 places.
    rng = np.random.default_rng(0)
    mentees = Mentees.from_records(
        [
            person(
                i,
                dict(
                    zip(["Python", "SQL", "Go"], rng.permutation([3, 2, 1]).tolist(), strict=True)
                ),
            )
            for i in range(1, 41)
        ]
    )
    mentors = Mentors.from_records(
        [mentor(100, {"Python": 5, "SQL": 5, "Go": 5}, capacity_left=2)]
        + [
            mentor(100 + j, {["Python", "SQL", "Go"][j % 3]: 3}, capacity_left=2)
            for j in range(1, 12)
        ]
    )
    model = MatchModel(
        config={"k": 3, "candidate_width": 12, "exposure_strength": 1.0}, random_state=0
    ).fit(mentees, mentors)
    balanced = model.score_topk()
    assert balanced.stats["gini_after"] < balanced.stats["gini_before"]
    assert balanced.stats["max_appearances_after"] < balanced.stats["max_appearances_before"] == 40
    assert balanced.stats["mean_score_cost"] >= 0
    assert (balanced.mentor_ids == 100).sum() < 40
    again = select_topk(
        model.candidates(), mentors.capacity_left, 3, prices=balanced.exposure_prices
    )
    assert np.array_equal(again.mentor_index, balanced.mentor_index)


def test_explanations_name_shared_and_related_skills(small):
    mentees, mentors = small
    model = MatchModel(
        config={"k": 3},
        skill_categories={
            "Figma": "Graphics software",
            "Sketch": "Graphics software",
            "Inkscape": "Graphics software",
        },
    ).fit(mentees, mentors)
    ex = model.explain_pair(0, 0)
    assert ex["shared_skills"] == ["Python", "SQL"]
    assert any("Python and SQL" in r for r in ex["reasons"])
    assert any("15 hours a week overlap" in r for r in ex["reasons"])
    assert any("8 years ahead of you" in r for r in ex["reasons"])
    assert set(ex["components"]) == set(COMPONENTS)
    m2 = Mentees.from_records([person(5, {"Inkscape": 3})])
    ex2 = model.explain_pair(0, 1, mentees=m2)
    assert ex2["related_skills"][0][:2] == ["Inkscape", "Figma"]
    top = model.score_topk()
    lists = model.explain_topk(top)
    assert lists[0][0]["reasons"] and len(lists) == 3


def test_estimator_conventions(small):
    mentees, mentors = small
    model = MatchModel(config={"k": 4}, skill_categories={"Python": "Languages"}, random_state=3)
    assert model.get_params() == {
        "config": {"k": 4},
        "skill_categories": {"Python": "Languages"},
        "random_state": 3,
        "skill_model": None,
    }
    assert not hasattr(model, "config_")
    assert model.fit(mentees, mentors) is model and model.config_.k == 4
    twin = clone(model)
    assert twin.get_params()["random_state"] == 3 and not hasattr(twin, "config_")
    twin.set_params(config=EngineConfig(k=2))
    assert twin.fit(mentees, mentors).score_topk().mentor_index.shape[1] == 2


def test_config_from_dict_validates():
    cfg = EngineConfig.from_dict({"weights": {"skills": 2}, "context_preference": "different"})
    assert cfg.weights["skills"] == 2 and sum(cfg.weight_vector()) == pytest.approx(1)
    assert EngineConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError):
        EngineConfig.from_dict({"nonsense": 1})
    with pytest.raises(ValueError):
        EngineConfig.from_dict({"weights": {"skills": -1}})
    with pytest.raises(ValueError):
        EngineConfig(context_preference="sometimes")


def test_explanations_from_sides_built_once_equal_one_pair_at_a_time():
    """Explaining a chunk reads each person once (``sides`` with the categories); every
    pair's explanation is the one ``explain_pair`` gives for that pair alone."""
    from matching.engine.explain import explain_pair, explain_sides, sides

    mentees, mentors, cats = random_people(60, 40, seed=11)
    model = MatchModel(config={"k": 5}, skill_categories=cats).fit(mentees, mentors)
    top = model.score_topk()
    options = model.explain_options()
    mentee_sides = sides(mentees, top.rows)
    mentor_sides = sides(mentors, range(len(mentors)), options["categories"])
    compared, with_related = 0, 0
    for pos, row in enumerate(top.rows):
        for slot, j in enumerate(top.mentor_index[pos]):
            if j < 0:
                continue
            one = explain_pair(
                mentee=mentees.subset([row]),
                mentor=mentors.subset([j]),
                components=top.components[pos, slot],
                score=float(top.scores[pos, slot]),
                **options,
            )
            batched = explain_sides(
                mentee=mentee_sides[pos],
                mentor=mentor_sides[j],
                components=top.components[pos, slot].tolist(),
                score=float(top.scores[pos, slot]),
                **options,
            )
            assert batched == one
            compared += 1
            with_related += bool(one["related_skills"])
    assert compared > 100
    assert with_related > 10  # the category path was compared too


def test_a_related_tool_is_one_the_mentee_does_not_already_want():
    from matching.engine.explain import explain_pair

    cats = dict.fromkeys(("Figma", "Sketch", "Inkscape", "GIMP", "Krita"), "Graphics software")
    mentee = Mentees.from_records([person(1, {"Figma": 3, "Inkscape": 2, "GIMP": 1})])
    offering = Mentors.from_records([mentor(2, {"Figma": 5, "Krita": 4, "Sketch": 2})])
    ex = explain_pair(
        mentee=mentee,
        mentor=offering,
        components=np.zeros(len(COMPONENTS), np.float32),
        score=0.5,
        categories=cats,
    )
    assert ex["shared_skills"] == ["Figma"]
    # each wanted tool gets its own offered tool, the strongest first; Figma is shared
    assert ex["related_skills"] == [
        ["Inkscape", "Krita", "Graphics software"],
        ["GIMP", "Sketch", "Graphics software"],
    ]
