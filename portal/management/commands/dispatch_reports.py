from django.core.management.base import BaseCommand

from portal import services


class Command(BaseCommand):
    help = "Send the progress reports requested while the task queue was unreachable to the queue now."

    def handle(self, *args, **options):
        sent = services.report_dispatch_pending()
        self.stdout.write(f"Reports dispatched: {sent}")
