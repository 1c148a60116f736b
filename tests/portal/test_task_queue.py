"""The task queue every app enqueues its Celery tasks through (groundwork.queue, portal.QueuedTask): a task is kept
with the write that calls for it, sent once the broker can take it, and run once however often it is delivered."""

import datetime
import logging

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from activities.models import Registration
from groundwork import queue
from portal import celery_app
from portal.models import QueuedTask
from tests.activities.registering import register
from tests.factories import EventFactory
from tests.portal.helpers import point_celery_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(title_en="Language café", registration_required=True, capacity=20)


def test_a_registration_made_while_the_broker_is_down_is_saved_and_its_e_mail_sent_once_it_is_back(
    event, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(Client(), event, email="olena@example.org")

    assert response.status_code == 302
    assert Registration.objects.filter(email="olena@example.org").exists()
    assert QueuedTask.objects.waiting_for_broker().count() == 1
    assert mail.outbox == []

    call_command("dispatch_tasks")  # the broker is still down: nothing sent, nothing lost
    assert QueuedTask.objects.waiting_for_broker().count() == 1

    point_celery_at(broker_url="memory://", task_always_eager=True)
    call_command("dispatch_tasks")
    call_command("dispatch_tasks")

    assert [message.to for message in mail.outbox] == [["olena@example.org"]]
    assert QueuedTask.objects.not_done().count() == 0


def test_a_task_of_a_write_that_is_rolled_back_is_never_sent(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        queue.enqueue_on_commit("activities.tasks.send_registration_email", 1, "confirmed")
        raise RuntimeError("the write fails")

    assert not QueuedTask.objects.exists()


def test_a_task_delivered_again_after_it_ran_is_skipped(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(Client(), event, email="olena@example.org")
    (entry,) = QueuedTask.objects.all()

    # The broker hands the same message over a second time (its acknowledgement was lost).
    celery_app.tasks[entry.task].apply(args=entry.args, task_id=str(entry.pk))

    assert entry.task == "activities.tasks.send_registration_email"
    assert len(mail.outbox) == 1


def test_a_task_that_fails_is_sent_again_later_and_given_up_after_its_last_attempt(
    event, monkeypatch, caplog, django_capture_on_commit_callbacks, settings
):
    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr("activities.emails.EmailMessage.send", smtp_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = register(Client(), event, email="olena@example.org")
    (entry,) = QueuedTask.objects.all()
    later = datetime.datetime.now(datetime.UTC)
    for _attempt in range(queue.MAX_ATTEMPTS + 2):
        later += datetime.timedelta(seconds=settings.TASK_RETRY_AFTER_SECONDS + 1)
        with time_machine.travel(later, tick=False), caplog.at_level(logging.ERROR, logger="groundwork.queue"):
            call_command("dispatch_tasks")
    entry.refresh_from_db()

    # The registration itself stands, whatever the mail server does.
    assert response.status_code == 302 and Registration.objects.exists()
    assert entry.done_at is None and entry.attempts == queue.MAX_ATTEMPTS + 1
    given_up = [record for record in caplog.records if "is not sent again" in record.getMessage()]
    assert len(given_up) == 1


@pytest.fixture
def broker_nobody_reads():
    """A broker that takes messages and a worker that never finishes them: as if it was killed while working."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    point_celery_at(broker_url="memory://", task_always_eager=False)
    yield
    point_celery_at(**saved)


def test_a_task_whose_worker_died_is_sent_again_after_the_retry_delay_and_not_before(
    event, settings, broker_nobody_reads, django_capture_on_commit_callbacks
):
    settings.TASK_RETRY_AFTER_SECONDS = 20
    with django_capture_on_commit_callbacks(execute=True):
        register(Client(), event, email="olena@example.org")
    (entry,) = QueuedTask.objects.all()
    sent_at = entry.published_at

    with time_machine.travel(sent_at + datetime.timedelta(seconds=19), tick=False):
        call_command("dispatch_tasks")
    entry.refresh_from_db()
    assert entry.attempts == 1

    with time_machine.travel(sent_at + datetime.timedelta(seconds=21), tick=False):
        call_command("dispatch_tasks")
    entry.refresh_from_db()
    assert entry.attempts == 2
    assert entry.done_at is None


def test_done_tasks_are_forgotten_after_a_week(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(Client(), event, email="olena@example.org")
    assert QueuedTask.objects.filter(done_at__isnull=False).count() == 1

    with time_machine.travel(datetime.datetime.now(datetime.UTC) + queue.KEEP_DONE + datetime.timedelta(hours=1)):
        call_command("dispatch_tasks")

    assert not QueuedTask.objects.exists()
