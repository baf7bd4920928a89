"""The registry of webhook event kinds.

Each app registers the kinds it emits from its ``AppConfig.ready()``::

    register_event_kind("match.accepted", "Match accepted", "A mentor accepted a request.")

and emits them through the one function
``mentorship.services.webhooks.webhook_emit(kind=..., data=...)``, inside the
transaction that made the change (the outbox row commits or rolls back with
it). Programme managers pick from the registered kinds when they register an
endpoint; emitting an unregistered kind is a programming error.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventKind:
    kind: str
    label: str
    description: str = ""


_kinds: dict[str, EventKind] = {}


def register_event_kind(kind: str, label: str, description: str = "") -> None:
    _kinds[kind] = EventKind(kind=kind, label=label, description=description)


def event_kinds() -> list[EventKind]:
    return sorted(_kinds.values(), key=lambda k: k.kind)


def event_kind_known(kind: str) -> bool:
    return kind in _kinds
