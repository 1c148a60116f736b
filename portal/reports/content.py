"""What a progress report contains: the indicators for the funder, breakdowns per library and per month, and the
detail sheets, as `Sheet`s of header and rows for the writers in `portal.reports.writers`.

Contract of the scope (`Scope`):

- Period: events that start on a day from `start` to `end` (Riga dates, both included); agreements signed,
  resources published and initiatives added on such a day; initiatives active when their active period (open
  ends allowed) overlaps it.
- Libraries and countries narrow by the responsible organisation: an event's organiser, an agreement's parties
  (any of them), a resource's publishing organisation and an initiative's host; countries are the organisations'
  countries, except for initiatives, whose own country (where they are on the map) counts, since public
  suggestions may have no host. Empty means no restriction.
- Events held are published (not draft, not cancelled) events; registration counts cover published and cancelled
  events, live rows plus the tallies left when personal data was erased.

Every number comes from an aggregate query in the database; only the detail sheets stream rows, ordered so that
the same data always gives the same file. Labels are in the active language: run under
`translation.override(report.language)`.
"""

import datetime
import functools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import get_language, gettext, pgettext
from django_countries import countries as country_names
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from activities.models import Attendance, Event, Registration, RegistrationTally
from mapping.models import Initiative
from partners.models import Agreement, Organisation
from resources.models import Resource

# Breakdowns by a person's attributes (age band, gender) hide counts below this, so nobody can be singled out.
SMALL_CELL_THRESHOLD = 5
SUPPRESSED = "<5"
# Rows fetched per round trip when streaming detail rows: flat memory at any size, few round trips.
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Scope:
    start: datetime.date
    end: datetime.date
    library_ids: tuple[int, ...] = ()
    countries: tuple[str, ...] = ()

    @classmethod
    def of_report(cls, report):
        return cls(
            start=report.period_from,
            end=report.period_to,
            library_ids=tuple(sorted(report.libraries.values_list("pk", flat=True))),
            countries=tuple(sorted(str(code) for code in report.countries)),
        )

    @property
    def starts_at(self):
        """The first instant of the period in the site's time zone."""
        zone = ZoneInfo(settings.TIME_ZONE)
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)

    @property
    def ends_before(self):
        """The first instant after the period (the period is half-open, so indexes on times serve it)."""
        zone = ZoneInfo(settings.TIME_ZONE)
        return datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)

    def months(self):
        """(year, month) of every month the period touches, in order."""
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            yield year, month
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def month_bucket(self, path):
        """The position in `months()` of the month in which the instant at `path` falls, as an SQL expression for
        rows of the period: comparisons with the months' first instants, so no row's time is converted to the
        local calendar."""
        zone = ZoneInfo(settings.TIME_ZONE)
        firsts = [datetime.datetime(year, month, 1, tzinfo=zone) for year, month in self.months()][1:]
        return Case(
            *(When(**{f"{path}__lt": first}, then=Value(index)) for index, first in enumerate(firsts)),
            default=Value(len(firsts)),
            output_field=IntegerField(),
        )

    def organisation_q(self, path):
        """The condition that the organisation at `path` is one of the chosen libraries and countries."""
        condition = Q()
        if self.library_ids:
            condition &= Q(**{f"{path}__in": self.library_ids})
        if self.countries:
            condition &= Q(**{f"{path}__country__in": self.countries})
        return condition

    # --- The rows each indicator counts -------------------------------------------------------------------------

    def events(self) -> QuerySet:
        """Published and cancelled events starting in the period, organised in scope."""
        return Event.objects.filter(
            self.organisation_q("organiser"),
            starts_at__gte=self.starts_at,
            starts_at__lt=self.ends_before,
            status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
        )

    def events_held(self) -> QuerySet:
        return self.events().filter(status=Event.Status.PUBLISHED)

    def attendance(self) -> QuerySet:
        return Attendance.objects.filter(event__in=self.events_held())

    def registrations(self) -> QuerySet:
        return Registration.objects.filter(event__in=self.events())

    def tallies(self) -> QuerySet:
        return RegistrationTally.objects.filter(event__in=self.events())

    def agreements(self) -> QuerySet:
        agreements = Agreement.objects.filter(signed_on__gte=self.start, signed_on__lte=self.end)
        if self.library_ids or self.countries:
            agreements = agreements.filter(pk__in=Agreement.objects.filter(self.organisation_q("parties")).values("pk"))
        return agreements

    def initiatives(self) -> QuerySet:
        initiatives = Initiative.objects.published()
        if self.library_ids:
            initiatives = initiatives.filter(host__in=self.library_ids)
        if self.countries:
            initiatives = initiatives.filter(country__in=self.countries)
        return initiatives

    def initiatives_mapped(self) -> QuerySet:
        return self.initiatives().filter(created_at__gte=self.starts_at, created_at__lt=self.ends_before)

    def initiatives_active(self) -> QuerySet:
        return self.initiatives().filter(
            Q(active_since__isnull=True) | Q(active_since__lte=self.end),
            Q(active_until__isnull=True) | Q(active_until__gte=self.start),
            created_at__lt=self.ends_before,
        )

    def initiatives_listed(self) -> QuerySet:
        """The detail sheet's initiatives: mapped or active in the period."""
        return self.initiatives().filter(
            Q(pk__in=self.initiatives_mapped().values("pk")) | Q(pk__in=self.initiatives_active().values("pk"))
        )

    def resources(self) -> QuerySet:
        return Resource.objects.filter(
            self.organisation_q("owner"), published_on__gte=self.start, published_on__lte=self.end
        )

    def organisations_involved(self) -> QuerySet:
        """Organisations that organised, co-organised or hosted an event held, or signed an agreement."""
        held = self.events_held()
        return Organisation.objects.filter(
            Q(pk__in=held.values("organiser"))
            | Q(pk__in=held.filter(co_organisers__isnull=False).values("co_organisers"))
            | Q(pk__in=held.filter(venue_organisation__isnull=False).values("venue_organisation"))
            | Q(pk__in=self.agreements().values("parties"))
        )


# --- Sheets -----------------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One table of the report: a sheet of the workbook, or one CSV file of the archive.

    `rows` is called once, when the sheet is written, so detail sheets stream; `count` (optional) says how many
    rows to expect, for the progress shown to the coordinator; `read_ahead` lets `reading.read_sheets` start reading
    the rows on a second connection before the sheets before it are written.
    """

    slug: str
    title: str
    header: Sequence[str]
    rows: Callable[[], Iterable[Sequence]]
    count: Callable[[], int] | None = None
    weight: int = 1
    column_widths: Sequence[int] = field(default_factory=tuple)
    read_ahead: bool = False


def localized(model, *fields):
    """The first non-empty translation of the fields, in the active language and then its fallbacks, as one SQL
    expression: detail rows are read with `values_list` (no model instances) and still show what `str()` would."""
    options = translator.get_options_for_model(model)
    fallbacks = (getattr(options, "fallback_languages", None) or settings.MODELTRANSLATION_FALLBACK_LANGUAGES)[
        "default"
    ]
    languages = [
        code for code in dict.fromkeys([get_language(), *fallbacks]) if code in settings.MODELTRANSLATION_LANGUAGES
    ]
    parts = []
    for name in fields:
        prefix, _sep, leaf = name.rpartition("__")
        parts += [
            NullIf(
                F(
                    f"{prefix}__{build_localized_fieldname(leaf, code)}"
                    if prefix
                    else build_localized_fieldname(leaf, code)
                ),
                Value(""),
            )
            for code in languages
        ]
    return Coalesce(*parts, Value(""), output_field=CharField())


def plain(queryset):
    """The same query as a plain Django QuerySet: modeltranslation's queryset adds work to every row it yields,
    which streams of hundreds of thousands of rows with their translations already chosen in SQL do not need."""
    return QuerySet(model=queryset.model, query=queryset.query.chain())


def local(moment, zone=None):
    """A stored instant as the naive Riga date and time a spreadsheet shows (spreadsheets have no time zones).

    A naive value is already local (`LocalDateTime`)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(zone or timezone.get_current_timezone()).replace(tzinfo=None, microsecond=0)


class LocalDateTime(Func):
    """An instant as the naive date and time (whole seconds) of the active time zone, for `local()`.

    PostgreSQL converts in the query: the database driver turns a naive timestamp into a datetime several times
    faster than Django's loader of time-zone aware ones, and long detail sheets have one per row. Elsewhere the
    instant comes back as stored and `local()` converts it.
    """

    arity = 1
    output_field = DateTimeField()

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"DATE_TRUNC('second', {sql} AT TIME ZONE %s)", (*params, timezone.get_current_timezone_name())


def choice_labels(choices):
    return {code: str(label) for code, label in choices}


def delivery_language_labels():
    return {code: str(name) for code, name in settings.DELIVERY_LANGUAGES}


def suppress_small(values):
    """Counts of people by an attribute, with counts of 1 to 4 hidden (`SUPPRESSED`).

    When only one count of the group would be hidden it could be worked out from the total, so the next smallest
    non-zero count is hidden too. Returns the shown values in the same order.
    """
    small = [i for i, value in enumerate(values) if 0 < value < SMALL_CELL_THRESHOLD]
    if len(small) == 1:
        others = sorted((value, i) for i, value in enumerate(values) if value and i not in small)
        if others:
            small.append(others[0][1])
    return [SUPPRESSED if i in small else value for i, value in enumerate(values)]


PEOPLE_FIELDS = ("total", "third_country_nationals", *Attendance.AGE_BANDS, *Attendance.GENDERS)
STATUSES = ("confirmed", "waiting", "cancelled")
ACTIVITY_TYPES = [code for code, _label in Attendance.ActivityType.choices]


@dataclass
class Facts:
    """The period's counts grouped by organiser and month (and kind, activity type or registration status).

    Three grouped queries, whose few rows (libraries x months x kinds at most) add up to the indicators and to both
    breakdowns, so the data is read once for all three sheets however large it is. Months are told apart by
    comparing start times with the months' first instants (`Scope.month_bucket`), not by converting every row's
    time to the local calendar.
    """

    held: Counter  # (organiser, year, month, kind) -> events held
    people: dict  # (organiser, year, month, activity type) -> {"events": n, field: sum for PEOPLE_FIELDS}
    registrations: Counter  # (organiser, year, month, status) -> registrations, live rows and tallies

    @classmethod
    def of(cls, scope: Scope):
        months = list(scope.months())
        held = Counter()
        people = {}
        for organiser, bucket, kind, activity_type, count, events, *sums in (
            plain(scope.events_held())
            .order_by()
            .annotate(bucket=scope.month_bucket("starts_at"))
            .values_list("organiser", "bucket", "kind", "attendance__activity_type")
            .annotate(
                count=Count("pk"),
                events=Count("attendance"),
                **{f"sum_{name}": Sum(f"attendance__{name}") for name in PEOPLE_FIELDS},
            )
        ):
            year, month = months[bucket]
            held[organiser, year, month, kind] += count
            if activity_type is None:
                continue  # events held without attendance recorded
            row = people.setdefault(
                (organiser, year, month, activity_type), {"events": 0, **dict.fromkeys(PEOPLE_FIELDS, 0)}
            )
            row["events"] += events
            for name, value in zip(PEOPLE_FIELDS, sums, strict=True):
                row[name] += value or 0
        registrations = Counter()
        for organiser, bucket, status, count in (
            scope.registrations()
            .order_by()
            .annotate(bucket=scope.month_bucket("event__starts_at"))
            .values_list("event__organiser", "bucket", "status")
            .annotate(count=Count("pk"))
        ):
            registrations[organiser, *months[bucket], status] += count
        for organiser, bucket, *erased in (
            scope.tallies()
            .order_by()
            .annotate(bucket=scope.month_bucket("event__starts_at"))
            .values_list("event__organiser", "bucket")
            .annotate(**{f"sum_{status}": Sum(status) for status in STATUSES})
        ):
            for status, count in zip(STATUSES, erased, strict=True):
                registrations[organiser, *months[bucket], status] += count or 0
        return cls(held=held, people=people, registrations=registrations)

    def events_held(self, match=lambda key: True):
        return sum(count for key, count in self.held.items() if match(key))

    def attended(self, field, match=lambda key: True):
        return sum(row[field] for key, row in self.people.items() if match(key))

    def registered(self, status, match=lambda key: True):
        return sum(count for key, count in self.registrations.items() if key[3] == status and match(key))

    def organisers(self):
        return {key[0] for key in (*self.held, *self.people, *self.registrations)}


def summary_rows(scope: Scope, facts: Facts) -> Iterator[list]:
    """The indicators: [section, indicator, value, note] per row."""
    section = gettext("Events held")
    by_language = Counter()
    for languages, count in scope.events_held().order_by().values_list("languages").annotate(Count("pk")):
        by_language.update(dict.fromkeys(languages or (), count))
    yield [section, gettext("Events held in total"), facts.events_held(), ""]
    for code, label in choice_labels(Event.Kind.choices).items():
        count = facts.events_held(lambda key, code=code: key[3] == code)
        yield [section, gettext("Kind: %(kind)s") % {"kind": label}, count, ""]
    for code, label in delivery_language_labels().items():
        if by_language.get(code):
            yield [
                section,
                gettext("Language of delivery: %(language)s") % {"language": label},
                by_language[code],
                gettext("An event held in several languages counts once for each."),
            ]

    section = gettext("Participants")
    yield [section, gettext("Events with attendance recorded"), facts.attended("events"), ""]
    yield [section, gettext("Participants in total"), facts.attended("total"), ""]
    yield [section, gettext("Of whom third-country nationals"), facts.attended("third_country_nationals"), ""]

    section = gettext("Participants by activity type (AMIF, Annex VIII)")
    for code, label in choice_labels(Attendance.ActivityType.choices).items():

        def of_type(key, code=code):
            return key[3] == code

        names = {"activity": label}
        yield [section, gettext("%(activity)s: events") % names, facts.attended("events", of_type), ""]
        yield [section, gettext("%(activity)s: participants") % names, facts.attended("total", of_type), ""]
        yield [
            section,
            gettext("%(activity)s: of whom third-country nationals") % names,
            facts.attended("third_country_nationals", of_type),
            "",
        ]

    note = gettext("Counts from 1 to 4 are not shown (%(mark)s), so that nobody can be recognised.") % {
        "mark": SUPPRESSED
    }
    total = facts.attended("total")
    for section, names in (
        (gettext("Participants by age"), Attendance.AGE_BANDS),
        (gettext("Participants by gender"), Attendance.GENDERS),
    ):
        counts = [facts.attended(name) for name in names]
        shown = suppress_small([*counts, total - sum(counts)])
        labels = [str(Attendance._meta.get_field(name).verbose_name) for name in names] + [gettext("not recorded")]
        for label, value in zip(labels, shown, strict=True):
            yield [section, label, value, note if value == SUPPRESSED else ""]

    section = gettext("Organisations involved")
    organisation_kinds = dict(scope.organisations_involved().order_by().values_list("kind").annotate(Count("pk")))
    kinds = Organisation.Kind
    yield [
        section,
        gettext("Local and regional authorities"),
        organisation_kinds.get(kinds.MUNICIPAL_SERVICE, 0),
        gettext("Municipal services that organised, co-organised or hosted an event held, or signed an agreement."),
    ]
    yield [
        section,
        gettext("Partner organisations"),
        sum(organisation_kinds.get(kind, 0) for kind in (kinds.NGO, kinds.CONSORTIUM_PARTNER, kinds.OTHER)),
        gettext("Non-governmental organisations, consortium partners and others, counted the same way."),
    ]
    yield [section, gettext("Libraries"), organisation_kinds.get(kinds.PARTNER_LIBRARY, 0), ""]

    section = gettext("Agreements signed")
    agreements = dict(scope.agreements().order_by().values_list("kind").annotate(Count("pk")))
    yield [section, gettext("Agreements signed in total"), sum(agreements.values()), ""]
    for code, label in choice_labels(Agreement.Kind.choices).items():
        yield [section, label, agreements.get(code, 0), ""]

    section = gettext("Initiatives")
    yield [section, gettext("Initiatives mapped in the period"), scope.initiatives_mapped().count(), ""]
    active = dict(scope.initiatives_active().order_by().values_list("category").annotate(Count("pk")))
    yield [section, gettext("Initiatives active in the period"), sum(active.values()), ""]
    for code, label in choice_labels(Initiative.Category.choices).items():
        yield [section, gettext("Active: %(category)s") % {"category": label}, active.get(code, 0), ""]

    section = gettext("Resources published")
    resources = dict(scope.resources().order_by().values_list("kind").annotate(Count("pk")))
    yield [section, gettext("Resources published in total"), sum(resources.values()), ""]
    for code, label in choice_labels(Resource.Kind.choices).items():
        yield [section, label, resources.get(code, 0), ""]

    section = gettext("Registrations")
    yield [section, gettext("Confirmed registrations"), facts.registered("confirmed"), ""]
    yield [section, gettext("Cancellations"), facts.registered("cancelled"), ""]
    yield [section, gettext("On the waiting list"), facts.registered("waiting"), ""]


def library_rows(scope: Scope, facts: Facts) -> Iterator[list]:
    """Per organiser: the chosen libraries (even without events) and every organiser with figures in the period."""
    ids = set(scope.library_ids) | facts.organisers()
    organisations = Organisation.objects.filter(pk__in=ids).annotate(
        label=localized(Organisation, "short_name", "name")
    )
    for organisation in sorted(organisations, key=lambda o: (o.label.casefold(), o.pk)):

        def own(key, pk=organisation.pk):
            return key[0] == pk

        yield [
            organisation.label,
            str(country_names.name(organisation.country)) if organisation.country else "",
            facts.events_held(own),
            facts.attended("total", own),
            facts.attended("third_country_nationals", own),
            *(
                facts.attended("total", lambda key, own=own, code=code: own(key) and key[3] == code)
                for code in ACTIVITY_TYPES
            ),
            *(facts.registered(status, own) for status in STATUSES),
        ]


def month_rows(scope: Scope, facts: Facts) -> Iterator[list]:
    """Per month of the period, every month listed, empty ones included."""
    for year, month in scope.months():

        def in_month(key, year=year, month=month):
            return key[1] == year and key[2] == month

        yield [
            f"{MONTHS[month]} {year}",
            facts.events_held(in_month),
            facts.attended("total", in_month),
            facts.attended("third_country_nationals", in_month),
            *(facts.registered(status, in_month) for status in STATUSES),
        ]


class OfRow(Func):
    """A value computed from the columns of the query's own table, left out of a GROUP BY on its primary key.

    Both databases take such a value as it is, since the key determines it; grouping by the value itself (a
    title, a converted time) made PostgreSQL compare it on every joined row.
    """

    template = "%(expressions)s"

    def get_group_by_cols(self):
        return []


class Whole(Func):
    """An integer aggregate as the database driver returns it, an `int` on both databases: Django's conversion of
    each value (`int()` once more) is skipped, five calls per row of the events sheet."""

    template = "%(expressions)s"
    output_field = IntegerField()

    def get_db_converters(self, connection):
        return []


def event_rows(scope: Scope) -> Iterator[list]:
    """One row per event, in start order, with its registrations counted in the same query.

    The registrations are joined and counted per event (live rows plus the tally left by erasure), grouped by the
    event's key alone, rather than counted in a subquery per event and status. The one attendance and tally row
    of an event come through MAX, which leaves them as they are. Languages come as the stored JSON text, whose
    few distinct values are turned into labels once each; organisers as ids, labelled from one small query.
    """
    kinds = choice_labels(Event.Kind.choices)
    statuses = choice_labels(Event.Status.choices)
    activity = choice_labels(Attendance.ActivityType.choices)
    language_names = delivery_language_labels()
    language_labels = {}
    # Every organisation, not only the period's organisers: an event added while the report is read may bring one.
    organisers = dict(
        plain(Organisation.objects.order_by()).values_list("pk", localized(Organisation, "short_name", "name"))
    )

    def registered(status):
        live = Count("registrations", filter=Q(registrations__status=status))
        return live + Coalesce(Max(f"registration_tally__{status}"), 0)

    events = (
        plain(scope.events())
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            OfRow(LocalDateTime("starts_at")),
            OfRow(localized(Event, "title")),
            "kind",
            "organiser",
            OfRow(Cast("languages", TextField())),
            "status",
        )
        .annotate(
            Max("attendance__activity_type"),
            attendance_total=Whole(Max("attendance__total")),
            attendance_third_country_nationals=Whole(Max("attendance__third_country_nationals")),
            **{status: Whole(registered(status)) for status in STATUSES},
        )
    )
    zone = timezone.get_current_timezone()
    for row in events.iterator(chunk_size=CHUNK_SIZE):
        _pk, starts_at, title, kind, organiser, languages, status, activity_type, total, tcn, *registrations = row
        labels = language_labels.get(languages)
        if labels is None:
            labels = language_labels[languages] = ", ".join(
                language_names.get(code, code) for code in json.loads(languages) or ()
            )
        yield [
            local(starts_at, zone),
            title,
            kinds.get(kind, kind),
            organisers[organiser],
            labels,
            statuses.get(status, status),
            activity.get(activity_type, "") if activity_type else "",
            total,
            tcn,
            *registrations,
        ]


def agreement_rows(scope: Scope) -> Iterator[list]:
    kinds = choice_labels(Agreement.Kind.choices)
    agreements = scope.agreements().order_by("signed_on", "pk").prefetch_related("parties")
    for agreement in agreements.iterator(chunk_size=CHUNK_SIZE):
        parties = sorted(str(party) for party in agreement.parties.all())
        yield [
            agreement.signed_on,
            agreement.title,
            kinds.get(agreement.kind),
            "; ".join(parties),
            agreement.valid_until,
        ]


def initiative_rows(scope: Scope) -> Iterator[list]:
    categories = choice_labels(Initiative.Category.choices)
    language_names = delivery_language_labels()
    initiatives = (
        scope.initiatives_listed()
        .order_by("created_at", "pk")
        .values_list(
            localized(Initiative, "title"),
            "category",
            localized(Organisation, "host__short_name", "host__name"),
            "city",
            "country",
            "languages",
            "active_since",
            "active_until",
            "created_at",
        )
    )
    for title, category, host, city, country, languages, since, until, created_at in initiatives.iterator(
        chunk_size=CHUNK_SIZE
    ):
        yield [
            title,
            categories.get(category, category),
            host,
            city,
            str(country_names.name(country)) if country else "",
            ", ".join(language_names.get(code, code) for code in languages or ()),
            since,
            until,
            timezone.localtime(created_at).date(),
        ]


def resource_rows(scope: Scope) -> Iterator[list]:
    kinds = choice_labels(Resource.Kind.choices)
    topics = choice_labels(Resource.Topic.choices)
    resources = (
        scope.resources()
        .order_by("published_on", "pk")
        .values_list(
            "published_on",
            localized(Resource, "title"),
            "kind",
            localized(Organisation, "owner__short_name", "owner__name"),
            "topics",
        )
    )
    for published_on, title, kind, owner, codes in resources.iterator(chunk_size=CHUNK_SIZE):
        yield [
            published_on,
            title,
            kinds.get(kind, kind),
            owner,
            ", ".join(topics.get(code, code) for code in codes or ()),
        ]


def registration_header():
    return [gettext("Confirmed registrations"), gettext("Waiting list"), gettext("Cancellations")]


def sheets(scope: Scope) -> list[Sheet]:
    """The report's tables in their order; the labels are taken in the active language."""
    facts = functools.cache(lambda: Facts.of(scope))
    activity_labels = [
        gettext("Participants: %(activity)s") % {"activity": label} for _code, label in Attendance.ActivityType.choices
    ]
    return [
        Sheet(
            slug="summary",
            title=gettext("Indicators"),
            header=[gettext("Section"), gettext("Indicator"), gettext("Value"), gettext("Note")],
            rows=lambda: summary_rows(scope, facts()),
            weight=5,
            column_widths=(34, 54, 12, 60),
        ),
        Sheet(
            slug="by-library",
            title=gettext("By library"),
            header=[
                gettext("Library"),
                gettext("Country"),
                gettext("Events held"),
                gettext("Participants"),
                gettext("Of whom third-country nationals"),
                *activity_labels,
                *registration_header(),
            ],
            rows=lambda: library_rows(scope, facts()),
            weight=5,
            column_widths=(40, 14),
        ),
        Sheet(
            slug="by-month",
            title=gettext("By month"),
            header=[
                gettext("Month"),
                gettext("Events held"),
                gettext("Participants"),
                gettext("Of whom third-country nationals"),
                *registration_header(),
            ],
            rows=lambda: month_rows(scope, facts()),
            weight=5,
            column_widths=(20,),
        ),
        Sheet(
            slug="events",
            title=gettext("Events"),
            header=[
                gettext("Starts at"),
                gettext("Title"),
                gettext("Kind"),
                gettext("Organiser"),
                gettext("Languages of delivery"),
                gettext("Status"),
                gettext("Activity type"),
                gettext("Participants"),
                gettext("Of whom third-country nationals"),
                *registration_header(),
            ],
            rows=lambda: event_rows(scope),
            count=lambda: scope.events().count(),
            weight=70,
            column_widths=(17, 50, 20, 32, 24),
            read_ahead=True,
        ),
        Sheet(
            slug="agreements",
            title=gettext("Agreements"),
            header=[
                gettext("Signed on"),
                gettext("Title"),
                gettext("Kind"),
                gettext("Parties"),
                gettext("Valid until"),
            ],
            rows=lambda: agreement_rows(scope),
            count=lambda: scope.agreements().count(),
            weight=5,
            column_widths=(12, 50, 24, 60, 12),
        ),
        Sheet(
            slug="initiatives",
            title=gettext("Initiatives"),
            header=[
                gettext("Title"),
                gettext("Category"),
                pgettext("initiative", "Host organisation"),
                gettext("City"),
                gettext("Country"),
                gettext("Languages"),
                gettext("Active since"),
                gettext("Active until"),
                gettext("Mapped on"),
            ],
            rows=lambda: initiative_rows(scope),
            count=lambda: scope.initiatives_listed().count(),
            weight=3,
            column_widths=(50, 28, 32, 16, 14, 24, 12, 12, 12),
        ),
        Sheet(
            slug="resources",
            title=gettext("Resources"),
            header=[
                gettext("Published on"),
                gettext("Title"),
                gettext("Kind"),
                gettext("Publishing organisation"),
                gettext("Topics"),
            ],
            rows=lambda: resource_rows(scope),
            count=lambda: scope.resources().count(),
            weight=2,
            column_widths=(12, 50, 24, 32, 40),
        ),
    ]
