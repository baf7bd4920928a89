"""Human-readable reasons for a suggestion, from the raw profile data."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from .config import COMPONENTS
from .types import Mentees, Mentors

FORMAT_LABELS = {"flash": "one-hour flash sessions", "long_term": "long-term mentorship"}


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _hours(n: int) -> str:
    return f"{n} hour{'s' if n != 1 else ''}"


def _years(n: float) -> str:
    return f"{n:g} year{'s' if n != 1 else ''}"


class Side(NamedTuple):
    """One person's facts as plain Python values, read once per person, not once per pair.

    ``order``: the skill names by weight (highest first), then name; ``hours``: the
    168 hours of the week as a bit mask (overlap = popcount of the AND).
    """

    skills: Mapping[str, float]
    order: tuple[str, ...]
    hours: int
    years: float
    text: str
    hours_assumed: bool
    industry: str
    group: str
    languages: frozenset[str]
    formats: frozenset[str]
    #: the skill names of ``order`` that ``categories`` knows, by category (built for them)
    by_category: Mapping[str, tuple[str, ...]] | None = None
    categories: Mapping[str, str] | None = None


def _by_category(order: Sequence[str], categories: Mapping[str, str]) -> dict:
    out: dict[str, list[str]] = {}
    for name in order:
        cat = categories.get(name)
        if cat is not None:
            out.setdefault(cat, []).append(name)
    return {cat: tuple(names) for cat, names in out.items()}


def sides(
    people: Mentees, rows: Sequence[int], categories: Mapping[str, str] | None = None
) -> list[Side]:
    """:class:`Side` of each row of ``people`` (a few array operations for all of them).

    With ``categories`` (the explanation's), each side also holds its skills by category.
    """
    rows = [int(r) for r in rows]
    if not rows:
        return []
    packed = np.packbits(people.available_hours[rows], axis=1)
    years = people.years_experience[rows].tolist()
    assumed = people.hours_assumed[rows].tolist()
    out = []
    for k, r in enumerate(rows):
        skills = people.skills[r]
        order = tuple(sorted(skills, key=lambda n, d=skills: (-d[n], n)))
        out.append(
            Side(
                skills=skills,
                order=order,
                hours=int.from_bytes(packed[k].tobytes(), "big"),
                years=years[k],
                text=people.text[r],
                hours_assumed=bool(assumed[k]),
                industry=people.industry[r],
                group=people.occupation_group[r],
                languages=people.languages[r],
                formats=people.formats[r],
                by_category=_by_category(order, categories) if categories else None,
                categories=categories or None,
            )
        )
    return out


def explain_pair(
    *,
    mentee: Mentees,
    mentor: Mentors,
    components: np.ndarray,
    score: float,
    **options: Any,
) -> dict[str, Any]:
    """Explain one (mentee, mentor) pair; ``mentee`` and ``mentor`` hold one row each.

    The keyword ``options`` and the result are those of :func:`explain_sides`, which
    callers explaining many pairs use with :func:`sides` (each person read once).
    """
    return explain_sides(
        mentee=sides(mentee, [0])[0],
        mentor=sides(mentor, [0])[0],
        components=np.asarray(components).tolist(),
        score=score,
        **options,
    )


def explain_sides(
    *,
    mentee: Side,
    mentor: Side,
    components: Sequence[float],
    score: float,
    categories: Mapping[str, str] | None = None,
    max_skills: int = 5,
    relatedness=None,
    related_threshold: float = 0.5,
    related_goals: bool = True,
) -> dict[str, Any]:
    """Explain one (mentee, mentor) pair from their :class:`Side` facts.

    Returns
    -------
    dict
        ``score``, ``components`` (name -> value), ``reasons`` (list of str,
        written for the mentee), ``reasons_for_mentor`` (the same facts written
        for the mentor), ``assumed`` (the components that rest on a default
        rather than on what the people said: ``availability`` when the mentee
        gave no hours, ``seniority`` when either side gave no years) and the
        facts behind them: ``shared_skills``, ``related_skills``
        (list of [wanted, offered, category]), ``overlap_hours``,
        ``years_ahead`` (None if unknown), ``same_industry``,
        ``same_occupation_group``, ``shared_languages``, ``common_formats``,
        ``close_skills`` (list of [wanted, [offered, ...], [cosine, ...]]).

    With ``relatedness`` (a fitted ``SkillRelatedness``), offered skills whose
    learned vectors are at least ``related_threshold`` close to a wanted one
    are named: "Knows MySQL and SQL Server, close to the PostgreSQL you want";
    with ``related_goals``, offered skills that close to the mentee's goal text
    too: "Knows Apache Spark and Apache Airflow, close to your goals"
    (``goal_skills``). Nothing below the threshold is ever named.
    """
    categories = categories or {}
    wanted = mentee.skills
    offered = mentor.skills
    shared = sorted([s for s in wanted if s in offered], key=lambda s: (-wanted[s] * offered[s], s))
    related: list[list[str]] = []
    by_category = {}
    if categories:
        by_category = (
            mentor.by_category
            if mentor.categories is categories
            else _by_category(mentor.order, categories)
        )
    taken: dict[str, int] = {}  # per category: how far its offered names are used
    for name in mentee.order if by_category else ():
        cat = categories.get(name)
        if name in offered or cat is None or cat not in by_category:
            continue
        # each offered tool explains one wanted tool, so reasons do not repeat; an
        # offered tool the mentee wants is not "related", it is shared
        pool, i = by_category[cat], taken.get(cat, 0)
        while i < len(pool) and pool[i] in wanted:
            i += 1
        if i < len(pool):
            related.append([name, pool[i], cat])
            i += 1
        taken[cat] = i
    close = _close_skills(wanted, offered, shared, relatedness, related_threshold, categories)
    explained = {want for want, _, _ in close}
    named = {o for _, others, _ in close for o in others}
    goal_skills = []
    if related_goals and relatedness is not None and mentee.text.strip():
        goal_skills = _goal_skills(
            mentee.text,
            [o for o in offered if o not in wanted and o not in named],
            relatedness,
            related_threshold,
            categories,
        )
    related = [r for r in related if r[0] not in explained]
    overlap = (mentee.hours & mentor.hours).bit_count()
    gap = mentor.years - mentee.years
    years_ahead = None if math.isnan(gap) else round(gap, 1)
    same_industry = bool(mentee.industry) and mentee.industry == mentor.industry
    same_group = bool(mentee.group) and mentee.group == mentor.group
    languages = sorted(mentee.languages & mentor.languages)
    e_formats, r_formats = mentee.formats, mentor.formats
    if e_formats and r_formats:
        formats = sorted(e_formats & r_formats)
    else:
        formats = sorted(e_formats or r_formats)

    hours_assumed = mentee.hours_assumed
    mentor_years = mentor.years
    mentee_years = mentee.years
    assumed = []
    if hours_assumed:
        assumed.append("availability")
    if years_ahead is None:
        assumed.append("seniority")

    # Written for the mentee, who reads their suggestions. Every fact is one a
    # person gave; where the engine used a default, the reason says so.
    reasons = []
    if shared:
        reasons.append(f"Offers skills you want: {_join(shared[:max_skills])}")
    for want, others, _ in close[:3]:
        reasons.append(f"Knows {_join(others)}, close to the {want} you want")
    for want, other, cat in related[: max(0, 3 - len(close))]:
        reasons.append(f"Knows {other}, related to {want} ({cat})")
    if goal_skills:
        reasons.append(f"Knows {_join([o for o, _ in goal_skills])}, close to your goals")
    if overlap and hours_assumed:
        reasons.append(
            f"About {_hours(overlap)} a week overlap, if you are free on weekdays 09:00–18:00 "
            "(you have not said when you can meet)"
        )
    elif overlap:
        reasons.append(f"{_hours(overlap)} a week overlap")
    if years_ahead is not None and years_ahead > 0:
        reasons.append(f"{_years(years_ahead)} ahead of you")
    elif years_ahead is None and not math.isnan(mentor_years) and mentor_years > 0:
        reasons.append(f"{_years(mentor_years)} of experience")
    if same_industry:
        reasons.append(f"Same industry: {mentor.industry}")
    if same_group:
        reasons.append("Same occupation group")
    if languages:
        reasons.append(f"Speaks {_join(languages)}")
    if formats:
        reasons.append(f"Open to {_join([FORMAT_LABELS.get(f, f) for f in formats])}")

    # The same facts for the mentor, who reads them on a request.
    for_mentor = []
    if shared:
        for_mentor.append(f"Wants to learn what you offer: {_join(shared[:max_skills])}")
    for want, other, _cat in related[:3]:
        for_mentor.append(f"Wants {want}, close to your {other}")
    if overlap and hours_assumed:
        for_mentor.append(
            "Has not said when they can meet; if they keep weekday office hours, "
            f"about {_hours(overlap)} a week overlap with yours"
        )
    elif overlap:
        for_mentor.append(f"{_hours(overlap)} a week overlap with your availability")
    if years_ahead is not None and years_ahead > 0:
        for_mentor.append(f"You are {_years(years_ahead)} ahead of them")
    elif math.isnan(mentee_years):
        for_mentor.append("Has not said how many years they have worked")
    if same_industry:
        for_mentor.append(f"Also works in {mentor.industry}")
    if same_group:
        for_mentor.append("Works in the same occupation group as you")
    if languages:
        for_mentor.append(f"You both speak {_join(languages)}")
    if formats:
        for_mentor.append(f"Looking for {_join([FORMAT_LABELS.get(f, f) for f in formats])}")
    return {
        "score": round(float(score), 4),
        "components": {name: round(v, 4) for name, v in zip(COMPONENTS, components, strict=True)},
        "reasons": reasons,
        "reasons_for_mentor": for_mentor,
        "assumed": assumed,
        "shared_skills": shared,
        "related_skills": related,
        "close_skills": [[w, o, [round(x, 3) for x in c]] for w, o, c in close],
        "goal_skills": [[o, round(c, 3)] for o, c in goal_skills],
        "overlap_hours": overlap,
        "years_ahead": years_ahead,
        "same_industry": same_industry,
        "same_occupation_group": same_group,
        "shared_languages": languages,
        "common_formats": formats,
    }


def _close_skills(
    wanted: Mapping[str, float],
    offered: Mapping[str, float],
    shared: list[str],
    relatedness,
    threshold: float,
    categories: Mapping[str, str],
    per_wanted: int = 3,
) -> list[tuple[str, list[str], list[float]]]:
    """Per wanted skill (not already offered), the offered skills at or above ``threshold``.

    Ordered by the best cosine; each offered skill is named for one wanted skill only.
    """
    if relatedness is None:
        return []
    rest_wanted = [w for w in wanted if w not in offered]
    rest_offered = [o for o in offered if o not in wanted]
    pairs = relatedness.related_pairs(rest_wanted, rest_offered, threshold, categories)
    used: set[str] = set()
    groups: dict[str, list[tuple[str, float]]] = {}
    for want, other, cos in pairs:
        if other in used or len(groups.get(want, ())) >= per_wanted:
            continue
        used.add(other)
        groups.setdefault(want, []).append((other, cos))
    out = [(w, [o for o, _ in g], [c for _, c in g]) for w, g in groups.items()]
    return sorted(out, key=lambda t: (-max(t[2]), -wanted.get(t[0], 0), t[0]))


def _goal_skills(
    text: str, offered: list[str], relatedness, threshold: float, categories, limit: int = 3
) -> list[tuple[str, float]]:
    """Offered skills whose vectors are at least ``threshold`` close to the goal text's."""
    if not offered:
        return []
    goal = relatedness.transform_text([text])[0]
    if not goal.any():
        return []
    vectors, ok = relatedness.skill_vectors(offered, categories, 0.5)
    sims = vectors @ goal
    hits = [
        (offered[i], float(sims[i])) for i in range(len(offered)) if ok[i] and sims[i] >= threshold
    ]
    return sorted(hits, key=lambda t: (-t[1], t[0]))[:limit]
