"""Writes on events: the admin, commands and tasks change an event's state only through these functions."""

import datetime
import hashlib
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from groundwork.plaintext import plain_text
from groundwork.queue import enqueue_on_commit
from groundwork.slugs import unique_slug

from . import alerts, emails
from .models import (
    RESERVED_SLUGS,
    SURVEY_OPEN_DAYS,
    Attendance,
    CheckInCount,
    Event,
    EventSeries,
    Registration,
    RegistrationTally,
    SurveyAnswer,
    SurveyLinkUse,
    new_registration_reference,
)


@transaction.atomic
def event_publish(*, event: Event) -> Event:
    """Make a draft or cancelled event public. Raises ValidationError when the event is not complete."""
    changed = event.status != Event.Status.PUBLISHED
    event.status = Event.Status.PUBLISHED
    event.full_clean()
    event.save(update_fields=["status", "updated_at"])
    if changed:
        _bump_sequence(event)
        alerts.event_alerts_update(event=event)
    return event


@transaction.atomic
def event_cancel(*, event: Event) -> Event:
    """Cancel a published event: it stays visible to the public, clearly marked as cancelled.

    A draft was never announced, so there is nothing to cancel: it raises ValidationError (`Event.clean`; delete
    the draft).
    """
    changed = event.status != Event.Status.CANCELLED
    event.status = Event.Status.CANCELLED
    event.full_clean()
    event.save(update_fields=["status", "updated_at"])
    if changed:
        _bump_sequence(event)
        event_registrations_update(event=event, changed_fields=["status"])
        alerts.event_alerts_update(event=event)
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
    form field names, `title_uk` included), the event's revision (`sequence`) goes up by one; the public list and
    feeds show the edit on the next request."""
    if any(_base_field_name(name) in CALENDAR_FIELDS for name in changed_fields):
        _bump_sequence(event)
    return event


# --- Copies and series ----------------------------------------------------------------------------------------

SLUG_MAX_LENGTH = Event._meta.get_field("slug").max_length
# The date suffix of an event made by a series (`-2025-10-14`); a series made from such an event drops it.
_DATE_SUFFIX = re.compile(r"-\d{4}-\d{2}-\d{2}$")
SERIES_MAX_COUNT = 52
SERIES_MAX_INTERVAL_WEEKS = 8


def _available_slug(stem: str) -> str:
    """`stem`, or `stem-2`, `stem-3` … : the first that no event has, within the slug's length."""
    return unique_slug(
        stem,
        max_length=SLUG_MAX_LENGTH,
        in_use=lambda start: Event.objects.filter(slug__startswith=start).values_list("slug", flat=True),
        reserved=RESERVED_SLUGS,
        fallback="event",
    )


def _copy(event: Event, *, slug: str, status: str, series: EventSeries | None = None) -> Event:
    """An unsaved copy of `event` with every field and translation, as a new event with its own revision count, in
    `series` (a copy of a series' date is not in that series unless `event_series_create` makes it)."""
    copy = Event.objects.get(pk=event.pk)
    copy.pk = None
    copy._state.adding = True
    copy.slug = slug
    copy.status = status
    copy.sequence = 0
    copy.series = series
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

    The copies make a new `EventSeries` (`event` itself is not in it, even when it is a date of another series):
    the alerts announce the dates published together in one e-mail, and each date published later to those not
    told of it yet.
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

    # Wall-clock times of the portal's time zone: a weekly 18:00 stays 18:00 across a change of summer time.
    zone = timezone.get_default_timezone()
    local_start = timezone.localtime(event.starts_at, zone)
    local_end = timezone.localtime(event.ends_at, zone)
    days_spanned = local_end.date() - local_start.date()
    stem = _DATE_SUFFIX.sub("", event.slug)[: SLUG_MAX_LENGTH - 11].rstrip("-")
    co_organisers = list(event.co_organisers.all())
    status = Event.Status.PUBLISHED if publish else Event.Status.DRAFT
    now = timezone.now()
    series = EventSeries()

    copies = []
    for day in series_dates(weekday=weekday, start=start, interval_weeks=interval_weeks, count=count):
        copy = _copy(event, slug=f"{stem}-{day.isoformat()}", status=status, series=series)
        copy.starts_at = datetime.datetime.combine(day, local_start.time(), tzinfo=zone)
        copy.ends_at = datetime.datetime.combine(day + days_spanned, local_end.time(), tzinfo=zone)
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
    # Saved once every date is known to be valid, before them: a refused series leaves no empty series behind.
    series.save()
    for copy in copies:
        copy.save()
        copy.co_organisers.set(co_organisers)
    if publish:
        # Each date's task is enqueued; the first one to run names them all, the others find everyone told.
        for copy in copies:
            alerts.event_alerts_update(event=copy)
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


# --- Registrations --------------------------------------------------------------------------------------------

# What tells a registrant to come at another time or to another place: she hears about a change of these.
MOVE_FIELDS = frozenset(
    {
        "starts_at",
        "ends_at",
        "venue",
        "venue_organisation",
        "venue_name",
        "online_url",
        "street_address",
        "postal_code",
        "city",
        "country",
    }
)


def _email_after_commit(registrations: Iterable[Registration], kind: str) -> None:
    """Enqueue one e-mail per registrant with an address with the change (no e-mail about a change that was rolled
    back; a broker outage delays it, see groundwork.queue)."""
    for registration in registrations:
        if registration.email:
            enqueue_on_commit("activities.tasks.send_registration_email", registration.pk, kind)


def _lock_event(event: Event) -> Event:
    # Every write on an event's registrations locks the event row first (PostgreSQL: SELECT … FOR UPDATE), so
    # they queue one behind the other per event and the counts they read stay true until they commit. SQLite
    # ignores the lock but lets one writer at a time anyway.
    return Event.objects.select_for_update().get(pk=event.pk)


def _fill_places(event: Event) -> list[Registration]:
    """With the event locked: confirm people from the waiting list, first come first served, while places are free,
    and e-mail them. Nobody moves up for a cancelled event or one that has started."""
    if event.status != Event.Status.PUBLISHED or event.starts_at <= timezone.now():
        return []
    waiting = Registration.objects.for_event(event).waiting().select_for_update()
    if event.capacity is not None:
        free = event.capacity - Registration.objects.for_event(event).confirmed().count()
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
    _email_after_commit(promoted, emails.Kind.PROMOTED)
    return promoted


def _tally(event: Event, counts: dict[str, int]) -> None:
    """Add `counts` ({status: number}) of erased registrations to the event's tally."""
    RegistrationTally.objects.get_or_create(event=event)
    RegistrationTally.objects.filter(event=event).update(
        **{status: F(status) + number for status, number in counts.items() if number}
    )


def _free_reference() -> str:
    """A reference no registration has (the unique constraint has the last word)."""
    while True:
        reference = new_registration_reference()
        if not Registration.objects.filter(reference=reference).exists():
            return reference


def _tally_checked_in(event: Event, number: int) -> None:
    """Keep `number` check-ins of registrations about to be erased as a count on the event."""
    if number:
        CheckInCount.objects.get_or_create(event=event)
        CheckInCount.objects.filter(event=event).update(erased_checked_in=F("erased_checked_in") + number)


@transaction.atomic
def registration_create(
    *,
    event: Event,
    name: str,
    email: str = "",
    phone: str = "",
    language: str,
    needs: Iterable[str] = (),
    submission_key: str = "",
) -> Registration | None:
    """Register a person for `event`: confirmed while places are free, else on the waiting list. Consent is given
    now (the form asks for it). A confirmation e-mail in `language` follows after commit.

    An e-mail address that already has an active registration for the event (in any letter case) makes no second
    one and returns None: that registrant is e-mailed, in her own language, that she is registered already, with
    the link to her page, at most once per `ALREADY_REGISTERED_EMAIL_EVERY` (`registration_tell_already_registered`).
    Both ways take the same steps up to at most one e-mail queued in this transaction, so a caller that answers both
    alike (the public form) tells nobody whether an address is registered. Phone numbers are not checked for
    duplicates: a phone-only registration is always a new one.

    `submission_key` names the form submission (`SpamProtectedFormMixin.submission_key`): the same submission
    received again (a proxy's retry after a web node died, a second tap) returns the registration it made, with
    no second place and no second e-mail.

    Raises ValidationError when the event takes no registrations or the data are not valid (no contact, …).
    Concurrent calls never confirm more people than the capacity.
    """
    event = _lock_event(event)
    if submission_key:
        # Under the event's lock: a retry arriving while the first is being written waits for it and finds it.
        made = Registration.objects.filter(event=event, submission_key=submission_key).first()
        if made is not None:
            return made
    if not event.accepts_registrations:
        raise ValidationError(_("This event does not take registrations (any more)."), code="closed")
    full = event.capacity is not None and Registration.objects.for_event(event).confirmed().count() >= event.capacity
    registration = Registration(
        event=event,
        name=plain_text(name),
        email=email.strip().lower(),
        phone=phone.strip(),
        language=language,
        needs=list(needs),
        status=Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
        consent_at=timezone.now(),
        reference=_free_reference(),
        submission_key=submission_key,
    )
    # Invalid data are refused alike whether the address is registered or not. The constraints wait for the look-up:
    # the one-per-address constraint would refuse a registered address with a message that says so.
    registration.full_clean(exclude=["reference"], validate_constraints=False)
    registered = (
        Registration.objects.for_event(event).active().filter(email__iexact=registration.email).first()
        if registration.email
        else None
    )
    if registered is not None:
        registration_tell_already_registered(registration=registered)
        return None
    # The reference's uniqueness is the database's to enforce, so that a race ends in a second draw below.
    registration.validate_constraints(exclude=["reference"])
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        # Another registration took the same reference since it was drawn (about one chance in a billion): the
        # database refused it, so draw again. Any other refusal is raised by the second save.
        registration.reference = _free_reference()
        registration.save()
    _email_after_commit([registration], emails.Kind.WAITING if full else emails.Kind.CONFIRMED)
    return registration


@transaction.atomic
def registration_tell_already_registered(*, registration: Registration) -> bool:
    """Queue the e-mail telling the registrant that the form was sent again with her address, unless she was told
    less than `settings.ALREADY_REGISTERED_EMAIL_EVERY` ago: True if it is queued now.

    Anyone can type her address into the public form; without the limit, each try would reach her mailbox.
    """
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    now = timezone.now()
    told = registration.already_registered_sent_at
    if told is not None and now < told + settings.ALREADY_REGISTERED_EMAIL_EVERY:
        return False
    registration.already_registered_sent_at = now
    # `updated_at` stays: the mark changes nothing the public pages show, so repeated tries do not renew the event
    # list's data version (activities.freshness) and with it every cached copy.
    registration.save(update_fields=["already_registered_sent_at"])
    _email_after_commit([registration], emails.Kind.ALREADY_REGISTERED)
    return True


@transaction.atomic
def registration_cancel(*, registration: Registration) -> Registration:
    """Cancel a registration. A confirmed place goes to the first person on the waiting list, who is told by
    e-mail. Cancelling a cancelled registration changes nothing; once the event has started, ValidationError."""
    event = _lock_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return registration
    if event.starts_at <= timezone.now():
        raise ValidationError(_("The event has already started, so the registration can no longer be cancelled."))
    registration.status = Registration.Status.CANCELLED
    # Checked in at the door early and then cancelled: she is not there after all.
    registration.checked_in_at = None
    registration.save(update_fields=["status", "checked_in_at", "updated_at"])
    _fill_places(event)
    return registration


@transaction.atomic
def registration_erase(*, registration: Registration) -> None:
    """Delete a registration and its personal data now; the event's tally keeps it as a number.

    Before an event that still takes place, erasing a confirmed or waiting registration is also a cancellation:
    it is counted as cancelled and the place goes to the waiting list."""
    event = _lock_event(registration.event)
    registration = Registration.objects.select_for_update().filter(pk=registration.pk).first()
    if registration is None:
        return
    status = registration.status
    if registration.is_active and event.status == Event.Status.PUBLISHED and event.starts_at > timezone.now():
        status = Registration.Status.CANCELLED
    _tally(event, {status: 1})
    if registration.is_checked_in and status == Registration.Status.CONFIRMED:
        _tally_checked_in(event, 1)
    registration.delete()
    _fill_places(event)


@transaction.atomic
def registration_remind(*, registration: Registration) -> bool:
    """Send the day-before reminder in the active language, once: True if it was sent now. A registration that is
    not confirmed, has no e-mail address, was reminded already, or whose event has started or is no longer
    published gets none."""
    registration = (
        Registration.objects.select_for_update().not_yet_written("reminder_sent_at").filter(pk=registration.pk).first()
    )
    if registration is None:
        return False
    event = registration.event
    if event.status != Event.Status.PUBLISHED or event.starts_at <= timezone.now():
        return False
    # Sent inside the transaction: if sending fails, reminder_sent_at stays empty and the next run tries again.
    emails.send_registration_email(registration, emails.Kind.REMINDER)
    registration.reminder_sent_at = timezone.now()
    registration.save(update_fields=["reminder_sent_at", "updated_at"])
    return True


def registrations_erase_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the personal data of every registration whose event ended more than `REGISTRATION_RETENTION_DAYS`
    ago, keeping the counts in each event's tally. Returns how many registrations were deleted."""
    deleted = 0
    event_ids = Registration.objects.past_retention(now).order_by().values_list("event", flat=True).distinct()
    for event in Event.objects.filter(pk__in=list(event_ids)):
        with transaction.atomic():
            event = _lock_event(event)
            expired = Registration.objects.for_event(event).past_retention(now)
            ids = list(expired.select_for_update().values_list("pk", flat=True))
            counts = dict(
                Registration.objects.filter(pk__in=ids)
                .order_by()
                .values("status")
                .annotate(number=Count("pk"))
                .values_list("status", "number")
            )
            _tally(event, counts)
            _tally_checked_in(event, Registration.objects.filter(pk__in=ids, checked_in_at__isnull=False).count())
            deleted += Registration.objects.filter(pk__in=ids).delete()[0]
    return deleted


@transaction.atomic
def event_registrations_update(*, event: Event, changed_fields: Iterable[str]) -> None:
    """Call after saving an edit of `event` (model or form field names, `venue_name_uk` included): registrants are
    told by e-mail when it was cancelled or its time or place changed, and when the capacity grew, people on the
    waiting list move up."""
    changed = {_base_field_name(name) for name in changed_fields}
    event = _lock_event(event)
    if event.starts_at <= timezone.now():
        return
    active = Registration.objects.for_event(event).active()
    if "status" in changed and event.status == Event.Status.CANCELLED:
        _email_after_commit(active, emails.Kind.EVENT_CANCELLED)
    elif event.status == Event.Status.PUBLISHED and changed & MOVE_FIELDS:
        _email_after_commit(active, emails.Kind.EVENT_MOVED)
    if "capacity" in changed:
        _fill_places(event)


# --- "Was it helpful?" ------------------------------------------------------------------------------------------


def survey_comment_text(value: str) -> str:
    """A comment as plain text: markup, control and bidirectional-override characters removed (line breaks
    kept), spaces trimmed."""
    return plain_text(strip_tags(value or ""), multiline=True)


def survey_link_digest(link_key: str) -> str:
    return hashlib.sha256(link_key.encode()).hexdigest()


def survey_link_used(*, link_key: str) -> bool:
    return SurveyLinkUse.objects.filter(digest=survey_link_digest(link_key)).exists()


@transaction.atomic
def survey_answer_record(*, event: Event, answer: str, comment: str = "", link_key: str | None = None) -> SurveyAnswer:
    """Record one anonymous answer to the event's survey, with only the day it was given. Through a follow-up
    e-mail's link (`link_key`), once per link: the link is marked used in the same transaction.

    Raises ValidationError when the survey is not open (code `closed`), the link was used (`answered`) or the
    answer is not valid; nothing is written then."""
    if not event.survey_is_open:
        raise ValidationError(_("This survey is not open."), code="closed")
    if link_key is not None:
        try:
            with transaction.atomic():
                SurveyLinkUse.objects.create(digest=survey_link_digest(link_key), event=event)
        except IntegrityError:
            raise ValidationError(_("This link has been used to answer already."), code="answered") from None
    record = SurveyAnswer(
        event=event, answer=answer, comment=survey_comment_text(comment), answered_on=timezone.localdate()
    )
    record.full_clean()
    record.save()
    return record


def survey_links_erase_closed(*, now: datetime.datetime | None = None) -> int:
    """Forget which follow-up links were used for surveys that have closed: they take no answer any more."""
    now = now or timezone.now()
    closed = SurveyLinkUse.objects.filter(event__ends_at__lt=now - datetime.timedelta(days=SURVEY_OPEN_DAYS))
    return closed.delete()[0]


@transaction.atomic
def registration_follow_up(*, registration: Registration) -> bool:
    """E-mail a confirmed registrant, in the active language, the link to the survey of the event she came to,
    once: True if it was sent now. Nothing before the event ends, for a cancelled event or a closed survey."""
    registration = (
        Registration.objects.select_for_update().not_yet_written("follow_up_sent_at").filter(pk=registration.pk).first()
    )
    if registration is None:
        return False
    event = registration.event
    if event.ends_at > timezone.now() or not event.survey_is_open:
        return False
    # Sent inside the transaction: if sending fails, follow_up_sent_at stays empty and the next run tries again.
    emails.send_registration_email(registration, emails.Kind.SURVEY)
    registration.follow_up_sent_at = timezone.now()
    registration.save(update_fields=["follow_up_sent_at", "updated_at"])
    return True


@transaction.atomic
def registration_update(*, registration: Registration, name: str, language: str, needs: Iterable[str]) -> Registration:
    """The registrant changes what she told: her name, the language she is written to in, her needs. Only while
    the registration is active and the event has not started (after that nobody reads them); ValidationError
    otherwise or for data that are not valid, and nothing is saved."""
    registration = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    if not registration.is_active or registration.event.starts_at <= timezone.now():
        raise ValidationError(_("This registration can no longer be changed."), code="closed")
    registration.name = plain_text(name)
    registration.language = language
    registration.needs = list(dict.fromkeys(needs))
    registration.full_clean()
    registration.save(update_fields=["name", "language", "needs", "updated_at"])
    return registration


# --- Check-in at the door -------------------------------------------------------------------------------------


def _door(event: Event) -> CheckInCount:
    """The event's door counts, created when staff first use the check-in: from then on the event counts no-shows."""
    return CheckInCount.objects.get_or_create(event=event)[0]


@transaction.atomic
def registration_check_in(*, event: Event, registration: Registration) -> tuple[Registration, bool]:
    """Check `registration` in at `event`'s door: `(registration, True)` when checked in now, `False` as second when
    she already was (a code read twice). Someone on the waiting list who is let in gets a confirmed place.

    ValidationError (with a code) for a registration of another event (`other_event`), a cancelled one
    (`cancelled`), or an event whose door is not open (`closed`: not published, or more than
    `CHECK_IN_OPENS_BEFORE` before its start)."""
    event = _lock_event(event)
    if registration.event_id != event.pk:
        raise ValidationError(_("This registration is for another event."), code="other_event")
    if not event.check_in_open:
        raise ValidationError(_("Check-in for this event is not open."), code="closed")
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration was cancelled."), code="cancelled")
    _door(event)
    if registration.is_checked_in:
        return registration, False
    registration.status = Registration.Status.CONFIRMED
    registration.checked_in_at = timezone.now()
    registration.full_clean()
    registration.save(update_fields=["status", "checked_in_at", "updated_at"])
    return registration, True


@transaction.atomic
def registration_check_in_undo(*, event: Event, registration: Registration) -> Registration:
    """Take back a check-in made by mistake; the registration stays confirmed.

    ValidationError (with a code) for a registration of another event (`other_event`), a cancelled one
    (`cancelled`), or one not checked in (`not_checked_in`: another device at the door took it back first, say),
    and then nothing is written."""
    event = _lock_event(event)
    if registration.event_id != event.pk:
        raise ValidationError(_("This registration is for another event."), code="other_event")
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration was cancelled."), code="cancelled")
    if not registration.is_checked_in:
        raise ValidationError(
            _("%(name)s is not checked in: there is no check-in to take back."),
            code="not_checked_in",
            params={"name": registration.name},
        )
    registration.checked_in_at = None
    registration.save(update_fields=["checked_in_at", "updated_at"])
    return registration


@transaction.atomic
def walk_ins_change(*, event: Event, change: int) -> int:
    """Add `change` (+1 or -1) to the people who came to `event` unregistered; returns the new count.
    ValidationError when the door is not open, or for a change that is not ±1 or would go below zero."""
    event = _lock_event(event)
    if change not in (1, -1):
        raise ValidationError(_("Count walk-ins one at a time."), code="invalid")
    if not event.check_in_open:
        raise ValidationError(_("Check-in for this event is not open."), code="closed")
    door = _door(event)
    if door.walk_ins + change < 0:
        raise ValidationError(_("There are no walk-ins to take away."), code="invalid")
    CheckInCount.objects.filter(pk=door.pk).update(walk_ins=F("walk_ins") + change)
    door.refresh_from_db(fields=["walk_ins"])
    return door.walk_ins


def attendance_initial(*, event: Event) -> dict[str, int]:
    """What the attendance form starts from when nothing is recorded yet: the people checked in (erased ones
    included) plus the walk-ins, if the event used check-in; else nothing."""
    door = CheckInCount.objects.filter(event=event).first()
    if door is None:
        return {}
    checked_in = Registration.objects.filter(event=event, checked_in_at__isnull=False).count()
    return {"total": checked_in + door.erased_checked_in + door.walk_ins}
