"""Site-wide models: in-app notifications shown on the dashboard."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """Something a person should know about (also sent by email when it matters)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, db_index=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: Waiting for the person's daily digest (their preference for this kind).
    awaiting_digest = models.BooleanField(default=False)
    digest = models.ForeignKey(
        "EmailDigest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    #: Its email is owed and not yet sent (the outbox): set with the row, cleared in the
    #: transaction that sends it, so a sender killed before sending leaves it owed.
    email_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"]),
            models.Index(
                fields=["user"],
                condition=models.Q(awaiting_digest=True),
                name="mentorship_awaiting_digest",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(email_pending=True),
                name="mentorship_email_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Email at once"
    DIGEST = "digest", "In a daily digest"
    OFF = "off", "No email"


class EmailPreference(models.Model):
    """How a person wants one kind of notification emailed (no row: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(max_length=40)
    delivery = models.CharField(max_length=10, choices=Delivery, default=Delivery.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="mentorship_email_pref_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class EmailDigest(models.Model):
    """One person's daily digest: the unique (user, day) row is claimed before sending,
    so a digest task that runs twice, or twice at once, sends it once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_digests"
    )
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="mentorship_digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Digest {self.day} for {self.user_id}"
