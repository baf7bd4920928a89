"""Hooks higher apps fill from their ``AppConfig.ready()``.

Safety decides *that* two people are blocked or a person is suspended; the
apps that own requests, mentorships, sessions and messages decide what that
means for their rows. So a block or a suspension calls every registered
receiver inside the same transaction:

* ``register_block_receiver(func)``: ``func(*, blocker, blocked)`` ends
  whatever connects the two (matching withdraws a pending request, ends an
  active mentorship and retires current suggestions between them). The
  blocked person is told only that it ended.
* ``register_suspension_receiver(func)``: ``func(*, user)`` withdraws what
  the suspended person has pending.
* ``register_mentor_approval_setting(func)``: ``func() -> bool``, whether
  the programme reviews new mentors before they are suggested or booked
  (matching owns the switch in its settings).
"""

from __future__ import annotations

from collections.abc import Callable

_BLOCK_RECEIVERS: list[Callable] = []
_SUSPENSION_RECEIVERS: list[Callable] = []
_MENTOR_APPROVAL: list[Callable[[], bool]] = []


def _add(registry: list, func: Callable) -> Callable:
    if func not in registry:
        registry.append(func)
    return func


def register_block_receiver(func: Callable) -> Callable:
    return _add(_BLOCK_RECEIVERS, func)


def register_suspension_receiver(func: Callable) -> Callable:
    return _add(_SUSPENSION_RECEIVERS, func)


def register_mentor_approval_setting(func: Callable[[], bool]) -> Callable[[], bool]:
    return _add(_MENTOR_APPROVAL, func)


def block_receivers() -> list[Callable]:
    return list(_BLOCK_RECEIVERS)


def suspension_receivers() -> list[Callable]:
    return list(_SUSPENSION_RECEIVERS)


def mentor_approval_required() -> bool:
    """Whether any programme setting asks for mentors to be reviewed first."""
    return any(func() for func in _MENTOR_APPROVAL)
