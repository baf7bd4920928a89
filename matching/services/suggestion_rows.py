"""Engine results -> ``Suggestion`` rows: top-k with explanations, and writing a mentee's current list.

Writing is at the speed of the database: on PostgreSQL a full run's chunk
goes in with one ``COPY`` straight into the table (inside a savepoint; if a
row exists after all, as below), other writers' rows (which may exist
already) with a ``COPY`` into a temporary table and one ``INSERT ... SELECT
... ON CONFLICT DO NOTHING``; elsewhere (SQLite) with ``bulk_create``. The previous
current rows of the mentees are flipped with one ``UPDATE ... RETURNING``
that also hands back the statuses to carry over.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np
import orjson
import psycopg2
from django.db import connection, transaction
from django.utils import timezone

from matching.engine import (
    Exclusions,
    MatchModel,
    select_topk,
)
from matching.engine.explain import explain_sides, sides
from matching.models import (
    MatchRun,
    Suggestion,
)
from profiles.models import Profile

from .population import Population

#: Ids per statement on databases with a low parameter limit (SQLite).
ID_BATCH = 900


class Row(NamedTuple):
    """One suggestion to write."""

    mentee_id: int
    mentor_id: int
    rank: int
    score: float
    components: dict
    reasons: list
    reasons_for_mentor: list = []  # NamedTuple defaults, never mutated
    assumed: list = []


@dataclass
class ScoredRows:
    """Suggestions for some mentees, ready to be written, plus chunk figures."""

    mentee_ids: list[int]
    rows: list[Row] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


def explained_rows(
    *,
    population: Population,
    mentees,
    top_rows: np.ndarray,
    mentor_index: np.ndarray,
    scores: np.ndarray,
    components: np.ndarray,
    explain_options: dict[str, Any],
) -> list[Row]:
    """Rows with explanations for each mentee row's ordered mentor list (-1 = padding).

    ``explain_options``: the model's ``explain_options()`` (categories, the skill model).
    """
    mentors = population.mentors
    out: list[Row] = []
    if not len(top_rows):
        return out
    used = np.unique(mentor_index[mentor_index >= 0])
    categories = explain_options.get("categories")
    mentor_side = dict(zip(used.tolist(), sides(mentors, used, categories), strict=True))
    mentor_id = dict(zip(used.tolist(), mentors.ids[used].tolist(), strict=True))
    mentee_sides = sides(mentees, top_rows)
    mentee_ids = mentees.ids[top_rows].tolist()
    clipped = np.clip(scores, 0.0, 1.0).tolist()
    component_lists = np.asarray(components).tolist()
    for pos, mentee in enumerate(mentee_sides):
        mentee_id = mentee_ids[pos]
        rank = 0
        for slot, j in enumerate(mentor_index[pos].tolist()):
            if j < 0:
                continue
            score = clipped[pos][slot]
            explanation = explain_sides(
                mentee=mentee,
                mentor=mentor_side[j],
                components=component_lists[pos][slot],
                score=score,
                **explain_options,  # names close skills too (skill model)
            )
            rank += 1
            out.append(
                Row(
                    mentee_id,
                    mentor_id[j],
                    rank,
                    round(score, 6),
                    explanation["components"],
                    explanation["reasons"],
                    explanation["reasons_for_mentor"],
                    explanation["assumed"],
                )
            )
    return out


def score_rows(
    *,
    model: MatchModel | None,
    population: Population,
    rows: np.ndarray,
    exclusions: Exclusions,
    run: MatchRun,
    prices: np.ndarray | None = None,
    figures: bool = True,
) -> ScoredRows:
    """Top-k (exposure-balanced over ``rows``) with explanations, as rows to write.

    The mentees of ``rows`` are transformed on their own (``candidates(mentees=...)``),
    the same computation on every worker whatever else it has cached.
    """
    mentees, mentors = population.mentees, population.mentors
    result = ScoredRows(mentee_ids=mentees.ids[rows].tolist())
    if not len(rows) or model is None:
        return result
    cfg = model.config_
    sub = mentees.subset(rows)
    cands = model.candidates(mentees=sub, exclusions=exclusions)
    top = select_topk(
        cands,
        capacity=mentors.capacity_left,
        k=cfg.k,
        strength=cfg.exposure_strength,
        iterations=cfg.exposure_iterations,
        step=cfg.exposure_step,
        prices=prices,
    )
    result.rows = explained_rows(
        population=population,
        mentees=sub,
        top_rows=top.rows,
        mentor_index=top.mentor_index,
        scores=top.scores,
        components=top.components,
        explain_options=model.explain_options(),
    )
    if figures:
        result.figures = _chunk_figures(cands, top, mentors, cfg.k, len(rows))
    return result


def _chunk_figures(cands, top, mentors, k: int, n_rows: int) -> dict[str, Any]:
    """Exposure and score figures of a chunk, before and after balancing."""
    before = select_topk(cands, capacity=mentors.capacity_left, k=k, strength=0.0)

    def appearances(mentor_index: np.ndarray) -> dict[str, int]:
        chosen = mentor_index[mentor_index >= 0]
        ids, n = np.unique(mentors.ids[chosen], return_counts=True)
        return {str(i): int(c) for i, c in zip(ids.tolist(), n.tolist(), strict=True)}

    valid_after = np.isfinite(top.scores)
    valid_before = np.isfinite(before.scores)
    reachable = np.unique(cands.mentor_index[cands.mentor_index >= 0])
    price = top.exposure_prices if top.exposure_prices is not None else np.zeros(len(mentors))
    return {
        "mentees": n_rows,
        "appearances_before": appearances(before.mentor_index),
        "appearances_after": appearances(top.mentor_index),
        "reachable": mentors.ids[reachable].tolist(),
        "score_sum_before": float(np.nansum(before.scores)),
        "score_sum_after": float(np.nansum(top.scores)),
        "places_before": int(valid_before.sum()),
        "places_after": int(valid_after.sum()),
        "prices": {
            str(mentors.ids[j]): round(float(price[j]), 6) for j in np.flatnonzero(price > 0)
        },
    }


def _batches(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    size = len(ids) if connection.vendor == "postgresql" else ID_BATCH
    for i in range(0, len(ids), max(size, 1)):
        yield ids[i : i + size]


def current_flip(*, mentee_ids: Sequence[int], keep_run: MatchRun) -> dict[tuple[int, int], str]:
    """Make the mentees' current rows (of other runs) not current, in one statement per batch.

    Returns the statuses to carry over: {(mentee, mentor): status} of the
    pairs that were requested or declined.
    """
    table = connection.ops.quote_name(Suggestion._meta.db_table)
    carried: dict[tuple[int, int], str] = {}
    with connection.cursor() as cur:
        for batch in _batches(mentee_ids):
            if not batch:
                continue
            marks = ", ".join(["%s"] * len(batch))
            cur.execute(
                f"UPDATE {table} SET is_current = %s "  # noqa: S608  # nosec B608 - quoted table name, placeholders
                f"WHERE is_current AND run_id <> %s AND mentee_id IN ({marks}) "
                "RETURNING mentee_id, mentor_id, status",
                [False, keep_run.pk, *batch],
            )
            for mentee_id, mentor_id, status in cur.fetchall():
                if status != Suggestion.Status.OPEN:
                    carried[(mentee_id, mentor_id)] = status
    return carried


_COLUMNS = (
    "run_id",
    "mentee_id",
    "mentor_id",
    "rank",
    "score",
    "components",
    "reasons",
    "reasons_for_mentor",
    "assumed",
    "status",
    "is_current",
)


def _copy_straight(cur, table: str, cols: str, buf: io.StringIO) -> bool:
    """``COPY`` the rows straight into the table; False (nothing written) if one exists.

    Inside a savepoint, so the rare exception rolls back only the copy.
    """
    try:
        with transaction.atomic():
            cur.cursor.copy_expert(f"COPY {table} ({cols}) FROM STDIN WITH CSV", buf)
        return True
    except psycopg2.IntegrityError:  # the raw cursor's error: Django does not wrap it
        return False


def rows_carry(*, run: MatchRun, carried: Sequence[tuple[int, int]]) -> int:
    """Copy existing suggestion rows into ``run`` as current, each at a new rank.

    ``carried``: (row id, rank) pairs, rows whose list is rewritten with the same
    explanation (a list a new mentor enters keeps its other entries). On
    PostgreSQL one ``INSERT ... SELECT``: their explanations never leave the
    database. The old rows must no longer be current (``current_flip`` first).
    """
    if not carried:
        return 0
    ids = [pk for pk, _ in carried]
    ranks = [rank for _, rank in carried]
    table = connection.ops.quote_name(Suggestion._meta.db_table)
    copied = ", ".join(c for c in _COLUMNS if c not in ("run_id", "rank", "is_current"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {table} (run_id, rank, is_current, created_at, {copied}) "  # noqa: S608  # nosec B608 - our column list and quoted table
                f"SELECT %s, v.rank, TRUE, %s, {copied} FROM {table} s "
                "JOIN unnest(%s::bigint[], %s::int[]) AS v(id, rank) ON s.id = v.id",
                [run.pk, timezone.now(), ids, ranks],
            )
            return cur.rowcount
    rank_of = dict(carried)
    old = Suggestion.objects.in_bulk(ids)
    rows = [
        Row(
            o.mentee_id,
            o.mentor_id,
            rank_of[pk],
            o.score,
            o.components,
            o.reasons,
            o.reasons_for_mentor,
            o.assumed,
        )
        for pk, o in old.items()
    ]
    # elsewhere (SQLite) the rows come back to Python and go in as any others do
    return rows_insert(run=run, rows=rows, statuses=[o.status for o in old.values()])


def rows_insert(
    *, run: MatchRun, rows: Sequence[Row], statuses: Sequence[str], fresh: bool = False
) -> int:
    """Insert current rows of ``run``; a row that already exists is skipped. Returns rows sent.

    On PostgreSQL through a temporary table and ``INSERT ... ON CONFLICT DO NOTHING``;
    with ``fresh`` (rows new by construction: a full run's claimed chunk) with one ``COPY``
    straight into the table, and the first way only if some row exists after all.
    """
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        Suggestion.objects.bulk_create(
            [
                Suggestion(
                    run=run,
                    mentee_id=r.mentee_id,
                    mentor_id=r.mentor_id,
                    rank=r.rank,
                    score=r.score,
                    components=r.components,
                    reasons=r.reasons,
                    reasons_for_mentor=r.reasons_for_mentor,
                    assumed=r.assumed,
                    status=status,
                    is_current=True,
                )
                for r, status in zip(rows, statuses, strict=True)
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        return len(rows)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")

    def dumps(value, _dumps=orjson.dumps) -> str:  # a tenth of json.dumps' time, same JSON values
        return _dumps(value).decode()

    created = timezone.now().isoformat()
    for r, status in zip(rows, statuses, strict=True):
        writer.writerow(
            (
                run.pk,
                r.mentee_id,
                r.mentor_id,
                r.rank,
                repr(r.score),
                dumps(r.components),
                dumps(r.reasons),
                dumps(r.reasons_for_mentor),
                dumps(r.assumed),
                status,
                "t",
                created,
            )
        )
    table = connection.ops.quote_name(Suggestion._meta.db_table)
    cols = ", ".join((*_COLUMNS, "created_at"))
    with connection.cursor() as cur:
        buf.seek(0)
        if fresh and _copy_straight(cur, table, cols, buf):
            return len(rows)
        buf.seek(0)
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS matching_suggestion_load "  # noqa: S608  # nosec B608 - our column list and quoted table
            f"ON COMMIT DELETE ROWS AS SELECT {cols} FROM {table} WITH NO DATA"
        )
        cur.execute("TRUNCATE matching_suggestion_load")
        cur.cursor.copy_expert(f"COPY matching_suggestion_load ({cols}) FROM STDIN WITH CSV", buf)
        cur.execute(
            f"INSERT INTO {table} ({cols}) "  # noqa: S608  # nosec B608 - our column list and quoted table
            f"SELECT {cols} FROM matching_suggestion_load ON CONFLICT DO NOTHING"
        )
        cur.execute("TRUNCATE matching_suggestion_load")
    return len(rows)


def mentees_lock(mentee_ids: Sequence[int]) -> set[int]:
    """Lock the mentees' profile rows in id order (writers of one mentee's list queue up).

    Returns the user ids that still exist: a person deleted since the data were read
    (their rows would fail the foreign key at commit and the whole write with them).
    """
    return set(
        Profile.objects.select_for_update()
        .filter(user_id__in=sorted(mentee_ids))
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def suggestions_write(
    *,
    run: MatchRun,
    scored: ScoredRows,
    skip_newer_than: datetime | None = None,
    fresh: bool = False,
) -> int:
    """Make ``scored`` the current suggestions of its mentees (inside a transaction).

    Locks the mentees' profile rows (in user-id order) so an incremental and a
    full-run write for the same mentee never interleave. Previous current
    rows are flipped to ``is_current=False``; the status of a pair that was
    already requested or declined carries over. With ``skip_newer_than``, a
    mentee whose current list comes from an incremental run created after
    that time keeps it (it was computed from fresher data).
    """
    ids = scored.mentee_ids
    if not ids:
        return 0
    present = mentees_lock(ids)
    skip: set[int] = {i for i in ids if i not in present}
    if skip_newer_than is not None:
        skip |= set(
            Suggestion.objects.filter(
                mentee_id__in=ids,
                is_current=True,
                run__kind=MatchRun.Kind.INCREMENTAL,
                run__created_at__gt=skip_newer_than,
            )
            .order_by()
            .values_list("mentee_id", flat=True)
            .distinct()
        )
    targets = [i for i in ids if i not in skip]
    carried = current_flip(mentee_ids=targets, keep_run=run)
    rows = [r for r in scored.rows if r.mentee_id not in skip]
    statuses = [carried.get((r.mentee_id, r.mentor_id), Suggestion.Status.OPEN) for r in rows]
    return rows_insert(run=run, rows=rows, statuses=statuses, fresh=fresh)
