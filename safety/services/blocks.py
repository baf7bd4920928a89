"""Blocking: one click ends every channel between two people."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from mentorship.errors import Refusal
from mentorship.request_memo import forget
from profiles.services.locks import people_lock

from .. import hooks
from ..models import AuditLog, Block
from ..selectors import HIDDEN_PEOPLE_MEMO
from .audit import audit_record


class SafetyRefusal(Refusal):
    default_code = "safety_refused"


@transaction.atomic
def block_create(*, blocker, blocked, source: str = Block.Source.PROFILE, request=None) -> Block:
    """``blocker`` blocks ``blocked``: works at once, both ways, whatever they shared.

    Every registered block receiver (matching: pending requests, active
    mentorships, current suggestions) ends what connects the two in this
    same transaction. Blocking someone already blocked returns the block.
    """
    if blocked is None or blocker.pk == blocked.pk:
        raise SafetyRefusal("You cannot block yourself.", code="block_self")
    if source not in Block.Source.values:
        source = Block.Source.OTHER
    # A request, accept or booking between the two being written now finishes
    # first; the receivers below then find and end it (profiles.services.locks).
    people_lock(blocker, blocked)
    existing = Block.objects.filter(blocker=blocker, blocked=blocked).first()
    if existing is not None:
        return existing
    block = Block(blocker=blocker, blocked=blocked, source=source)
    block.full_clean()
    try:
        with transaction.atomic():
            block.save()
    except IntegrityError:
        return Block.objects.get(blocker=blocker, blocked=blocked)
    forget(HIDDEN_PEOPLE_MEMO)
    for receiver in hooks.block_receivers():
        receiver(blocker=blocker, blocked=blocked)
    audit_record(
        action=AuditLog.Action.BLOCK,
        actor=blocker,
        target=blocked,
        summary=f"from {block.get_source_display().lower()}",
        request=request,
    )
    return block


@transaction.atomic
def block_remove(*, blocker, block: Block, request=None) -> None:
    """Lift a block; only the person who made it can. Nothing ended comes back."""
    if block.blocker_id != blocker.pk:
        raise SafetyRefusal("This block is not yours.", code="block_not_yours")
    blocked_id = block.blocked_id
    block.delete()
    forget(HIDDEN_PEOPLE_MEMO)
    audit_record(
        action=AuditLog.Action.UNBLOCK,
        actor=blocker,
        target_user=blocked_id,
        target=f"user #{blocked_id}",
        request=request,
    )
