"""Plain input types of the matching engine.

The Django side builds these from database rows (``matching/services.py``);
the engine never sees a model instance. Every array is in row order: row
``i`` of every field describes the same person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

HOURS_PER_WEEK = 168
FORMATS = frozenset({"flash", "long_term"})


def _as_hours(rows: Any, n: int) -> np.ndarray:
    """(n, 168) bool from an array, or from per-person lists of hour indices / bool masks."""
    if isinstance(rows, np.ndarray):
        hours = rows.astype(bool, copy=False)
        if hours.shape != (n, HOURS_PER_WEEK):
            raise ValueError(f"available_hours must have shape ({n}, 168), not {hours.shape}")
        return hours
    hours = np.zeros((n, HOURS_PER_WEEK), dtype=bool)
    for i, row in enumerate(rows):
        values = np.asarray(list(row))
        if values.size == HOURS_PER_WEEK and values.dtype == bool:
            hours[i] = values
        elif values.size:
            hours[i, values.astype(np.int64) % HOURS_PER_WEEK] = True
    return hours


def _people_kwargs(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    n = len(records)
    return {
        "ids": np.array([r["id"] for r in records], dtype=np.int64),
        "skills": [
            {str(k): float(v) for k, v in dict(r.get("skills") or {}).items()} for r in records
        ],
        "text": [str(r.get("text") or "") for r in records],
        "years_experience": np.array(
            [
                np.nan if r.get("years_experience") is None else float(r["years_experience"])
                for r in records
            ],
            dtype=np.float64,
        ),
        "industry": [str(r.get("industry") or "") for r in records],
        "occupation_group": [str(r.get("occupation_group") or "") for r in records],
        "available_hours": _as_hours([r.get("available_hours") or () for r in records], n),
        "languages": [frozenset(r.get("languages") or ()) for r in records],
        "formats": [frozenset(r.get("formats") or ()) for r in records],
    }


@dataclass
class Mentees:
    """People looking for a mentor.

    Attributes
    ----------
    ids : ndarray of int64, shape (n,)
        User ids, in row order.
    skills : list of dict
        Wanted skill name -> priority weight (1 low .. 3 high).
    text : list of str
        Goal titles and descriptions plus growth areas.
    years_experience : ndarray of float, shape (n,)
        NaN when unknown.
    industry, occupation_group : list of str
        ``""`` when unknown; the occupation group is the O*NET SOC major group ("15").
    available_hours : ndarray of bool, shape (n, 168)
        Hours of the week in UTC when they can meet (Monday 00:00 UTC = 0).
    languages : list of frozenset of str
        ISO codes such as ``"en"``.
    formats : list of frozenset of str
        Subset of ``{"flash", "long_term"}``; empty means "either".
    hours_assumed : ndarray of bool, shape (n,), optional
        True where ``available_hours`` is a default the person never gave
        (explanations then say so). All False when omitted.
    """

    ids: np.ndarray
    skills: list[dict[str, float]]
    text: list[str]
    years_experience: np.ndarray
    industry: list[str]
    occupation_group: list[str]
    available_hours: np.ndarray
    languages: list[frozenset[str]]
    formats: list[frozenset[str]]
    hours_assumed: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.ids = np.asarray(self.ids, dtype=np.int64)
        if self.hours_assumed is None:
            self.hours_assumed = np.zeros(len(self.ids), dtype=bool)
        self.hours_assumed = np.asarray(self.hours_assumed, dtype=bool)
        self.years_experience = np.asarray(self.years_experience, dtype=np.float64)
        self.available_hours = _as_hours(self.available_hours, len(self.ids))
        n = len(self.ids)
        for f in fields(self):
            value = getattr(self, f.name)
            if len(value) != n:
                raise ValueError(
                    f"{type(self).__name__}.{f.name} has {len(value)} rows, expected {n}"
                )

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Mentees:
        """Build from dicts with the field names as keys (``id`` for the id).

        ``available_hours`` may be a list of hour indices (0..167) or a bool mask;
        missing keys take the "unknown" value of their field.
        """
        return cls(**_people_kwargs(list(records)))

    def subset(self, rows: Sequence[int] | np.ndarray) -> Mentees:
        """The same people restricted to ``rows`` (used for incremental re-scoring)."""
        rows = np.asarray(rows, dtype=np.int64)
        kwargs = {}
        for f in fields(self):
            value = getattr(self, f.name)
            kwargs[f.name] = (
                value[rows] if isinstance(value, np.ndarray) else [value[i] for i in rows]
            )
        return type(self)(**kwargs)


@dataclass
class Mentors(Mentees):
    """People offering mentoring: the fields of :class:`Mentees`, plus capacity.

    Here ``skills`` maps an offered skill to a level (1..5) and ``text`` is the
    headline, bio, strengths and offered skill names.

    Attributes
    ----------
    capacity_left : ndarray of int, shape (m,)
        Free long-term places (0 = full).
    accepting : ndarray of bool, shape (m,)
    requests_received, requests_answered_in_time : ndarray of int, shape (m,)
        For the responsiveness component.
    sessions_counted, sessions_kept : ndarray of float, shape (m,)
        Reliability evidence folded into responsiveness: sessions with a known
        outcome, and how many of them the mentor kept (rating-weighted).
        Optional: left empty, every mentor has no evidence (factor 1).
    """

    capacity_left: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    accepting: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    requests_received: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    requests_answered_in_time: np.ndarray = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64)
    )
    sessions_counted: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sessions_kept: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        self.capacity_left = np.asarray(self.capacity_left, dtype=np.int64)
        self.accepting = np.asarray(self.accepting, dtype=bool)
        self.requests_received = np.asarray(self.requests_received, dtype=np.int64)
        self.requests_answered_in_time = np.asarray(self.requests_answered_in_time, dtype=np.int64)
        for name in ("sessions_counted", "sessions_kept"):
            value = np.asarray(getattr(self, name), dtype=np.float64)
            setattr(self, name, value if value.size else np.zeros(len(self.ids)))
        super().__post_init__()

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Mentors:
        """As :meth:`Mentees.from_records`, plus ``capacity_left`` (default 1),
        ``accepting`` (default True), ``requests_received`` and
        ``requests_answered_in_time`` (default 0)."""
        records = list(records)
        kwargs = _people_kwargs(records)
        kwargs["capacity_left"] = np.array(
            [int(r.get("capacity_left", 1)) for r in records], dtype=np.int64
        )
        kwargs["accepting"] = np.array(
            [bool(r.get("accepting", True)) for r in records], dtype=bool
        )
        kwargs["requests_received"] = np.array(
            [int(r.get("requests_received", 0)) for r in records], dtype=np.int64
        )
        kwargs["requests_answered_in_time"] = np.array(
            [int(r.get("requests_answered_in_time", 0)) for r in records], dtype=np.int64
        )
        return cls(**kwargs)


@dataclass
class Exclusions:
    """(mentee_id, mentor_id) pairs never to be suggested.

    Blocks (either direction), admin do-not-match, declines by either side and
    active mentorships all end up here.
    """

    pairs: set[tuple[int, int]] = field(default_factory=set)

    def as_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        arr = np.array(sorted(self.pairs), dtype=np.int64)
        return arr[:, 0], arr[:, 1]
