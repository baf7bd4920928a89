"""Reads of trust and safety, for this app and every app above it.

The one source of truth for "are these two blocked?", "is this person
suspended?" and "is this mentor still waiting for review?": matching,
sessions and community ask here and never read the tables themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from mentorship.models import Notification
from mentorship.request_memo import remembered
from profiles.models import Profile

from . import hooks
from .models import AuditLog, Block, MentorReview, Report, Suspension, Warning


def _pk(user) -> int | None:
    if user is None:
        return None
    return user if isinstance(user, int) else user.pk


# --- Blocks ------------------------------------------------------------------


def users_blocked(a, b) -> bool:
    """Whether either of the two people has blocked the other."""
    a_id, b_id = _pk(a), _pk(b)
    if a_id is None or b_id is None or a_id == b_id:
        return False
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def blocked_user_ids(user) -> set[int]:
    """Everyone ``user`` blocked or was blocked by (both directions hide each other)."""
    user_id = _pk(user)
    if user_id is None:
        return set()
    rows = Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).values_list(
        "blocker_id", "blocked_id"
    )
    return {other for pair in rows for other in pair if other != user_id}


def blocked_pairs(*, user_ids: Iterable[int] | None = None) -> set[tuple[int, int]]:
    """Blocked pairs in both orders; restricted to pairs touching ``user_ids`` if given."""
    rows = Block.objects.order_by()
    if user_ids is not None:
        ids = list(user_ids)
        rows = rows.filter(Q(blocker_id__in=ids) | Q(blocked_id__in=ids))
    pairs: set[tuple[int, int]] = set()
    for x, y in rows.values_list("blocker_id", "blocked_id"):
        pairs.add((x, y))
        pairs.add((y, x))
    return pairs


def blocks_made_by(*, user) -> QuerySet:
    return Block.objects.filter(blocker=user).select_related("blocked", "blocked__profile")


def block_by(*, blocker, blocked) -> Block | None:
    return Block.objects.filter(blocker=blocker, blocked=blocked).first()


# --- Suspensions and mentor review ---------------------------------------------


def active_suspension(user) -> Suspension | None:
    user_id = _pk(user)
    if user_id is None:
        return None
    return Suspension.objects.active().filter(user_id=user_id).order_by("-starts_at").first()


def is_suspended(user) -> bool:
    user_id = _pk(user)
    return user_id is not None and Suspension.objects.active().filter(user_id=user_id).exists()


def suspended_user_ids() -> set[int]:
    return set(Suspension.objects.active().values_list("user_id", flat=True))


def mentor_approval_required() -> bool:
    return hooks.mentor_approval_required()


def mentors_held_for_review_ids() -> set[int]:
    """Mentors not (yet) approved, when the programme reviews mentors; else none."""
    if not mentor_approval_required():
        return set()
    mentors = Profile.objects.filter(role__in=[Profile.Role.MENTOR, Profile.Role.BOTH])
    approved = MentorReview.objects.filter(status=MentorReview.Status.APPROVED)
    return set(
        mentors.exclude(user_id__in=approved.values("user_id")).values_list("user_id", flat=True)
    )


def mentor_held_for_review(user) -> bool:
    if not mentor_approval_required():
        return False
    return not MentorReview.objects.filter(
        user_id=_pk(user), status=MentorReview.Status.APPROVED
    ).exists()


def users_not_suggestable_ids(*, as_mentor: bool) -> set[int]:
    """People matching must leave out: suspended, and (as mentors) held for review."""
    ids = suspended_user_ids()
    if as_mentor:
        ids |= mentors_held_for_review_ids()
    return ids


def mentors_awaiting_review() -> QuerySet:
    """Onboarded mentors without a decision, oldest first (the review queue)."""
    if not mentor_approval_required():
        return Profile.objects.none()
    return (
        Profile.objects.filter(
            role__in=[Profile.Role.MENTOR, Profile.Role.BOTH],
            onboarded_at__isnull=False,
            user__is_active=True,
        )
        .exclude(user__mentor_review__isnull=False)
        .select_related("user")
        .order_by("onboarded_at", "pk")
    )


# --- Reports and the queue -------------------------------------------------------


def reports_by(*, reporter) -> QuerySet:
    return Report.objects.filter(reporter=reporter).select_related("content_type")


def reports_open() -> QuerySet:
    """Open reports, one row each (the API's queue; the page groups them by person)."""
    return Report.objects.open().select_related(
        "content_type", "reporter__profile", "target_user__profile"
    )


def report_for_moderator(*, pk: int) -> Report | None:
    return (
        Report.objects.select_related("content_type", "target_user__profile").filter(pk=pk).first()
    )


def content_for_viewer(*, key: str, lookup, viewer):
    """``(entry, row)`` of reportable content ``viewer`` may see, named as URLs name it, else None.

    The one lookup behind "report this" and "block this person" on the web and the API.
    """
    from django.core.exceptions import ValidationError

    from .registry import content_for_key

    entry = content_for_key(key or "")
    if entry is None:
        return None
    try:
        obj = entry.model._default_manager.filter(**{entry.lookup_field: lookup}).first()
    except (ValueError, ValidationError):
        return None
    if obj is None or not entry.visible_to(obj, viewer):
        return None
    return entry, obj


def report_groups_open() -> list[dict]:
    """Open reports grouped by the person they are about, most reported first."""
    rows = (
        Report.objects.open()
        .filter(target_user__isnull=False)  # the person deleted their account: nothing to act on
        .values("target_user_id")
        .annotate(count=Count("id"), latest=Max("created_at"))
        .order_by("-count", "-latest")
    )
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=[row["target_user_id"] for row in rows])
        .select_related("profile")
    }
    groups = []
    for row in rows:
        reports = list(
            Report.objects.open()
            .filter(target_user_id=row["target_user_id"])
            .order_by("-created_at")[:5]
        )
        groups.append(
            {
                "target": users.get(row["target_user_id"]),
                "target_id": row["target_user_id"],
                "count": row["count"],
                "latest": row["latest"],
                "reasons": sorted({r.get_reason_display() for r in reports}),
                "kinds": sorted({r.kind for r in reports}),
                "suspended": is_suspended(row["target_user_id"]),
            }
        )
    return groups


def reports_about(*, user_id: int) -> QuerySet:
    return (
        Report.objects.filter(target_user_id=user_id)
        .select_related("reporter", "handled_by", "content_type")
        .order_by("status", "-created_at")
    )


def person_history(*, user_id: int) -> dict:
    """What moderators need to judge a person: past reports either way, warnings, suspensions."""
    return {
        "reports_received": Report.objects.filter(target_user_id=user_id).count(),
        "reports_upheld": Report.objects.filter(
            target_user_id=user_id, status=Report.Status.ACTIONED
        ).count(),
        "reports_made": Report.objects.filter(reporter_id=user_id).count(),
        "reports_made_dismissed": Report.objects.filter(
            reporter_id=user_id, status=Report.Status.DISMISSED
        ).count(),
        "warnings": list(Warning.objects.filter(user_id=user_id)[:10]),
        "suspensions": list(Suspension.objects.filter(user_id=user_id)[:10]),
        "blocked_by_count": Block.objects.filter(blocked_id=user_id).count(),
        "active_suspension": active_suspension(user_id),
    }


def open_reports_count() -> int:
    return Report.objects.open().count()


# --- Audit log -------------------------------------------------------------------


def audit_entries(
    *,
    action: str = "",
    person_id: int | None = None,
    since=None,
    until=None,
) -> QuerySet:
    """Audit rows, newest first, filtered by action, a person (actor or target), dates."""
    rows = AuditLog.objects.all()
    if action:
        rows = rows.filter(action=action)
    if person_id is not None:
        rows = rows.filter(Q(actor_id=person_id) | Q(target_user_id=person_id))
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    return rows.order_by("-created_at", "-id")


def people_by_id(ids: Iterable[int | None]) -> dict[int, object]:
    wanted = {pk for pk in ids if pk is not None}
    return {user.pk: user for user in get_user_model().objects.filter(pk__in=wanted)}


#: The request memo's key for :func:`hidden_people_ids`; safety's writes forget it.
HIDDEN_PEOPLE_MEMO = "safety.hidden_people_ids"


def hidden_people_ids(viewer) -> set[int]:
    """People ``viewer`` must not see anywhere: blocked either way, or suspended.

    Filled into ``profiles.visibility`` so the directory and profile pages
    (which live below this app) leave them out. One query per request: a page
    asks from several panels, so the answer is remembered for the request
    (:mod:`mentorship.request_memo`); blocks and suspensions forget it.
    """
    viewer_id = _pk(viewer)
    if viewer_id is None:
        return set()
    return set(remembered((HIDDEN_PEOPLE_MEMO, viewer_id), lambda: _hidden_people_ids(viewer_id)))


def _hidden_people_ids(viewer_id: int) -> frozenset[int]:
    blocked = Block.objects.filter(blocker_id=viewer_id).values_list("blocked_id", flat=True)
    blockers = Block.objects.filter(blocked_id=viewer_id).values_list("blocker_id", flat=True)
    suspended = Suspension.objects.active().values_list("user_id", flat=True)
    hidden = set(blocked.order_by().union(blockers.order_by(), suspended.order_by()))
    hidden.discard(viewer_id)
    return frozenset(hidden)


# --- The signed-in person ------------------------------------------------------


def signed_in_user(user_id):
    """The signed-in person with what every page asks about them, in one query, or None.

    Their profile (the navigation's name and roles), whether a suspension is in
    force (``SafetyMiddleware`` signs them out) and their unread notifications
    (the navigation's badge) come with the user row, instead of one query each
    on every page. The sign-in backends (:mod:`safety.auth_backends`) load the
    user through this.
    """
    unread = (
        Notification.objects.filter(user_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        get_user_model()
        .objects.select_related("profile")
        .annotate(
            suspension_in_force=Exists(Suspension.objects.active().filter(user_id=OuterRef("pk"))),
            unread_notifications_at_load=Coalesce(Subquery(unread), 0),
        )
        .filter(pk=user_id)
        .first()
    )
