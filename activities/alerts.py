"""Writes of the alerts for new events: sign-up with double opt-in, changes through the signed link, unsubscribe,
the purge of unconfirmed sign-ups, and the sending of announcements, cancellations and weekly summaries.

Sending goes through the ledger (`AlertDelivery`): the rows of an event's announcement are written first (one per
alert, unique), then sent in batches, each batch marked sent once the mail server took it. A task run again sends
only what is not marked yet, so nobody gets the same event twice; a crash between handing a batch over and marking
it can repeat that one batch at most.
"""

import datetime
from collections import Counter, defaultdict

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation

from groundwork.queue import enqueue_on_commit
from partners.models import ACCESS_FACT_FIELDS, Organisation

from . import alert_emails
from .models import AlertDelivery, Event, EventAlert, EventAnnouncement

# Confirmation e-mails one address gets while it has unconfirmed sign-ups (they go after seven days): someone
# signing up another person's address cannot fill her mailbox.
CONFIRMATIONS_PER_ADDRESS = 3
BATCH_SIZE = 500
# Alert ids written to the ledger per statement.
LEDGER_CHUNK = 2000


def _filters(*, event_language, city, library, kind, audience, access):
    return {
        "event_language": event_language or "",
        "city": (city or "").strip(),
        "library": library,
        "kind": kind or "",
        "audience": audience or "",
        # In display order and once each, so that the same facts ticked in another order are the same alert; an
        # unknown code is kept for full_clean to refuse.
        "access": [code for code in ACCESS_FACT_FIELDS if code in set(access or ())]
        + sorted(set(access or ()) - set(ACCESS_FACT_FIELDS)),
    }


@transaction.atomic
def alert_subscribe(
    *,
    email: str,
    language: str,
    frequency: str = EventAlert.Frequency.IMMEDIATE,
    event_language: str = "",
    city: str = "",
    library: Organisation | None = None,
    kind: str = "",
    audience: str = "",
    access: list[str] | tuple[str, ...] = (),
) -> EventAlert | None:
    """Sign `email` up for new events matching the filters; the confirmation e-mail (in `language`) follows after
    commit. Nothing is sent for an address that already has these filters confirmed, or that has been sent
    `CONFIRMATIONS_PER_ADDRESS` confirmations that nobody followed; the caller tells the person the same in every
    case, so nobody learns whether an address is signed up. Returns the alert a confirmation goes to, else None.
    Raises ValidationError for filters or an address that are not valid."""
    email = email.strip().lower()
    filters = _filters(
        event_language=event_language, city=city, library=library, kind=kind, audience=audience, access=access
    )
    # Sign-ups of an address that has alerts queue one behind the other (PostgreSQL), so the count below holds; two
    # first sign-ups at once may both pass, and the unique constraints keep them from being the same alert.
    mine = list(EventAlert.objects.for_address(email).select_for_update())
    sent = sum(alert.confirmations_sent for alert in mine if not alert.is_confirmed)
    same = next(
        (alert for alert in mine if all(getattr(alert, name) == value for name, value in filters.items())), None
    )
    if (same is not None and same.is_confirmed) or sent >= CONFIRMATIONS_PER_ADDRESS:
        return None
    alert = same or EventAlert(email=email, **filters)
    # The sign-up is kept as long as the newest confirmation link works, counted from now.
    alert.created_at = timezone.now()
    alert.language = language
    alert.frequency = frequency
    alert.confirmations_sent += 1
    alert.full_clean()
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:
        # The same sign-up sent twice at once: the first one's confirmation is enough.
        return None
    enqueue_on_commit("activities.tasks.send_alert_confirmation", alert.pk)
    return alert


def alert_send_confirmation(*, alert: EventAlert) -> bool:
    """Send the confirmation e-mail in the active language; nothing once confirmed."""
    if alert.is_confirmed:
        return False
    alert_emails.confirmation_message(alert).send()
    return True


@transaction.atomic
def alert_confirm(*, alert: EventAlert) -> EventAlert:
    """Start the alert: from now on new events are sent to it. Confirming again changes nothing."""
    if not alert.is_confirmed:
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])
    return alert


@transaction.atomic
def alert_update(
    *,
    alert: EventAlert,
    language: str,
    frequency: str,
    event_language: str = "",
    city: str = "",
    library: Organisation | None = None,
    kind: str = "",
    audience: str = "",
    access: list[str] | tuple[str, ...] = (),
) -> EventAlert:
    """Change an alert's filters, how often it is sent and its language. ValidationError when the address already
    has an alert with these filters, or a value is not valid."""
    filters = _filters(
        event_language=event_language, city=city, library=library, kind=kind, audience=audience, access=access
    )
    for name, value in filters.items():
        setattr(alert, name, value)
    alert.language = language
    alert.frequency = frequency
    alert.full_clean()
    alert.save()
    return alert


@transaction.atomic
def alert_delete(*, alert: EventAlert) -> None:
    """Delete one alert; the address's other alerts stay."""
    EventAlert.objects.filter(pk=alert.pk).delete()


@transaction.atomic
def alerts_unsubscribe(*, alert: EventAlert) -> int:
    """Unsubscribe: every alert of the alert's address is deleted, and the address with them (and the ledger rows
    that tie it to events). Returns how many alerts were deleted; 0 when they are gone already."""
    return EventAlert.objects.for_address(alert.email).delete()[1].get(EventAlert._meta.label, 0)


def alerts_erase_expired(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete sign-ups not confirmed within seven days, and the ledger rows of events that ended more than
    `REGISTRATION_RETENTION_DAYS` ago. Returns (sign-ups deleted, ledger rows deleted)."""
    alerts = EventAlert.objects.unconfirmed_expired(now).delete()[1].get(EventAlert._meta.label, 0)
    deliveries = AlertDelivery.objects.past_retention(now).delete()[0]
    return alerts, deliveries


# --- Announcements --------------------------------------------------------------------------------------------


@transaction.atomic
def event_alerts_update(*, event: Event) -> None:
    """Call after any change of an event's status (publishing, cancelling, the admin's save): the first time the
    event is public and still to come, it is announced to the matching alerts; when it is cancelled, those who were
    told of it are told of the cancellation. Edits and later publications announce nothing again."""
    event = Event.objects.get(pk=event.pk)
    if event.status == Event.Status.PUBLISHED and event.starts_at > timezone.now():
        _announcement, created = EventAnnouncement.objects.get_or_create(event=event)
        if created:
            enqueue_on_commit("activities.tasks.send_event_alerts", event.pk)
    elif event.status == Event.Status.CANCELLED and EventAnnouncement.objects.filter(event=event).exists():
        enqueue_on_commit("activities.tasks.send_alert_cancellations", event.pk)


def _write_ledger(event: Event) -> None:
    """One row per address whose confirmed alerts the event matches, those already there left as they are. An
    address with several matching alerts is told once, through the one that asks for each event as it comes if
    any does."""
    now = timezone.now()
    told = set(AlertDelivery.objects.filter(event=event).values_list("alert__email", flat=True))
    chosen = {}
    matching = EventAlert.objects.confirmed().matching(event).order_by("pk")
    for pk, email, frequency in matching.values_list("pk", "email", "frequency"):
        if email in told:
            continue
        if email not in chosen or (frequency == EventAlert.Frequency.IMMEDIATE and chosen[email][1] != frequency):
            chosen[email] = (pk, frequency)
    ids = sorted(pk for pk, _frequency in chosen.values())
    for start in range(0, len(ids), LEDGER_CHUNK):
        AlertDelivery.objects.bulk_create(
            [AlertDelivery(alert_id=pk, event_id=event.pk, created_at=now) for pk in ids[start : start + LEDGER_CHUNK]],
            ignore_conflicts=True,
        )


def _send_batches(rows, build, mark: str, batch_size: int) -> int:
    """Send the e-mails of `rows` (a queryset of ledger rows) in batches of `batch_size` over one connection, each
    batch locked while it goes (a second worker takes other rows) and marked (`mark`: a date field) after."""
    connection = get_connection()
    sent = 0
    with connection:
        while True:
            with transaction.atomic():
                batch = list(
                    rows.select_related("alert")
                    .select_for_update(skip_locked=True, of=("self",))
                    .order_by("pk")[:batch_size]
                )
                if not batch:
                    return sent
                messages = []
                by_language = defaultdict(list)
                for row in batch:
                    by_language[row.alert.language].append(row)
                for language, language_rows in by_language.items():
                    with translation.override(language):
                        messages += [build(row.alert, connection) for row in language_rows]
                connection.send_messages(messages)
                AlertDelivery.objects.filter(pk__in=[row.pk for row in batch]).update(**{mark: timezone.now()})
                sent += len(messages)


def event_alerts_send(*, event_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Announce the event to every matching confirmed alert that asked for each event as it comes; the weekly ones
    get it in their summary. Returns how many e-mails were sent now. Safe to run again: see the module docstring."""
    event = Event.objects.select_related("organiser", "venue_organisation").filter(pk=event_id).first()
    if event is None or event.status != Event.Status.PUBLISHED or event.starts_at <= timezone.now():
        return 0
    _write_ledger(event)
    rows = AlertDelivery.objects.pending().filter(event=event, alert__frequency=EventAlert.Frequency.IMMEDIATE)
    messages = alert_emails.EventMessages(event)
    return _send_batches(rows, messages.message, "sent_at", batch_size)


def alert_cancellations_send(*, event_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Tell everyone who was told of the event that it is cancelled, once. Returns how many e-mails were sent."""
    event = Event.objects.select_related("organiser", "venue_organisation").filter(pk=event_id).first()
    if event is None or event.status != Event.Status.CANCELLED:
        return 0
    rows = AlertDelivery.objects.filter(event=event, sent_at__isnull=False, cancellation_sent_at__isnull=True)
    messages = alert_emails.EventMessages(event, cancelled=True)
    return _send_batches(rows, messages.message, "cancellation_sent_at", batch_size)


def alert_digests_send(*, batch_size: int = BATCH_SIZE) -> int:
    """The weekly summary: each weekly alert gets one e-mail with the announced events it has not been sent yet that
    are still published and to come (those cancelled or begun meanwhile are left out, and never told of). Returns
    how many e-mails were sent; running it again sends nothing more."""
    connection = get_connection()
    sent = 0
    # Also what an announcement left unsent for a day (an alert switched from weekly to each event meanwhile, or a
    # send given up after its last attempt): better in the summary than never.
    weekly = AlertDelivery.objects.pending().filter(
        Q(alert__frequency=EventAlert.Frequency.WEEKLY) | Q(created_at__lt=timezone.now() - datetime.timedelta(days=1))
    )
    with connection:
        while True:
            with transaction.atomic():
                alert_ids = list(weekly.order_by("alert").values_list("alert", flat=True).distinct()[:batch_size])
                if not alert_ids:
                    return sent
                rows = list(
                    weekly.filter(alert__in=alert_ids)
                    .select_related("alert", "event__organiser", "event__venue_organisation")
                    .select_for_update(of=("self",))
                    .order_by("event__starts_at", "pk")
                )
                now = timezone.now()
                by_alert = defaultdict(list)
                for row in rows:
                    by_alert[row.alert].append(row.event)
                messages = []
                for alert, events in by_alert.items():
                    events = [e for e in events if e.status == Event.Status.PUBLISHED and e.starts_at > now]
                    if events:
                        with translation.override(alert.language):
                            messages.append(alert_emails.digest_message(alert, events, connection))
                connection.send_messages(messages)
                # Cancelled and begun events are marked too: they are not sent later either.
                AlertDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(sent_at=now)
                sent += len(messages)


# --- Figures --------------------------------------------------------------------------------------------------


def alert_counts(*, library_ids=None) -> dict:
    """Confirmed alerts, counted, never listed: `{"total": n, "languages": {code: n}, "libraries": {pk: n}}`;
    `library_ids` narrows to the alerts that name one of those libraries. Alerts for any language or library
    count in the total only. One grouped query."""
    alerts = EventAlert.objects.confirmed().order_by()
    if library_ids is not None:
        alerts = alerts.filter(library__in=library_ids)
    total, languages, libraries = 0, Counter(), Counter()
    for language, library, count in alerts.values_list("event_language", "library").annotate(Count("pk")):
        total += count
        if language:
            languages[language] += count
        if library is not None:
            libraries[library] += count
    return {"total": total, "languages": dict(languages), "libraries": dict(libraries)}
