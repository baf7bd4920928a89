"""The skill-relatedness estimator and its score component (plain arrays, no database)."""

import io

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.utils.estimator_checks import (
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
)

from matching.engine import COMPONENTS, MatchModel, Mentees, Mentors
from matching.engine.explain import explain_pair
from matching.engine.relatedness import ARRAY_NAMES, SkillRelatedness

# Two "jobs" whose tools co-occur, plus a third unrelated one.
DATA = ["PostgreSQL", "MySQL", "SQL Server", "Oracle Database", "SQLite"]
DESIGN = ["Photoshop", "Illustrator", "Figma", "InDesign", "Sketch"]
FARM = ["Tractor GPS", "Crop planner", "Herd tracker", "Soil sensor app", "Irrigation log"]
CATEGORIES = {
    **dict.fromkeys(DATA, "Databases"),
    **dict.fromkeys(DESIGN, "Graphics"),
    **dict.fromkeys(FARM, "Farming"),
}


def documents(seed=0, n=40):
    rng = np.random.default_rng(seed)
    docs = []
    for _ in range(n):
        for group in (DATA, DESIGN, FARM):
            docs.append(list(rng.choice(group, size=3, replace=False)))
    return docs


@pytest.fixture(scope="module")
def fitted():
    return SkillRelatedness(n_components=3, random_state=0).fit(documents(), categories=CATEGORIES)


def cos(model, a, b):
    v, ok = model.skill_vectors([a, b])
    assert ok.all()
    return float(v[0] @ v[1])


# --- estimator contract ----------------------------------------------------------


def test_sklearn_checks_that_apply():
    check_no_attributes_set_in_init("SkillRelatedness", SkillRelatedness())
    check_parameters_default_constructible("SkillRelatedness", SkillRelatedness())


def test_params_clone_and_fit_returns_self():
    model = SkillRelatedness(n_components=4, name_neighbors=2, random_state=3)
    assert model.get_params() == {
        "n_components": 4,
        "min_df": 1,
        "name_neighbors": 2,
        "name_min_similarity": 0.3,
        "random_state": 3,
    }
    copy = clone(model).set_params(n_components=5)
    assert copy.n_components == 5 and model.n_components == 4
    assert model.fit(documents()) is model
    assert not hasattr(clone(model), "vectors_")


def test_not_fitted_raises():
    with pytest.raises(NotFittedError):
        SkillRelatedness().transform([{"MySQL": 1}])


def test_learned_attributes_and_shapes(fitted):
    n = len(DATA + DESIGN + FARM)
    assert fitted.vectors_.shape == (n, 3) and fitted.vectors_.dtype == np.float32
    assert np.allclose(np.linalg.norm(fitted.vectors_, axis=1), 1, atol=1e-5)
    assert fitted.idf_.shape == (n,)
    assert set(fitted.category_vectors_) == {"Databases", "Graphics", "Farming"}
    assert fitted.n_documents_ == 120 and fitted.n_dims_ == 3


def test_same_random_state_same_vectors():
    a = SkillRelatedness(n_components=6, random_state=7).fit(documents())
    b = SkillRelatedness(n_components=6, random_state=7).fit(documents())
    assert np.array_equal(a.vectors_, b.vectors_)


def test_dimensions_are_capped_by_the_data():
    model = SkillRelatedness(n_components=128).fit([["a", "b"], ["b", "c"], ["c", "d"]])
    assert model.n_dims_ == 2


def test_too_little_data_is_a_clear_error():
    with pytest.raises(ValueError, match="need at least 2 documents and 2 skills"):
        SkillRelatedness().fit([["only"]])


def test_tools_of_one_job_are_closer_than_tools_of_another(fitted):
    assert cos(fitted, "PostgreSQL", "MySQL") > 0.5
    assert cos(fitted, "PostgreSQL", "Photoshop") < 0.2
    assert cos(fitted, "Figma", "Sketch") > cos(fitted, "Figma", "Tractor GPS")


# --- unknown skills: placed or skipped, never a crash ------------------------------


def test_unknown_skill_placed_by_category(fitted):
    placed = fitted.place(["CockroachDB"], categories={"CockroachDB": "Databases"})
    vec, _, how, _ = placed["CockroachDB"]
    assert how == "category"
    assert np.allclose(vec, fitted.category_vectors_["Databases"])


def test_unknown_skill_placed_by_name(fitted):
    placed = fitted.place(["MySQL Workbench"])
    assert placed["MySQL Workbench"][2] == "name"
    assert cos(fitted, "MySQL Workbench", "MySQL") > 0.8


def test_unplaceable_skill_is_left_out(fitted):
    assert fitted.place(["Qzxv"]) == {}
    people = fitted.transform([{"Qzxv": 3}, {}, {"MySQL": 2, "Qzxv": 1}])
    assert not people[0].any() and not people[1].any()
    assert np.allclose(people[2], fitted.skill_vectors(["MySQL"])[0][0], atol=1e-6)


@pytest.mark.parametrize(
    "doc",
    [
        {},
        {"": 1},
        {"   ": 2},
        {"MySQL": 0},
        {"MySQL": -3},
        {"ÄÖÜ-ñ 数据库": 1},
        {"x" * 5000: 1},
        {"\x1f": 1},
        ["MySQL", "MySQL"],
    ],
)
def test_odd_input_never_crashes(fitted, doc):
    out = fitted.transform([doc])
    assert out.shape == (1, 3) and np.isfinite(out).all()


def test_storage_round_trip_without_pickle(fitted):
    buffer = io.BytesIO()
    np.savez(buffer, **fitted.to_arrays())
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in ARRAY_NAMES}
    assert all(a.dtype != object for a in arrays.values())
    loaded = SkillRelatedness.from_arrays(arrays)
    docs = [{"MySQL": 2, "Figma": 1}, {"CockroachDB": 1}, {"MySQL Workbench": 1}]
    cats = {"CockroachDB": "Databases"}
    assert np.allclose(loaded.transform(docs, cats), fitted.transform(docs, cats))
    assert loaded.skill_categories_ == fitted.skill_categories_


# --- the related_skills component ------------------------------------------------


def people(skills, cls=Mentees, **extra):
    n = len(skills)
    common = {
        "ids": np.arange(1, n + 1) + (100 if cls is Mentors else 0),
        "skills": skills,
        "text": [""] * n,
        "years_experience": np.full(n, np.nan),
        "industry": [""] * n,
        "occupation_group": [""] * n,
        "available_hours": np.zeros((n, 168), bool),
        "languages": [frozenset()] * n,
        "formats": [frozenset()] * n,
    }
    if cls is Mentors:
        common.update(capacity_left=np.full(n, 2), accepting=np.ones(n, bool))
        common.update(
            requests_received=np.zeros(n, int), requests_answered_in_time=np.zeros(n, int)
        )
    return cls(**common)


def test_people_who_share_no_tag_find_each_other(fitted):
    mentees = people([{"PostgreSQL": 3}, {"Figma": 3}])
    mentors = people([{"Illustrator": 5, "Sketch": 4}, {"MySQL": 5, "SQL Server": 4}], Mentors)
    model = MatchModel(skill_model=fitted, random_state=0).fit(mentees, mentors)
    top = model.score_topk(balance=False, k=1)
    assert top.mentor_index[:, 0].tolist() == [1, 0]
    related = top.components[:, 0, COMPONENTS.index("related_skills")]
    assert (related > 0.5).all() and (related <= 1).all()
    assert (top.components[:, 0, COMPONENTS.index("skills")] == 0).all()


def test_component_matches_the_pair_path_and_weights(fitted):
    mentees = people([{"PostgreSQL": 3}, {"Figma": 1, "Qzxv": 2}, {}])
    mentors = people([{"Illustrator": 5}, {"MySQL": 5}, {"Tractor GPS": 3}], Mentors)
    model = MatchModel(skill_model=fitted, random_state=0).fit(mentees, mentors)
    cands = model.candidates(width=3)
    a = np.repeat(cands.rows, 3)
    b = cands.mentor_index.ravel()
    comp, scores, _ = model.score_pairs(a, b)
    assert np.allclose(comp, cands.components.reshape(-1, len(COMPONENTS)), atol=1e-5)
    assert np.allclose(scores, comp @ model.weights_)
    assert ((comp >= 0) & (comp <= 1)).all()


def test_without_a_skill_model_its_weight_goes_to_skills():
    mentees = people([{"PostgreSQL": 3}])
    mentors = people([{"PostgreSQL": 5}], Mentors)
    model = MatchModel(random_state=0).fit(mentees, mentors)
    w = dict(zip(COMPONENTS, model.weights_, strict=True))
    cfg = model.config_.weight_vector()
    assert w["related_skills"] == 0
    assert w["skills"] == pytest.approx(cfg[0] + cfg[COMPONENTS.index("related_skills")])
    assert model.skill_model_ is None


# --- explanations: only relations above the threshold ------------------------------


def one(skills, cls):
    return people([skills], cls)


def test_explanation_names_close_skills(fitted):
    mentee = one({"PostgreSQL": 3}, Mentees)
    mentor = one({"MySQL": 5, "SQL Server": 4, "Photoshop": 5}, Mentors)
    ex = explain_pair(
        mentee=mentee,
        mentor=mentor,
        components=np.zeros(len(COMPONENTS)),
        score=0.5,
        relatedness=fitted,
        related_threshold=0.5,
    )
    offered = ex["close_skills"][0][1]
    assert ex["close_skills"][0][0] == "PostgreSQL"
    assert set(offered) == {"MySQL", "SQL Server"}
    assert f"Knows {offered[0]} and {offered[1]}, close to the PostgreSQL you want" in ex["reasons"]
    assert all("Photoshop" not in r for r in ex["reasons"])


def test_explanation_never_names_a_relation_below_the_threshold():
    model = SkillRelatedness(n_components=8, random_state=0).fit(documents())
    wanted, offered = ["PostgreSQL", "Figma"], ["MySQL", "SQL Server", "Photoshop", "Tractor GPS"]
    cosines = {(w, o): cos(model, w, o) for w in wanted for o in offered}
    mentee = one(dict.fromkeys(wanted, 2.0), Mentees)
    mentor = one(dict.fromkeys(offered, 4.0), Mentors)
    shown = {}
    for threshold in (0.0, 0.3, 0.5, max(cosines.values()) + 0.01):
        ex = explain_pair(
            mentee=mentee,
            mentor=mentor,
            components=np.zeros(len(COMPONENTS)),
            score=0.5,
            relatedness=model,
            related_threshold=threshold,
        )
        shown[threshold] = {(w, o) for w, os, _ in ex["close_skills"] for o in os}
        assert all(cosines[pair] >= threshold for pair in shown[threshold])
        for reason in ex["reasons"]:
            if reason.startswith("Knows "):
                assert any(o in reason for _, o in shown[threshold])
    thresholds = sorted(shown)
    assert shown[thresholds[-1]] == set()
    assert all(shown[a] >= shown[b] for a, b in zip(thresholds, thresholds[1:], strict=False))
    assert shown[0.3]  # a real relation is shown


def test_explanation_without_a_model_keeps_category_reasons():
    mentee = one({"PostgreSQL": 3}, Mentees)
    mentor = one({"MySQL": 5}, Mentors)
    ex = explain_pair(
        mentee=mentee,
        mentor=mentor,
        components=np.zeros(len(COMPONENTS)),
        score=0.5,
        categories=CATEGORIES,
    )
    assert ex["close_skills"] == []
    assert "Knows MySQL, related to PostgreSQL (Databases)" in ex["reasons"]


def test_model_explanations_use_the_skill_model(fitted):
    mentees = people([{"PostgreSQL": 3}])
    mentors = people([{"MySQL": 5}], Mentors)
    model = MatchModel(skill_model=fitted, random_state=0).fit(mentees, mentors)
    ex = model.explain_pair(0, 0)
    assert "Knows MySQL, close to the PostgreSQL you want" in ex["reasons"]
    assert ex["components"]["related_skills"] > 0.5


def test_match_model_clones_with_a_frozen_skill_model(fitted):
    mentees = people([{"PostgreSQL": 3}])
    mentors = people([{"MySQL": 5}], Mentors)
    with pytest.raises(NotFittedError, match="skill_model must be a fitted SkillRelatedness"):
        clone(MatchModel(skill_model=fitted)).fit(mentees, mentors)
    twin = clone(MatchModel(skill_model=FrozenEstimator(fitted), random_state=0))
    ex = twin.fit(mentees, mentors).explain_pair(0, 0)
    assert ex["components"]["related_skills"] > 0.5


# --- goal texts placed among the skills ------------------------------------------

TEXTS = {
    "data": "Database administrators keep data stores running",
    "design": "Graphic designers create visual concepts",
    "farm": "Farmers grow crops and raise livestock",
}


def fitted_with_texts():
    docs = documents()
    texts = [TEXTS[("data", "design", "farm")[i % 3]] for i in range(len(docs))]
    return SkillRelatedness(n_components=3, random_state=0).fit(docs, texts=texts)


def test_a_goal_text_lands_near_the_skills_of_its_field():
    model = fitted_with_texts()
    goal = model.transform_text(["Become a database administrator"])[0]
    data, design = model.transform([{"MySQL": 1, "PostgreSQL": 1}, {"Figma": 1}])
    assert goal @ data > 0.9 and goal @ design < 0.3
    assert not model.transform_text(["Qzxv"]).any()  # no known word: left out


def test_a_mentee_with_only_a_goal_finds_the_mentor_of_that_field():
    model = fitted_with_texts()
    mentees = people([{}])
    mentees.text[0] = "I want to move into graphic design"
    mentors = people([{"MySQL": 5}, {"Illustrator": 5, "Sketch": 4}], Mentors)
    top = MatchModel(skill_model=model, random_state=0).fit(mentees, mentors).score_topk(k=1)
    assert top.mentor_index[0, 0] == 1
    off = MatchModel(config={"related_goals_weight": 0}, skill_model=model, random_state=0)
    components = off.fit(mentees, mentors).score_topk(k=1).components
    assert np.nan_to_num(components[0, :, COMPONENTS.index("related_skills")]).max() == 0


def test_goal_words_survive_storage():
    model = fitted_with_texts()
    loaded = SkillRelatedness.from_arrays(model.to_arrays())
    goals = ["Become a database administrator", "graphic concepts", ""]
    assert np.allclose(loaded.transform_text(goals), model.transform_text(goals))
    docs = [{"MySQL": 1}, {}, {"Qzxv": 1}]
    assert np.allclose(loaded.transform(docs, texts=goals), model.transform(docs, texts=goals))


def test_explanation_names_skills_close_to_the_goals_only_above_the_threshold():
    model = fitted_with_texts()
    mentee = people([{}])
    mentee.text[0] = "Become a database administrator"
    mentor = one({"MySQL": 5, "Figma": 4}, Mentors)
    options = {"components": np.zeros(len(COMPONENTS)), "score": 0.5, "relatedness": model}
    ex = explain_pair(mentee=mentee, mentor=mentor, related_threshold=0.5, **options)
    assert "Knows MySQL, close to your goals" in ex["reasons"]
    assert [o for o, _ in ex["goal_skills"]] == ["MySQL"]
    ex = explain_pair(mentee=mentee, mentor=mentor, related_threshold=1.01, **options)
    assert ex["goal_skills"] == [] and not any("goals" in r for r in ex["reasons"])
    ex = explain_pair(mentee=mentee, mentor=mentor, related_goals=False, **options)
    assert ex["goal_skills"] == []


def test_a_tag_typed_as_an_alias_takes_its_skills_vector():
    model = SkillRelatedness(n_components=3, random_state=0).fit(
        documents(), aliases={"postgres": "PostgreSQL", "pg": "Nonexistent tool"}
    )
    assert model.place(["Postgres"])["Postgres"][2] == "known"
    assert cos(model, "Postgres", "PostgreSQL") == pytest.approx(1.0)
    assert "pg" not in model.aliases_  # an alias of an unknown skill is dropped
    loaded = SkillRelatedness.from_arrays(model.to_arrays())
    assert loaded.aliases_ == model.aliases_
