"""Demo logins for a local run (`make run`).

The accounts are created with a verified primary email so that they can log
in straight away. They exist only where `setup_demo` ran: never in
production, where nobody runs it.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from . import services
from .models import (
    AvailabilitySlot,
    Goal,
    Milestone,
    Occupation,
    Profile,
    ProfileSkill,
    Skill,
    User,
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    name: str
    role: str
    is_staff: bool = False


DEMO_PASSWORD = "demo-mentoring-2026"  # noqa: S105 # published demo login, never in production  # nosec B105
DEMO_LOGINS = (
    DemoLogin("admin@demo.mentorship.local", DEMO_PASSWORD, "Ada Admin", "admin", is_staff=True),
    DemoLogin("mentor@demo.mentorship.local", DEMO_PASSWORD, "Morgan Mentor", "mentor"),
    DemoLogin("mentee@demo.mentorship.local", DEMO_PASSWORD, "Mika Mentee", "mentee"),
)


@dataclass(frozen=True)
class DemoProfile:
    """A complete, onboarded profile for a demo login (levels as in ProfileSkill)."""

    role: str
    soc_code: str
    job_title: str
    headline: str
    bio: str
    industry: str
    organisation: str
    years_experience: int
    location: str
    timezone: str
    languages: tuple[str, ...]
    offers: tuple[tuple[str, int], ...] = ()
    wants: tuple[tuple[str, int], ...] = ()
    capacity: int = 0
    strengths: str = ""
    growth_areas: str = ""
    linkedin_url: str = ""
    slots: tuple[tuple[int, int, int], ...] = ()  # weekday, start hour, end hour (own zone)
    # (title, description, target in days, milestones: (title, due in days, done days ago))
    goals: tuple = field(default=())


# The demo mentor and mentee fit each other (Python/Django web work, an
# hour's difference in time zone, English), so the matching has something
# good to show straight after `make run`.
DEMO_PROFILES: dict[str, DemoProfile] = {
    "mentor@demo.mentorship.local": DemoProfile(
        role=Profile.Role.MENTOR,
        soc_code="15-1252.00",
        job_title="Software Developer",
        headline="Staff engineer · Python, Django and web APIs · happy to help career changers",
        bio=(
            "I have built web products for **14 years**, the last six as a staff engineer at "
            "a software company in London that makes tools for clinics.\n\n"
            "I like helping people who are moving into software from another field, and "
            "developers preparing for their first senior role. Ask me about:\n\n"
            "- Python and Django, from first project to production\n"
            "- SQL and PostgreSQL performance\n"
            "- code review and system design\n"
            "- planning a career in engineering\n\n"
            "I prefer short sessions with a concrete question or a piece of work to look at."
        ),
        industry="Technology",
        organisation="Harbour Labs",
        years_experience=14,
        location="London, United Kingdom",
        timezone="Europe/London",
        languages=("en", "de"),
        offers=(
            ("Python", 5),
            ("Django", 5),
            ("Structured query language SQL", 4),
            ("PostgreSQL", 4),
            ("Git", 5),
            ("JavaScript", 4),
            ("React", 3),
            ("Amazon Web Services AWS software", 3),
            ("Docker", 4),
            ("Code review", 5),
            ("System design", 4),
            ("Career planning", 4),
            ("Leadership", 3),
        ),  # fmt: skip
        capacity=3,
        strengths="Explaining complex systems simply; reviewing code kindly; career changes",
        linkedin_url="https://www.linkedin.com/in/morgan-mentor-demo",
        slots=((1, 18, 20), (3, 12, 13), (5, 10, 12)),
    ),
    "mentee@demo.mentorship.local": DemoProfile(
        role=Profile.Role.MENTEE,
        soc_code="15-1254.00",
        job_title="Web Developer",
        headline="Junior web developer moving from front end to Python back end",
        bio=(
            "I retrained as a web developer two years ago after working in hospitality and "
            "now build marketing sites with HTML, CSS and a little JavaScript.\n\n"
            "I want to become a **back-end developer**: Python, Django and databases. "
            "What would help most is someone who has done it to review my side project and "
            "tell me what to learn first."
        ),
        industry="Technology",
        organisation="Brightside Digital",
        years_experience=2,
        location="Berlin, Germany",
        timezone="Europe/Berlin",
        languages=("en", "es"),
        wants=(
            ("Python", 3),
            ("Django", 3),
            ("Structured query language SQL", 2),
            ("Git", 2),
            ("System design", 1),
            ("Career change", 2),
        ),  # fmt: skip
        growth_areas="Back-end development; databases; confidence in code reviews",
        slots=((1, 19, 21), (3, 12, 14)),
        goals=(
            (
                "Move from Web Developer to back-end Python developer",
                "Get a junior back-end role within the year: Python, Django and SQL.",
                270,
                (
                    ("Finish the Django tutorial and deploy it", 30, 10),
                    ("Build a small API for my side project", 90, None),
                    ("Apply to five back-end roles", 200, None),
                ),
            ),
            (
                "Get better at SQL",
                "Write queries without guessing; understand indexes.",
                120,
                (("Work through a SQL course", 45, None),),
            ),
        ),
    ),
}


def _demo_profile_ensure(user: User, spec: DemoProfile) -> Profile:
    """Fill a demo login's profile once; a profile already onboarded is left alone."""
    profile = services.profile_get_or_create(user=user)
    if profile.onboarded_at is not None:
        return profile
    fields = {
        name: getattr(spec, name)
        for name in (
            "role", "job_title", "headline", "bio", "industry", "organisation",
            "years_experience", "location", "timezone", "capacity", "strengths",
            "growth_areas", "linkedin_url", "languages",
        )
    }  # fmt: skip
    fields["occupation"] = Occupation.objects.filter(soc_code=spec.soc_code).first()
    fields.update(format_flash=True, format_long_term=True, accepting=True)
    languages = services.profile_fields_apply(profile=profile, fields=fields)
    profile.full_clean()
    profile.save()
    profile.languages.set(services.language_ids(languages))
    for direction, items in ((ProfileSkill.Direction.OFFERS, spec.offers),
                             (ProfileSkill.Direction.WANTS, spec.wants)):  # fmt: skip
        for name, level in items:
            skill = Skill.objects.filter(name__iexact=name).first()
            if skill is not None:
                ProfileSkill.objects.get_or_create(
                    profile=profile, skill=skill, direction=direction, defaults={"level": level}
                )
    if not profile.availability.exists():
        AvailabilitySlot.objects.bulk_create(
            AvailabilitySlot(
                profile=profile,
                weekday=weekday,
                start_time=datetime.time(start),
                end_time=datetime.time(end),
            )
            for weekday, start, end in spec.slots
        )
    today = timezone.localdate()
    if not Goal.objects.filter(owner=user).exists():
        for title, description, target_days, milestones in spec.goals:
            goal = Goal.objects.create(
                owner=user,
                title=title,
                description=description,
                target_date=today + datetime.timedelta(days=target_days),
                status=Goal.Status.IN_PROGRESS
                if any(done is not None for *_, done in milestones)
                else Goal.Status.OPEN,
            )
            Milestone.objects.bulk_create(
                Milestone(
                    goal=goal,
                    title=m_title,
                    position=position,
                    due_date=today + datetime.timedelta(days=due),
                    done_at=today - datetime.timedelta(days=done) if done is not None else None,
                )
                for position, (m_title, due, done) in enumerate(milestones)
            )
    profile.onboarded_at = timezone.now()
    profile.save(update_fields=["onboarded_at", "updated_at"])
    return profile


@transaction.atomic
def demo_logins_ensure() -> list[User]:
    """Create (or repair) the demo logins; running it twice changes nothing.

    The demo mentor and mentee get complete, onboarded profiles (skills,
    goals, availability, languages) so they can be used straight away. A
    profile that is already onboarded is never overwritten, so what someone
    changed while trying the demo stays.
    """
    from allauth.account.models import EmailAddress

    users = []
    for login in DEMO_LOGINS:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = services.person_create(
                email=login.email,
                name=login.name,
                password=login.password,
                is_staff=login.is_staff,
                is_superuser=login.is_staff,
            )
        # Repairs an address someone unverified or removed while trying the demo.
        EmailAddress.objects.update_or_create(
            user=user, email=login.email, defaults={"verified": True, "primary": True}
        )
        if login.email in DEMO_PROFILES:
            _demo_profile_ensure(user, DEMO_PROFILES[login.email])
        users.append(user)
    return users
