"""Writes of the alerts for new events: sign-up with double opt-in, changes through the signed link, unsubscribe,
the purge of unconfirmed sign-ups, and the sending of announcements, cancellations and weekly summaries.

Sending goes through the ledger (`AlertDelivery`): the rows of an event's announcement are written first (one per
alert, unique), then sent in batches, each batch marked sent once the mail server took it. A task run again sends
only what is not marked yet, so nobody gets the same event twice; a crash between handing a batch over and marking
it can repeat that one batch at most.

A series (`EventSeries`) is news once: the first publication of one of its dates announces it, and the e-mail names
every date of it published and still to come when it is sent (the weekly summary: when the summary goes). Each date
an e-mail names gets its ledger row, so that the cancellation of one date is told to exactly those who were told
of that date, and nobody told of a series is told of it again.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation

from groundwork.queue import enqueue_on_commit
from partners.models import ACCESS_FACT_FIELDS, Organisation

from . import alert_emails
from .models import AlertDelivery, Event, EventAlert, EventAnnouncement, EventSeries

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
    event is public and still to come, it is announced to the matching alerts, unless it is a date of a series
    announced already; when it is cancelled, those who were told of it are told of the cancellation. Edits and
    later publications announce nothing again."""
    event = Event.objects.get(pk=event.pk)
    if event.status == Event.Status.PUBLISHED and event.starts_at > timezone.now():
        _announcement, created = EventAnnouncement.objects.get_or_create(event=event)
        if created and (event.series_id is None or _announce_series(event.series_id)):
            enqueue_on_commit("activities.tasks.send_event_alerts", event.pk)
    elif event.status == Event.Status.CANCELLED and EventAnnouncement.objects.filter(event=event).exists():
        enqueue_on_commit("activities.tasks.send_alert_cancellations", event.pk)


def _announce_series(series_id: int) -> bool:
    """Mark the series announced; True only for the call that did. One conditional UPDATE: of two publications of
    its dates at once, the second waits for the first's row lock and then finds the series announced."""
    return bool(EventSeries.objects.filter(pk=series_id, announced_at=None).update(announced_at=timezone.now()))


def _dates_named(events: list[Event], now: datetime.datetime) -> dict[int, list[Event]]:
    """What an announcement of each of `events` names, by event id, earliest first: the event while it is published
    and to come; for a date of a series, every date of the series that is (the one read itself may have been
    cancelled meanwhile). One query for the series, with what the e-mails show of the dates."""
    series_ids = {event.series_id for event in events if event.series_id is not None}
    by_series = defaultdict(list)
    if series_ids:
        dates = Event.objects.filter(series__in=series_ids).still_to_come(now)
        for date in dates.select_related("organiser", "venue_organisation"):
            by_series[date.series_id].append(date)
    named = {}
    for event in events:
        if event.series_id is not None:
            named[event.pk] = by_series[event.series_id]
        elif event.status == Event.Status.PUBLISHED and event.starts_at > now:
            named[event.pk] = [event]
        else:
            named[event.pk] = []
    return named


def _record_told(told: Iterable[tuple[int, int]], now: datetime.datetime) -> None:
    """Ledger rows, marked sent, for the `(alert id, event id)` pairs an e-mail just named besides the event of its
    own row; rows already there are left as they are."""
    rows = [AlertDelivery(alert_id=alert, event_id=event, created_at=now, sent_at=now) for alert, event in told]
    AlertDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=LEDGER_CHUNK)


def _write_ledger(event: Event) -> None:
    """One row per address whose confirmed alerts the event matches, those already there left as they are, and
    those told of another date of the event's series left out. An address with several matching alerts is told
    once, through the one that asks for each event as it comes if any does."""
    now = timezone.now()
    told_of = Q(event__series=event.series_id) if event.series_id is not None else Q(event=event)
    told = set(AlertDelivery.objects.filter(told_of).values_list("alert__email", flat=True))
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


def _send_batches(rows, build, mark: str, batch_size: int, also_named: Iterable[int] = ()) -> int:
    """Send the e-mails of `rows` (a queryset of ledger rows) in batches of `batch_size` over one connection, each
    batch locked while it goes (a second worker takes other rows) and marked (`mark`: a date field) after, with
    rows recording that its alerts were told of the events `also_named` too."""
    connection = get_connection()
    also_named = list(also_named)
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
                now = timezone.now()
                AlertDelivery.objects.filter(pk__in=[row.pk for row in batch]).update(**{mark: now})
                _record_told(((row.alert_id, event) for row in batch for event in also_named), now)
                sent += len(messages)


def event_alerts_send(*, event_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Announce the event (a date of a series: the series, with its dates) to every matching confirmed alert that
    asked for each event as it comes; the weekly ones get it in their summary. Returns how many e-mails were sent
    now. Safe to run again: see the module docstring."""
    event = Event.objects.select_related("organiser", "venue_organisation").filter(pk=event_id).first()
    now = timezone.now()
    if event is None or event.status != Event.Status.PUBLISHED or event.starts_at <= now:
        return 0
    first, *others = _dates_named([event], now)[event.pk]
    _write_ledger(event)
    rows = AlertDelivery.objects.pending().filter(event=event, alert__frequency=EventAlert.Frequency.IMMEDIATE)
    messages = alert_emails.EventMessages(first, others=others)
    also_named = [date.pk for date in (first, *others) if date.pk != event.pk]
    return _send_batches(rows, messages.message, "sent_at", batch_size, also_named)


def alert_cancellations_send(*, event_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Tell everyone who was told of the event that it is cancelled, once, with the dates of its series that still
    take place. Returns how many e-mails were sent."""
    event = Event.objects.select_related("organiser", "venue_organisation").filter(pk=event_id).first()
    if event is None or event.status != Event.Status.CANCELLED:
        return 0
    rows = AlertDelivery.objects.filter(event=event, sent_at__isnull=False, cancellation_sent_at__isnull=True)
    others = _dates_named([event], timezone.now())[event.pk] if event.series_id else []
    messages = alert_emails.EventMessages(event, cancelled=True, others=others)
    return _send_batches(rows, messages.message, "cancellation_sent_at", batch_size, [date.pk for date in others])


def alert_digests_send(*, batch_size: int = BATCH_SIZE) -> int:
    """The weekly summary: each weekly alert gets one e-mail with the announced events it has not been sent yet that
    are still published and to come (those cancelled or begun meanwhile are left out, and never told of; of a
    series, the dates still to come, once). Returns how many e-mails were sent; running it again sends nothing
    more."""
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
                named = _dates_named([row.event for row in rows], now)
                by_alert = defaultdict(dict)
                for row in rows:
                    dates = named[row.event.pk]
                    if dates:
                        # A series once, however many of its dates wait for this alert.
                        by_alert[row.alert].setdefault(row.event.series_id or f"event {row.event.pk}", dates)
                messages, told = [], []
                for alert, items in by_alert.items():
                    items = sorted(items.values(), key=lambda dates: dates[0].starts_at)
                    told += [(alert.pk, date.pk) for dates in items for date in dates]
                    with translation.override(alert.language):
                        messages.append(alert_emails.digest_message(alert, items, connection))
                connection.send_messages(messages)
                # Cancelled and begun events are marked too: they are not sent later either.
                AlertDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(sent_at=now)
                _record_told(told, now)
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
