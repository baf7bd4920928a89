"""``manage.py create_token EMAIL --scope read|write|scim``: a new API token, printed once."""

from django.core.management.base import BaseCommand, CommandError

from mentorship.errors import Refusal
from mentorship.models import ApiToken
from mentorship.services.tokens import api_token_create
from profiles.models import User


class Command(BaseCommand):
    help = "Create a personal access token for EMAIL and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ)
        parser.add_argument("--name", default="", help="What uses the token (default: the scope).")

    def handle(self, *args, email, scope, name, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {email}.")
        try:
            _, raw = api_token_create(
                user=user, name=name or f"{scope} token (command line)", scope=scope
            )
        except Refusal as refusal:
            raise CommandError(refusal.message)
        self.stdout.write(raw)
