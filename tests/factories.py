"""Factories for tests (factory_boy): one for every model of every app, in one place.

Add a factory here for every model you add (named ``<Model>Factory``): the
account-data walk (``tests/profiles/test_account_data.py``) builds a row of
every model that points at a person with it, passing the person as that
column, and fails for a model that has none. Other columns default to rows
of their own, so ``SuggestionFactory(mentee=user)`` is enough.

``UserFactory`` makes a user with the password ``PASSWORD``; use
``verified_user()`` (or ``UserFactory(verified=True)``) when the user must be
able to log in through allauth, which requires a verified primary
``EmailAddress`` because email verification is mandatory.

Below the factories, thin helpers build whole people for matching tests
(``make_mentor``, ``make_mentee``: a profile with skills, languages, goals
and availability) and a reproducible ``community`` of them.
"""

from __future__ import annotations

import datetime
import hashlib
import random

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.text import slugify

from community.models import (
    Answer,
    HelpfulMark,
    Question,
    QuestionPreference,
    QuestionRoute,
    RoutingWeek,
)
from matching.engine import EngineConfig
from matching.models import (
    Format,
    MatchingConfig,
    MatchRequest,
    MatchRun,
    MatchRunChunk,
    MatchRunModel,
    Mentorship,
    PairExclusion,
    RequestMessage,
    SkillVectorSet,
    Suggestion,
)
from mentorship.models import (
    ApiToken,
    EmailDigest,
    EmailPreference,
    Notification,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from profiles.models import (
    AvailabilitySlot,
    Goal,
    Language,
    Milestone,
    Occupation,
    Profile,
    ProfileSkill,
    Skill,
    User,
)
from safety.models import AuditLog, Block, MentorReview, Report, ReportReason, Suspension, Warning
from sessions.models import (
    CalendarFeed,
    MentoringSession,
    MentorSessionSettings,
    MentorshipNudge,
    Message,
    MessageMailState,
    SessionAttendee,
    SessionFeedback,
    SessionNote,
    SessionReminder,
    StaffFlag,
)

PASSWORD = "correct-horse-battery-staple-42"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted:
            verify_email(obj)
        if create:
            obj.save()


def verify_email(user: User) -> EmailAddress:
    """Give ``user`` a verified primary allauth EmailAddress (so they can log in)."""
    address, _ = EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return address


def verified_user(**kwargs) -> User:
    return UserFactory(verified=True, **kwargs)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    role = Profile.Role.MENTEE
    headline = factory.Faker("sentence", nb_words=6)
    timezone = "Europe/Berlin"
    years_experience = 3


class MentorProfileFactory(ProfileFactory):
    role = Profile.Role.MENTOR
    capacity = 2
    years_experience = 12


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Test skill {n}")
    slug = factory.Sequence(lambda n: f"test-skill-{n}")
    category = "Test category"
    status = Skill.Status.APPROVED
    source = Skill.Source.CURATED


class ProfileSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileSkill

    profile = factory.SubFactory(ProfileFactory)
    skill = factory.SubFactory(SkillFactory)
    direction = ProfileSkill.Direction.WANTS
    level = 2


class AvailabilitySlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilitySlot

    profile = factory.SubFactory(MentorProfileFactory)
    weekday = 1
    start_time = datetime.time(9, 0)
    end_time = datetime.time(11, 0)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Goal {n}: become a better engineer")
    description = "Learn to lead a small team."
    target_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    position = factory.Sequence(lambda n: n)


class LanguageFactory(factory.django.DjangoModelFactory):
    """Most tests want a seeded language: ``language("en")``."""

    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"x{n}")
    name = factory.Sequence(lambda n: f"Test language {n}")


class OccupationFactory(factory.django.DjangoModelFactory):
    """Most tests want a seeded occupation: ``occupation("Software Developers")``."""

    class Meta:
        model = Occupation
        django_get_or_create = ("soc_code",)

    soc_code = factory.Sequence(lambda n: f"99-{n:04d}")
    title = factory.Sequence(lambda n: f"Test occupation {n}")


def language(code: str = "en") -> Language:
    """A language from the seeded reference data (the data migration loads them)."""
    return Language.objects.get(code=code)


def occupation(title_contains: str = "Software Developers") -> Occupation:
    return Occupation.objects.filter(title__icontains=title_contains).order_by("soc_code").first()


# --- Accounts (allauth, admin) ---------------------------------------------------


class EmailAddressFactory(factory.django.DjangoModelFactory):
    """A second, unverified address (``verify_email(user)`` gives the primary one)."""

    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory)
    email = factory.Sequence(lambda n: f"other-address{n}@example.org")
    verified = False
    primary = False


class AuthenticatorFactory(factory.django.DjangoModelFactory):
    """A TOTP authenticator (``data`` holds its secret, never exported)."""

    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory)
    type = Authenticator.Type.TOTP
    data = factory.LazyFunction(lambda: {"secret": TOTP_SECRET})


class SocialAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialAccount

    user = factory.SubFactory(UserFactory)
    provider = "openid_connect"
    uid = factory.Sequence(lambda n: f"subject-{n}")


class UserSessionFactory(factory.django.DjangoModelFactory):
    """allauth.usersessions' row for one signed-in session (the key need not exist)."""

    class Meta:
        model = "usersessions.UserSession"

    user = factory.SubFactory(UserFactory)
    session_key = factory.Sequence(lambda n: f"session{n:025d}")  # 32 characters
    ip = "127.0.0.1"
    user_agent = "pytest"


class LogEntryFactory(factory.django.DjangoModelFactory):
    """An admin log entry by ``user`` (a staff member) about a skill."""

    class Meta:
        model = LogEntry

    user = factory.SubFactory(UserFactory, is_staff=True)
    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Skill))
    object_id = factory.LazyFunction(lambda: str(SkillFactory().pk))
    object_repr = "A skill"
    action_flag = CHANGE
    change_message = "edited"


# --- Site-wide (mentorship) --------------------------------------------------------


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "test"
    title = factory.Sequence(lambda n: f"Something happened ({n})")
    body = "Details of what happened."
    url = "/dashboard/"


class EmailPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailPreference

    user = factory.SubFactory(UserFactory)
    kind = factory.Sequence(lambda n: f"kind_{n}")
    delivery = "digest"


class EmailDigestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailDigest

    user = factory.SubFactory(UserFactory)
    day = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    items = 1


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token row (its raw secret is unknown: use ``api_token(user)`` to call the API)."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"script {n}")
    scope = ApiToken.Scope.READ
    prefix = factory.Sequence(lambda n: f"{n:012x}")
    digest = factory.Sequence(lambda n: f"{n:064x}")


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    url = factory.Sequence(lambda n: f"https://hooks.example.org/receiver/{n}")
    events = factory.LazyFunction(lambda: ["match.accepted"])
    secret = factory.Sequence(lambda n: f"whsec_{n:032x}")
    created_by = factory.SubFactory(UserFactory, is_staff=True)


class WebhookEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEvent

    uid = factory.Faker("uuid4", cast_to=None)
    kind = "match.accepted"
    payload = factory.LazyFunction(lambda: {"mentorship": {"id": 1}})


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    event = factory.SubFactory(WebhookEventFactory)
    endpoint = factory.SubFactory(WebhookEndpointFactory)


# --- Matching ------------------------------------------------------------------


def _mentee_user() -> User:
    return ProfileFactory().user


def _mentor_user() -> User:
    return MentorProfileFactory().user


class MatchingConfigFactory(factory.django.DjangoModelFactory):
    """The singleton configuration (pk 1); an existing row is returned unchanged."""

    class Meta:
        model = MatchingConfig
        django_get_or_create = ("id",)

    id = 1


class MatchRunFactory(factory.django.DjangoModelFactory):
    """A finished re-score run, the run a suggestion most often comes from."""

    class Meta:
        model = MatchRun

    kind = MatchRun.Kind.INCREMENTAL
    status = MatchRun.Status.SUCCEEDED


class MatchRunChunkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRunChunk

    run = factory.SubFactory(
        MatchRunFactory, kind=MatchRun.Kind.FULL, chunks_total=1, chunks_done=1
    )
    index = factory.Sequence(lambda n: n)
    mentee_ids = factory.LazyFunction(lambda: [_mentee_user().pk])
    done_at = factory.LazyFunction(timezone.now)


class MatchRunModelFactory(factory.django.DjangoModelFactory):
    """The stored model of a full run that had nobody to match (empty bytes)."""

    class Meta:
        model = MatchRunModel

    run = factory.SubFactory(MatchRunFactory, kind=MatchRun.Kind.FULL)
    fingerprint = hashlib.sha256(b"").hexdigest()
    engine = factory.LazyFunction(lambda: EngineConfig().to_dict())
    data = b""
    size = 0


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    run = factory.SubFactory(MatchRunFactory)
    mentee = factory.LazyFunction(_mentee_user)
    mentor = factory.LazyFunction(_mentor_user)
    rank = 1
    score = 0.82
    components = factory.LazyFunction(
        lambda: {"skills": 0.9, "goals": 0.6, "seniority": 0.8, "availability": 0.5}
    )
    reasons = factory.LazyFunction(lambda: ["Knows Python and SQL, which you want to learn"])
    reasons_for_mentor = factory.LazyFunction(
        lambda: ["Wants to learn what you offer: Python and SQL"]
    )


class PairExclusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairExclusion

    mentee = factory.LazyFunction(_mentee_user)
    mentor = factory.LazyFunction(_mentor_user)
    reason = PairExclusion.Reason.ADMIN
    note = "Asked not to be matched."


class MatchRequestFactory(factory.django.DjangoModelFactory):
    """A pending request, expiring in 14 days."""

    class Meta:
        model = MatchRequest

    mentee = factory.LazyFunction(_mentee_user)
    mentor = factory.LazyFunction(_mentor_user)
    format = Format.LONG_TERM
    message = "I would love your help with my first team lead role."
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


class RequestMessageFactory(factory.django.DjangoModelFactory):
    """The mentor's question on a request."""

    class Meta:
        model = RequestMessage

    request = factory.SubFactory(MatchRequestFactory)
    author = factory.LazyAttribute(lambda o: o.request.mentor)
    body = "What would you like to work on first?"


def _next_slot(mentorship) -> int | None:
    """A long-term mentorship takes the mentor's next free capacity slot; flash takes none."""
    if mentorship.format != Format.LONG_TERM:
        return None
    taken = (
        Mentorship.objects.filter(mentor=mentorship.mentor, status=Mentorship.Status.ACTIVE)
        .exclude(slot=None)
        .count()
    )
    return taken + 1


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    mentee = factory.LazyFunction(_mentee_user)
    mentor = factory.LazyFunction(_mentor_user)
    format = Format.LONG_TERM
    slot = factory.LazyAttribute(_next_slot)


def _tiny_skill_model_bytes() -> bytes:
    from matching.engine.relatedness import SkillRelatedness
    from matching.services.skill_model import _to_bytes

    model = SkillRelatedness(n_components=2, random_state=0).fit(
        [["Python", "Django", "SQL"], ["SQL", "Excel"], ["Python", "Excel"]]
    )
    return _to_bytes(model)


# --- Community -------------------------------------------------------------------


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    author = factory.LazyFunction(_mentee_user)
    title = factory.Sequence(lambda n: f"How do I get started with topic {n}?")
    body = "I tried the tutorial; what should I read next?"


class QuestionRouteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionRoute

    question = factory.SubFactory(QuestionFactory)
    mentor = factory.LazyFunction(_mentor_user)
    week_start = datetime.date(2026, 1, 5)
    score = 0.5


class RoutingWeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingWeek

    mentor = factory.LazyFunction(_mentor_user)
    week_start = factory.Sequence(lambda n: datetime.date(2026, 1, 5) + datetime.timedelta(weeks=n))
    routed = 1


class QuestionPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionPreference
        django_get_or_create = ("user",)

    user = factory.LazyFunction(_mentor_user)
    weekly_limit = 3


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    question = factory.SubFactory(QuestionFactory)
    author = factory.LazyFunction(_mentor_user)
    body = "Start with the official tutorial, then build something small you need."


class HelpfulMarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpfulMark

    answer = factory.SubFactory(AnswerFactory)
    user = factory.LazyFunction(_mentee_user)


# --- Whole people for matching tests ------------------------------------------------

CATEGORIES = {
    "Python": "Programming languages",
    "Django": "Web frameworks",
    "Flask": "Web frameworks",
    "SQL": "Databases",
    "PostgreSQL": "Databases",
    "Excel": "Spreadsheets",
    "Tableau": "Analytics",
    "Figma": "Design tools",
    "Kubernetes": "Infrastructure",
    "Terraform": "Infrastructure",
    "Public speaking": "",
    "Leadership": "",
}


def skill(name: str) -> Skill:
    """The skill called ``name`` (seeded taxonomy first), created when missing."""
    found = Skill.objects.filter(name__iexact=name).first()
    if found:
        return found
    return SkillFactory(
        name=name, slug=f"t-{slugify(name)}", category=CATEGORIES.get(name, "Other")
    )


def _time(value) -> datetime.time:
    return datetime.time(*value) if isinstance(value, tuple) else datetime.time(value)


def _round_out(profile: Profile, *, languages, slots) -> None:
    profile.languages.set([language(code) for code in languages])
    for weekday, start, end in slots:
        AvailabilitySlotFactory(
            profile=profile, weekday=weekday, start_time=_time(start), end_time=_time(end)
        )


def make_mentor(
    *,
    skills=("Python", "Django"),
    capacity=2,
    tz="Europe/Berlin",
    languages=("en",),
    years=12,
    slots=((1, 9, 12), (3, 14, 17)),
    role=Profile.Role.MENTOR,
    email=None,
    verified=False,
    **fields,
) -> User:
    """A mentor (a user) offering ``skills``, speaking ``languages``, free in ``slots``.

    ``slots`` are ``(weekday, start, end)`` with hours or ``(hour, minute)``;
    other keywords are profile fields (``accepting=False``, ``display_name=...``).
    """
    tz = fields.pop("timezone", tz)
    user = UserFactory(verified=verified, **({"email": email} if email else {}))
    profile = MentorProfileFactory(
        user=user, role=role, capacity=capacity, timezone=tz, years_experience=years, **fields
    )
    for i, name in enumerate(skills):
        ProfileSkillFactory(
            profile=profile,
            skill=skill(name),
            direction=ProfileSkill.Direction.OFFERS,
            level=5 - i % 3,
        )
    _round_out(profile, languages=languages, slots=slots)
    return user


def make_mentee(
    *,
    wants=("Python",),
    goals=("Become a backend developer",),
    tz="Europe/Berlin",
    languages=("en",),
    years=2,
    slots=(),
    email=None,
    verified=False,
    **fields,
) -> User:
    """A mentee (a user) wanting ``wants``, with ``goals`` (titles); see ``make_mentor``."""
    tz = fields.pop("timezone", tz)
    user = UserFactory(verified=verified, **({"email": email} if email else {}))
    profile = ProfileFactory(user=user, timezone=tz, years_experience=years, **fields)
    for name in wants:
        ProfileSkillFactory(
            profile=profile, skill=skill(name), direction=ProfileSkill.Direction.WANTS, level=2
        )
    for title in goals:
        GoalFactory(owner=user, title=title, description="Ship a real project.", target_date=None)
    _round_out(profile, languages=languages, slots=slots)
    return user


def community(*, mentors: int, mentees: int, seed: int = 1, capacity=(1, 3)):
    """A random but reproducible community; returns (mentor users, mentee users)."""
    rng = random.Random(seed)
    names = list(CATEGORIES)
    zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Europe/London", "Asia/Tokyo"]
    mentor_users = [
        make_mentor(
            skills=rng.sample(names, 4),
            capacity=rng.randint(*capacity),
            tz=rng.choice(zones),
            years=rng.randint(5, 25),
            slots=((rng.randint(0, 4), rng.randint(8, 12), rng.randint(13, 18)),),
            email=f"mentor{i:03d}-{seed}@example.org",
        )
        for i in range(mentors)
    ]
    mentee_users = [
        make_mentee(
            wants=rng.sample(names, 2),
            goals=(f"Learn {rng.choice(names)} for work",),
            tz=rng.choice(zones),
            years=rng.randint(0, 6),
            email=f"mentee{i:03d}-{seed}@example.org",
        )
        for i in range(mentees)
    ]
    return mentor_users, mentee_users


class SkillVectorSetFactory(factory.django.DjangoModelFactory):
    """A stored skill-relatedness model fitted on a tiny vocabulary."""

    class Meta:
        model = SkillVectorSet

    version = factory.Sequence(lambda n: n + 1000)
    dims = 2
    skills_count = 3
    documents_count = 2
    data = factory.LazyFunction(_tiny_skill_model_bytes)


# --- The mentorship workspace (sessions) ---------------------------------------------


class MentorSessionSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorSessionSettings

    mentor = factory.LazyFunction(_mentor_user)
    meeting_link = "https://meet.example.org/room"
    flash_monthly_limit = 4


def _session_starts() -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)


class MentoringSessionFactory(factory.django.DjangoModelFactory):
    """A proposed one-hour flash session three days ahead (no mentorship)."""

    class Meta:
        model = MentoringSession

    kind = MentoringSession.Kind.FLASH
    mentor = factory.LazyFunction(_mentor_user)
    mentee = factory.LazyFunction(_mentee_user)
    proposed_by = factory.LazyAttribute(lambda o: o.mentee)
    starts_at = factory.LazyFunction(_session_starts)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=1))
    topic = "Moving from analyst to data engineer"
    agenda = "Where to start with pipelines."


class SessionAttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionAttendee

    session = factory.SubFactory(MentoringSessionFactory, status="confirmed")
    user = factory.LazyAttribute(lambda o: o.session.mentee)
    starts_at = factory.LazyAttribute(lambda o: o.session.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.session.ends_at)


class SessionNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionNote

    session = factory.SubFactory(MentoringSessionFactory)
    author = factory.LazyAttribute(lambda o: o.session.mentee)
    body = "Try the small pipeline first."


class SessionFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionFeedback

    session = factory.SubFactory(MentoringSessionFactory, status="held")
    author = factory.LazyAttribute(lambda o: o.session.mentee)
    subject = factory.LazyAttribute(
        lambda o: o.session.mentor if o.author.pk != o.session.mentor_id else o.session.mentee
    )
    rating = 5
    comment = "Clear and kind."


class StaffFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffFlag

    kind = StaffFlag.Kind.LOW_RATING
    session = factory.SubFactory(MentoringSessionFactory, status="held")
    reported_by = factory.LazyAttribute(lambda o: o.session.mentee)
    about = factory.LazyAttribute(lambda o: o.session.mentor)
    detail = "Rated 1 of 5."


class SessionReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionReminder

    session = factory.SubFactory(MentoringSessionFactory, status="confirmed")
    user = factory.LazyAttribute(lambda o: o.session.mentee)
    kind = SessionReminder.Kind.DAY


class MentorshipNudgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorshipNudge

    mentorship = factory.SubFactory(MentorshipFactory)
    period = factory.LazyFunction(timezone.localdate)


class MessageFactory(factory.django.DjangoModelFactory):
    """A message in a flash session's thread, from the mentee to the mentor."""

    class Meta:
        model = Message

    session = factory.SubFactory(MentoringSessionFactory)
    author = factory.LazyAttribute(lambda o: o.session.mentee)
    recipient = factory.LazyAttribute(
        lambda o: o.session.mentor if o.author.pk != o.session.mentor_id else o.session.mentee
    )
    body = "Looking forward to it."


class MessageMailStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageMailState

    user = factory.SubFactory(UserFactory)
    last_sent_at = factory.LazyFunction(timezone.now)


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)


# --- Trust and safety ------------------------------------------------------------


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    blocker = factory.SubFactory(UserFactory)
    blocked = factory.SubFactory(UserFactory)


class ReportFactory(factory.django.DjangoModelFactory):
    """A report of a person's profile (the content is the profile row)."""

    class Meta:
        model = Report

    reporter = factory.SubFactory(UserFactory)
    target_user = factory.SubFactory(UserFactory)
    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Profile))
    object_id = factory.LazyAttribute(
        lambda o: str(ProfileFactory(user=o.target_user).pk if o.target_user else 0)
    )
    kind = "profile"
    reason = ReportReason.SPAM
    details = "Sends the same advert to everyone."


class SuspensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suspension

    user = factory.SubFactory(UserFactory)
    reason = "Repeated harassment after a warning."
    created_by = factory.SubFactory(UserFactory, is_staff=True)


class WarningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warning

    user = factory.SubFactory(UserFactory)
    reason = "Please keep requests about mentoring."
    created_by = factory.SubFactory(UserFactory, is_staff=True)


class MentorReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorReview

    user = factory.LazyFunction(_mentor_user)
    status = MentorReview.Status.APPROVED
    decided_by = factory.SubFactory(UserFactory, is_staff=True)


class AuditLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditLog

    action = AuditLog.Action.BLOCK
    summary = "A block."


# --- Which factory builds a model ------------------------------------------------------


def factory_for(model) -> type[factory.django.DjangoModelFactory] | None:
    """The factory named ``<Model>Factory`` in this module that builds ``model``, if any."""
    found = globals().get(f"{model.__name__}Factory")
    is_factory = isinstance(found, type) and issubclass(found, factory.django.DjangoModelFactory)
    return found if is_factory and found._meta.model is model else None


# --- Staff (safety) ------------------------------------------------------------

PROGRAMME_MANAGER = "Programme manager"
MODERATOR = "Moderator"


def staff_user(*roles: str, **kwargs) -> User:
    """A staff account in the given role groups (see safety/migrations/0002)."""
    from safety.roles import staff_roles_ensure

    groups = staff_roles_ensure()  # a transactional test may have flushed the migration's rows
    user = UserFactory(is_staff=True, **kwargs)
    for role in roles:
        user.groups.add(groups[role])
    return user


def mark_session_mfa(client, user) -> None:
    """Record in ``client``'s session that it passed a second factor, as allauth.mfa
    does after a TOTP code (``record_authentication(..., "mfa")``)."""
    import time

    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "id": 1, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def staff_login(client, user) -> User:
    """Sign ``user`` in on ``client`` with a second factor passed in this session."""
    client.force_login(user)
    mark_session_mfa(client, user)
    return user


def add_totp(user):
    """Give ``user`` a TOTP authenticator with :data:`TOTP_SECRET`."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(TOTP_SECRET)}
    )


def totp_code() -> str:
    """The current code of :data:`TOTP_SECRET`, as an authenticator app shows it."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def api_token(user: User, scope: str = "write") -> str:
    """A personal access token for ``user`` (the raw secret, as shown once)."""
    from mentorship.services.tokens import api_token_create

    return api_token_create(user=user, name=f"test {scope}", scope=scope)[1]


def api_client(user: User | None = None, scope: str = "write"):
    """A DRF test client signed in with a fresh token of ``user`` (anonymous if None)."""
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token(user, scope)}")
    return client
