"""Site-wide models: in-app notifications shown on the dashboard."""

from django.conf import settings
from django.db import models

from .fields import bounded_text, length_checks

# A notification quotes people's text (a message, a reason); notify() cuts it here.
NOTIFICATION_BODY_MAX = 2000


class Notification(models.Model):
    """Something a person should know about (also sent by email when it matters)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, db_index=True)
    title = models.CharField(max_length=200)
    body = bounded_text(NOTIFICATION_BODY_MAX, blank=True)
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
        constraints = [*length_checks(body=NOTIFICATION_BODY_MAX)]
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


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal access token for scripts and SCIM clients.

    Only ``prefix`` (for lookup, shown in lists) and the SHA-256 of the whole
    token are stored; the secret itself is shown once when created. The
    token acts as its owner: it never sees more than the owner would on the
    web, and stops the moment the owner is deactivated.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"
        SCIM = "scim", "SCIM provisioning (staff)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    scope = models.CharField(max_length=5, choices=Scope, default=Scope.READ)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=["read", "write", "scim"]), name="apitoken_scope_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class WebhookEndpoint(models.Model):
    """A URL a programme manager registered to receive events."""

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="Event kinds this endpoint receives.")
    secret = models.CharField(max_length=80, help_text="whsec_… signing secret.")
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """Something that happened, once, whatever the number of endpoints (the outbox)."""

    uid = models.UUIDField(unique=True)
    kind = models.CharField(max_length=60, db_index=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.uid}"


class WebhookDelivery(models.Model):
    """One event to one endpoint, with its attempts."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set while an attempt is in flight: the claim is a lease (services.webhooks.
    # webhook_claim_lease); a worker killed mid-attempt leaves it to expire.
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"], name="webhookdelivery_once_per_endpoint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
