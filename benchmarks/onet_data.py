"""Deterministic synthetic communities built from the project's O*NET files.

Only ``profiles/data/onet_*.tsv.gz`` inside the project are read. Everything
is generated from a seed, so two runs see the same people.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from matching.engine import Mentees, Mentors

DATA_DIR = Path(__file__).resolve().parent.parent / "profiles" / "data"
INDUSTRIES = (
    "Software", "Finance", "Healthcare", "Education", "Manufacturing", "Retail",
    "Government", "Energy", "Media", "Construction", "Transportation", "Hospitality",
)  # fmt: skip
# UTC offsets of the community (hours) and how common they are.
TIMEZONES = np.array([-8, -6, -5, -3, 0, 1, 2, 3, 5, 8, 9, 10])
TZ_WEIGHTS = np.array([10, 6, 14, 4, 12, 16, 6, 3, 10, 6, 4, 3], dtype=float)
OTHER_LANGUAGES = ("es", "fr", "de", "pt", "hi", "zh")


@dataclass(frozen=True)
class Occupation:
    code: str
    title: str
    description: str
    tools: tuple[str, ...]
    hot: tuple[bool, ...]

    @property
    def group(self) -> str:
        return self.code[:2]


def _read_tsv(name: str) -> list[dict[str, str]]:
    with gzip.open(DATA_DIR / name, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@lru_cache(maxsize=1)
def load_onet() -> tuple[tuple[Occupation, ...], dict[str, str]]:
    """Occupations with at least one tool, and tool -> commodity title."""
    occ = {r["O*NET-SOC Code"]: r for r in _read_tsv("onet_occupations.tsv.gz")}
    tools: dict[str, dict[str, bool]] = {}
    categories: dict[str, str] = {}
    for r in _read_tsv("onet_technology_skills.tsv.gz"):
        tools.setdefault(r["O*NET-SOC Code"], {})[r["Example"]] = r["Hot Technology"] == "Y"
        categories.setdefault(r["Example"], r["Commodity Title"])
    out = []
    for code in sorted(tools):
        if code not in occ:
            continue
        names = tuple(sorted(tools[code]))
        out.append(
            Occupation(
                code=code,
                title=occ[code]["Title"],
                description=occ[code]["Description"],
                tools=names,
                hot=tuple(tools[code][t] for t in names),
            )
        )
    return tuple(out), categories


def _sample_tools(rng: np.random.Generator, occ: Occupation, k: int) -> list[str]:
    p = np.where(np.array(occ.hot), 3.0, 1.0)
    k = min(k, len(occ.tools))
    picked = rng.choice(len(occ.tools), size=k, replace=False, p=p / p.sum())
    return [occ.tools[i] for i in sorted(picked)]


def _hours(rng: np.random.Generator, n: int) -> np.ndarray:
    """Weekly UTC masks: a time zone, one or two habits, some hours dropped."""
    tz = rng.choice(TIMEZONES, size=n, p=TZ_WEIGHTS / TZ_WEIGHTS.sum())
    local = np.zeros((n, 168), bool)
    days = np.arange(7)[:, None] * 24
    habits = [
        (days[:5] + np.arange(18, 21)).ravel(),  # weekday evenings
        (days[:5] + np.arange(12, 14)).ravel(),  # lunch
        (days[5:] + np.arange(9, 13)).ravel(),  # weekend mornings
        (days[:5] + np.arange(9, 17)).ravel(),  # working hours
        (days[:5] + np.arange(7, 9)).ravel(),  # early mornings
    ]
    choice = rng.integers(0, len(habits), size=(n, 2))
    two = rng.random(n) < 0.5
    for i in range(n):
        local[i, habits[choice[i, 0]]] = True
        if two[i]:
            local[i, habits[choice[i, 1]]] = True
    local &= rng.random((n, 168)) > 0.3
    # local hour h is UTC hour h - tz
    utc = np.zeros_like(local)
    for offset in np.unique(tz):
        sel = tz == offset
        utc[sel] = np.roll(local[sel], -int(offset), axis=1)
    return utc


def _languages(rng: np.random.Generator, n: int) -> list[frozenset[str]]:
    out = []
    for _ in range(n):
        langs = set()
        if rng.random() < 0.92:
            langs.add("en")
        if rng.random() < 0.3 or not langs:
            langs.add(OTHER_LANGUAGES[rng.integers(len(OTHER_LANGUAGES))])
        out.append(frozenset(langs))
    return out


def _formats(rng: np.random.Generator, n: int) -> list[frozenset[str]]:
    options = (frozenset({"flash"}), frozenset({"long_term"}), frozenset({"flash", "long_term"}))
    return [options[i] for i in rng.choice(3, size=n, p=[0.25, 0.35, 0.40])]


def _industry(rng: np.random.Generator, group: str) -> str:
    if rng.random() < 0.1:
        return ""
    home = int(group) % len(INDUSTRIES)
    return INDUSTRIES[home] if rng.random() < 0.6 else INDUSTRIES[rng.integers(len(INDUSTRIES))]


def community(
    n_mentees: int, n_mentors: int, seed: int = 0
) -> tuple[Mentees, Mentors, dict[str, str]]:
    """A synthetic community: mentees want tools of an occupation, mentors offer theirs.

    About 5% of mentors are also mentees (same user id), so the self filter matters.
    """
    occupations, categories = load_onet()
    occupations = tuple(o for o in occupations if len(o.tools) >= 6)
    rng = np.random.default_rng(seed)

    def people(n: int, mentor: bool) -> dict:
        occ_idx = rng.integers(len(occupations), size=n)
        skills, text, industry, groups = [], [], [], []
        for i in occ_idx:
            o = occupations[i]
            tools = _sample_tools(
                rng, o, int(rng.integers(4, 13) if mentor else rng.integers(3, 9))
            )
            if mentor:
                skills.append({t: float(rng.integers(2, 6)) for t in tools})
                text.append(
                    f"{o.title}. {o.description} Strengths: {categories[tools[0]]}. Offers: {', '.join(tools)}."
                )
            else:
                skills.append({t: float(rng.integers(1, 4)) for t in tools})
                first = o.description.split(". ")[0]
                text.append(
                    f"Grow as {o.title.lower()}. {first}. Growth areas: {categories[tools[-1]]}."
                )
            industry.append(_industry(rng, o.group))
            groups.append(o.group if rng.random() > 0.05 else "")
        years = rng.gamma(3.0, 4.0, size=n) + (4 if mentor else 0)
        years = np.round(np.minimum(years, 45))
        return {
            "skills": skills,
            "text": text,
            "years_experience": years,
            "industry": industry,
            "occupation_group": groups,
            "available_hours": _hours(rng, n),
            "languages": _languages(rng, n),
            "formats": _formats(rng, n),
        }

    e = people(n_mentees, mentor=False)
    r = people(n_mentors, mentor=True)
    mentee_ids = np.arange(1, n_mentees + 1, dtype=np.int64)
    mentor_ids = np.arange(n_mentees + 1, n_mentees + n_mentors + 1, dtype=np.int64)
    both = rng.random(n_mentors) < 0.05
    mentor_ids[both] = rng.choice(mentee_ids, size=int(both.sum()), replace=False)
    received = rng.poisson(6, size=n_mentors)
    answered = rng.binomial(received, rng.beta(6, 2, size=n_mentors))
    capacity = rng.choice([0, 1, 2, 3, 5], size=n_mentors, p=[0.08, 0.35, 0.32, 0.18, 0.07])
    mentees = Mentees(ids=mentee_ids, **e)
    mentors = Mentors(
        ids=mentor_ids,
        **r,
        capacity_left=capacity,
        accepting=rng.random(n_mentors) < 0.93,
        requests_received=received,
        requests_answered_in_time=answered,
    )
    return mentees, mentors, categories


def quality_instance(
    disjoint: bool, seed: int = 0, n_occupations: int | None = None, sample: int = 4
) -> tuple[Mentees, Mentors, dict[str, str], list[dict[str, float]]]:
    """One mentee and one mentor per occupation with >= 6 tools, listing its tools.

    ``disjoint``: the two samples share no tool. Everything but skills is
    identical for everyone, so only the skill model separates candidates.
    Also returns every occupation's full tool list (the taxonomy's knowledge).
    """
    occupations, categories = load_onet()
    occupations = [o for o in occupations if len(o.tools) >= 6]
    rng = np.random.default_rng(seed)
    if n_occupations is not None and n_occupations < len(occupations):
        pick = np.sort(rng.choice(len(occupations), size=n_occupations, replace=False))
        occupations = [occupations[i] for i in pick]
    e_skills, r_skills = _samples(rng, occupations, disjoint, sample)
    mentees, mentors = _plain_people(e_skills, r_skills)
    taxonomy = [dict.fromkeys(o.tools, 1.0) for o in load_onet()[0]]
    return mentees, mentors, categories, taxonomy


def _samples(
    rng: np.random.Generator,
    occupations: list[Occupation],
    disjoint: bool,
    sample: int,
    wanted: int | None = None,
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """A mentee's (``wanted`` or ``sample`` tools) and a mentor's (``sample``) list per occupation."""
    e_skills, r_skills = [], []
    for o in occupations:
        if disjoint:
            order = rng.permutation(len(o.tools))
            s = min(sample, len(o.tools) // 2)
            w = s if wanted is None else min(wanted, s)
            e_skills.append({o.tools[i]: 2.0 for i in order[:w]})
            r_skills.append({o.tools[i]: 4.0 for i in order[s : 2 * s]})
        else:
            w = sample if wanted is None else wanted
            e_skills.append(dict.fromkeys(rng.choice(o.tools, size=w, replace=False), 2.0))
            r_skills.append(dict.fromkeys(rng.choice(o.tools, size=sample, replace=False), 4.0))
    return e_skills, r_skills


def _plain_people(
    e_skills: list[dict[str, float]],
    r_skills: list[dict[str, float]],
    e_text: list[str] | None = None,
    r_text: list[str] | None = None,
    capacity: int = 2,
) -> tuple[Mentees, Mentors]:
    """Mentee i and mentor i (same occupation) alike in everything but skills and text."""
    n = len(e_skills)
    common = {
        "years_experience": np.full(n, np.nan),
        "industry": [""] * n,
        "occupation_group": [""] * n,
        "available_hours": np.zeros((n, 168), bool),
        "languages": [frozenset({"en"})] * n,
        "formats": [frozenset()] * n,
    }
    mentees = Mentees(ids=np.arange(1, n + 1), skills=e_skills, text=e_text or [""] * n, **common)
    mentors = Mentors(
        ids=np.arange(n + 1, 2 * n + 1),
        skills=r_skills,
        text=r_text or [""] * n,
        **common,
        capacity_left=np.full(n, capacity),
        accepting=np.ones(n, bool),
        requests_received=np.zeros(n, int),
        requests_answered_in_time=np.zeros(n, int),
    )
    return mentees, mentors


@dataclass(frozen=True)
class HeldOutInstance:
    """A cohort drawn from some occupations, and the O*NET data without them.

    ``documents`` and ``categories`` are what a model may be fitted on: the
    tool lists of every *other* occupation and the categories of the tools
    that still occur there (a tool only the removed occupations use loses its
    category too, as a new person's unknown tool would).
    """

    mentees: Mentees
    mentors: Mentors
    documents: list[dict[str, float]]
    texts: list[str]
    categories: dict[str, str]
    removed_occupations: int
    evaluation_skills: int
    unknown_skills: int


def heldout_instance(
    disjoint: bool,
    seed: int = 0,
    n_occupations: int = 250,
    min_tools: int = 14,
    sample: int = 7,
    capacity: int = 2,
    mentee_tools: int | None = None,
    goals: bool = False,
) -> HeldOutInstance:
    """One mentee and one mentor per evaluation occupation, each listing ``sample`` of its tools.

    ``disjoint``: the two lists share no tool. Everything but skills is the
    same for everyone, so only the skill model separates candidates.
    ``mentee_tools`` lists fewer tools on the mentee side (0 = none); ``goals``
    gives each mentee the goal "Move into <occupation title>" and each mentor
    their offered tools as text (as the platform does). The cohort depends on
    ``seed`` only, so both kinds of samples share one fit.
    """
    occupations, categories = load_onet()
    eligible = [o for o in occupations if len(o.tools) >= min_tools]
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(len(eligible), size=min(n_occupations, len(eligible)), replace=False))
    cohort = [eligible[i] for i in pick]
    removed = {o.code for o in cohort}
    rest = [o for o in occupations if o.code not in removed]
    known = {t for o in rest for t in o.tools}
    e_skills, r_skills = _samples(rng, cohort, disjoint, sample, wanted=mentee_tools)
    e_text = [f"Move into {o.title.lower()}" if goals else "" for o in cohort]
    r_text = [", ".join(sorted(d)) if goals else "" for d in r_skills]
    mentees, mentors = _plain_people(e_skills, r_skills, e_text, r_text, capacity)
    used = {t for d in (*e_skills, *r_skills) for t in d}
    return HeldOutInstance(
        mentees=mentees,
        mentors=mentors,
        documents=[dict.fromkeys(o.tools, 1.0) for o in rest],
        texts=[f"{o.title}. {o.description}" for o in rest],
        categories={t: c for t, c in categories.items() if t in known},
        removed_occupations=len(removed),
        evaluation_skills=len(used),
        unknown_skills=len(used - known),
    )
