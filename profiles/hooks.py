"""Hooks that apps above profiles fill from their ``AppConfig.ready()``.

* ``register_profile_section(func)``: ``func(request, profile, page) -> dict |
  None`` with ``template``, ``context`` and ``order``; ``page`` is
  ``"detail"`` (someone's profile page, ``profiles:profile_detail``) or
  ``"overview"`` (your own profile overview). The sessions app shows a
  mentor's rating, the flash-booking button and the calendar feed this way.
* ``register_demo_filler(func)``: ``func(*, seed) -> dict[str, int]`` adds
  the demo rows of a higher app (sessions, messages, ratings) after
  ``seed_demo`` created the people; returns counts to print.
"""

from __future__ import annotations

from collections.abc import Callable

_sections: list[Callable] = []
_demo_fillers: list[Callable] = []


def register_profile_section(func: Callable) -> Callable:
    if func not in _sections:
        _sections.append(func)
    return func


def profile_sections(request, profile, page: str) -> list[str]:
    """The sections for this page, rendered (HTML strings, in ``order``)."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    found = [section for func in _sections if (section := func(request, profile, page))]
    found.sort(key=lambda section: section.get("order", 100))
    return [
        mark_safe(
            render_to_string(section["template"], section.get("context", {}), request=request)
        )
        for section in found
    ]


def register_demo_filler(func: Callable) -> Callable:
    if func not in _demo_fillers:
        _demo_fillers.append(func)
    return func


def demo_fill(*, seed: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for func in _demo_fillers:
        counts.update(func(seed=seed))
    return counts
