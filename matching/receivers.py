"""Signal receivers of matching. They only schedule work (STYLE.md #4).

``profile_changed`` -> on commit -> ``rescore_user`` after a short countdown.
Debounce: each change stores a fresh token in the cache and passes it to the
task; a task whose token is no longer the stored one exits, so a burst of
edits (a profile form, then skills, then availability) costs one re-score.
"""

from __future__ import annotations

import logging
import uuid

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


def on_profile_changed(sender, user_id: int, **kwargs) -> None:
    transaction.on_commit(lambda: schedule_rescore(user_id))
