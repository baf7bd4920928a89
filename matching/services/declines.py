"""Taking back a "not for me": a mistaken click must not lose a good mentor for good."""

from __future__ import annotations

from django.db import transaction

from matching.errors import MatchingError
from matching.models import PairExclusion, Suggestion


@transaction.atomic
def suggestion_decline_undo(*, mentee, mentor_id: int) -> int:
    """Suggest this mentor again: the mentee's own decline of the pair is removed.

    Only the mentee's decline goes: a mentor's decline, an admin's "do not
    match" or a block stay. The pair's current declined suggestion comes
    back as it was; if none is current any more, the mentor returns at the
    next scoring run. Returns how many suggestions were reopened.
    """
    deleted, _ = PairExclusion.objects.filter(
        mentee=mentee, mentor_id=mentor_id, reason=PairExclusion.Reason.DECLINED_BY_MENTEE
    ).delete()
    if not deleted:
        raise MatchingError("You have not declined this mentor.")
    return Suggestion.objects.filter(
        mentee=mentee, mentor_id=mentor_id, is_current=True, status=Suggestion.Status.DECLINED
    ).update(status=Suggestion.Status.OPEN)
