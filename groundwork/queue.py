"""Celery tasks enqueued with the write that calls for them, and run once, whatever the broker does meanwhile.

Every task the portal enqueues after a write (an e-mail to a registrant, a progress report to build) goes through
`enqueue_on_commit(task_name, *args)`: in the same transaction as the write, a row of the task queue table
(`settings.TASK_QUEUE_MODEL`) records the task and its arguments; once the transaction commits, the task is handed to
the broker. If the broker cannot be reached, the request does not wait (one quick try, then this process leaves the
broker alone for `BROKER_PAUSE_SECONDS`) and the row stays: `publish_pending()` (a scheduled task and
`manage.py dispatch_tasks`) sends it once the broker is back. Nothing is lost, and the write never fails because of
the broker.

Run once: the message carries the row's id as its task id, and `RunOnceTask` (the Celery app's task class) runs a
task only if its row is not marked done yet, and marks it done after it succeeded. A message delivered twice (sent
again after a lost acknowledgement, or by the dispatcher after a row's message was lost) is then run once. A task
that failed, or whose worker was killed, stays pending and is sent again after `settings.TASK_RETRY_AFTER_SECONDS`;
done rows are deleted after `KEEP_DONE`.

Tasks are named, not imported, so that services can enqueue the tasks that wrap them without an import circle.
Arguments are ids and plain values (JSON), never personal data.
"""

import logging
import time
from datetime import timedelta
from importlib import import_module

from celery import Task, current_app
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

# After a failed try, this process sends nothing for this long: the dispatcher does it once the broker is back.
BROKER_PAUSE_SECONDS = 10
# Done rows are kept this long, so that a late duplicate of their message is recognised and skipped.
KEEP_DONE = timedelta(days=7)
# A task that was sent this many times and never succeeded is left alone (and logged as an error): something is
# wrong with it that retrying does not mend. The row stays for the administrators to see.
MAX_ATTEMPTS = 12

_broker_paused_until = 0.0


def queued_tasks():
    """The task queue model (`settings.TASK_QUEUE_MODEL`, owned by the project that runs the Celery app)."""
    return apps.get_model(settings.TASK_QUEUE_MODEL)


def enqueue_on_commit(task_name: str, *args) -> None:
    """Record the task in the current transaction and hand it to the broker once the transaction commits."""
    entry = queued_tasks().objects.create(task=task_name, args=list(args))
    transaction.on_commit(lambda: publish(entry.pk), robust=True)


def _task(name):
    """The registered task of this name, importing its module first if this process has not yet (a web process
    imports only the task modules it uses)."""
    if name not in current_app.tasks:
        import_module(name.rsplit(".", 1)[0])
    return current_app.tasks[name]


def publish(entry_id) -> bool:
    """Hand one recorded task to the broker (or run it, without one); True if it went."""
    global _broker_paused_until
    entry = queued_tasks().objects.filter(pk=entry_id, done_at__isnull=True).first()
    if entry is None:
        return False
    eager = current_app.conf.task_always_eager
    if not eager and time.monotonic() < _broker_paused_until:
        return False
    try:
        queued_tasks().objects.filter(pk=entry.pk).update(published_at=timezone.now(), attempts=entry.attempts + 1)
        _task(entry.task).apply_async(args=entry.args, task_id=str(entry.pk), retry=False)
    except (BrokerError, OSError) as error:
        _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        queued_tasks().objects.filter(pk=entry.pk).update(published_at=None)
        logger.warning("Task %s (%s) waits: the broker cannot be reached (%s)", entry.task, entry.pk, error)
        return False
    return True


def publish_pending() -> int:
    """Send every recorded task the broker missed, or that is not done long after it was sent; oldest first."""
    global _broker_paused_until
    _broker_paused_until = 0.0
    model = queued_tasks()
    # A task handed to the broker but not done after this long is sent again (its message was lost, or it failed).
    stale = timezone.now() - timedelta(seconds=settings.TASK_RETRY_AFTER_SECONDS)
    model.objects.filter(done_at__lt=timezone.now() - KEEP_DONE).delete()
    pending = model.objects.filter(Q(published_at__isnull=True) | Q(published_at__lt=stale), done_at__isnull=True)
    given_up = pending.filter(attempts=MAX_ATTEMPTS)
    for entry in given_up:
        logger.error("Task %s (%s) failed %s times and is not sent again", entry.task, entry.pk, entry.attempts)
    # Counted once more, so that it is reported once.
    given_up.update(attempts=MAX_ATTEMPTS + 1)
    sent = 0
    pending = pending.filter(attempts__lt=MAX_ATTEMPTS)
    for entry_id in pending.order_by("created_at", "pk").values_list("pk", flat=True):
        if not publish(entry_id):
            break
        sent += 1
    return sent


class RunOnceTask(Task):
    """The Celery app's task class: a task from the task queue table runs only while its row is not done, and
    marks it done once it succeeded. Tasks sent another way (the beat schedule) run as usual."""

    def __call__(self, *args, **kwargs):
        entry_id = self.request.id
        model = queued_tasks()
        entry = model.objects.filter(pk=entry_id).first() if entry_id and entry_id.isdigit() else None
        if entry is None:
            return super().__call__(*args, **kwargs)
        if entry.done_at is not None:
            logger.info("Task %s (%s) already done: this delivery is skipped", entry.task, entry.pk)
            return None
        result = super().__call__(*args, **kwargs)
        model.objects.filter(pk=entry.pk).update(done_at=timezone.now())
        return result
