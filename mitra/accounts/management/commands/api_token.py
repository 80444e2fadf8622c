from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.accounts.models import User
from mitra.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it (shown once; only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"].strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with email {options['email']}.")
        self.stdout.write(api_token_create(user=user, name=options["name"]))
