from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from profiles.demo import DEMO_LOGINS, demo_logins_ensure
from profiles.models import User


class Command(BaseCommand):
    help = (
        "Prepare a local demo: the demo logins, and the demo community "
        "(seed_demo) when the database holds nobody but the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mentors", type=int, default=150)
        parser.add_argument("--mentees", type=int, default=400)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, mentors, mentees, seed, **options):
        demo_emails = [login.email for login in DEMO_LOGINS]
        empty = not User.objects.exclude(email__in=demo_emails).exists()
        demo_logins_ensure()
        self.stdout.write(self.style.SUCCESS("Demo logins ready."))
        if empty and "seed_demo" in get_commands():
            self.stdout.write(
                f"Seeding a demo community of {mentors} mentors and {mentees} mentees…"
            )
            call_command("seed_demo", mentors=mentors, mentees=mentees, seed=seed)
