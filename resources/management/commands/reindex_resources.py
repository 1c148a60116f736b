from django.core.management.base import BaseCommand

from resources.services import resources_reindex


class Command(BaseCommand):
    help = "Rewrite the search columns of every guide-library resource (after a bulk import or a restore)."

    def handle(self, *args, **options):
        count = resources_reindex()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} resource(s) for search."))
