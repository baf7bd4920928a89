"""What moderators do with reports: dismiss, hide, restore, warn, suspend, review mentors.

Every action checks the moderator's permission (a view's check is not the
only line of defence), writes an audit row in the same transaction, and
closes the open reports it answers, telling each reporter that their report
was handled (never what happened to whom beyond that, and never anyone
else who reported).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications import notify
from mentorship.request_memo import forget
from profiles.services.account_sessions import account_sessions_end
from profiles.services.locks import people_lock

from .. import hooks
from ..models import AuditLog, MentorReview, Report, Suspension, Warning
from ..registry import content_for_type
from ..selectors import HIDDEN_PEOPLE_MEMO
from .audit import audit_record
from .blocks import SafetyRefusal

MODERATE = "safety.moderate"
SUSPEND = "safety.suspend_user"
REASON_MAX = 1000


def _require(user, perm: str) -> None:
    if not (user.is_active and user.is_staff and user.has_perm(perm)):
        raise SafetyRefusal("You do not have permission to do this.", code="permission")


def _reason(text: str, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise SafetyRefusal("Give a reason: the person will read it.", field="reason")
    if len(text) > REASON_MAX:
        raise SafetyRefusal(f"Keep the reason under {REASON_MAX} characters.", field="reason")
    return text


def _close_reports(reports, *, moderator, status: str, resolution: str) -> int:
    """Close ``reports`` and tell each reporter once that theirs was handled."""
    now = timezone.now()
    closed = 0
    told: set[int] = set()
    for report in reports.select_for_update():
        if report.status != Report.Status.OPEN:
            continue
        report.status = status
        report.resolution = resolution[:200]
        report.handled_by = moderator
        report.handled_at = now
        report.save(update_fields=["status", "resolution", "handled_by", "handled_at"])
        closed += 1
        if report.reporter_id and report.reporter_id not in told:
            told.add(report.reporter_id)
            notify(
                user=report.reporter,
                kind="report_handled",
                title="Your report has been handled",
                body=(
                    "A moderator reviewed what you reported and took action. Thank you for "
                    "helping keep the community safe."
                    if status == Report.Status.ACTIONED
                    else "A moderator reviewed what you reported and found no rule broken. "
                    "You can still block the person so that you never hear from them."
                ),
                url=reverse("safety:reports_mine"),
                email=False,
            )
    return closed


def _open_about(user_id: int):
    return Report.objects.filter(target_user_id=user_id, status=Report.Status.OPEN)


@transaction.atomic
def report_group_dismiss(*, moderator, target_user_id: int, note: str = "", request=None) -> int:
    """No rule broken: close every open report about this person."""
    _require(moderator, MODERATE)
    closed = _close_reports(
        _open_about(target_user_id),
        moderator=moderator,
        status=Report.Status.DISMISSED,
        resolution=note or "Dismissed",
    )
    audit_record(
        action=AuditLog.Action.REPORT_DISMISSED,
        actor=moderator,
        target=f"user #{target_user_id}",
        target_user=target_user_id,
        summary=f"{closed} report(s). {note}",
        request=request,
    )
    return closed


def _content_of(report: Report):
    entry = content_for_type(report.content_type)
    obj = report.content_object
    if entry is None or obj is None:
        raise SafetyRefusal("The reported content no longer exists.", code="content_gone")
    return entry, obj


@transaction.atomic
def content_hide(*, moderator, report: Report, reason: str, request=None) -> Report:
    """Hide the reported content; its author is told it was hidden and why."""
    _require(moderator, MODERATE)
    reason = _reason(reason)
    entry, obj = _content_of(report)
    if not entry.hideable:
        raise SafetyRefusal(f"A {entry.kind} cannot be hidden; warn or suspend instead.")
    entry.hide(obj, reason)
    author = entry.author(obj)
    _close_reports(
        Report.objects.filter(content_type=report.content_type, object_id=report.object_id),
        moderator=moderator,
        status=Report.Status.ACTIONED,
        resolution=f"Hidden: {reason}",
    )
    audit_record(
        action=AuditLog.Action.CONTENT_HIDDEN,
        actor=moderator,
        target=obj,
        target_user=author,
        summary=f"{entry.kind}: {reason}",
        request=request,
    )
    if author is not None:
        notify(
            user=author,
            kind="content_hidden",
            title=f"A moderator hid your {entry.kind}",
            body=f"Why: {reason}\n\nIt breaks the community guidelines, so others no longer "
            "see it. Reply to this email if you think this is a mistake.",
        )
    report.refresh_from_db()
    return report


@transaction.atomic
def content_restore(*, moderator, report: Report, request=None) -> Report:
    """Undo a hide (a moderator's mistake, or an appeal upheld)."""
    _require(moderator, MODERATE)
    entry, obj = _content_of(report)
    if not entry.hideable or not entry.is_hidden(obj):
        raise SafetyRefusal(f"This {entry.kind} is not hidden.", code="not_hidden")
    entry.restore(obj)
    author = entry.author(obj)
    audit_record(
        action=AuditLog.Action.CONTENT_RESTORED,
        actor=moderator,
        target=obj,
        target_user=author,
        summary=entry.kind,
        request=request,
    )
    if author is not None:
        notify(
            user=author,
            kind="content_restored",
            title=f"Your {entry.kind} is visible again",
            body="A moderator reviewed it again and restored it.",
        )
    return report


@transaction.atomic
def warning_create(*, moderator, user, reason: str, request=None) -> Warning:
    """A formal warning: the person reads why; open reports about them are answered."""
    _require(moderator, MODERATE)
    reason = _reason(reason)
    warning = Warning(user=user, reason=reason, created_by=moderator)
    warning.full_clean()
    warning.save()
    _close_reports(
        _open_about(user.pk),
        moderator=moderator,
        status=Report.Status.ACTIONED,
        resolution=f"Warned: {reason}",
    )
    audit_record(
        action=AuditLog.Action.WARNING,
        actor=moderator,
        target=user,
        summary=reason,
        request=request,
    )
    notify(
        user=user,
        kind="warning",
        title="A warning from the moderators",
        body=f"{reason}\n\nPlease follow the community guidelines; a repeat can lead to "
        "a suspension.",
    )
    return warning


@transaction.atomic
def suspension_create(
    *, moderator, user, reason: str, ends_at: datetime.datetime | None = None, request=None
) -> Suspension:
    """Suspend ``user``: signed out on their next request, no sign-in, not suggested.

    Their pending requests are withdrawn through the suspension receivers.
    """
    _require(moderator, SUSPEND)
    reason = _reason(reason)
    if user.pk == moderator.pk:
        raise SafetyRefusal("You cannot suspend yourself.")
    now = timezone.now()
    if ends_at is not None and ends_at <= now:
        raise SafetyRefusal("Choose an end in the future, or none.", field="ends_at")
    # Requests and bookings of this person being written now finish first; the
    # receivers below then withdraw and cancel them (profiles.services.locks).
    people_lock(user)
    if Suspension.objects.active(now=now).filter(user=user).exists():
        raise SafetyRefusal("This person is already suspended.", code="already_suspended")
    suspension = Suspension(
        user=user, reason=reason, starts_at=now, ends_at=ends_at, created_by=moderator
    )
    suspension.full_clean()
    suspension.save()
    forget(HIDDEN_PEOPLE_MEMO)
    # Every open session ends now, not at the person's next request.
    ended = account_sessions_end(user=user)
    if ended:
        audit_record(
            action=AuditLog.Action.SIGN_OUT_SUSPENDED,
            actor=moderator,
            target=user,
            summary=f"{ended} open session{'s' if ended != 1 else ''} ended with the suspension",
        )
    for receiver in hooks.suspension_receivers():
        receiver(user=user)
    _close_reports(
        _open_about(user.pk),
        moderator=moderator,
        status=Report.Status.ACTIONED,
        resolution=f"Suspended: {reason}",
    )
    until = f"until {ends_at:%Y-%m-%d %H:%M} UTC" if ends_at else "until further notice"
    audit_record(
        action=AuditLog.Action.SUSPENSION,
        actor=moderator,
        target=user,
        summary=f"{until}: {reason}",
        request=request,
    )
    notify(
        user=user,
        kind="suspended",
        title="Your account is suspended",
        body=f"Your account is suspended {until}.\n\nWhy: {reason}",
    )
    return suspension


@transaction.atomic
def suspension_lift(*, moderator, suspension: Suspension, request=None) -> Suspension:
    _require(moderator, SUSPEND)
    suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
    if suspension.lifted_at is not None:
        raise SafetyRefusal("This suspension was already lifted.")
    suspension.lifted_at = timezone.now()
    suspension.lifted_by = moderator
    suspension.save(update_fields=["lifted_at", "lifted_by"])
    forget(HIDDEN_PEOPLE_MEMO)
    audit_record(
        action=AuditLog.Action.SUSPENSION_LIFTED,
        actor=moderator,
        target=suspension.user,
        request=request,
    )
    notify(
        user=suspension.user,
        kind="suspension_lifted",
        title="Your account is active again",
        body="A moderator lifted your suspension. You can sign in again.",
    )
    return suspension


@transaction.atomic
def mentor_review_decide(
    *, moderator, user, approve: bool, note: str = "", request=None
) -> MentorReview:
    """Approve a new mentor (they can now be suggested and booked) or not."""
    _require(moderator, MODERATE)
    note = _reason(note, required=not approve)
    status = MentorReview.Status.APPROVED if approve else MentorReview.Status.REJECTED
    review, _ = MentorReview.objects.update_or_create(
        user=user,
        defaults={
            "status": status,
            "note": note,
            "decided_by": moderator,
            "decided_at": timezone.now(),
        },
    )
    audit_record(
        action=AuditLog.Action.MENTOR_APPROVED if approve else AuditLog.Action.MENTOR_REJECTED,
        actor=moderator,
        target=user,
        summary=note,
        request=request,
    )
    notify(
        user=user,
        kind="mentor_review",
        title="You are approved as a mentor" if approve else "Your mentor profile was not approved",
        body="Mentees can now find and request you."
        if approve
        else f"Why: {note}\n\nYou can still take part as a mentee.",
    )
    return review
