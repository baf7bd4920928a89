"""Safety's rules as the match lifecycle applies them (read through ``safety.selectors``).

One call per lifecycle step, so the lifecycle module gains a line, not a
block. The sentences never say "blocked" or "suspended" about the other
person: a blocked person learns nothing beyond "you cannot".
"""

from __future__ import annotations

from safety import selectors as safety


def refuse_if_unsafe(*, actor, other, other_name: str, mentor=None) -> None:
    """Refuse when ``actor`` and ``other`` are blocked either way, either is
    suspended, or (``mentor`` given) the mentor is still waiting for review.

    Raises the lifecycle's ``MatchingError`` (the shared ``Refusal``), so
    views show it like any other refusal.
    """
    from .lifecycle import MatchingError as SafetyRuleRefusal  # lifecycle imports this module

    if safety.is_suspended(actor):
        raise SafetyRuleRefusal("Your account is suspended.", code="suspended")
    if safety.users_blocked(actor, other) or safety.is_suspended(other):
        raise SafetyRuleRefusal(f"You cannot contact {other_name}.", code="unavailable")
    if mentor is not None and safety.mentor_held_for_review(mentor):
        raise SafetyRuleRefusal(
            f"{other_name} is not taking new requests at the moment.", code="mentor_in_review"
        )
