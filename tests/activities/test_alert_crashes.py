"""Each alert e-mail goes once, even when the worker sending it dies halfway through and the task runs again, or
when two workers send the same announcement at once: the e-mail in flight when a worker dies is the most that can
go twice."""

import datetime
import threading
import time
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from activities import alerts, services, tasks
from activities.models import AlertDelivery, Event, EventAlert
from portal.models import QueuedTask
from tests.activities.alerting import EventAlertFactory, alert_mails, committed
from tests.activities.helpers import riga
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SUBSCRIBERS = 12


class WorkerDied(Exception):
    """What the rest of a task sees of a worker killed while it sends: nothing more happens."""


class DyingBackend(EmailBackend):
    """The test mail backend (`mail.outbox`) of a worker killed at its `dies_at`-th e-mail: before the mail server
    took it, or, with `after_handing_over`, right after it did."""

    dies_at = None
    after_handing_over = False
    handed_over = 0

    def send_messages(self, messages):
        for message in messages:
            DyingBackend.handed_over += 1
            dies = DyingBackend.handed_over == DyingBackend.dies_at
            if dies and not DyingBackend.after_handing_over:
                raise WorkerDied
            super().send_messages([message])
            if dies:
                raise WorkerDied
        return len(messages)


@pytest.fixture
def worker_dies(settings):
    """`worker_dies(at=n, after_handing_over=False)`; `worker_dies(at=None)` for a worker that lives."""
    settings.EMAIL_BACKEND = f"{__name__}.DyingBackend"

    def dies(*, at, after_handing_over=False):
        DyingBackend.dies_at, DyingBackend.after_handing_over, DyingBackend.handed_over = at, after_handing_over, 0

    yield dies
    dies(at=None)


@pytest.fixture
def seminar():
    jelgava = OrganisationFactory(name="Jelgavas bibliotēka", slug="jelgava", city="Jelgava")
    return EventFactory(
        organiser=jelgava,
        venue_organisation=jelgava,
        title_en="Seminar on residence permits",
        status=Event.Status.DRAFT,
        starts_at=riga(2025, 10, 14, 18),
        ends_at=riga(2025, 10, 14, 20),
    )


def sent_to():
    return Counter(message.to[0] for message in alert_mails())


def dispatch_after_the_retry_delay(settings):
    """What beat does for a task whose worker died: it is sent again once `TASK_RETRY_AFTER_SECONDS` have passed."""
    later = timezone.now() + datetime.timedelta(seconds=settings.TASK_RETRY_AFTER_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        call_command("dispatch_tasks")


@pytest.mark.parametrize("after_handing_over", [False, True], ids=["before-handing-over", "after-handing-over"])
def test_an_announcement_whose_worker_died_midway_is_sent_on_to_the_rest_once_each(
    seminar, worker_dies, settings, after_handing_over
):
    subscribers = EventAlertFactory.create_batch(SUBSCRIBERS, language="en")
    worker_dies(at=6, after_handing_over=after_handing_over)

    with committed():
        services.event_publish(event=seminar)

    assert len(alert_mails()) == (6 if after_handing_over else 5)
    (task,) = QueuedTask.objects.filter(task="activities.tasks.send_event_alerts")
    assert task.done_at is None, "the task failed: it is sent again"
    worker_dies(at=None)

    dispatch_after_the_retry_delay(settings)

    told = sent_to()
    assert set(told) == {alert.email for alert in subscribers}
    if after_handing_over:
        # Taken by the mail server, never marked: the one e-mail that can go twice.
        assert sorted(told.values()) == [1] * (SUBSCRIBERS - 1) + [2]
    else:
        assert set(told.values()) == {1}
    assert AlertDelivery.objects.filter(event=seminar, sent_at__isnull=False).count() == SUBSCRIBERS
    assert QueuedTask.objects.get(pk=task.pk).done_at is not None


def test_a_cancellation_whose_worker_died_midway_is_sent_on_to_the_rest_once_each(seminar, worker_dies, settings):
    subscribers = EventAlertFactory.create_batch(SUBSCRIBERS, language="en")
    with committed():
        services.event_publish(event=seminar)
    mail.outbox = []
    worker_dies(at=4)

    with committed():
        services.event_cancel(event=Event.objects.get(pk=seminar.pk))

    assert len(alert_mails()) == 3
    worker_dies(at=None)
    dispatch_after_the_retry_delay(settings)

    assert sent_to() == {alert.email: 1 for alert in subscribers}
    assert all(message.subject == "Cancelled: Seminar on residence permits" for message in alert_mails())


def test_a_weekly_summary_whose_worker_died_midway_goes_once_to_each_when_it_runs_again(seminar, worker_dies):
    subscribers = EventAlertFactory.create_batch(SUBSCRIBERS, frequency=EventAlert.Frequency.WEEKLY, language="en")
    with committed():
        services.event_publish(event=seminar)
    worker_dies(at=8)

    with time_machine.travel(riga(2025, 10, 13, 8), tick=False):
        with pytest.raises(WorkerDied):
            tasks.send_alert_digests()
        assert len(alert_mails()) == 7
        worker_dies(at=None)
        # The broker hands the message of the killed worker to another one (acks late, rejected on worker lost).
        assert tasks.send_alert_digests() == SUBSCRIBERS - 7

    assert sent_to() == {alert.email: 1 for alert in subscribers}


# --- Two workers at once (PostgreSQL) -------------------------------------------------------------------------


class SlowBackend(EmailBackend):
    """The test mail backend with a mail server that takes a moment per e-mail, so that two workers overlap."""

    def send_messages(self, messages):
        time.sleep(0.005 * len(messages))
        return super().send_messages(messages)


def run_at_once(*calls):
    """Run the calls in threads of their own (each with its own database connection), started together; returns
    their results, in order."""
    start = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(number, call):
        try:
            start.wait()
            results[number] = call()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(number, call)) for number, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and parallel workers need PostgreSQL"
)


@postgresql_only
def test_two_workers_sending_the_same_announcement_at_once_send_each_e_mail_once(transactional_db, settings):
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    subscribers = EventAlertFactory.create_batch(40, language="en")
    # Published without the service, so that no task has run yet: the same task delivered to two workers.
    event = EventFactory(
        status=Event.Status.PUBLISHED, starts_at=riga(2025, 10, 14, 18), ends_at=riga(2025, 10, 14, 20)
    )

    sent = run_at_once(*[lambda: alerts.event_alerts_send(event_id=event.pk, batch_size=10)] * 2)

    assert sent_to() == {alert.email: 1 for alert in subscribers}
    assert sum(sent) == 40
    assert AlertDelivery.objects.filter(event=event, sent_at__isnull=False).count() == 40


@postgresql_only
def test_two_dates_of_a_series_announced_by_two_workers_at_once_make_one_e_mail_naming_both(transactional_db, settings):
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    subscribers = EventAlertFactory.create_batch(20, language="en")
    seminar = EventFactory(title_en="Language café", starts_at=riga(2025, 10, 14, 18), ends_at=riga(2025, 10, 14, 20))
    first, second = services.event_series_create(
        event=seminar, weekday=1, start=datetime.date(2025, 10, 15), interval_weeks=1, count=2, publish=False
    )
    Event.objects.filter(pk__in=[first.pk, second.pk]).update(status=Event.Status.PUBLISHED)

    run_at_once(lambda: tasks.send_event_alerts(first.pk), lambda: tasks.send_event_alerts(second.pk))

    assert sent_to() == {alert.email: 1 for alert in subscribers}
    for message in alert_mails():
        assert "When: Oct. 21, 2025" in message.body
        assert "Also on:\n- Tuesday, Oct. 28, 2025, 6 p.m.:" in message.body
