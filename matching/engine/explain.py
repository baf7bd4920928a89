"""Human-readable reasons for a suggestion, from the raw profile data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def explain_pair(
    *,
    mentee: Mentees,
    mentor: Mentors,
    components: np.ndarray,
    score: float,
    categories: Mapping[str, str] | None = None,
    max_skills: int = 5,
    relatedness=None,
    related_threshold: float = 0.5,
    related_goals: bool = True,
) -> dict[str, Any]:
    """Explain one (mentee, mentor) pair; ``mentee`` and ``mentor`` hold one row each.

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
    wanted = mentee.skills[0]
    offered = mentor.skills[0]
    shared = sorted(set(wanted) & set(offered), key=lambda s: (-wanted[s] * offered[s], s))
    related: list[list[str]] = []
    offered_by_cat: dict[str, list[str]] = {}
    for name in sorted(offered, key=lambda s: (-offered[s], s)):
        if name not in wanted and name in categories:
            offered_by_cat.setdefault(categories[name], []).append(name)
    for name in sorted(wanted, key=lambda s: (-wanted[s], s)):
        if name in offered or name not in categories:
            continue
        # each offered tool explains one wanted tool, so reasons do not repeat
        pool = offered_by_cat.get(categories[name], [])
        if pool:
            related.append([name, pool.pop(0), categories[name]])
    close = _close_skills(wanted, offered, shared, relatedness, related_threshold, categories)
    explained = {want for want, _, _ in close}
    named = {o for _, others, _ in close for o in others}
    goal_skills = []
    if related_goals and relatedness is not None and mentee.text[0].strip():
        goal_skills = _goal_skills(
            mentee.text[0],
            [o for o in offered if o not in wanted and o not in named],
            relatedness,
            related_threshold,
            categories,
        )
    related = [r for r in related if r[0] not in explained]
    overlap = int((mentee.available_hours[0] & mentor.available_hours[0]).sum())
    gap = float(mentor.years_experience[0] - mentee.years_experience[0])
    years_ahead = None if np.isnan(gap) else round(gap, 1)
    same_industry = bool(mentee.industry[0]) and mentee.industry[0] == mentor.industry[0]
    same_group = (
        bool(mentee.occupation_group[0])
        and mentee.occupation_group[0] == mentor.occupation_group[0]
    )
    languages = sorted(mentee.languages[0] & mentor.languages[0])
    e_formats, r_formats = mentee.formats[0], mentor.formats[0]
    if e_formats and r_formats:
        formats = sorted(e_formats & r_formats)
    else:
        formats = sorted(e_formats or r_formats)

    hours_assumed = bool(mentee.hours_assumed[0])
    mentor_years = float(mentor.years_experience[0])
    mentee_years = float(mentee.years_experience[0])
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
    elif years_ahead is None and not np.isnan(mentor_years) and mentor_years > 0:
        reasons.append(f"{_years(mentor_years)} of experience")
    if same_industry:
        reasons.append(f"Same industry: {mentor.industry[0]}")
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
    elif np.isnan(mentee_years):
        for_mentor.append("Has not said how many years they have worked")
    if same_industry:
        for_mentor.append(f"Also works in {mentor.industry[0]}")
    if same_group:
        for_mentor.append("Works in the same occupation group as you")
    if languages:
        for_mentor.append(f"You both speak {_join(languages)}")
    if formats:
        for_mentor.append(f"Looking for {_join([FORMAT_LABELS.get(f, f) for f in formats])}")
    return {
        "score": round(float(score), 4),
        "components": {
            name: round(float(v), 4) for name, v in zip(COMPONENTS, components, strict=True)
        },
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
