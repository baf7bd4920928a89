"""Hooks that apps above ``profiles`` fill, so profiles never imports them.

``profiles`` shows people; facts about their mentorships live in
``matching`` (and, later, sessions and safety). Rather than importing up,
profiles asks through these hooks, which the higher apps register from their
``AppConfig.ready()``:

* :func:`register_places_taken` — a correlated subquery counting the long-term
  places a mentor uses (the directory's "free places");
* :func:`register_match_check` — whether two people share an active mentorship
  (contact details and "matches only" profiles depend on it);
* :func:`register_profile_panel` — extra sections on a person's profile page
  (``(request, profile) -> {"template", "context", "order"} | None``), as the
  dashboard's panels do (``mentorship/dashboard.py``);
* :func:`register_bulk_changes` — a context manager wrapped around changes to
  many people at once (:func:`bulk_changes`, an import): matching collects the
  ``profile_changed`` sends inside it and queues one batched re-score.

With nothing registered (profiles alone), nobody is matched and every place is
free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any

from django.db.models import QuerySet

PlacesTaken = Callable[[str], QuerySet]
MatchCheck = Callable[[int, int], bool]
ProfilePanel = Callable[[Any, Any], dict | None]

_places_taken: list[PlacesTaken] = []
_match_checks: list[MatchCheck] = []
_profile_panels: list[ProfilePanel] = []
_bulk_changes: list[Callable[[], AbstractContextManager]] = []


def register_places_taken(func: PlacesTaken) -> PlacesTaken:
    _places_taken[:] = [func]
    return func


def register_match_check(func: MatchCheck) -> MatchCheck:
    if func not in _match_checks:
        _match_checks.append(func)
    return func


def register_profile_panel(func: ProfilePanel) -> ProfilePanel:
    if func not in _profile_panels:
        _profile_panels.append(func)
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


def profile_panels(request, profile) -> list[dict]:
    panels = [panel for func in _profile_panels if (panel := func(request, profile))]
    return sorted(panels, key=lambda panel: panel.get("order", 100))
