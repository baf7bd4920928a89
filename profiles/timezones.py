"""IANA time zones: validation, choices, and the one way to turn a stored name into a zone.

A stored name can stop being valid: tzdata updates remove and rename zones,
and old rows, imports or the admin may hold anything. ``zone_or_utc`` is
the only place a stored name becomes a ``ZoneInfo``; an unknown one is
shown as UTC instead of a 500 (docs/security.md "Bad input").
"""

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    names = {name for name in available_timezones() if "/" in name or name == "UTC"}
    names -= {name for name in names if name.startswith(("Etc/", "SystemV/", "posix/", "right/"))}
    return tuple(sorted(names))


def is_valid_timezone(name: str) -> bool:
    return name in timezone_names()


UTC = ZoneInfo("UTC")


@lru_cache(maxsize=1024)
def zone_or_utc(name: str | None) -> ZoneInfo:
    """The zone a stored IANA name stands for; UTC for an empty, unknown or removed one."""
    if not name or not is_valid_timezone(name):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # listed yet unreadable
        return UTC


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in timezone_names()]


def utc_offset_hours(name: str, at: datetime | None = None) -> float:
    """The zone's current offset from UTC in hours (DST-aware)."""
    moment = at or datetime.now(UTC)
    offset = moment.astimezone(zone_or_utc(name)).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0
