"""Celery tasks of events: adapters that take ids, load their objects and run a service or send an e-mail in the
registrant's language. Without REDIS_URL they run inline (CELERY_TASK_ALWAYS_EAGER)."""

from celery import shared_task
from django.db import transaction
from django.utils import translation

from groundwork.queue import enqueue_on_commit

from . import alerts, emails, services
from .models import EventAlert, Registration


@shared_task
def send_registration_email(registration_id: int, kind: str) -> bool:
    """E-mail a registrant (`emails.Kind`) in her language; nothing when the registration is gone meanwhile."""
    registration = Registration.objects.select_related("event__organiser", "event__venue_organisation").filter(
        pk=registration_id
    )
    registration = registration.first()
    if registration is None:
        return False
    with translation.override(registration.language):
        return emails.send_registration_email(registration, kind)


@shared_task
def send_registration_reminder(registration_id: int) -> bool:
    """The day-before reminder to one registrant; sent once however often it runs."""
    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None:
        return False
    with translation.override(registration.language):
        return services.registration_remind(registration=registration)


@shared_task
def remind_registrants() -> int:
    """Scheduled: queue the reminder of every confirmed registrant whose event starts within a day."""
    ids = list(Registration.objects.due_for_reminder().values_list("pk", flat=True))
    for registration_id in ids:
        send_registration_reminder.delay(registration_id)
    return len(ids)


@shared_task
def erase_expired_registrations() -> int:
    """Scheduled: delete registrants' personal data `REGISTRATION_RETENTION_DAYS` after their event, and the marks
    of used survey links once their survey has closed."""
    services.survey_links_erase_closed()
    return services.registrations_erase_expired()


@shared_task
def send_survey_invitation(registration_id: int) -> bool:
    """The "was it helpful?" e-mail to one registrant after the event; sent once however often it runs."""
    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None:
        return False
    with translation.override(registration.language):
        return services.registration_follow_up(registration=registration)


@shared_task
def invite_to_survey() -> int:
    """Scheduled: queue the survey invitation of every confirmed registrant whose event has just ended (through
    the task queue, so a broker outage delays them and a repeated run sends each once)."""
    ids = list(Registration.objects.due_for_follow_up().values_list("pk", flat=True))
    with transaction.atomic():
        for registration_id in ids:
            enqueue_on_commit("activities.tasks.send_survey_invitation", registration_id)
    return len(ids)


# --- Alerts for new events ------------------------------------------------------------------------------------


@shared_task
def send_alert_confirmation(alert_id: int) -> bool:
    """The confirmation e-mail of a sign-up, in the language it was made in; nothing if it is gone meanwhile."""
    alert = EventAlert.objects.filter(pk=alert_id).first()
    if alert is None:
        return False
    with translation.override(alert.language):
        return alerts.alert_send_confirmation(alert=alert)


@shared_task
def send_event_alerts(event_id: int) -> int:
    """Announce a newly published event to the matching alerts (once each, however often it runs)."""
    return alerts.event_alerts_send(event_id=event_id)


@shared_task
def send_alert_cancellations(event_id: int) -> int:
    """Tell those who were told of an event that it is cancelled (once each)."""
    return alerts.alert_cancellations_send(event_id=event_id)


@shared_task
def send_alert_digests() -> int:
    """Scheduled on Monday mornings: the weekly summary to each weekly alert with new events."""
    return alerts.alert_digests_send()


@shared_task
def erase_expired_alerts() -> int:
    """Scheduled: delete sign-ups nobody confirmed within seven days, and ledger rows of long-past events."""
    return sum(alerts.alerts_erase_expired())
