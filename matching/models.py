"""Matching: configuration, runs, suggestions, requests, mentorships, exclusions.

The lifecycle (DESIGN.md):

    Suggestion --request--> MatchRequest(pending) --accept--> Mentorship(active)
        '--decline: never again   |--decline / withdraw / expire   |--complete / end / renew

Invariants live in the database: one pending request and one active
mentorship per (mentee, mentor); one suggestion row per (run, mentee,
mentor); one current suggestion per pair; one full run active at a time;
long-term mentorships of a mentor occupy distinct capacity slots.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from mentorship.fields import bounded_text, length_checks

# A request's message, a decline or end reason, a question before deciding.
REQUEST_TEXT_MAX = 2000


class MatchingConfig(models.Model):
    """The single admin-editable matching configuration (row pk=1).

    The main weights and options are columns so the admin form validates
    them; ``engine_options`` carries any further ``EngineConfig`` keys.
    ``engine_config()`` builds the engine's configuration from both.
    """

    weight_skills = models.FloatField(default=0.20)
    weight_goals = models.FloatField(default=0.20)
    weight_seniority = models.FloatField(default=0.12)
    weight_context = models.FloatField(default=0.08)
    weight_availability = models.FloatField(default=0.12)
    weight_responsiveness = models.FloatField(default=0.08)
    weight_related_skills = models.FloatField(
        default=0.20,
        help_text="Skills that relate (learned from which skills occur together), "
        "for people who share no tag. Without a fitted skill model it adds to Skills.",
    )
    suggestions_per_mentee = models.PositiveSmallIntegerField(default=10)
    exposure_strength = models.FloatField(
        default=0.5,
        help_text="0 = no balancing; 1 = each mentor's appearances capped at their share of free places.",
    )
    context_preference = models.CharField(
        max_length=10,
        choices=[
            ("same", "Same field"),
            ("different", "Different field"),
            ("any", "No preference"),
        ],
        default="same",
    )
    min_years_ahead = models.FloatField(default=1.0)
    ideal_years_ahead = models.FloatField(default=6.0)
    max_years_ahead = models.FloatField(default=25.0)
    require_common_format = models.BooleanField(default=True)
    engine_options = models.JSONField(default=dict, blank=True)
    max_pending_requests = models.PositiveSmallIntegerField(
        default=3, help_text="Pending requests a mentee may have at once."
    )
    review_new_mentors = models.BooleanField(
        default=False,
        help_text="Moderators approve each new mentor before they can be suggested or requested.",
    )
    request_expiry_days = models.PositiveSmallIntegerField(default=14)
    request_nudge_days = models.PositiveSmallIntegerField(
        default=7, help_text="Remind the mentor this many days after a request arrives."
    )
    min_outcomes_to_learn = models.PositiveIntegerField(default=200)
    use_learned_weights = models.BooleanField(default=False)
    learned_weights = models.JSONField(default=dict, blank=True)
    learned_auc = models.FloatField(null=True, blank=True)
    configured_auc = models.FloatField(null=True, blank=True)
    learned_outcomes = models.PositiveIntegerField(default=0)
    learned_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "matching configuration"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="matchingconfig_singleton"),
            models.CheckConstraint(
                condition=Q(
                    weight_skills__gte=0,
                    weight_goals__gte=0,
                    weight_seniority__gte=0,
                    weight_context__gte=0,
                    weight_availability__gte=0,
                    weight_responsiveness__gte=0,
                    weight_related_skills__gte=0,
                ),
                name="matchingconfig_weights_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(suggestions_per_mentee__gte=1), name="matchingconfig_k_positive"
            ),
        ]

    def __str__(self) -> str:
        return "Matching configuration"

    @classmethod
    def load(cls) -> "MatchingConfig":
        config, _ = cls.objects.get_or_create(pk=1)
        return config

    @property
    def configured_weights(self) -> dict[str, float]:
        return {
            "skills": self.weight_skills,
            "goals": self.weight_goals,
            "seniority": self.weight_seniority,
            "context": self.weight_context,
            "availability": self.weight_availability,
            "responsiveness": self.weight_responsiveness,
            "related_skills": self.weight_related_skills,
        }

    def engine_config(self):
        """The engine's configuration (learned weights when the admin chose them)."""
        from matching.engine.config import EngineConfig

        weights = (
            self.learned_weights
            if self.use_learned_weights and self.learned_weights
            else self.configured_weights
        )
        return EngineConfig.from_dict(
            {
                **self.engine_options,
                "weights": weights,
                "k": self.suggestions_per_mentee,
                "exposure_strength": self.exposure_strength,
                "context_preference": self.context_preference,
                "min_years_ahead": self.min_years_ahead,
                "ideal_years_ahead": self.ideal_years_ahead,
                "max_years_ahead": self.max_years_ahead,
                "format_hard_filter": self.require_common_format,
            }
        )


class MatchRunQuerySet(models.QuerySet):
    def unfinished(self):
        """Queued or running."""
        return self.filter(status__in=MatchRun.UNFINISHED)

    def active_full(self):
        """The full run that is queued or running (at most one: ``one_active_full_run``)."""
        return self.unfinished().filter(kind=MatchRun.Kind.FULL).order_by("created_at")


class MatchRun(models.Model):
    """One scoring run: full (everyone), incremental (one person) or cohort."""

    class Kind(models.TextChoices):
        FULL = "full", "Full scoring run"
        INCREMENTAL = "incremental", "Re-score of one person"
        COHORT = "cohort", "Whole-cohort assignment"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        DISCARDED = "discarded", "Discarded"
        PUBLISHED = "published", "Published"

    kind = models.CharField(max_length=12, choices=Kind, default=Kind.FULL)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED, db_index=True)
    mode = models.CharField(max_length=10, blank=True, help_text="Cohort mode: stable or optimal.")
    parameters = models.JSONField(default=dict, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The person an incremental run re-scored.",
    )
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    mentees_count = models.PositiveIntegerField(default=0)
    mentors_count = models.PositiveIntegerField(default=0)
    suggestions_count = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    #: Statuses of a run that has not ended.
    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    objects = MatchRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="full", status__in=["queued", "running"]),
                name="one_active_full_run",
            ),
            models.CheckConstraint(
                condition=Q(chunks_done__lte=F("chunks_total")), name="matchrun_progress_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def progress_percent(self) -> int:
        if not self.chunks_total:
            return 100 if self.status == self.Status.SUCCEEDED else 0
        return round(100 * self.chunks_done / self.chunks_total)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class Suggestion(models.Model):
    """A proposed mentor for a mentee, from a run, with its explanation."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        REQUESTED = "requested", "Requested"
        DECLINED = "declined", "Declined"

    # No single-column indexes on run and mentee: ``suggestion_unique_per_run``
    # starts with run, the (mentee, is_current, rank) index with mentee.
    run = models.ForeignKey(
        MatchRun, on_delete=models.CASCADE, related_name="suggestions", db_index=False
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="suggestions_received",
        db_index=False,
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestions_as_mentor"
    )
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    components = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    # The same facts worded for the mentor (shown on a request), and the
    # components that rest on a default the people never gave.
    reasons_for_mentor = models.JSONField(default=list, blank=True)
    assumed = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mentee_id", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "mentee", "mentor"], name="suggestion_unique_per_run"
            ),
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(is_current=True),
                name="suggestion_one_current_per_pair",
            ),
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="suggestion_not_self"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="suggestion_score_range"
            ),
        ]
        indexes = [
            models.Index(fields=["mentee", "is_current", "rank"]),
            # The declined pairs every full run excludes and learning reads: a few rows
            # among millions (a scan of the table took 5.7 s at 100,000 mentees).
            models.Index(
                fields=["mentee", "mentor"],
                condition=Q(status="declined"),
                name="suggestion_declined_pairs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} for {self.mentee} (#{self.rank}, {self.score:.2f})"


class PairExclusion(models.Model):
    """A (mentee, mentor) pair never to be suggested again, and why."""

    class Reason(models.TextChoices):
        DECLINED_BY_MENTEE = "declined_by_mentee", "Declined by the mentee"
        DECLINED_BY_MENTOR = "declined_by_mentor", "Declined by the mentor"
        ADMIN = "admin", "Do not match (admin)"
        BLOCKED = "blocked", "Blocked"

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exclusions_as_mentee"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exclusions_as_mentor"
    )
    reason = models.CharField(max_length=20, choices=Reason)
    note = bounded_text(REQUEST_TEXT_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor", "reason"], name="pairexclusion_unique"
            ),
            *length_checks(note=REQUEST_TEXT_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} × {self.mentor}: {self.get_reason_display()}"


class Format(models.TextChoices):
    FLASH = "flash", "One-hour flash session"
    LONG_TERM = "long_term", "Long-term mentorship"


class MatchRequest(models.Model):
    """A mentee's request to a mentor."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requests_sent"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requests_received"
    )
    suggestion = models.ForeignKey(
        Suggestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    goal = models.ForeignKey(
        "profiles.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    format = models.CharField(max_length=10, choices=Format, default=Format.LONG_TERM)
    message = bounded_text(REQUEST_TEXT_MAX, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    decline_reason = bounded_text(REQUEST_TEXT_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    nudged_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status="pending"),
                name="matchrequest_one_pending_per_pair",
            ),
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="matchrequest_not_self"),
            *length_checks(message=REQUEST_TEXT_MAX, decline_reason=REQUEST_TEXT_MAX),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} → {self.mentor} ({self.status})"


class MentorshipQuerySet(models.QuerySet):
    def holding_places(self):
        """Active long-term mentorships: the ones that use up a mentor's capacity."""
        return self.filter(status=Mentorship.Status.ACTIVE, format=Format.LONG_TERM)


class Mentorship(models.Model):
    """An accepted request: a relationship between a mentee and a mentor.

    A long-term mentorship occupies one of the mentor's capacity slots
    (1..capacity): the unique (mentor, slot) constraint among active ones is
    the database's backstop against over-filling a mentor when many accepts
    arrive at once; the accept service also locks the mentor's profile row.
    Flash mentorships take no slot.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ENDED = "ended", "Ended early"

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    request = models.OneToOneField(
        MatchRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorship"
    )
    format = models.CharField(max_length=10, choices=Format, default=Format.LONG_TERM)
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE, db_index=True)
    started_at = models.DateTimeField(auto_now_add=True)
    ends_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = bounded_text(REQUEST_TEXT_MAX, blank=True)
    renewed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewals"
    )

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status="active"),
                name="mentorship_one_active_per_pair",
            ),
            models.UniqueConstraint(
                fields=["mentor", "slot"],
                condition=Q(status="active", slot__isnull=False),
                name="mentorship_capacity_slot_unique",
            ),
            models.CheckConstraint(
                condition=Q(format="flash", slot__isnull=True)
                | Q(format="long_term", slot__gte=1, slot__lte=50)
                | ~Q(status="active"),
                name="mentorship_slot_matches_format",
            ),
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="mentorship_not_self"),
            *length_checks(end_reason=REQUEST_TEXT_MAX),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.mentee} ({self.status})"


class RequestMessage(models.Model):
    """A message on a pending request: the mentor asks a question first, the mentee answers.

    A small thread rather than a JSON list on the request so each message
    keeps its author and time and can be shown and notified on its own.
    """

    request = models.ForeignKey(MatchRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_messages"
    )
    body = bounded_text(REQUEST_TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by a moderator (through safety's content registry, matching/safety_hooks.py).
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=1000, blank=True)

    class Meta:
        constraints = [*length_checks(body=REQUEST_TEXT_MAX)]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} on request #{self.request_id}"


class MatchRunChunk(models.Model):
    """One chunk task of a full run: its mentees, and whether it has written them.

    The chunk plan is stored when the run is prepared, so a resumed run (after
    a worker died) scores exactly the same chunks. A chunk marks itself done in
    the same transaction that writes its suggestions (a conditional update on
    ``done_at``), so a chunk task delivered twice writes nothing twice and
    counts once.
    """

    run = models.ForeignKey(
        MatchRun, on_delete=models.CASCADE, related_name="chunks", db_index=False
    )  # ``matchrunchunk_unique_index`` starts with run
    index = models.PositiveIntegerField()
    mentee_ids = models.JSONField(default=list)
    suggestions_count = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="matchrunchunk_unique_index"),
        ]

    def __str__(self) -> str:
        return f"chunk {self.index} of run #{self.run_id}"


class SkillVectorSet(models.Model):
    """One fitted version of the skill-relatedness model (learned skill vectors).

    ``data`` is an ``.npz`` archive written with ``np.savez`` from
    ``SkillRelatedness.to_arrays()``: plain arrays only (names as unicode,
    vectors float32), read back with ``allow_pickle=False``, so loading a
    row never runs code. Every worker loads the newest version; a run
    records the version it used (``MatchRun.parameters["skill_model_version"]``),
    so a refit changes suggestions only from the next run on.
    """

    version = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dims = models.PositiveSmallIntegerField()
    skills_count = models.PositiveIntegerField()
    documents_count = models.PositiveIntegerField()
    data = models.BinaryField()
    figures = models.JSONField(
        default=dict, blank=True, help_text="Where the data came from and how the fit went."
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = "skill model version"
        constraints = [
            models.CheckConstraint(condition=Q(dims__gte=1), name="skillvectorset_dims_positive"),
        ]

    def __str__(self) -> str:
        return f"Skill model v{self.version} ({self.skills_count} skills, {self.dims} dims)"


class MatchRunModel(models.Model):
    """A run's fitted engine model, stored where every worker reads the same bytes.

    Written once by the task that fits the run's model; read by every chunk
    task of that run, whatever machine it runs on, and by incremental
    re-scores (the latest one is their warm base). The bytes are
    ``matching.engine.persist`` (numpy arrays + JSON, never pickle);
    ``fingerprint`` is their SHA-256 and is recorded on every chunk scored
    with it. The skill-relatedness model is stored by version only
    (``skill_model_version``, also inside the bytes): every reader attaches
    that same ``SkillVectorSet`` row.
    """

    run = models.OneToOneField(MatchRun, on_delete=models.CASCADE, related_name="model_state")
    fingerprint = models.CharField(max_length=64)
    engine = models.JSONField(
        default=dict, help_text="The engine configuration it was fitted with."
    )
    skill_model_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The skill-relatedness version (SkillVectorSet) it scores with; none: without.",
    )
    #: empty: a run with nobody to match; stored uncompressed on PostgreSQL (migration 0011)
    data = models.BinaryField(blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"model of run #{self.run_id} ({self.fingerprint[:12]})"
