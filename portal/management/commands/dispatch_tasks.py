from django.core.management.base import BaseCommand

from groundwork.queue import publish_pending


class Command(BaseCommand):
    help = "Send the tasks enqueued while the broker was unreachable (e-mails, report builds) to the broker now."

    def handle(self, *args, **options):
        sent = publish_pending()
        self.stdout.write(f"Tasks sent: {sent}")
