"""What every dashboard chart is made of: :class:`Chart` and the month axis.

Each chart function (``dashboard`` and ``dashboard_sessions``) returns one
``Chart``; the page draws ``series`` and the CSV holds ``columns``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

MONTHS = 12


@dataclass
class Chart:
    slug: str
    title: str
    kind: str  # "line" | "bar" | "hbar"
    labels: list[str]
    series: list[tuple[str, list[float | int | None]]]
    note: str = ""
    unit: str = ""
    #: Columns in the table and the CSV but not drawn (counts behind a rate).
    extra: list[tuple[str, list[float | int | None]]] = field(default_factory=list)
    #: The top of the value axis when the scale has one (100 for a rate, 5 for a rating).
    y_max: float | None = None

    @property
    def columns(self) -> list[tuple[str, list[float | int | None]]]:
        return [*self.series, *self.extra]

    def as_json(self) -> dict:
        return {
            "slug": self.slug,
            "title": self.title,
            "kind": self.kind,
            "labels": self.labels,
            "series": [{"label": label, "data": data} for label, data in self.series],
            "unit": self.unit,
            "max": self.y_max,
        }

    def csv_rows(self) -> list[list]:
        header = ["label", *[label for label, _ in self.columns]]
        rows = [header]
        for i, label in enumerate(self.labels):
            rows.append([label, *[data[i] for _, data in self.columns]])
        return rows


def months_back(now: datetime.datetime) -> list[datetime.date]:
    first = now.date().replace(day=1)
    out = []
    y, m = first.year, first.month
    for _ in range(MONTHS):
        out.append(datetime.date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out[::-1]


def since(months: list[datetime.date]) -> datetime.datetime:
    return datetime.datetime.combine(months[0], datetime.time(), tzinfo=datetime.UTC)


def month_key(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.astimezone(datetime.UTC).date()
    return value.replace(day=1)


def month_label(month: datetime.date) -> str:
    return month.strftime("%Y-%m")


def by_month(rows, months, *fields_: str, empty: float | None = 0) -> dict[str, list]:
    """Grouped rows laid on the month axis; a month without a row (or a null) gets ``empty``."""
    found = {month_key(r["month"]): r for r in rows if r["month"] is not None}

    def value(month, name):
        got = found.get(month, {}).get(name)
        return empty if got is None else got

    return {f: [value(m, f) for m in months] for f in fields_}
