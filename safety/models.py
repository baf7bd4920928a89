"""Trust and safety: blocks, reports, suspensions, warnings, mentor reviews, audit log.

The app sits low in the layers (DESIGN.md): it imports only ``mentorship``
and ``profiles``. Content of higher apps (a request message, a session
message, an answer) is reported through content types, and those apps tell
this one how to show, hide and restore their content through
:mod:`safety.registry`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from mentorship.fields import bounded_text, length_checks


class Block(models.Model):
    """``blocker`` never wants contact with ``blocked`` again (until unblocked).

    A block works both ways: neither is suggested to, can request, message or
    see the other. Only the blocker can lift it.
    """

    class Source(models.TextChoices):
        PROFILE = "profile", "Profile"
        REQUEST = "request", "Request"
        MESSAGE = "message", "Message"
        ANSWER = "answer", "Answer"
        OTHER = "other", "Elsewhere"

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    source = models.CharField(max_length=10, choices=Source, default=Source.PROFILE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique_pair"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"])]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class ReportReason(models.TextChoices):
    HARASSMENT = "harassment", "Harassment or bullying"
    SPAM = "spam", "Spam or advertising"
    INAPPROPRIATE = "inappropriate", "Sexual or inappropriate content"
    HATE = "hate", "Hate speech or discrimination"
    SCAM = "scam", "Scam, fraud or asking for money"
    IMPERSONATION = "impersonation", "Fake profile or impersonation"
    SAFETY = "safety", "Threat to someone's safety"
    OTHER = "other", "Something else"


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Report.Status.OPEN)


class Report(models.Model):
    """A member's report of a person or of a piece of content.

    ``target_user`` is the person the report is about (the author of the
    content); ``content_type``/``object_id`` point at the content itself,
    in any app. ``snapshot`` keeps the content as it was when reported, so
    an edit or deletion afterwards cannot hide it from moderators.
    Nobody but moderators ever sees ``reporter``.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        ACTIONED = "actioned", "Action taken"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_made"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="reports_received",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    content_object = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(max_length=40, help_text="What was reported, e.g. “request message”.")
    reason = models.CharField(max_length=20, choices=ReportReason)
    details = bounded_text(2000, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN, db_index=True)
    resolution = models.CharField(max_length=200, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("moderate", "Use the moderation queue")]
        constraints = [
            # One open report per reporter and content: a double click files one.
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"],
                condition=Q(status="open"),
                name="report_one_open_per_reporter_content",
            ),
            *length_checks(details=2000),
        ]
        indexes = [
            models.Index(fields=["status", "target_user"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"Report #{self.pk} ({self.kind}, {self.status})"


class SuspensionQuerySet(models.QuerySet):
    def active(self, *, now=None):
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True, starts_at__lte=now).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


class Suspension(models.Model):
    """A person may not use the platform from ``starts_at`` until ``ends_at`` (or a lift)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    reason = bounded_text(1000)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until lifted.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        permissions = [("suspend_user", "Suspend and restore accounts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="suspension_ends_after_start",
            ),
            *length_checks(reason=1000),
        ]

    def __str__(self) -> str:
        return f"Suspension of {self.user_id} from {self.starts_at:%Y-%m-%d}"


class Warning(models.Model):
    """A moderator's formal warning to a person, shown to them as a notification."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="warnings_received"
    )
    reason = bounded_text(1000)
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="warnings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [*length_checks(reason=1000)]
        ordering = ["-created_at"]
        verbose_name = "warning"

    def __str__(self) -> str:
        return f"Warning to {self.user_id}"


class MentorReview(models.Model):
    """A moderator's decision on a new mentor, when the programme reviews mentors first."""

    class Status(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Not approved"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_review"
    )
    status = models.CharField(max_length=10, choices=Status)
    note = bounded_text(1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [*length_checks(note=1000)]
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status}"


class AuditLogQuerySet(models.QuerySet):
    """Append-only: rows are created, never changed or removed through the ORM."""

    def update(self, **kwargs):
        raise AuditLogImmutable("Audit log rows cannot be changed.")

    def delete(self):
        raise AuditLogImmutable("Audit log rows cannot be deleted.")

    _raw_delete = delete


class AuditLogImmutable(Exception):
    pass


class AuditLog(models.Model):
    """One security-relevant event: who did what to whom, when and from where.

    No foreign keys on purpose: a row must outlive the people it names
    (deleting an account must not rewrite history), so ``actor_id`` and
    ``target_id`` are plain values and pages join them to current users.
    No email address is ever stored (so account deletion's email sweep never
    needs to touch this table); ``summary`` is single-line text with control
    characters removed (see :func:`safety.services.audit_record`).
    A PostgreSQL trigger refuses UPDATE and DELETE as well.
    """

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT_SUSPENDED = "signed_out_suspended", "Signed out (suspended)"
        MFA_ADDED = "mfa_added", "Second factor added"
        MFA_REMOVED = "mfa_removed", "Second factor removed"
        MFA_RESET = "mfa_reset", "Recovery codes regenerated"
        PERMISSION_DENIED = "permission_denied", "Permission denied"
        DATA_EXPORT = "data_export", "Data exported"
        ACCOUNT_DELETED = "account_deleted", "Account deleted"
        BLOCK = "block", "Blocked someone"
        UNBLOCK = "unblock", "Unblocked someone"
        REPORT = "report", "Reported"
        REPORT_DISMISSED = "report_dismissed", "Report dismissed"
        CONTENT_HIDDEN = "content_hidden", "Content hidden"
        CONTENT_RESTORED = "content_restored", "Content restored"
        WARNING = "warning", "Warned"
        SUSPENSION = "suspension", "Suspended"
        SUSPENSION_LIFTED = "suspension_lifted", "Suspension lifted"
        MENTOR_APPROVED = "mentor_approved", "Mentor approved"
        MENTOR_REJECTED = "mentor_rejected", "Mentor not approved"
        SETTINGS_CHANGED = "settings_changed", "Matching settings changed"
        RUN_STARTED = "run_started", "Scoring run started"
        COHORT_PREVIEWED = "cohort_previewed", "Cohort previewed"
        COHORT_PUBLISHED = "cohort_published", "Cohort published"
        COHORT_DISCARDED = "cohort_discarded", "Cohort discarded"
        MANUAL_MATCH = "manual_match", "Manual match"
        DO_NOT_MATCH = "do_not_match", "Do not match"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=30, choices=Action, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AuditLogImmutable("Audit log rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("Audit log rows cannot be deleted.")
