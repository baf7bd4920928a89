"""Safety's rules as the match lifecycle applies them (read through ``safety.selectors``).

The lifecycle calls :func:`unsafe_reason` at each step (through its
``_refuse_if_unsafe``, which raises its ``MatchingError``), so the lifecycle
gains a line per step, not a block. The sentences never say "blocked" or
"suspended" about the other person: a blocked person learns nothing beyond
"you cannot".
"""

from __future__ import annotations

from safety import selectors as safety


def unsafe_reason(*, actor, other, other_name: str, mentor=None) -> tuple[str, str] | None:
    """``(message, code)`` when ``actor`` and ``other`` are blocked either way,
    either is suspended, or (``mentor`` given) the mentor is still waiting for
    review; ``None`` when nothing stands in the way."""
    if safety.is_suspended(actor):
        return "Your account is suspended.", "suspended"
    if safety.users_blocked(actor, other) or safety.is_suspended(other):
        return f"You cannot contact {other_name}.", "unavailable"
    if mentor is not None and safety.mentor_held_for_review(mentor):
        return f"{other_name} is not taking new requests at the moment.", "mentor_in_review"
    return None
