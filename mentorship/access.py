"""Who may act: the one place the API (and later the web) asks.

* :func:`is_programme_manager` — may manage people, runs, cohorts and
  webhooks. Today every active staff member; the safety app narrows it to a
  group or permission by calling :func:`set_programme_manager_check` from its
  ``AppConfig.ready()`` (one place to change, every endpoint follows).
* :func:`account_usable` — may this account act at all (sign-in tokens, SCIM
  tokens). An inactive person never may; apps above (safety's suspensions)
  add their own rule with :func:`register_account_check`, consulted on every
  API request so a suspension stops tokens at once.
"""

from __future__ import annotations

from collections.abc import Callable

_account_checks: list[Callable[[object], bool]] = []


def _staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


_programme_manager_check: Callable[[object], bool] = _staff


def set_programme_manager_check(check: Callable[[object], bool]) -> None:
    global _programme_manager_check
    _programme_manager_check = check


def is_programme_manager(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and _programme_manager_check(
        user
    )


def register_account_check(check: Callable[[object], bool]) -> None:
    """``check(user) -> bool``: False stops the account's tokens (e.g. suspended)."""
    if check not in _account_checks:
        _account_checks.append(check)


def account_usable(user) -> bool:
    if user is None or not user.is_active:
        return False
    return all(check(user) for check in _account_checks)
