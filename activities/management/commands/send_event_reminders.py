from django.core.management.base import BaseCommand

from activities import tasks


class Command(BaseCommand):
    help = (
        "E-mail the day-before reminder to confirmed registrants whose event starts within a day; each is reminded "
        "once. For installations without Celery beat: run it from cron every quarter hour."
    )

    def handle(self, *args, **options):
        queued = tasks.remind_registrants()
        self.stdout.write(f"Reminders queued: {queued}")
