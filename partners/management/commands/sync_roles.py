from django.core.management.base import BaseCommand

from partners.roles import sync_role_groups


class Command(BaseCommand):
    help = "Create the librarian and coordinator groups and give them exactly the permissions partners.roles declares."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        librarians, coordinators = sync_role_groups(using=database)
        for group in (librarians, coordinators):
            self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
