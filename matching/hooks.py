"""Hooks that apps above matching fill from their ``AppConfig.ready()``.

Matching must not import them (layers: ``sessions`` sits above ``matching``),
so it offers these slots instead:

* ``register_mentorship_page(func)``: ``func(request, mentorship, *, end_form,
  renew_form, status) -> HttpResponse`` renders the page behind
  ``matching:mentorship_detail`` (the sessions app's workspace). Without one,
  matching renders its own plain page.
* ``register_reliability_source(func)``: ``func(mentor_ids) -> {mentor_id:
  (sessions_counted, sessions_kept)}``, the evidence the engine folds into
  responsiveness (docs/engine.md). Without one, nobody has evidence and the
  factor is 1.
* ``register_suggestion_action(func)``: ``func(request, suggestion) -> dict |
  None`` with ``label``, ``url`` and ``icon``: an extra button on a suggestion
  card (book a flash session).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_mentorship_page: list[Callable] = []
_reliability_sources: list[Callable[[list[int]], dict[int, tuple[float, float]]]] = []
_suggestion_actions: list[Callable] = []


def register_mentorship_page(func: Callable) -> Callable:
    _mentorship_page[:] = [func]
    return func


def mentorship_page() -> Callable | None:
    return _mentorship_page[0] if _mentorship_page else None


def register_reliability_source(func: Callable) -> Callable:
    if func not in _reliability_sources:
        _reliability_sources.append(func)
    return func


def reliability_counts(mentor_ids: Iterable[int] | None) -> dict[int, tuple[float, float]]:
    """Per mentor: (sessions counted, kept), summed over the sources; ``None``: every mentor."""
    ids = None if mentor_ids is None else list(mentor_ids)
    out: dict[int, tuple[float, float]] = {}
    for source in _reliability_sources:
        for mentor_id, (counted, kept) in source(ids).items():
            prev = out.get(mentor_id, (0.0, 0.0))
            out[mentor_id] = (prev[0] + counted, prev[1] + kept)
    return out


def register_suggestion_action(func: Callable) -> Callable:
    if func not in _suggestion_actions:
        _suggestion_actions.append(func)
    return func


def suggestion_actions(request, suggestion) -> list[dict]:
    return [action for func in _suggestion_actions if (action := func(request, suggestion))]
