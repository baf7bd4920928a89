"""Who a viewer must not see, as decided by apps above ``profiles``.

``safety`` (blocks, suspensions) sits above this app, so the directory and
the profile page cannot ask it directly: it registers a function
``(viewer) -> set of user ids`` from its ``AppConfig.ready()``, and every
page here that shows a person leaves those ids out.
"""

from __future__ import annotations

from collections.abc import Callable

_HIDDEN: list[Callable] = []


def register_hidden_people(func: Callable) -> Callable:
    if func not in _HIDDEN:
        _HIDDEN.append(func)
    return func


def hidden_people_ids(viewer) -> set[int]:
    """Union of every registered rule; empty for an anonymous viewer."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return set()
    hidden: set[int] = set()
    for func in _HIDDEN:
        hidden |= set(func(viewer))
    hidden.discard(viewer.pk)
    return hidden
