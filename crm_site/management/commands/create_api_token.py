from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from crm_site.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API token for USERNAME and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        _token, raw = ApiToken.issue(user=user, name=name)
        self.stdout.write(raw)
