from django.conf import settings
from django.core.management.base import BaseCommand

from portal import services


class Command(BaseCommand):
    help = "Delete progress report files older than REPORT_RETENTION_DAYS and close interrupted builds."

    def handle(self, *args, **options):
        deleted = services.report_expire()
        self.stdout.write(f"Report files deleted: {deleted} (kept for {settings.REPORT_RETENTION_DAYS} days)")
