"""Demo logins for a local run (`make run`).

The accounts are created with a verified primary email so that they can log
in straight away. They exist only where `setup_demo` ran: never in
production, where nobody runs it.
"""

from dataclasses import dataclass

from django.db import transaction

from .models import User


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    name: str
    role: str
    is_staff: bool = False


DEMO_PASSWORD = "demo-mentoring-2026"  # noqa: S105 - published demo login, never in production
DEMO_LOGINS = (
    DemoLogin("admin@demo.mentorship.local", DEMO_PASSWORD, "Ada Admin", "admin", is_staff=True),
    DemoLogin("mentor@demo.mentorship.local", DEMO_PASSWORD, "Morgan Mentor", "mentor"),
    DemoLogin("mentee@demo.mentorship.local", DEMO_PASSWORD, "Mika Mentee", "mentee"),
)


@transaction.atomic
def demo_logins_ensure() -> list[User]:
    """Create (or repair) the demo logins; running it twice changes nothing."""
    from allauth.account.models import EmailAddress

    users = []
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            email=login.email,
            defaults={
                "name": login.name,
                "is_staff": login.is_staff,
                "is_superuser": login.is_staff,
            },
        )
        if created:
            user.set_password(login.password)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=login.email, defaults={"verified": True, "primary": True}
        )
        users.append(user)
    return users
