"""Writes on events: the admin, commands and tasks change an event's state only through these functions."""

import datetime
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Attendance, Event


@transaction.atomic
def event_publish(*, event: Event) -> Event:
    """Make a draft or cancelled event public. Raises ValidationError when the event is not complete."""
    changed = event.status != Event.Status.PUBLISHED
    event.status = Event.Status.PUBLISHED
    event.full_clean()
    event.save(update_fields=["status", "updated_at"])
    if changed:
        _bump_sequence(event)
    return event


@transaction.atomic
def event_cancel(*, event: Event) -> Event:
    """Cancel a published event: it stays visible to the public, clearly marked as cancelled.

    A draft was never announced, so there is nothing to cancel: it raises ValidationError (delete the draft).
    """
    if event.status == Event.Status.DRAFT:
        raise ValidationError(_("A draft has not been announced, so it cannot be cancelled; delete it instead."))
    changed = event.status != Event.Status.CANCELLED
    event.status = Event.Status.CANCELLED
    event.full_clean()
    event.save(update_fields=["status", "updated_at"])
    if changed:
        _bump_sequence(event)
    return event


# --- Calendar revisions ---------------------------------------------------------------------------------------

# What a calendar shows of an event (iCalendar SUMMARY, DESCRIPTION, DTSTART, DTEND, LOCATION, URL, STATUS):
# a change to any of these is a new revision, so calendar programs replace their copy (RFC 5545, 3.8.7.4).
CALENDAR_FIELDS = frozenset(
    {
        "title",
        "summary",
        "description",
        "starts_at",
        "ends_at",
        "status",
        "venue",
        "venue_organisation",
        "venue_name",
        "online_url",
        "street_address",
        "postal_code",
        "city",
        "country",
        "latitude",
        "longitude",
    }
)


def _base_field_name(name: str) -> str:
    """`title_uk` -> `title`: the admin form edits each language's column of a translated field."""
    stem, _sep, suffix = name.rpartition("_")
    return stem if stem and suffix in settings.MODELTRANSLATION_LANGUAGES else name


def _bump_sequence(event: Event) -> None:
    Event.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1)
    event.refresh_from_db(fields=["sequence"])


@transaction.atomic
def event_record_revision(*, event: Event, changed_fields: Iterable[str]) -> Event:
    """Call after saving an edit of `event`: when a field calendars show is among `changed_fields` (model or
    form field names, `title_uk` included), the event's revision (`sequence`) goes up by one."""
    if any(_base_field_name(name) in CALENDAR_FIELDS for name in changed_fields):
        _bump_sequence(event)
    return event


# --- Copies and series ----------------------------------------------------------------------------------------

RIGA = ZoneInfo("Europe/Riga")
SLUG_MAX_LENGTH = Event._meta.get_field("slug").max_length
# The date suffix of an event made by a series (`-2025-10-14`); a series made from such an event drops it.
_DATE_SUFFIX = re.compile(r"-\d{4}-\d{2}-\d{2}$")
SERIES_MAX_COUNT = 52
SERIES_MAX_INTERVAL_WEEKS = 8


def _available_slug(stem: str) -> str:
    """`stem`, or `stem-2`, `stem-3` … : the first that no event has, within the slug's length."""
    stem = stem[:SLUG_MAX_LENGTH].rstrip("-")
    taken = set(Event.objects.filter(slug__startswith=stem[: SLUG_MAX_LENGTH - 4]).values_list("slug", flat=True))
    if stem not in taken:
        return stem
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = stem[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def _copy(event: Event, *, slug: str, status: str) -> Event:
    """An unsaved copy of `event` with every field and translation, as a new event with its own revision count."""
    copy = Event.objects.get(pk=event.pk)
    copy.pk = None
    copy._state.adding = True
    copy.slug = slug
    copy.status = status
    copy.sequence = 0
    return copy


@transaction.atomic
def event_duplicate(*, event: Event) -> Event:
    """A draft copy of `event`: every field and translation, the co-organisers, and a new unique slug
    (`<slug>-copy`, then `-copy-2` …). Raises ValidationError if the copy is not a valid event."""
    copy = _copy(event, slug=_available_slug(f"{_DATE_SUFFIX.sub('', event.slug)}-copy"), status=Event.Status.DRAFT)
    copy.full_clean()
    copy.save()
    copy.co_organisers.set(event.co_organisers.all())
    return copy


def series_dates(*, weekday: int, start: datetime.date, interval_weeks: int, count: int) -> list[datetime.date]:
    """`count` dates on `weekday` (0 is Monday), the first on or after `start`, then every `interval_weeks` weeks."""
    first = start + datetime.timedelta(days=(weekday - start.weekday()) % 7)
    return [first + datetime.timedelta(weeks=interval_weeks * number) for number in range(count)]


@transaction.atomic
def event_series_create(
    *, event: Event, weekday: int, start: datetime.date, interval_weeks: int, count: int, publish: bool
) -> list[Event]:
    """Copies of `event` on `count` dates (see `series_dates`), each an ordinary event staff edit one by one.

    Each copy keeps the event's Riga wall-clock times (18:00–20:00 stays so across a change to or from summer
    time), its fields, translations and co-organisers; its slug is `<slug>-YYYY-MM-DD`. Copies are drafts, or
    published when `publish`. All or nothing: a ValidationError lists every problem and nothing is created.
    """
    errors = []
    if not 1 <= count <= SERIES_MAX_COUNT:
        errors.append(_("A series has between 1 and %(max)d events.") % {"max": SERIES_MAX_COUNT})
    if not 1 <= interval_weeks <= SERIES_MAX_INTERVAL_WEEKS:
        errors.append(_("Repeat every 1 to %(max)d weeks.") % {"max": SERIES_MAX_INTERVAL_WEEKS})
    if not 0 <= weekday <= 6:
        errors.append(_("Choose a day of the week."))
    if errors:
        raise ValidationError(errors)

    local_start = timezone.localtime(event.starts_at, RIGA)
    local_end = timezone.localtime(event.ends_at, RIGA)
    days_spanned = local_end.date() - local_start.date()
    stem = _DATE_SUFFIX.sub("", event.slug)[: SLUG_MAX_LENGTH - 11].rstrip("-")
    co_organisers = list(event.co_organisers.all())
    status = Event.Status.PUBLISHED if publish else Event.Status.DRAFT
    now = timezone.now()

    copies = []
    for day in series_dates(weekday=weekday, start=start, interval_weeks=interval_weeks, count=count):
        copy = _copy(event, slug=f"{stem}-{day.isoformat()}", status=status)
        copy.starts_at = datetime.datetime.combine(day, local_start.time(), tzinfo=RIGA)
        copy.ends_at = datetime.datetime.combine(day + days_spanned, local_end.time(), tzinfo=RIGA)
        if copy.starts_at < now:
            errors.append(_("%(date)s is in the past.") % {"date": day.isoformat()})
            continue
        try:
            copy.full_clean()
        except ValidationError as error:
            errors.extend(f"{day.isoformat()}: {message}" for message in error.messages)
        copies.append(copy)
    if errors:
        raise ValidationError(errors)
    for copy in copies:
        copy.save()
        copy.co_organisers.set(co_organisers)
    return copies


# --- Attendance -----------------------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, attendance: Attendance, recorded_by) -> Attendance:
    """Save an event's attendance counts (new or corrected) and who recorded them; ValidationError if the
    counts do not add up or the event has not started."""
    attendance.recorded_by = recorded_by
    attendance.full_clean()
    attendance.save()
    return attendance
