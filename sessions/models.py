"""The mentorship workspace: sessions, the time they block, notes, feedback, messages.

Invariants the database holds (docs/sessions.md):

* a session ends after it starts, lasts 15 minutes to 4 hours, and has two
  different people;
* nobody has two overlapping confirmed sessions, whether they attend as
  mentor or as mentee: a confirmed session writes one :class:`SessionAttendee`
  row per person carrying its time range, and on PostgreSQL an exclusion
  constraint (``btree_gist``) refuses two rows of one person whose ranges
  overlap. On SQLite the booking service serialises confirmations instead
  (``BEGIN IMMEDIATE``: one writer at a time);
* one private note per author and session, one rating per person and session,
  one reminder of each kind per person and session, one nudge per mentorship
  and period.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import connections, models
from django.db.models import F, Func, Q

from mentorship.fields import bounded_text, length_checks

MIN_SESSION_MINUTES = 15
MAX_SESSION_MINUTES = 240
AGENDA_MAX = 2000
NOTE_MAX = 10_000
MESSAGE_MAX = 5000
COMMENT_MAX = 2000
REASON_MAX = 500


class TsTzRange(Func):
    """``tstzrange(start, end, '[)')``: a half-open range, so back-to-back sessions do not overlap."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()

    def __init__(self, start, end):
        super().__init__(start, end, RangeBoundary(inclusive_lower=True, inclusive_upper=False))


class PostgresOnlyExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that exists on PostgreSQL and is skipped elsewhere.

    SQLite has no exclusion constraints; there the booking service's
    serialised transaction keeps the invariant. Django validates constraints
    in ``full_clean()``; the service checks overlaps itself with a sentence a
    person can act on, so validation here is left to the database.
    """

    def _is_postgres(self, schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return (
            super().constraint_sql(model, schema_editor)
            if self._is_postgres(schema_editor)
            else None
        )

    def create_sql(self, model, schema_editor):
        return (
            super().create_sql(model, schema_editor) if self._is_postgres(schema_editor) else None
        )

    def remove_sql(self, model, schema_editor):
        return (
            super().remove_sql(model, schema_editor) if self._is_postgres(schema_editor) else None
        )

    def validate(self, model, instance, exclude=None, using="default"):
        if connections[using].vendor != "postgresql":
            return
        return super().validate(model, instance, exclude=exclude, using=using)


class MentorSessionSettings(models.Model):
    """What a mentor sets once for their sessions."""

    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_settings"
    )
    meeting_link = models.URLField(
        "default meeting link",
        max_length=300,
        blank=True,
        help_text="Your video-call room (Zoom, Meet, Jitsi…), used for new sessions.",
    )
    flash_monthly_limit = models.PositiveSmallIntegerField(
        "flash sessions a month",
        default=4,
        help_text="How many one-hour flash sessions people may book with you each month (0 = none).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "mentor session settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(flash_monthly_limit__lte=60), name="sessionsettings_flash_limit_max"
            ),
        ]

    def __str__(self) -> str:
        return f"Session settings of {self.mentor}"


class MentoringSessionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(Q(mentor=user) | Q(mentee=user))

    def blocking(self):
        """Sessions that hold their time: confirmed, or already past as held / no-show."""
        return self.filter(status__in=MentoringSession.BLOCKING_STATUSES)

    def upcoming(self, now):
        return self.filter(
            status__in=[MentoringSession.Status.PROPOSED, MentoringSession.Status.CONFIRMED],
            ends_at__gt=now,
        )


class MentoringSession(models.Model):
    """One meeting of a mentor and a mentee.

    Long-term sessions belong to a mentorship; a flash session is booked
    straight from a mentor's profile and has none (``mentorship`` is null,
    ``kind`` is flash, ``topic`` says what the mentee wants to talk about).
    A session is proposed by one side and confirmed or declined by the other;
    either side may cancel (late when inside the configured window); after
    its end it is held or a no-show.
    """

    class Kind(models.TextChoices):
        LONG_TERM = "long_term", "Mentorship session"
        FLASH = "flash", "Flash session"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"
        HELD = "held", "Held"
        NO_SHOW = "no_show", "No-show"

    BLOCKING_STATUSES = ("confirmed", "held", "no_show")

    mentorship = models.ForeignKey(
        "matching.Mentorship",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.LONG_TERM)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions_as_mentee"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED, db_index=True)
    topic = models.CharField(
        max_length=200, blank=True, help_text="Flash sessions: what the mentee wants to talk about."
    )
    agenda = bounded_text(AGENDA_MAX, blank=True)
    meeting_link = models.URLField(max_length=300, blank=True)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counter_proposals",
        help_text="The proposal this one answered with another time.",
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=REASON_MAX, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=REASON_MAX, blank=True)
    cancelled_late = models.BooleanField(default=False)
    no_show_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who did not come, as reported by the other side.",
    )
    sequence = models.PositiveIntegerField(
        default=0, help_text="iCalendar SEQUENCE: bumped on every change calendars must pick up."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentoringSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    ends_at__gte=F("starts_at") + datetime.timedelta(minutes=MIN_SESSION_MINUTES)
                )
                & Q(ends_at__lte=F("starts_at") + datetime.timedelta(minutes=MAX_SESSION_MINUTES)),
                name="session_length_bounded",
            ),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="session_not_self"),
            models.CheckConstraint(
                condition=Q(kind="flash", mentorship__isnull=True)
                | Q(kind="long_term", mentorship__isnull=False),
                name="session_kind_matches_mentorship",
            ),
            *length_checks(agenda=AGENDA_MAX),
        ]
        indexes = [
            models.Index(fields=["mentor", "status", "starts_at"]),
            models.Index(fields=["mentee", "status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.mentor} × {self.mentee} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def other(self, user):
        return self.mentee if user.pk == self.mentor_id else self.mentor

    def is_party(self, user) -> bool:
        return user.pk in (self.mentor_id, self.mentee_id)


class SessionAttendee(models.Model):
    """The time a confirmed session blocks for one of its two people.

    Written when a session is confirmed and deleted when it is cancelled, so
    the exclusion constraint over (person, time range) holds for everyone at
    once, whichever side of the session they sit on.
    """

    session = models.ForeignKey(
        MentoringSession, on_delete=models.CASCADE, related_name="attendees"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_attendance"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendee_once_per_session"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="attendee_range_valid"
            ),
            PostgresOnlyExclusionConstraint(
                name="attendee_no_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                    ("user", RangeOperators.EQUAL),
                ],
                index_type="gist",
            ),
        ]
        indexes = [models.Index(fields=["user", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.user} in session #{self.session_id}"


class SessionNote(models.Model):
    """A note on a session: shared (both read it) or private (only its author ever does)."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_notes"
    )
    is_private = models.BooleanField(default=False)
    body = bounded_text(NOTE_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "author"],
                condition=Q(is_private=True),
                name="note_one_private_per_author",
            ),
            *length_checks(body=NOTE_MAX),
        ]

    def __str__(self) -> str:
        return f"{'Private' if self.is_private else 'Shared'} note by {self.author} on #{self.session_id}"


class SessionFeedback(models.Model):
    """How one side rated a session after its end (1–5, optional comment)."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_feedback_given"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="session_feedback_received",
        help_text="The person rated: the other side of the session.",
    )
    rating = models.PositiveSmallIntegerField()
    comment = bounded_text(COMMENT_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="feedback_once_per_author"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_range"
            ),
            models.CheckConstraint(condition=~Q(author=F("subject")), name="feedback_not_self"),
            *length_checks(comment=COMMENT_MAX),
        ]
        indexes = [models.Index(fields=["subject", "created_at"])]

    def __str__(self) -> str:
        return f"{self.author} rated #{self.session_id}: {self.rating}"


class StaffFlag(models.Model):
    """Something staff should look at: a low rating or a no-show."""

    class Kind(models.TextChoices):
        LOW_RATING = "low_rating", "Low rating"
        NO_SHOW = "no_show", "No-show"

    kind = models.CharField(max_length=12, choices=Kind)
    session = models.ForeignKey(
        MentoringSession, on_delete=models.CASCADE, related_name="staff_flags"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    about = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    detail = models.CharField(max_length=300, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resolved_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "reported_by"], name="staffflag_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: session #{self.session_id}"


class SessionReminder(models.Model):
    """A reminder sent: the unique row is the claim that makes each one go out once."""

    class Kind(models.TextChoices):
        DAY = "day", "A day before"
        HOUR = "hour", "An hour before"

    session = models.ForeignKey(
        MentoringSession, on_delete=models.CASCADE, related_name="reminders"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user", "kind"], name="reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder of #{self.session_id} to {self.user}"


class MentorshipNudge(models.Model):
    """A 'you have not met for a while' nudge; one per mentorship and quiet period."""

    mentorship = models.ForeignKey(
        "matching.Mentorship", on_delete=models.CASCADE, related_name="session_nudges"
    )
    period = models.DateField(help_text="Start of the quiet period this nudge is about.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "period"], name="nudge_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"nudge for mentorship #{self.mentorship_id} ({self.period})"


class Message(models.Model):
    """A message in a workspace thread: a mentorship's, or a flash session's.

    ``notified_at`` is the claim of the batched email: the digest task marks
    the messages it mails with a conditional update, so a burst goes out in
    one mail and never twice. ``read_at``: the recipient opened the thread,
    so no mail is needed.
    """

    mentorship = models.ForeignKey(
        "matching.Mentorship",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    session = models.ForeignKey(
        MentoringSession, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspace_messages"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    body = bounded_text(MESSAGE_MAX)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mentorship__isnull=False, session__isnull=True)
                | Q(mentorship__isnull=True, session__isnull=False),
                name="message_in_one_thread",
            ),
            models.CheckConstraint(condition=~Q(author=F("recipient")), name="message_not_to_self"),
            *length_checks(body=MESSAGE_MAX),
        ]
        indexes = [models.Index(fields=["recipient", "notified_at", "read_at"])]

    def __str__(self) -> str:
        return f"{self.author} → {self.recipient} ({self.created_at:%Y-%m-%d %H:%M})"


class MessageMailState(models.Model):
    """When a person was last mailed about messages (the rate limit's memory)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_mail_state"
    )
    last_sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"message mail to {self.user} at {self.last_sent_at}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar subscription URL (the token is the only key)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"
