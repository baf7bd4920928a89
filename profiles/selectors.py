"""Reads for profiles, skills, occupations, goals and profile completeness."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse

from .models import Goal, Language, Occupation, Profile, ProfileSkill, Skill, User

# --- Skills --------------------------------------------------------------------


def _alias_exact_q(alias: str) -> Q:
    """Skills whose ``;``-separated alias list contains exactly ``alias``."""
    alias = alias.lower()
    return (
        Q(aliases=alias)
        | Q(aliases__startswith=f"{alias};")
        | Q(aliases__endswith=f";{alias}")
        | Q(aliases__contains=f";{alias};")
    )


def skills_visible_to(*, user: User | None) -> QuerySet[Skill]:
    """Approved skills plus the pending ones this person added themself."""
    visible = Q(status=Skill.Status.APPROVED)
    if user is not None and user.is_authenticated:
        visible |= Q(status=Skill.Status.PENDING, created_by=user)
    return Skill.objects.filter(visible)


def skill_find_by_name(*, name: str) -> Skill | None:
    """The skill a typed name means: same name (any case), else an alias; approved first."""
    name = name.strip()
    if not name:
        return None
    by_name = Skill.objects.filter(name__iexact=name).first()
    if by_name is not None:
        return by_name
    return (
        Skill.objects.filter(_alias_exact_q(name))
        .order_by(
            Case(When(status=Skill.Status.APPROVED, then=0), default=1),
            "-is_hot",
            "name",
        )
        .first()
    )


def skills_search(*, query: str, user: User | None, limit: int = 10) -> list[Skill]:
    """Skills for the autocomplete: name or alias contains the query.

    Order: approved before pending (pending only the viewer's own), then exact
    name or alias, then names starting with the query, then O*NET "hot"
    technologies, then alphabetical. "JS" finds JavaScript first.
    """
    query = " ".join(query.split())[:60]
    if not query:
        return []
    ranked = (
        skills_visible_to(user=user)
        .filter(Q(name__icontains=query) | Q(aliases__icontains=query.lower()))
        .annotate(
            approved_rank=Case(
                When(status=Skill.Status.APPROVED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            match_rank=Case(
                When(name__iexact=query, then=Value(0)),
                When(_alias_exact_q(query), then=Value(0)),
                When(name__istartswith=query, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("approved_rank", "match_rank", "-is_hot", "name")
    )
    return list(ranked[:limit])


def profile_skills(*, profile: Profile, direction: str) -> QuerySet[ProfileSkill]:
    return (
        ProfileSkill.objects.filter(profile=profile, direction=direction)
        .select_related("skill")
        .order_by("-level", "skill__name")
    )


# --- Occupations ---------------------------------------------------------------


def languages_in_use() -> QuerySet[Language]:
    """Languages at least one profile speaks, by name (an index probe per language,
    not a scan of everyone's languages)."""
    spoken = Profile.languages.through.objects.filter(language_id=OuterRef("pk"))
    return Language.objects.filter(Exists(spoken)).order_by("name")


def occupations_search(*, query: str, limit: int = 12) -> list[Occupation]:
    """O*NET occupations whose title contains the query, those starting with it first."""
    query = " ".join(query.split())[:80]
    if len(query) < 2:
        return []
    return list(
        Occupation.objects.filter(title__icontains=query)
        .annotate(
            starts=Case(
                When(title__istartswith=query, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("starts", "title")[:limit]
    )


def occupation_for_title(*, title: str) -> Occupation | None:
    title = " ".join((title or "").split())
    if not title:
        return None
    return Occupation.objects.filter(title__iexact=title).order_by("soc_code").first()


# --- Profiles ------------------------------------------------------------------


def profile_for_user(*, user: User) -> Profile | None:
    return (
        Profile.objects.select_related("user", "occupation")
        .prefetch_related("languages")
        .filter(user=user)
        .first()
    )


def goals_for_user(*, user: User) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(owner=user)
        .annotate(
            milestone_count=Count("milestones"),
            milestones_done=Count("milestones", filter=Q(milestones__done_at__isnull=False)),
        )
        .order_by("status", "target_date", "-created_at")
    )


# --- Completeness --------------------------------------------------------------

MIN_SKILLS = 3


@dataclass(frozen=True)
class CompletenessItem:
    """One thing a profile should have. ``blocks_matching``: matching cannot
    work well without it yet (the dashboard nudges until none is left)."""

    key: str
    label: str
    done: bool
    url: str
    blocks_matching: bool = False


@dataclass(frozen=True)
class Completeness:
    percent: int
    items: list[CompletenessItem] = field(default_factory=list)

    @property
    def missing(self) -> list[CompletenessItem]:
        return [item for item in self.items if not item.done]

    @property
    def blocking(self) -> list[CompletenessItem]:
        return [item for item in self.items if item.blocks_matching]

    @property
    def ready_to_match(self) -> bool:
        return not self.blocking


def profile_completeness(*, profile: Profile) -> Completeness:
    """Percentage (every item counts the same) and the missing items of a profile.

    Everyone: headline, bio, job title, languages, time zone (``UTC``, the
    default, counts as not chosen: people in UTC pick Europe/London or
    similar), a photo. Mentees: at least 3 skills wanted, an open goal.
    Mentors: at least 3 skills offered, a capacity or flash sessions, weekly
    availability.

    Good enough to match (the nudge stops) when nothing blocks: at least one
    language; mentees at least one wanted skill and an open goal; mentors at
    least one offered skill and some availability. The rest improves the
    matches but does not block them.
    """
    edit = reverse("profiles:profile_edit")
    skills_url = reverse("profiles:profile_skills")
    counts = Profile.objects.filter(pk=profile.pk).aggregate(
        languages=Count("languages", distinct=True),
        wants=Count(
            "skills", filter=Q(skills__direction=ProfileSkill.Direction.WANTS), distinct=True
        ),
        offers=Count(
            "skills", filter=Q(skills__direction=ProfileSkill.Direction.OFFERS), distinct=True
        ),
        slots=Count("availability", distinct=True),
    )
    open_goals = Goal.objects.filter(
        owner_id=profile.user_id, status__in=[Goal.Status.OPEN, Goal.Status.IN_PROGRESS]
    ).count()
    has_languages = counts["languages"] > 0
    items = [
        CompletenessItem(
            "headline", "Add a headline", bool(profile.headline.strip()), f"{edit}#id_headline"
        ),
        CompletenessItem("bio", "Write a short bio", bool(profile.bio.strip()), f"{edit}#id_bio"),
        CompletenessItem(
            "job_title",
            "Add your job title",
            bool(profile.job_title.strip()),
            f"{edit}#id_job_title",
        ),
        CompletenessItem(
            "languages",
            "Choose the languages you speak",
            has_languages,
            f"{edit}#languages",
            blocks_matching=not has_languages,
        ),
        CompletenessItem(
            "timezone", "Set your time zone", profile.timezone != "UTC", f"{edit}#id_timezone"
        ),
        CompletenessItem("avatar", "Add a photo", bool(profile.avatar), f"{edit}#id_avatar"),
    ]
    if profile.is_mentee:
        items += [
            CompletenessItem(
                "skills_wanted",
                f"Add at least {MIN_SKILLS} skills you want to learn",
                counts["wants"] >= MIN_SKILLS,
                f"{skills_url}#wants",
                blocks_matching=counts["wants"] == 0,
            ),
            CompletenessItem(
                "goals",
                "Set a goal",
                open_goals > 0,
                reverse("profiles:goal_list") + "#new-goal",
                blocks_matching=open_goals == 0,
            ),
        ]
        if not profile.is_mentor:
            # Without it, matching assumes weekday office hours and says so.
            items.append(
                CompletenessItem(
                    "availability",
                    "Add when you can meet each week",
                    counts["slots"] > 0,
                    reverse("profiles:profile_availability"),
                )
            )
    items.append(
        CompletenessItem(
            "years_experience",
            "Say how many years you have worked",
            profile.years_experience is not None,
            f"{edit}#id_years_experience",
        )
    )
    if profile.is_mentor:
        items += [
            CompletenessItem(
                "skills_offered",
                f"Add at least {MIN_SKILLS} skills you can help with",
                counts["offers"] >= MIN_SKILLS,
                f"{skills_url}#offers",
                blocks_matching=counts["offers"] == 0,
            ),
            CompletenessItem(
                "capacity",
                "Say how many mentees you can take",
                profile.capacity > 0 or profile.format_flash,
                f"{edit}#id_capacity",
            ),
            CompletenessItem(
                "availability",
                "Add when you are free each week",
                counts["slots"] > 0,
                reverse("profiles:profile_availability"),
                blocks_matching=counts["slots"] == 0,
            ),
        ]
    percent = round(100 * sum(item.done for item in items) / len(items))
    return Completeness(percent=percent, items=items)


def profile_of(user) -> Profile | None:
    """``user``'s profile, read once per user object (the one-to-one's cache), or None.

    A page asks for the viewer's profile from several places (navigation, panels,
    the view): through this they share one query instead of one each.
    """
    if user is None or not getattr(user, "pk", None):
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def member_takes_part(*, user) -> bool:
    """Whether a person mentors or learns here (staff who never set up a profile do not).

    A staff account exists to run the programme: it is not pushed through
    onboarding, and pages for mentees and mentors are not offered to it until
    the person chooses to set up a profile.
    """
    if not user.is_staff:
        return True
    profile = profile_of(user)
    return profile is not None and profile.onboarded_at is not None


def person_name(user) -> str:
    """The name others see for ``user``: their profile's name, else the account's."""
    profile = getattr(user, "profile", None)
    return profile.name if profile is not None else str(user)


def people_for_manager(*, query: str = "", active: bool | None = None) -> QuerySet[User]:
    people = User.objects.select_related("profile").order_by("email")
    if query:
        people = people.filter(Q(email__icontains=query) | Q(name__icontains=query))
    if active is not None:
        people = people.filter(is_active=active)
    return people
