from django.core.management.base import BaseCommand

from profiles.demo import DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the demo logins created by setup_demo."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo logins (password for all: {DEMO_LOGINS[0].password}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<7} {login.email}")
