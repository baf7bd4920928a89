"""Signal receivers of matching. They only schedule work (STYLE.md #4).

``profile_changed`` -> on commit -> ``rescore_user`` after a short countdown.
Debounce: each change stores a fresh token in the cache and passes it to the
task; a task whose token is no longer the stored one exits, so a burst of
edits (a profile form, then skills, then availability) costs one re-score.

Inside :func:`rescores_batched` (registered as ``profiles.hooks.bulk_changes``,
which wraps an import) the changed ids are collected instead, and one
``rescore_users`` task per ``BATCH_SIZE`` people is queued at the end.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)

#: Seconds to wait for further changes before re-scoring.
DEBOUNCE_SECONDS = getattr(settings, "MATCHING_RESCORE_DEBOUNCE_SECONDS", 2)


def schedule_rescore(user_id: int) -> str | None:
    """Queue a debounced re-score of ``user_id``; returns the token (None if not queued)."""
    from matching.tasks import rescore_token_key, rescore_user

    token = uuid.uuid4().hex
    cache.set(rescore_token_key(user_id), token, timeout=DEBOUNCE_SECONDS + 3600)
    try:
        rescore_user.apply_async(args=[user_id, token], countdown=DEBOUNCE_SECONDS)
    except BrokerUnavailable:
        # The profile is saved; the next full run will pick the change up.
        logger.warning("broker unavailable: re-score of user %s not queued", user_id)
        return None
    return token


#: People per batched re-score task.
BATCH_SIZE = 2000

_batch: ContextVar[set[int] | None] = ContextVar("matching_rescore_batch", default=None)


def schedule_rescore_many(user_ids) -> int:
    """Queue batched re-scores of ``user_ids``; returns the number of tasks queued."""
    from matching.tasks import rescore_users

    ids = sorted(set(user_ids))
    queued = 0
    for i in range(0, len(ids), BATCH_SIZE):
        try:
            rescore_users.apply_async(args=[ids[i : i + BATCH_SIZE]], countdown=DEBOUNCE_SECONDS)
            queued += 1
        except BrokerUnavailable:
            logger.warning("broker unavailable: batched re-score of %s people not queued", len(ids))
    return queued


@contextmanager
def rescores_batched() -> Iterator[set[int]]:
    """Collect ``profile_changed`` ids inside; queue one batched re-score (on commit) at the end."""
    if _batch.get() is not None:  # nested: the outer batch collects
        yield _batch.get()
        return
    collected: set[int] = set()
    token = _batch.set(collected)
    try:
        yield collected
    finally:
        _batch.reset(token)
    if collected:
        ids = sorted(collected)
        transaction.on_commit(lambda: schedule_rescore_many(ids))


def on_profile_changed(sender, user_id: int, **kwargs) -> None:
    batch = _batch.get()
    if batch is not None:
        batch.add(user_id)
        return
    transaction.on_commit(lambda: schedule_rescore(user_id))
