from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from profiles.demo import DEMO_LOGINS, demo_logins_ensure
from profiles.models import User


class Command(BaseCommand):
    help = (
        "Prepare a local demo: the demo logins, and the demo community "
        "(seed_demo) when the database holds nobody but the demo logins, and a "
        "first scoring run so the demo mentee opens the app to real suggestions."
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
        if "fit_skill_model" in get_commands():
            # Which skills relate, learned before the first run scores with it.
            call_command("fit_skill_model", if_missing=True)
        if "score_matches" in get_commands() and not self._has_suggestions():
            # In-process, so suggestions are there before the web server starts;
            # later runs (nightly, or after a profile change) go through the worker.
            self.stdout.write("Scoring the demo community…")
            call_command("score_matches", inline=True)

    @staticmethod
    def _has_suggestions() -> bool:
        from django.apps import apps

        return apps.get_model("matching", "Suggestion").objects.exists()
