from django.conf import settings
from django.core.management.base import BaseCommand

from activities import alerts, services


class Command(BaseCommand):
    help = (
        "Delete the personal data of registrations whose event ended more than REGISTRATION_RETENTION_DAYS ago, "
        "keeping the counts, and alert sign-ups nobody confirmed within seven days. For installations without "
        "Celery beat: run it from cron daily."
    )

    def handle(self, *args, **options):
        deleted = services.registrations_erase_expired()
        self.stdout.write(
            f"Registrations deleted {settings.REGISTRATION_RETENTION_DAYS} days after their event: {deleted}"
        )
        unconfirmed, deliveries = alerts.alerts_erase_expired()
        self.stdout.write(
            f"Unconfirmed alert sign-ups deleted: {unconfirmed}; records of past announcements: {deliveries}"
        )
