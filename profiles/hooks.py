"""Hooks that apps above ``profiles`` fill, so profiles never imports them.

``profiles`` shows people; facts about their mentorships, sessions and
safety live in higher apps. Rather than importing up, profiles asks through
these hooks, which the higher apps register from their ``AppConfig.ready()``:

* :func:`register_places_taken` — a correlated subquery counting the long-term
  places a mentor uses (the directory's "free places");
* :func:`register_match_check` — whether two people share an active mentorship
  (contact details and "matches only" profiles depend on it);
* :func:`register_profile_section` — sections on a profile page:
  ``func(request, profile, page) -> {"template", "context", "order"} | None``,
  ``page`` being ``"detail"`` (someone's profile page) or ``"overview"`` (your
  own profile overview). :func:`register_profile_panel` is the shorthand for
  a detail-page section whose template reads its context as ``panel``.
* :func:`register_demo_filler` — ``func(*, seed) -> dict[str, int]`` adds a
  higher app's demo rows after ``seed_demo`` created the people.
* :func:`register_bulk_changes` — a context manager wrapped around changes to
  many people at once (:func:`bulk_changes`, an import): matching collects the
  ``profile_changed`` sends inside it and queues one batched re-score.

With nothing registered (profiles alone), nobody is matched, every place is
free and profile pages show only profile facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any

from django.db.models import QuerySet

PlacesTaken = Callable[[str], QuerySet]
MatchCheck = Callable[[int, int], bool]
ProfileSection = Callable[[Any, Any, str], dict | None]

_places_taken: list[PlacesTaken] = []
_match_checks: list[MatchCheck] = []
_sections: list[ProfileSection] = []
_demo_fillers: list[Callable] = []
_bulk_changes: list[Callable[[], AbstractContextManager]] = []


def register_places_taken(func: PlacesTaken) -> PlacesTaken:
    _places_taken[:] = [func]
    return func


def register_match_check(func: MatchCheck) -> MatchCheck:
    if func not in _match_checks:
        _match_checks.append(func)
    return func


def register_demo_seeder(func: Callable[..., str]) -> Callable[..., str]:
    """A demo filler that reports one summary line instead of counts."""
    if all(getattr(existing, "seeder", None) is not func for existing in _demo_fillers):

        def filler(*, seed):
            return {func(seed=seed): None}

        filler.seeder = func
        _demo_fillers.append(filler)
    return func


def register_bulk_changes(factory: Callable[[], AbstractContextManager]):
    if factory not in _bulk_changes:
        _bulk_changes.append(factory)
    return factory


@contextmanager
def bulk_changes() -> Iterator[None]:
    """Wrap changes to many people (also usable as a decorator); see the module doc."""
    with ExitStack() as stack:
        for factory in _bulk_changes:
            stack.enter_context(factory())
        yield


def places_taken_subquery(mentor_ref: str) -> QuerySet | None:
    """The registered subquery, or None when no app counts places."""
    return _places_taken[0](mentor_ref) if _places_taken else None


def users_are_matched(a_id: int, b_id: int) -> bool:
    return any(check(a_id, b_id) for check in _match_checks)


def register_profile_section(func: ProfileSection) -> ProfileSection:
    if func not in _sections:
        _sections.append(func)
    return func


def register_profile_panel(func: Callable[[Any, Any], dict | None]) -> Callable:
    """A section on someone's profile page; its template reads the context as ``panel``."""

    def section(request, profile, page):
        if page != "detail" or (found := func(request, profile)) is None:
            return None
        return {**found, "context": {"panel": found.get("context", {})}}

    section.panel = func
    if all(getattr(existing, "panel", None) is not func for existing in _sections):
        _sections.append(section)
    return func


def profile_sections(request, profile, page: str) -> list[str]:
    """The sections for this page, rendered (HTML strings, in ``order``)."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    found = [section for func in _sections if (section := func(request, profile, page))]
    found.sort(key=lambda section: section.get("order", 100))
    return [
        mark_safe(  # our own templates, auto-escaped  # nosec B308 B703
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
