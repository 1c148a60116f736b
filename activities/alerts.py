"""Writes of the alerts for new events: sign-up with double opt-in, changes through the signed link, unsubscribe,
the purge of unconfirmed sign-ups, and the sending of announcements, cancellations and weekly summaries.

Sending goes through the ledger (`AlertDelivery`, one row per alert and event, unique): an announcement first writes
the rows of everyone it is news to, then sends one e-mail per alert, each in a transaction of its own that holds the
alert's row (a second worker on the same rows skips that alert and takes the next), marks the alert's rows and
commits once the mail server took the e-mail, before the next one goes. A task run again (after a crash, or
delivered twice, even while the first run still goes) sends only what is not marked: a worker killed mid-send
repeats at most the one e-mail in flight, never a batch.

A series (`EventSeries`): each date is news the first time it is published, as any event, and an e-mail names, of
the series' dates published and still to come, those the address has not been told of. Dates published together
go in one e-mail; a date published a week later goes in a second one ("New date: …") to those told of the others,
naming it alone. Each date an e-mail names gets its ledger row, so that nobody is told of a date twice and the
cancellation of one date is told to exactly those who were told of that date.
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
    event is public and still to come, it is announced to the matching alerts (a date of a series together with
    the series' other dates they have not been told of); when it is cancelled, those who were told of it are told
    of the cancellation. Edits and later publications announce nothing again."""
    event = Event.objects.get(pk=event.pk)
    if event.status == Event.Status.PUBLISHED and event.starts_at > timezone.now():
        _announcement, created = EventAnnouncement.objects.get_or_create(event=event)
        if created:
            enqueue_on_commit("activities.tasks.send_event_alerts", event.pk)
    elif event.status == Event.Status.CANCELLED and EventAnnouncement.objects.filter(event=event).exists():
        enqueue_on_commit("activities.tasks.send_alert_cancellations", event.pk)


def _dates_to_come(event: Event, now: datetime.datetime) -> list[Event]:
    """What an announcement of `event` may name, earliest first, with what the e-mails show of each: the event
    while it is published and to come; for a date of a series, every date of the series that is."""
    dates = Event.objects.filter(series=event.series_id) if event.series_id else Event.objects.filter(pk=event.pk)
    return list(dates.still_to_come(now).order_by("starts_at", "pk").select_related("organiser", "venue_organisation"))


def _told_of(event_id: int) -> set[str]:
    """The addresses with a ledger row for the event: told of it, or about to be."""
    return set(AlertDelivery.objects.filter(event=event_id).values_list("alert__email", flat=True))


@transaction.atomic
def _write_ledger(event: Event, dates: list[Event]) -> None:
    """Rows for each address whose confirmed alerts the event matches and that has no row for it yet: one for each
    of `dates` (the event, and its series' other dates to come) that the address has no row for either. An
    address with several matching alerts is told once, through the one that asks for each event as it comes if
    any does. One transaction: a sender sees all of an alert's new rows of a series or none, so that dates
    published together go in one e-mail."""
    now = timezone.now()
    chosen = {}
    matching = EventAlert.objects.confirmed().matching(event).order_by("pk")
    for pk, email, frequency in matching.values_list("pk", "email", "frequency"):
        if email not in chosen or (frequency == EventAlert.Frequency.IMMEDIATE and chosen[email][1] != frequency):
            chosen[email] = (pk, frequency)
    told_of_event = _told_of(event.pk)
    news = {email: pk for email, (pk, _frequency) in chosen.items() if email not in told_of_event}
    if not news:
        # The usual case for every date but one of a series published at once: the first one's task told them.
        return
    for date in dates:
        told = told_of_event if date.pk == event.pk else _told_of(date.pk)
        ids = sorted(pk for email, pk in news.items() if email not in told)
        for start in range(0, len(ids), LEDGER_CHUNK):
            AlertDelivery.objects.bulk_create(
                [
                    AlertDelivery(alert_id=pk, event_id=date.pk, created_at=now)
                    for pk in ids[start : start + LEDGER_CHUNK]
                ],
                ignore_conflicts=True,
            )


def _record_told(alert_id: int, event_ids: list[int], now: datetime.datetime) -> None:
    """Ledger rows, marked sent, for the events an e-mail to the alert names besides those of its own rows; a row
    already there and still waiting (for the weekly summary) is marked too: the e-mail told of its event."""
    if not event_ids:
        return
    rows = [AlertDelivery(alert_id=alert_id, event_id=event, created_at=now, sent_at=now) for event in event_ids]
    AlertDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    AlertDelivery.objects.filter(alert=alert_id, event__in=event_ids, sent_at=None).update(sent_at=now)


def _mark_and_send(rows: list[AlertDelivery], mark: str, message, connection) -> bool:
    """Mark the rows (`mark`: a date field) and send their e-mail, in the caller's transaction: it commits once the
    mail server took the e-mail, so a send that fails, or a worker killed before the commit, leaves the rows
    unmarked and only this e-mail to go again. False, and nothing sent, when another process marked one of them
    since they were read: on PostgreSQL the alert's lock rules that out; on SQLite, which has no row locks, this
    count is the guard."""
    row_ids = [row.pk for row in rows]
    marked = AlertDelivery.objects.filter(pk__in=row_ids, **{f"{mark}__isnull": True}).update(**{mark: timezone.now()})
    if marked != len(row_ids):
        transaction.set_rollback(True)
        return False
    connection.send_messages([message])
    return True


def _send_to(alert_id: int, rows, send, connection, *, wait: bool) -> bool | None:
    """Run `send(alert, its rows in rows, connection)` in a transaction of its own that holds the alert's row (FOR
    NO KEY UPDATE: ledger rows may still be written for it meanwhile), in the alert's language. Every sender of an
    alert's e-mails holds it while it reads, marks and sends the alert's rows, so two workers never split them or
    send them twice. None when the alert is gone or, unless `wait`, another process holds it."""
    with transaction.atomic():
        alert = EventAlert.objects.select_for_update(no_key=True, skip_locked=not wait).filter(pk=alert_id).first()
        if alert is None:
            return None
        # Read once the lock is held, so that what a sender marked before it let go is seen marked.
        waiting = list(rows.filter(alert=alert))
        if not waiting:
            return False
        with translation.override(alert.language):
            return send(alert, waiting, connection)


def _send_each(rows, batch_size: int, sender) -> int:
    """One e-mail to each alert with rows in `rows` (a queryset of ledger rows), each sent and marked before the
    next goes (`_send_to`, `_mark_and_send`): a crash repeats at most the e-mail in flight, never a batch. The
    alerts are read `batch_size` at a time; `sender()`, called for each batch, returns the `send(alert, rows,
    connection) -> bool` of that batch. An alert another worker holds is skipped, and waited for at the end (by
    then it is usually sent). Returns how many e-mails were sent."""
    connection = get_connection()
    sent, busy, after = 0, [], 0
    with connection:
        while alert_ids := list(
            rows.filter(alert__gt=after).order_by("alert").values_list("alert", flat=True).distinct()[:batch_size]
        ):
            after = alert_ids[-1]
            send = sender()
            for alert_id in alert_ids:
                done = _send_to(alert_id, rows, send, connection, wait=False)
                if done is None:
                    busy.append(alert_id)
                else:
                    sent += done
        if busy:
            send = sender()
            sent += sum(bool(_send_to(alert_id, rows, send, connection, wait=True)) for alert_id in busy)
    return sent


def event_alerts_send(*, event_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Announce the event to every matching confirmed alert not told of it that asked for each event as it comes;
    the weekly ones get it in their summary. A date of a series goes with the series' other dates to come the
    address has not been told of, one e-mail per alert. Returns how many e-mails were sent now. Safe to run again,
    and twice at once: see the module docstring."""
    event = Event.objects.select_related("organiser", "venue_organisation").filter(pk=event_id).first()
    now = timezone.now()
    if event is None or event.status != Event.Status.PUBLISHED or event.starts_at <= now:
        return 0
    dates = _dates_to_come(event, now)
    _write_ledger(event, dates)
    rows = AlertDelivery.objects.pending().filter(
        event__in=[date.pk for date in dates], alert__frequency=EventAlert.Frequency.IMMEDIATE
    )

    def sender():
        # Read again for each batch: a date cancelled or begun meanwhile is not named any more (its rows wait for
        # the weekly summary, which leaves them out).
        current = {date.pk: date for date in _dates_to_come(event, timezone.now())}
        messages = {}

        def send(alert, waiting, connection):
            waiting = [row for row in waiting if row.event_id in current]
            if not waiting:
                return False
            named = sorted((current[row.event_id] for row in waiting), key=lambda date: (date.starts_at, date.pk))
            more_dates = event.series_id is not None and (
                AlertDelivery.objects.filter(
                    alert__email=alert.email, event__series=event.series_id, sent_at__isnull=False
                ).exists()
            )
            key = (tuple(date.pk for date in named), more_dates)
            if key not in messages:
                messages[key] = alert_emails.EventMessages(named[0], others=named[1:], more_dates=more_dates)
            return _mark_and_send(waiting, "sent_at", messages[key].message(alert, connection), connection)

        return send

    return _send_each(rows, batch_size, sender)


def alert_cancellations_send(*, event_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Tell everyone who was told of the event that it is cancelled, once, with the dates of its series that still
    take place. Returns how many e-mails were sent."""
    event = Event.objects.select_related("organiser", "venue_organisation").filter(pk=event_id).first()
    if event is None or event.status != Event.Status.CANCELLED:
        return 0
    rows = AlertDelivery.objects.filter(event=event, sent_at__isnull=False, cancellation_sent_at__isnull=True)

    def sender():
        others = _dates_to_come(event, timezone.now()) if event.series_id else []
        messages = alert_emails.EventMessages(event, cancelled=True, others=others)

        def send(alert, waiting, connection):
            _record_told(alert.pk, [date.pk for date in others], timezone.now())
            return _mark_and_send(waiting, "cancellation_sent_at", messages.message(alert, connection), connection)

        return send

    return _send_each(rows, batch_size, sender)


def alert_digests_send(*, batch_size: int = BATCH_SIZE) -> int:
    """The weekly summary: each weekly alert gets one e-mail with the announced events it has not been sent yet that
    are still published and to come (those cancelled or begun meanwhile are left out, and never told of; of a
    series, its dates waiting for the alert, in one entry). Returns how many e-mails were sent; running it again
    sends nothing more."""
    # Also what an announcement left unsent for a day (an alert switched from weekly to each event meanwhile, or a
    # send given up after its last attempt): better in the summary than never.
    weekly = AlertDelivery.objects.pending().filter(
        Q(alert__frequency=EventAlert.Frequency.WEEKLY) | Q(created_at__lt=timezone.now() - datetime.timedelta(days=1))
    )

    def send(alert, waiting, connection):
        now = timezone.now()
        named = [row for row in waiting if row.event.status == Event.Status.PUBLISHED and row.event.starts_at > now]
        # Cancelled or begun meanwhile: the alert was never told of them, and will not be.
        left_out = {row.pk for row in waiting} - {row.pk for row in named}
        AlertDelivery.objects.filter(pk__in=left_out).delete()
        if not named:
            return False
        items = defaultdict(list)
        for row in named:
            # A series once, however many of its dates wait for this alert.
            items[row.event.series_id or f"event {row.event.pk}"].append(row.event)
        message = alert_emails.digest_message(alert, list(items.values()), connection)
        return _mark_and_send(named, "sent_at", message, connection)

    rows = weekly.select_related("event__organiser", "event__venue_organisation").order_by("event__starts_at", "pk")
    return _send_each(rows, batch_size, lambda: send)


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
