from django.core.management.base import BaseCommand

from activities import tasks


class Command(BaseCommand):
    help = (
        "E-mail confirmed registrants of events that have just ended the link to the anonymous 'was it helpful?' "
        "survey; each is asked once. For installations without Celery beat: run it from cron every quarter hour."
    )

    def handle(self, *args, **options):
        queued = tasks.invite_to_survey()
        self.stdout.write(f"Survey invitations queued: {queued}")
