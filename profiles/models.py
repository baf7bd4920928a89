"""People: the custom user (email is the login) and, later, their profiles."""

import uuid

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.functions import Lower

from mentorship.fields import bounded_text, length_checks

# Limits of the text people write on their profile and goals (Markdown).
BIO_MAX = 5000
PROFILE_TEXT_MAX = 2000
GOAL_DESCRIPTION_MAX = 2000


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person on the platform. Email is the login; there is no username."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    name = models.CharField("name", max_length=150, blank=True)
    # SCIM provisioning (profiles/scim.py): the identity provider's id for
    # this person, and when the provider removed them (deactivated, kept).
    scim_external_id = models.CharField(
        "SCIM external id", max_length=254, null=True, blank=True, db_index=True
    )
    scim_user_name = models.CharField("SCIM userName", max_length=254, null=True, blank=True)
    scim_removed_at = models.DateTimeField("removed by provisioning", null=True, blank=True)
    # The name parts and email type as the provider sent them, returned as sent.
    scim_attributes = models.JSONField("SCIM attributes", default=dict, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name()

    def _display_name(self) -> str:
        # The name the person chose for others (onboarding asks it) wins over the
        # account name, so greetings, messages and profiles all agree.
        try:
            return self.profile.display_name
        except (AttributeError, ObjectDoesNotExist):
            return ""

    def get_full_name(self) -> str:
        return self._display_name() or self.name or self.email

    def get_short_name(self) -> str:
        name = self._display_name() or self.name
        return (name.split(" ")[0] if name else "") or self.email


# --- Reference data ------------------------------------------------------------


def validate_timezone(value: str) -> None:
    from .timezones import is_valid_timezone

    if not is_valid_timezone(value):
        from django.core.exceptions import ValidationError

        raise ValidationError("“%(value)s” is not an IANA time zone.", params={"value": value})


class Occupation(models.Model):
    """An O*NET occupation (job titles autocomplete from these)."""

    soc_code = models.CharField(max_length=10, unique=True)
    title = models.CharField(max_length=150, db_index=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def major_group(self) -> str:
        """The SOC major group, e.g. "15" (computer and mathematical)."""
        return self.soc_code[:2]


class Language(models.Model):
    code = models.CharField(max_length=8, unique=True, help_text="ISO 639-1 code, e.g. en")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SkillQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Skill.Status.APPROVED)

    def pending(self):
        return self.filter(status=Skill.Status.PENDING)


class Skill(models.Model):
    """A tag in the skill taxonomy.

    Seeded from O*NET technology skills (tools, with the commodity title as
    category) plus curated career skills. People may type unknown tags: they
    are created ``pending`` until an admin approves, renames or merges them.
    ``aliases`` is a ``;``-separated lower-case list (``js;ecmascript``) so a
    search for an alias finds the skill.
    """

    class Status(models.TextChoices):
        APPROVED = "approved", "Approved"
        PENDING = "pending", "Pending review"

    class Source(models.TextChoices):
        ONET = "onet", "O*NET technology"
        CURATED = "curated", "Curated career skill"
        MEMBER = "member", "Added by a member"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    category = models.CharField(max_length=120, blank=True, db_index=True)
    aliases = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.APPROVED, db_index=True)
    source = models.CharField(max_length=10, choices=Source, default=Source.CURATED)
    is_hot = models.BooleanField(default=False, help_text="An O*NET 'hot technology'.")
    created_by = models.ForeignKey(
        "profiles.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="skill_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [alias for alias in self.aliases.split(";") if alias]


# --- Profiles ----------------------------------------------------------------


# Bounds of a profile, enforced by its constraints and checked by the profile
# form and the import before they get that far.
MAX_CAPACITY = 50
MAX_YEARS_EXPERIENCE = 70


class Profile(models.Model):
    """What a person tells the platform about themself.

    One person may be both a mentee and a mentor (``role = both``). Formats
    are what a mentor offers or a mentee wants. Times are stored in UTC and
    shown in the viewer's ``timezone``; availability slots are in the
    owner's own time zone.
    """

    class Role(models.TextChoices):
        MENTEE = "mentee", "Mentee"
        MENTOR = "mentor", "Mentor"
        BOTH = "both", "Mentor and mentee"

    #: The roles that offer mentoring, and those that seek it (one definition).
    MENTOR_ROLES = (Role.MENTOR, Role.BOTH)
    MENTEE_ROLES = (Role.MENTEE, Role.BOTH)

    class Visibility(models.TextChoices):
        MEMBERS = "members", "All members"
        MATCHES = "matches", "Only people I am matched with"

    user = models.OneToOneField("profiles.User", on_delete=models.CASCADE, related_name="profile")
    # The id of a person in URLs: random, so profiles cannot be walked in sequence.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(max_length=6, choices=Role, default=Role.MENTEE, db_index=True)
    display_name = models.CharField(max_length=80, blank=True)
    headline = models.CharField(max_length=160, blank=True)
    bio = bounded_text(BIO_MAX, blank=True, help_text="Markdown. Links and formatting are allowed.")
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    occupation = models.ForeignKey(
        Occupation, null=True, blank=True, on_delete=models.SET_NULL, related_name="profiles"
    )
    industry = models.CharField(max_length=80, blank=True, db_index=True)
    organisation = models.CharField(max_length=120, blank=True)
    # None until the person says: matching must not present a default as their answer.
    years_experience = models.PositiveSmallIntegerField(null=True, blank=True, default=None)
    location = models.CharField(max_length=120, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    languages = models.ManyToManyField(Language, blank=True, related_name="profiles")
    strengths = bounded_text(PROFILE_TEXT_MAX, blank=True)
    growth_areas = bounded_text(PROFILE_TEXT_MAX, blank=True)
    format_flash = models.BooleanField("one-hour flash sessions", default=True)
    format_long_term = models.BooleanField("long-term mentorship", default=True)
    linkedin_url = models.URLField(blank=True)
    website_url = models.URLField(blank=True)
    visibility = models.CharField(max_length=8, choices=Visibility, default=Visibility.MEMBERS)
    # Mentor side.
    capacity = models.PositiveSmallIntegerField(
        default=0, help_text="How many long-term mentees you can take at once."
    )
    accepting = models.BooleanField(default=True, help_text="Open to new requests.")
    away_until = models.DateField(null=True, blank=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(years_experience__lte=MAX_YEARS_EXPERIENCE),
                name="profile_years_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__lte=MAX_CAPACITY), name="profile_capacity_max"
            ),
            *length_checks(bio=BIO_MAX, strengths=PROFILE_TEXT_MAX, growth_areas=PROFILE_TEXT_MAX),
        ]
        indexes = [models.Index(fields=["role", "accepting"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.user.name or self.user.email.split("@")[0]

    @property
    def is_mentor(self) -> bool:
        return self.role in self.MENTOR_ROLES

    @property
    def is_mentee(self) -> bool:
        return self.role in self.MENTEE_ROLES

    @property
    def formats(self) -> list[str]:
        return [
            name
            for name, on in (("flash", self.format_flash), ("long_term", self.format_long_term))
            if on
        ]


class ProfileSkill(models.Model):
    """A skill a person offers (level = proficiency 1–5) or wants (level = priority 1–3)."""

    class Direction(models.TextChoices):
        OFFERS = "offers", "Offers"
        WANTS = "wants", "Wants to learn"

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="profile_skills")
    direction = models.CharField(max_length=6, choices=Direction)
    level = models.PositiveSmallIntegerField(default=3)

    class Meta:
        ordering = ["-level", "skill__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "skill", "direction"], name="profileskill_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="profileskill_level_range"
            ),
        ]
        indexes = [models.Index(fields=["skill", "direction"])]

    def __str__(self) -> str:
        return f"{self.profile} {self.direction} {self.skill} ({self.level})"


class AvailabilitySlot(models.Model):
    """A weekly window in the owner's own time zone (weekday 0 = Monday)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(
        choices=[
            (0, "Monday"),
            (1, "Tuesday"),
            (2, "Wednesday"),
            (3, "Thursday"),
            (4, "Friday"),
            (5, "Saturday"),
            (6, "Sunday"),
        ]
    )
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="slot_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="slot_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


# --- Goals -------------------------------------------------------------------


class Goal(models.Model):
    """Something a mentee wants to achieve; feeds matching and mentorships."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    owner = models.ForeignKey("profiles.User", on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=160)
    description = bounded_text(GOAL_DESCRIPTION_MAX, blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [*length_checks(description=GOAL_DESCRIPTION_MAX)]
        ordering = ["status", "target_date", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.OPEN, self.Status.IN_PROGRESS}


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=160)
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title
