import datetime
import operator
import re
import secrets
from collections import Counter
from datetime import timedelta
from functools import reduce
from urllib.parse import unquote, urlencode

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import int_to_base36
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from simple_history.models import HistoricalRecords

from groundwork.fields import ChoiceListField, LanguageListField
from groundwork.folding import text_matches
from groundwork.labels import listed_in_text
from groundwork.languages import language_names
from groundwork.uploads import IMAGES, UploadValidator
from groundwork.validators import PlausibleDateValidator, ReservedSlugValidator, plausible_date_constraint
from partners.models import (
    ACCESS_FACT_FIELDS,
    AccessFact,
    AccessFacts,
    AccessFactsQuerySetMixin,
    Audience,
    Organisation,
    Place,
    RandomUploadPath,
)

# The door opens before the event: staff set up and people arrive early.
CHECK_IN_OPENS_BEFORE = timedelta(hours=12)

# Path segments under /<lang>/events/ that are pages of their own, so no event may take them as its slug.
RESERVED_SLUGS = ("archive", "alerts")

# The "was it helpful?" survey of an event is open from its start (people answer from the slide shown at the end)
# until this many days after its end (the follow-up e-mail goes out within a day of the end).
SURVEY_OPEN_DAYS = 30


def _start_of_day(day):
    """The first instant of `day` in the site's time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


class EventQuerySet(AccessFactsQuerySetMixin, models.QuerySet):
    def published(self):
        """Visible to the public: published, and cancelled ones, which stay visible, clearly marked."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")

    def ending_between(self, start, end):
        """Events that end on a day from `start` to `end` (dates in the site's time zone, both included): an event
        belongs to the period in which it took place, however long it lasted."""
        return self.filter(ends_at__gte=_start_of_day(start), ends_at__lt=_start_of_day(end + timedelta(days=1)))

    def held(self, start, end, *, now=None):
        """Events held in the period, the figure the funder is given: published, and ended on a day from `start`
        to `end` and by `now` (the moment the figures are made; an event still to come is planned, not held)."""
        return self.ending_between(start, end).filter(status=Event.Status.PUBLISHED, ends_at__lte=now or timezone.now())

    def planned(self, start, end, *, now=None):
        """Published events of the period that have not ended by `now`: with `held()`, every published event."""
        return self.ending_between(start, end).filter(status=Event.Status.PUBLISHED, ends_at__gt=now or timezone.now())

    def in_language(self, code):
        return self.filter(languages__icontains=f'"{code}"')

    def with_access_facts(self, codes):
        """Events with every one of the facts `codes`; an online event can be followed online, ticked or not."""
        codes = set(codes)
        events = self
        if AccessFact.ONLINE in codes:
            codes.discard(AccessFact.ONLINE)
            events = events.filter(Q(online_participation=True) | Q(venue=Event.Venue.ONLINE))
        return super(EventQuerySet, events).with_access_facts(codes)

    def for_organisation(self, organisation):
        return self.filter(Q(organiser=organisation) | Q(co_organisers=organisation)).distinct()

    def for_audience(self, code):
        return self.filter(audience__icontains=f'"{code}"')

    def starting_from(self, day):
        """Events that start on `day` (a date in the site's time zone) or later. Compared as instants, not as
        `starts_at__date`, so that the database reads the index instead of converting every row's time."""
        return self.filter(starts_at__gte=_start_of_day(day))

    def starting_until(self, day):
        """Events that start on `day` (a date in the site's time zone) or earlier."""
        return self.filter(starts_at__lt=_start_of_day(day + timedelta(days=1)))

    def at_organisation(self, organisation):
        """Organised by the organisation or held on its premises."""
        return self.filter(Q(organiser=organisation) | Q(venue_organisation=organisation))

    def in_city(self, city):
        """Where the event takes place: the venue organisation's city (the organiser's when no venue is named),
        the event's own address, or, for an online event, the organiser's city."""
        return self.filter(
            Q(venue=Event.Venue.ORGANISATION, venue_organisation__city__iexact=city)
            | Q(venue=Event.Venue.ORGANISATION, venue_organisation__isnull=True, organiser__city__iexact=city)
            | Q(venue=Event.Venue.ADDRESS, city__iexact=city)
            | Q(venue=Event.Venue.ONLINE, organiser__city__iexact=city)
        )

    def search(self, text, languages=None):
        """Free text in title, summary and description, in the given languages (by default the active language
        and its fallbacks): every word, with or without diacritics (`groundwork.folding`, the rule of every public
        search)."""
        if languages is None:
            languages = [
                get_language() or settings.LANGUAGE_CODE,
                *settings.MODELTRANSLATION_FALLBACK_LANGUAGES["default"],
            ]
        columns = [
            build_localized_fieldname(field, language)
            for field in ("title", "summary", "description")
            for language in dict.fromkeys(languages)
            if language in settings.MODELTRANSLATION_LANGUAGES
        ]
        return self.filter(text_matches(columns, text))

    def _count_language_sets(self):
        """`[(delivery language codes, status, n)]`: the events grouped by their list of languages and status, in
        one query whose answer has a row per combination in use (a few dozen), however many events there are."""
        delivery = {code for code, _name in settings.DELIVERY_LANGUAGES}
        rows = self.order_by().values_list("languages", "status").annotate(n=Count("pk"))
        return [(set(languages or ()) & delivery, status, n) for languages, status, n in rows]

    def count_by_language(self):
        """How many events there are, and how many are delivered in each language: `(total, {code: count})`,
        languages without events left out, all in one query."""
        total, by_language = 0, Counter()
        for languages, _status, n in self._count_language_sets():
            total += n
            by_language.update(dict.fromkeys(languages, n))
        return total, {code: by_language[code] for code, _name in settings.DELIVERY_LANGUAGES if by_language[code]}

    def count_listed_by_language(self):
        """For the public list, in one query: `(listed, offered)`, each `{"all": n, code: n}` with languages
        without events left out. `listed` counts every event the list shows (cancelled ones stay visible, marked):
        what its pages hold. `offered` leaves the cancelled ones out: what a visitor can still go to, as the
        counts per language say."""
        listed, offered = Counter(), Counter()
        for languages, status, n in self._count_language_sets():
            counts = {"all": n, **dict.fromkeys(languages, n)}
            listed.update(counts)
            if status != Event.Status.CANCELLED:
                offered.update(counts)
        order = ["all", *(code for code, _name in settings.DELIVERY_LANGUAGES)]
        return (
            {code: listed[code] for code in order if listed[code]},
            {code: offered[code] for code in order if offered[code]},
        )

    def still_to_come(self, now=None):
        """Published and not begun, earliest first: the events an announcement may name."""
        return self.filter(status=Event.Status.PUBLISHED, starts_at__gt=now or timezone.now()).order_by("starts_at")

    def in_series(self, series_id):
        """The events of one series; none for no series (an event outside a series has no other dates)."""
        if series_id is None:
            return self.none()
        return self.filter(series=series_id)

    def for_listing(self):
        return self.select_related("organiser", "venue_organisation")

    def card_keys(self):
        """`(pk, starts_at)` rows: what names an event's card in the fragments cache (`event_cards`), without
        reading the whole event for a card already rendered."""
        return self.values_list("pk", "starts_at", named=True)

    def for_detail(self):
        return self.select_related("organiser", "venue_organisation").prefetch_related("co_organisers")

    @staticmethod
    def count_places_taken(events):
        """Set `confirmed_count` (what `Event.places_left` reads) on each of `events`, a page already read, with
        one grouped query for them all; returns them. Cheaper than annotating every row of the page's query."""
        counts = dict(
            Registration.objects.filter(event__in=[event.pk for event in events], status=Registration.Status.CONFIRMED)
            .order_by()
            .values_list("event")
            .annotate(Count("pk"))
        )
        for event in events:
            event.confirmed_count = counts.get(event.pk, 0)
        return events

    def with_registration_counts(self):
        """Annotate each event with its registrations by status: `confirmed_count`, `waiting_count` and
        `cancelled_count` (rows that still exist), and `erased_confirmed`, `erased_waiting` and `erased_cancelled`
        (counted in the `RegistrationTally` when the personal data went). Subqueries, so the number of queries
        stays one whatever else the queryset joins."""

        def live(status):
            rows = (
                Registration.objects.filter(event=OuterRef("pk"), status=status)
                .order_by()
                .values("event")
                .annotate(count=Count("pk"))
                .values("count")
            )
            return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)

        statuses = Registration.Status
        return self.with_erased_registration_counts().annotate(
            confirmed_count=live(statuses.CONFIRMED),
            waiting_count=live(statuses.WAITING),
            cancelled_count=live(statuses.CANCELLED),
        )

    def with_erased_registration_counts(self):
        """Annotate each event with `erased_confirmed`, `erased_waiting` and `erased_cancelled`: the registrations
        counted in its `RegistrationTally` when their personal data went (one row per event)."""

        def erased(status):
            rows = RegistrationTally.objects.filter(event=OuterRef("pk")).values(status)
            return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)

        return self.annotate(
            erased_confirmed=erased("confirmed"),
            erased_waiting=erased("waiting"),
            erased_cancelled=erased("cancelled"),
        )

    def with_door_counts(self):
        """Annotate each event with what its `CheckInCount` keeps (one row per event): `erased_checked_in`,
        `walk_ins`, and `uses_check_in` (whether staff checked anyone in or counted a walk-in)."""
        counts = CheckInCount.objects.filter(event=OuterRef("pk"))
        return self.annotate(
            erased_checked_in=Coalesce(
                Subquery(counts.values("erased_checked_in"), output_field=models.IntegerField()), 0
            ),
            walk_ins=Coalesce(Subquery(counts.values("walk_ins"), output_field=models.IntegerField()), 0),
            uses_check_in=models.Exists(counts),
        )

    def with_check_in_counts(self):
        """Annotate each event with its door counts: `checked_in_count` (registrations checked in, erased ones
        included), `walk_ins`, and `uses_check_in` (whether staff checked anyone in or counted a walk-in)."""
        live = (
            Registration.objects.filter(event=OuterRef("pk"), checked_in_at__isnull=False)
            .order_by()
            .values("event")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.with_door_counts().annotate(
            checked_in_count=Coalesce(Subquery(live, output_field=models.IntegerField()), 0) + F("erased_checked_in")
        )


class EventSeries(models.Model):
    """Events made together by repeating one (`services.event_series_create`), each an ordinary event edited,
    published and cancelled on its own. To a subscriber they are one piece of news: an alert e-mail names the
    series' dates published together, a date published later comes in an e-mail of its own to those told of the
    others, and each date's page lists the others. A copy made by `event_duplicate` is in none."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("event series")
        # The same word in English, not in Latvian, Ukrainian or Russian.
        verbose_name_plural = pgettext_lazy("plural", "event series")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class Event(AccessFacts, Place):
    class Kind(models.TextChoices):
        SEMINAR = "seminar", _("Seminar")
        WORKSHOP = "workshop", _("Workshop")
        INFORMATION_SESSION = "information_session", _("Information session")
        LANGUAGE_CAFE = "language_cafe", _("Language café / conversation club")
        PARTNER_MEETING = "partner_meeting", _("Partner meeting")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class Venue(models.TextChoices):
        ORGANISATION = "organisation", _("At an organisation's premises")
        ADDRESS = "address", _("At another address")
        ONLINE = "online", _("Online")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, validators=[ReservedSlugValidator(RESERVED_SLUGS)])
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.SEMINAR)
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="organised_events", verbose_name=_("organiser")
    )
    co_organisers = models.ManyToManyField(
        Organisation, blank=True, related_name="co_organised_events", verbose_name=_("co-organisers")
    )
    starts_at = models.DateTimeField(_("starts at"), validators=[PlausibleDateValidator()])
    ends_at = models.DateTimeField(_("ends at"), validators=[PlausibleDateValidator()])
    venue = models.CharField(_("venue"), max_length=20, choices=Venue.choices, default=Venue.ORGANISATION)
    venue_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name=_("venue organisation"),
        help_text=_("Whose premises the event takes place in; the organiser's by default."),
    )
    venue_name = models.CharField(_("venue name"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    languages = LanguageListField(_("languages of delivery"))
    audience = ChoiceListField(_("audience"), choices=Audience.choices)
    accessibility = models.TextField(
        _("accessibility note"),
        blank=True,
        help_text=_("What the ticked facts do not say: the entrance to use, the nearest accessible toilet, and so on."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, validators=[MinValueValidator(0)], help_text=_("Empty: no limit.")
    )
    registration_required = models.BooleanField(_("registration required"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    image = models.ImageField(
        _("image"),
        upload_to=RandomUploadPath("events"),
        blank=True,
        validators=[UploadValidator(*IMAGES)],
        help_text=_("PNG, JPEG or WebP."),
    )
    image_alt = models.CharField(_("image description (alt text)"), max_length=250, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    # Only `event_series_create` sets it, on the copies it makes: never a form, never a duplicate.
    series = models.ForeignKey(
        EventSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="events",
        verbose_name=_("series"),
    )
    sequence = models.PositiveIntegerField(
        _("revision"),
        default=0,
        editable=False,
        help_text=_("Counts changes to the time, place, title or status: calendar feeds carry it as SEQUENCE."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()
    # Who created, changed, published, cancelled or deleted the event (the admin request gives the person).
    # The revision counter changes with the status or the time, so it would only repeat those changes.
    history = HistoricalRecords(excluded_fields=["updated_at", "sequence"], m2m_fields=[co_organisers])

    class Meta(Place.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            *Place.Meta.constraints,
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0), name="event_capacity_not_negative"
            ),
            models.CheckConstraint(condition=~Q(venue="online") | ~Q(online_url=""), name="event_online_has_link"),
            plausible_date_constraint("starts_at", name="event_starts_at_plausible", instant=True),
            plausible_date_constraint("ends_at", name="event_ends_at_plausible", instant=True),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            # Read by the list's and the feeds' ETag (activities.conditional): the latest change, the next end.
            models.Index(fields=["updated_at"], name="event_updated_at"),
            models.Index(fields=["ends_at"], name="event_ends_at"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:event_detail", kwargs={"slug": self.slug})

    @property
    def is_past(self):
        return self.ends_at < timezone.now()

    def has_access_fact(self, code):
        if code == AccessFact.ONLINE and self.venue == self.Venue.ONLINE:
            return True
        return super().has_access_fact(code)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_online(self):
        return self.venue == self.Venue.ONLINE

    @property
    def survey_closes_at(self):
        return self.ends_at + timedelta(days=SURVEY_OPEN_DAYS)

    @property
    def survey_is_open(self):
        """Whether the "was it helpful?" survey takes answers now: a published event that has started, until
        `SURVEY_OPEN_DAYS` after its end. A cancelled event took place for nobody."""
        now = timezone.now()
        return self.status == self.Status.PUBLISHED and self.starts_at <= now < self.survey_closes_at

    @property
    def survey_code(self):
        """The short code of the survey's short link (`/s/<code>/`): the event's id in base 36."""
        return int_to_base36(self.pk)

    @property
    def check_in_open(self):
        """Whether registrants can be checked in at the door: a published event, from `CHECK_IN_OPENS_BEFORE` its
        start on (and as long as the registrations are kept)."""
        return self.status == self.Status.PUBLISHED and timezone.now() >= self.starts_at - CHECK_IN_OPENS_BEFORE

    @property
    def accepts_registrations(self):
        """Open for registration: published, registration asked for, and not started yet."""
        return self.status == self.Status.PUBLISHED and self.registration_required and self.starts_at > timezone.now()

    @property
    def places_left(self):
        """Free places, or None without a limit; reads `confirmed_count` from `with_registration_counts()` or
        `count_places_taken()`."""
        if self.capacity is None:
            return None
        confirmed = getattr(self, "confirmed_count", None)
        if confirmed is None:
            confirmed = self.registrations.confirmed().count()
        return max(self.capacity - confirmed, 0)

    @property
    def language_names(self):
        """The names of the event's languages as labels, each standing alone (the tags of its card)."""
        return language_names(self.languages)

    @property
    def language_names_in_text(self):
        """The names of the event's languages as a list inside text writes them ("Мови: латиська, українська")."""
        return language_names(self.languages, in_text=True)

    @property
    def audience_names_in_text(self):
        """Whom the event is for, as a list inside text writes it ("Для кого: громадяни третіх країн, широка
        громадськість")."""
        names = dict(Audience.choices)
        return listed_in_text(names.get(code, code) for code in self.audience)

    @property
    def place(self):
        """Where to find the event: the venue organisation's address unless another address is given."""
        if self.venue == self.Venue.ORGANISATION:
            return self.venue_organisation or self.organiser
        return self

    @property
    def place_name(self):
        """What to call the place: the event's own venue name, else the hosting organisation's name."""
        if self.venue == self.Venue.ONLINE:
            return ""
        if self.venue_name:
            return self.venue_name
        return str(self.place) if self.venue == self.Venue.ORGANISATION else ""

    @property
    def directions_url(self):
        """An OpenStreetMap route to the place (the visitor fills in where they start), or a search by address."""
        place = self.place
        if self.venue == self.Venue.ONLINE:
            return ""
        if place.has_point:
            return f"https://www.openstreetmap.org/directions?route=%3B{place.latitude}%2C{place.longitude}"
        if place.address_line:
            return f"https://www.openstreetmap.org/search?{urlencode({'query': place.address_line})}"
        return ""

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        if self.venue == self.Venue.ONLINE and not self.online_url:
            errors["online_url"] = _("An online event needs a link.")
        if self.venue == self.Venue.ADDRESS and not (self.street_address or self.city):
            errors["street_address"] = _("Give the address where the event takes place.")
        if self.image and not self.image_alt:
            errors["image_alt"] = _("Describe the image for people who cannot see it.")
        if not self.languages:
            errors["languages"] = _("Choose at least one language of delivery.")
        if self.status == self.Status.CANCELLED and not self._was_public():
            errors["status"] = _(
                "An event that has not been published cannot be cancelled: nobody has been told of it. "
                "Delete a draft that will not take place."
            )
        if errors:
            raise ValidationError(errors)

    def _was_public(self):
        """Whether the event as saved is published or cancelled: only such an event may be (or stay) cancelled.

        Read from the saved row, not held in a constraint: no column records that an event was once published (a
        published event taken back to draft is a draft like any other)."""
        if self._state.adding or self.pk is None:
            return False
        saved = type(self)._default_manager.filter(pk=self.pk).values_list("status", flat=True).first()
        return saved in (self.Status.PUBLISHED, self.Status.CANCELLED)


# Salt of the signed links to a registrant's page: a signature made for anything else does not fit.
REGISTRATION_LINK_SALT = "activities.registration.manage"

# Salt of the survey links in follow-up e-mails: a signature made for anything else does not fit.
SURVEY_LINK_SALT = "activities.survey.link"


def survey_link_salt(event_id):
    """A link signed for one event's survey does not open another's."""
    return f"{SURVEY_LINK_SALT}:{event_id}"


def new_registration_token():
    return secrets.token_urlsafe(24)


# The follow-up e-mail goes to registrants of events that ended at most this long ago.
FOLLOW_UP_WITHIN = timedelta(days=2)


# A registration's reference, read out over the phone or from a slip of paper: letters and digits that cannot be
# taken for one another (no 0/O, 1/I/L), 32 of them, so six make about a billion references.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 6


REFERENCE_PATTERN = re.compile(f"[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}}")
# The registrant's page in any language: /<lang>/events/registration/<signed token>/, absolute or not.
MANAGE_LINK_PATTERN = re.compile(r"/events/registration/(?P<signed_token>[^/?#\s]+)/")


def new_registration_reference():
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self):
        """The waiting list, first come first served."""
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")

    def active(self):
        """Confirmed or waiting: the people who still expect to come."""
        return self.filter(status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING])

    def for_event(self, event):
        return self.filter(event=event)

    def not_yet_written(self, sent_field):
        """Confirmed registrations with an e-mail address that have not had the e-mail whose sending time
        `sent_field` records (the reminder, the survey's follow-up)."""
        return self.confirmed().exclude(email="").filter(**{f"{sent_field}__isnull": True})

    def due_for_follow_up(self, now=None):
        """Confirmed registrations with an e-mail address for published events that ended within the last
        `FOLLOW_UP_WITHIN`, not asked yet whether the event helped. Older events are left alone: an invitation
        weeks after the event (or for events held before the survey existed) would puzzle more than help."""
        now = now or timezone.now()
        return self.not_yet_written("follow_up_sent_at").filter(
            event__status=Event.Status.PUBLISHED,
            event__ends_at__lte=now,
            event__ends_at__gt=now - FOLLOW_UP_WITHIN,
        )

    def due_for_reminder(self, now=None):
        """Confirmed registrations with an e-mail address for published events that start within the next day, not
        reminded yet. Who registered less than a day before the start has just had the confirmation: no reminder."""
        now = now or timezone.now()
        return (
            self.confirmed()
            .exclude(email="")
            .filter(
                reminder_sent_at__isnull=True,
                event__status=Event.Status.PUBLISHED,
                event__starts_at__gt=now,
                event__starts_at__lte=now + timedelta(days=1),
                created_at__lt=F("event__starts_at") - timedelta(days=1),
            )
        )

    def matching(self, text):
        """A search at the door: every word in the name (with or without diacritics), or the reference."""
        reference = text.strip().upper()
        by_reference = Q(reference=reference) if REFERENCE_PATTERN.fullmatch(reference) else Q(pk__in=[])
        return self.filter(text_matches(["name"], text) | by_reference)

    def for_code(self, text):
        """The registration a code read at the door names: the address of her own page (the QR code on her
        confirmation) or her reference, typed or read out (case, spaces and dashes do not matter). A code that
        names none, or a link whose signature does not fit, gives an empty queryset."""
        text = text.strip()
        link = MANAGE_LINK_PATTERN.search(text)
        if link:
            try:
                token = signing.Signer(salt=REGISTRATION_LINK_SALT).unsign(unquote(link["signed_token"]))
            except signing.BadSignature:
                return self.none()
            return self.filter(token=token)
        reference = re.sub(r"[\s-]", "", text).upper()
        if REFERENCE_PATTERN.fullmatch(reference):
            return self.filter(reference=reference)
        return self.none()

    def past_retention(self, now=None):
        """Registrations whose event ended more than `REGISTRATION_RETENTION_DAYS` ago: their personal data goes."""
        now = now or timezone.now()
        return self.filter(event__ends_at__lt=now - timedelta(days=settings.REGISTRATION_RETENTION_DAYS))


class Registration(models.Model):
    """One person's place (or place in the queue) at an event. Only what is needed to reach them: no nationality,
    no residence status. Deleted on request and `REGISTRATION_RETENTION_DAYS` after the event; the event's
    `RegistrationTally` keeps the counts."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Need(models.TextChoices):
        WHEELCHAIR = "wheelchair", _("Step-free (wheelchair) access")
        SIGN_LANGUAGE = "sign_language", _("Sign-language interpretation")
        HEARING_LOOP = "hearing_loop", _("Hearing loop")
        LARGE_PRINT = "large_print", _("Large print materials")
        CHILDCARE = "childcare", _("Childcare during the event")
        QUIET_SPACE = "quiet_space", _("A quiet space to rest")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    name = models.CharField(_("name or nickname"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("preferred language"), max_length=8, choices=settings.LANGUAGES)
    needs = ChoiceListField(_("accessibility needs"), choices=Need.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    token = models.CharField(_("public token"), max_length=40, unique=True, default=new_registration_token)
    reference = models.CharField(
        _("reference"),
        max_length=REFERENCE_LENGTH,
        unique=True,
        default=new_registration_reference,
        editable=False,
        help_text=_("A short code the registrant quotes when she calls the library."),
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True, editable=False)
    # The digest of the form submission that made it (SpamProtectedFormMixin.submission_key): the same post
    # received twice makes one registration. Empty for registrations made otherwise.
    submission_key = models.CharField(_("submission key"), max_length=32, blank=True, default="", editable=False)
    consent_at = models.DateTimeField(_("consent given at"))
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    follow_up_sent_at = models.DateTimeField(
        _("survey invitation sent at"),
        null=True,
        blank=True,
        help_text=_("The e-mail after the event asking whether it helped; sent once, deleted with the registration."),
    )
    already_registered_sent_at = models.DateTimeField(
        _("“already registered” e-mail last sent at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When she was last told that the registration form was sent again with her e-mail address; "
            "she is told at most once a day, however often it is sent."
        ),
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""),
                name="registration_has_contact",
                violation_error_message=_("Give an e-mail address or a phone number."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "waiting", "cancelled"]), name="registration_status_valid"
            ),
            # Who is let in at the door holds a place: a waiting registrant checked in is confirmed first.
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="confirmed"),
                name="registration_checked_in_confirmed",
            ),
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(email="") & ~Q(status="cancelled"),
                name="registration_one_per_email",
                violation_error_message=_("This e-mail address is already registered for this event."),
            ),
            models.UniqueConstraint(
                fields=["event", "submission_key"],
                condition=~Q(submission_key=""),
                name="registration_once_per_submission",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            # Read by the event list's data version (activities.freshness): the cards show the places left.
            models.Index(fields=["updated_at"], name="registration_updated_at"),
        ]

    def __str__(self):
        return f"{self.name} – {self.event}"

    def clean(self):
        super().clean()
        if not self.email and not self.phone:
            raise ValidationError(
                {"email": _("Give an e-mail address or a phone number, so the organiser can reach you.")}
            )

    @property
    def need_names_in_text(self):
        """What the registrant needs to take part, as a list inside text writes it."""
        names = dict(self.Need.choices)
        return listed_in_text(names.get(code, code) for code in self.needs)

    @property
    def is_active(self):
        return self.status in (self.Status.CONFIRMED, self.Status.WAITING)

    @property
    def waiting_position(self):
        """1 for the first on the waiting list, and so on; None when not waiting."""
        if self.status != self.Status.WAITING:
            return None
        ahead = Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk)
        return Registration.objects.for_event(self.event_id).waiting().filter(ahead).count() + 1

    @property
    def signed_token(self):
        """The random token, signed: a changed link is told apart from a registration that no longer exists."""
        return signing.Signer(salt=REGISTRATION_LINK_SALT).sign(self.token)

    def get_manage_url(self):
        """The registrant's own page (cancel, erase), in the active language."""
        return reverse("activities:registration_manage", kwargs={"signed_token": self.signed_token})

    @property
    def survey_link_key(self):
        """The key of this registration's survey link: derived from its random token one way, so the link names
        no registration and its digest in `SurveyLinkUse` leads back to none without the site's secret."""
        return salted_hmac(SURVEY_LINK_SALT, self.token, algorithm="sha256").hexdigest()[:32]

    def get_survey_url(self):
        """The event's survey through this registration's own link (one answer per link), in the active
        language."""
        signed = signing.Signer(salt=survey_link_salt(self.event_id)).sign(self.survey_link_key)
        return reverse("activities:event_survey_link", kwargs={"slug": self.event.slug, "signed_key": signed})

    @property
    def is_checked_in(self):
        return self.checked_in_at is not None


class RegistrationTally(models.Model):
    """Counts of an event's registrations whose personal data has been deleted, by their status at the time.

    Erasing a registration moves it from a row to a number here, so the organiser's and the funder's counts
    (live rows plus tally) survive the deletion of personal data."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="registration_tally", verbose_name=_("event")
    )
    confirmed = models.PositiveIntegerField(_("confirmed"), default=0)
    waiting = models.PositiveIntegerField(_("waiting"), default=0)
    cancelled = models.PositiveIntegerField(_("cancelled"), default=0)

    class Meta:
        verbose_name = _("registration tally")
        verbose_name_plural = _("registration tallies")

    def __str__(self):
        return str(self.event)


class CheckInCount(models.Model):
    """An event's check-in at the door, as counts. Its row exists once staff used the check-in page for the event
    (a registrant checked in or a walk-in counted), which is what tells no-shows from events nobody checked.

    Check-in marks are personal data on the registrations and go with them; `erased_checked_in` keeps how many
    of the erased registrations had been checked in, so attendance and no-shows stay right after the purge."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="check_in_count", verbose_name=_("event")
    )
    walk_ins = models.PositiveIntegerField(_("walk-ins"), default=0, help_text=_("People who came unregistered."))
    erased_checked_in = models.PositiveIntegerField(_("checked in, data erased"), default=0)
    started_at = models.DateTimeField(_("check-in started at"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in count")
        verbose_name_plural = _("check-in counts")
        constraints = [
            models.CheckConstraint(condition=Q(walk_ins__gte=0), name="check_in_count_walk_ins_not_negative"),
            models.CheckConstraint(condition=Q(erased_checked_in__gte=0), name="check_in_count_erased_not_negative"),
        ]

    def __str__(self):
        return str(self.event)


# --- Alerts for new events -------------------------------------------------------------------------------------

# Salts of the signed links in alert e-mails: a link made for one purpose does not open another.
ALERT_CONFIRM_SALT = "activities.alert.confirm"
ALERT_MANAGE_SALT = "activities.alert.manage"
ALERT_UNSUBSCRIBE_SALT = "activities.alert.unsubscribe"
# A sign-up nobody confirmed is deleted this long after it was made; its confirmation link lasts as long.
ALERT_CONFIRMATION_DAYS = 7
# What the change page of an alert says when its new filters are those of another alert of the same address.
ALERT_SAME_FILTERS_MESSAGE = _(
    "You already have an alert with these filters. Choose other filters, or leave this alert as it is."
)


class EventAlertQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self):
        return self.filter(confirmed_at__isnull=True)

    def for_address(self, email):
        return self.filter(email=email.strip().lower())

    def unconfirmed_expired(self, now=None):
        """Sign-ups not confirmed within `ALERT_CONFIRMATION_DAYS`: the address goes."""
        now = now or timezone.now()
        return self.unconfirmed().filter(created_at__lt=now - timedelta(days=ALERT_CONFIRMATION_DAYS))

    def matching(self, event):
        """Alerts whose filters let `event` through, read as the event list reads them (`EventFilter`): the
        language of delivery, the city where it takes place, the organiser or host, the kind, the audience and the
        accessibility facts. The event's facts are known here, so an alert requiring one the event lacks is left
        out, all in the one query."""
        city = event.city if event.venue == Event.Venue.ADDRESS else ""
        if event.venue == Event.Venue.ORGANISATION and event.venue_organisation_id:
            city = event.venue_organisation.city
        elif event.venue != Event.Venue.ADDRESS:
            city = event.organiser.city
        libraries = {event.organiser_id, event.venue_organisation_id} - {None}
        return self.filter(
            Q(event_language="") | Q(event_language__in=event.languages),
            Q(city="") | Q(city__iexact=city),
            Q(library__isnull=True) | Q(library__in=libraries),
            Q(kind="") | Q(kind=event.kind),
            Q(audience="") | Q(audience__in=event.audience),
        ).exclude(
            # An empty Q() excludes nothing, so the event with every fact sends to every alert.
            reduce(
                operator.or_,
                (Q(access__icontains=f'"{code}"') for code in ACCESS_FACT_FIELDS if not event.has_access_fact(code)),
                Q(),
            )
        )


class EventAlert(models.Model):
    """A person's wish to hear of new events like those of a filtered event list, by e-mail, without an account.

    Only the address and the filters are kept. Nothing is sent before the person confirms through the link of the
    one confirmation e-mail; unconfirmed sign-ups are deleted after `ALERT_CONFIRMATION_DAYS`, and unsubscribing
    deletes the address."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("As soon as an event is published")
        WEEKLY = "weekly", _("A weekly summary on Monday morning")

    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language of the e-mails"), max_length=8, choices=settings.LANGUAGES)
    event_language = models.CharField(
        _("language of delivery"),
        max_length=8,
        choices=settings.DELIVERY_LANGUAGES,
        blank=True,
        help_text=_("Empty: any language."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True, help_text=_("Empty: any city."))
    library = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("library or organisation"),
        help_text=_("Empty: any organiser."),
    )
    kind = models.CharField(_("kind of event"), max_length=32, choices=Event.Kind.choices, blank=True)
    audience = models.CharField(_("audience"), max_length=32, choices=Audience.choices, blank=True)
    access = ChoiceListField(
        _("accessibility and practical facts"),
        choices=AccessFact.choices,
        help_text=_("Empty: any event. Several: only events with all of them."),
    )
    frequency = models.CharField(_("how often"), max_length=16, choices=Frequency.choices, default=Frequency.IMMEDIATE)
    token = models.CharField(_("public token"), max_length=40, unique=True, default=new_registration_token)
    confirmations_sent = models.PositiveSmallIntegerField(_("confirmation e-mails sent"), default=0)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = EventAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("event alert")
        verbose_name_plural = _("event alerts")
        ordering = ["-created_at", "pk"]
        # Coordinators see the counts; the addresses only those given this permission (not a role's default).
        permissions = [("manage_alerts", _("Can see and manage the addresses of event alerts"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=["immediate", "weekly"]), name="eventalert_frequency_valid"
            ),
            # The same filters twice for one address would send every event twice. A conditional constraint's
            # own message names the constraint; the person changing one alert to another's filters reads this.
            models.UniqueConstraint(
                fields=["email", "event_language", "city", "library", "kind", "audience", "access"],
                condition=Q(library__isnull=False),
                name="eventalert_one_per_filters_library",
                violation_error_message=ALERT_SAME_FILTERS_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["email", "event_language", "city", "kind", "audience", "access"],
                condition=Q(library__isnull=True),
                name="eventalert_one_per_filters",
                violation_error_message=ALERT_SAME_FILTERS_MESSAGE,
            ),
        ]
        indexes = [models.Index(fields=["email"], name="eventalert_email")]

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    @property
    def access_facts(self):
        """The facts the alert requires, as `AccessFact` members in their display order."""
        return [AccessFact(code) for code in ACCESS_FACT_FIELDS if code in self.access]

    @property
    def access_fact_names_in_text(self):
        """The facts the alert requires, as a list inside text writes them."""
        return listed_in_text(fact.label for fact in self.access_facts)

    def filters(self):
        """The alert's filters as the event list's query string values (empty ones left out)."""
        values = {
            "language": self.event_language or "all",
            "city": self.city,
            "library": self.library.slug if self.library_id else "",
            "kind": self.kind,
            "audience": self.audience,
            "access": self.access,
        }
        return {name: value for name, value in values.items() if value}

    def signed_token(self, salt):
        """The random token signed for one purpose (`ALERT_MANAGE_SALT`, `ALERT_UNSUBSCRIBE_SALT`): the link of
        one purpose opens no other, and a changed link is told apart from an alert that is gone."""
        return signing.Signer(salt=salt).sign(self.token)

    def get_confirm_url(self):
        token = signing.TimestampSigner(salt=ALERT_CONFIRM_SALT).sign(self.token)
        return reverse("activities:alert_confirm", kwargs={"signed_token": token})

    def get_manage_url(self):
        return reverse("activities:alert_manage", kwargs={"signed_token": self.signed_token(ALERT_MANAGE_SALT)})

    def get_unsubscribe_url(self):
        signed_token = self.signed_token(ALERT_UNSUBSCRIBE_SALT)
        return reverse("activities:alert_unsubscribe", kwargs={"signed_token": signed_token})

    def get_events_url(self):
        """The event list with the alert's filters."""
        return f"{reverse('activities:event_list')}?{urlencode(self.filters(), doseq=True)}"


class EventAnnouncement(models.Model):
    """That an event has been announced to the alerts: made once, the first time the event is published, so that
    publishing it again (after a withdrawal) or editing it announces nothing. A date of a series gets one too; its
    announcement tells only those the ledger says were not told of it (with an earlier date, say)."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="announcement", verbose_name=_("event")
    )
    announced_at = models.DateTimeField(_("announced at"), default=timezone.now)

    class Meta:
        verbose_name = _("event announcement")
        verbose_name_plural = _("event announcements")

    def __str__(self):
        return str(self.event)


class AlertDeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_at__isnull=True)

    def past_retention(self, now=None):
        """Rows of events that ended more than `REGISTRATION_RETENTION_DAYS` ago: nothing more is sent about them."""
        now = now or timezone.now()
        return self.filter(event__ends_at__lt=now - timedelta(days=settings.REGISTRATION_RETENTION_DAYS))


class AlertDelivery(models.Model):
    """The ledger of announcements: one row per alert and event, written before the e-mail goes and marked in the
    transaction that sends it, one e-mail at a time, so that a sending task run again (after a crash, or delivered
    twice) sends nobody the same event twice, and a cancellation is told exactly to those who were told of the
    event. For a series, a row per date the e-mail named."""

    alert = models.ForeignKey(EventAlert, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("alert"))
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    cancellation_sent_at = models.DateTimeField(_("cancellation sent at"), null=True, blank=True)

    objects = AlertDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert delivery")
        verbose_name_plural = _("alert deliveries")
        constraints = [models.UniqueConstraint(fields=["alert", "event"], name="alertdelivery_once_per_event")]
        indexes = [models.Index(fields=["event", "sent_at"], name="alertdelivery_event_sent")]

    def __str__(self):
        return f"{self.alert_id} – {self.event_id}"


# Field names of attendance's optional breakdowns; each group adds up to at most the total.
ATTENDANCE_AGE_BANDS = ("age_0_17", "age_18_29", "age_30_49", "age_50_64", "age_65_plus")
ATTENDANCE_GENDERS = ("women", "men", "gender_other")


class Attendance(models.Model):
    """How many people took part in an event, as aggregated counts only: there is no record of any person.

    The activity type and the counts follow the funder's reporting (AMIF, Annex VIII): participants, of whom
    third-country nationals, optionally by age band and by gender. A breakdown may be partial, never more
    than the total."""

    class ActivityType(models.TextChoices):
        LANGUAGE_COURSE = "language_course", _("Language course")
        CIVIC_ORIENTATION = "civic_orientation", _("Civic orientation")
        PROFESSIONAL_GUIDANCE = "professional_guidance", _("Personal professional guidance")
        OTHER = "other", _("Other")

    AGE_BANDS = ATTENDANCE_AGE_BANDS
    GENDERS = ATTENDANCE_GENDERS

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("event"))
    activity_type = models.CharField(_("activity type"), max_length=32, choices=ActivityType.choices)
    total = models.PositiveIntegerField(_("participants in total"))
    third_country_nationals = models.PositiveIntegerField(
        _("of whom third-country nationals"), default=0, help_text=_("A count only; nobody's nationality is stored.")
    )
    age_0_17 = models.PositiveIntegerField(_("aged 0–17"), null=True, blank=True)
    age_18_29 = models.PositiveIntegerField(_("aged 18–29"), null=True, blank=True)
    age_30_49 = models.PositiveIntegerField(_("aged 30–49"), null=True, blank=True)
    age_50_64 = models.PositiveIntegerField(_("aged 50–64"), null=True, blank=True)
    age_65_plus = models.PositiveIntegerField(_("aged 65 or more"), null=True, blank=True)
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    gender_other = models.PositiveIntegerField(_("other or not disclosed"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["-event__starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(third_country_nationals__lte=F("total")),
                name="attendance_tcn_within_total",
                violation_error_message=_("There cannot be more third-country nationals than participants."),
            ),
            models.CheckConstraint(
                condition=Q(total__gte=sum((Coalesce(name, 0) for name in ATTENDANCE_AGE_BANDS), Value(0))),
                name="attendance_age_bands_within_total",
                violation_error_message=_("The age bands add up to more than the participants in total."),
            ),
            models.CheckConstraint(
                condition=Q(total__gte=sum((Coalesce(name, 0) for name in ATTENDANCE_GENDERS), Value(0))),
                name="attendance_genders_within_total",
                violation_error_message=_("The genders add up to more than the participants in total."),
            ),
        ]

    def __str__(self):
        return str(self.event)

    def clean(self):
        super().clean()
        errors = {}
        if self.event_id and self.event.starts_at > timezone.now():
            errors["event"] = _("Attendance can be recorded once the event has started.")
        if self.total is not None:
            if self.third_country_nationals is not None and self.third_country_nationals > self.total:
                errors["third_country_nationals"] = _("There cannot be more third-country nationals than participants.")
            for group, field, message in (
                (
                    self.AGE_BANDS,
                    "age_0_17",
                    _("The age bands add up to %(sum)d, more than the %(total)d participants."),
                ),
                (self.GENDERS, "women", _("The genders add up to %(sum)d, more than the %(total)d participants.")),
            ):
                added = sum(getattr(self, name) or 0 for name in group)
                if added > self.total:
                    errors[field] = message % {"sum": added, "total": self.total}
        if errors:
            raise ValidationError(errors)


SURVEY_COMMENT_MAX_LENGTH = 500


class SurveyAnswerQuerySet(models.QuerySet):
    def helpfulness_counts(self):
        """`{"helpful": n, "somewhat": n, "not_helpful": n, "total": n}` in one query."""
        return self.order_by().aggregate(
            total=Count("pk"),
            **{code: Count("pk", filter=Q(answer=code)) for code in SurveyAnswer.Answer.values},
        )


class SurveyAnswer(models.Model):
    """One anonymous answer to "was this event helpful for your integration?" (the funder's result indicator).

    Nothing about the person is kept: no registration, no address, no browser, and only the day of the answer, so
    an answer cannot be matched to a registration or to the log of a web server. Whether a follow-up link was used
    is kept apart, hashed, in `SurveyLinkUse`, which points to no answer."""

    class Answer(models.TextChoices):
        HELPFUL = "helpful", _("Yes, it helped")
        SOMEWHAT = "somewhat", _("Somewhat")
        NOT_HELPFUL = "not_helpful", _("No, it did not help")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="survey_answers", verbose_name=_("event"))
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices)
    comment = models.TextField(_("comment"), max_length=SURVEY_COMMENT_MAX_LENGTH, blank=True)
    answered_on = models.DateField(_("answered on"), default=timezone.localdate)

    objects = SurveyAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        # By event and day only: the order in which answers came says nothing more.
        ordering = ["-answered_on", "event", "answer"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer__in=["helpful", "somewhat", "not_helpful"]), name="survey_answer_valid"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), SURVEY_COMMENT_MAX_LENGTH),
                name="survey_answer_comment_length",
            ),
        ]
        indexes = [models.Index(fields=["event", "answer"], name="survey_answer_event")]

    def __str__(self):
        return f"{self.event}: {self.get_answer_display()}"

    def clean(self):
        super().clean()
        # A text field's max_length is a widget's, not a model's, check.
        if len(self.comment) > SURVEY_COMMENT_MAX_LENGTH:
            raise ValidationError(
                {"comment": _("Write at most %(max)d characters.") % {"max": SURVEY_COMMENT_MAX_LENGTH}}
            )


class SurveyLinkUse(models.Model):
    """That the survey link of one registration's follow-up e-mail has been used: one answer per link. Only a
    one-way digest of the link's key, no time and no answer, so it tells neither who answered nor what; deleted when
    the event's survey closes."""

    digest = models.CharField(_("digest"), max_length=64, primary_key=True)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))

    class Meta:
        verbose_name = _("used survey link")
        verbose_name_plural = _("used survey links")

    def __str__(self):
        return self.digest[:12]
