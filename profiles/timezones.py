"""IANA time zones: validation, choices and weekly UTC hour masks."""

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    names = {name for name in available_timezones() if "/" in name or name == "UTC"}
    names -= {name for name in names if name.startswith(("Etc/", "SystemV/", "posix/", "right/"))}
    return tuple(sorted(names))


def is_valid_timezone(name: str) -> bool:
    return name in timezone_names()


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in timezone_names()]


def utc_offset_hours(name: str, at: datetime | None = None) -> float:
    """The zone's current offset from UTC in hours (DST-aware)."""
    moment = at or datetime.now(ZoneInfo("UTC"))
    offset = moment.astimezone(ZoneInfo(name)).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0
