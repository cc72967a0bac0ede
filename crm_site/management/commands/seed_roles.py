from django.core.management.base import BaseCommand

from crm_site.roles import sync_roles


class Command(BaseCommand):
    help = "Create the CRM's role groups and grant any default permission they lack (never removes one)."

    def handle(self, *args, **options):
        for group in sync_roles(grant_missing=True):
            self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
