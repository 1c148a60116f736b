"""The tables of a progress report, one class per sheet: the indicators for the funder, breakdowns per library and
per month, and the detail sheets of events, agreements, initiatives and resources.

Each sheet has a header and yields its rows (`rows()`), numbers and dates as they are, text as it is shown; the
writers (`portal.reports.writers`) make the cells safe and put them into a file. What counts is the contract of
`portal.reports.scope`. Every figure comes from an aggregate query; the detail sheets stream their rows, ordered
so that the same data always gives the same file. Labels are in the active language: build under
`translation.override(report.language)`.
"""

import json
from collections import Counter
from collections.abc import Iterator
from functools import cached_property

from django.conf import settings
from django.db.models import Case, Count, Q, Sum, TextField, Value, When
from django.db.models.functions import Cast, TruncMonth, TruncSecond
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext, ngettext, pgettext
from django_countries import countries as country_names

from activities.models import Attendance, Event, SurveyAnswer
from groundwork.labels import listed_in_text
from groundwork.languages import language_names
from groundwork.translations import first_translation, translated, translation_columns
from mapping.models import Initiative
from partners.models import Agreement, Organisation
from resources.models import Resource

from .scope import Scope

# Breakdowns by a person's attributes (age band, gender) hide counts below this, so nobody can be singled out.
SMALL_CELL_THRESHOLD = 5
SUPPRESSED = "<5"
# Rows fetched per round trip when streaming detail rows: flat memory at any size, few round trips.
CHUNK_SIZE = 2000

PEOPLE_FIELDS = ("total", "third_country_nationals", *Attendance.AGE_BANDS, *Attendance.GENDERS)
STATUSES = ("confirmed", "waiting", "cancelled")
ACTIVITY_TYPES = tuple(Attendance.ActivityType.values)


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


HELPFULNESS = tuple(SurveyAnswer.Answer.values)
# The result indicator counts those who say the event helped: "yes" and "somewhat" (a qualified yes). The sheets
# show "yes" alone beside it, so the strict figure can be reported too.
HELPED = (SurveyAnswer.Answer.HELPFUL, SurveyAnswer.Answer.SOMEWHAT)


def helpfulness_cells(counts):
    """`[helped, of which "yes", answers]` from `{answer: count}`; all three hidden (`SUPPRESSED`) when there are
    1 to 4 answers, since a handful of answers from one event could be told apart."""
    answers = sum(counts.get(code, 0) for code in HELPFULNESS)
    if 0 < answers < SMALL_CELL_THRESHOLD:
        return [SUPPRESSED] * 3
    return [sum(counts.get(code, 0) for code in HELPED), counts.get(SurveyAnswer.Answer.HELPFUL, 0), answers]


def helpfulness_rows(rows_of_counts):
    """`helpfulness_cells` of each of a sheet's rows; when exactly one row is hidden, its figures could be worked
    out from the report's total, so the row with the next fewest answers is hidden too (as `suppress_small`)."""
    cells = [helpfulness_cells(counts) for counts in rows_of_counts]
    hidden = [i for i, row in enumerate(cells) if row[2] == SUPPRESSED]
    if len(hidden) == 1:
        shown = sorted((row[2], i) for i, row in enumerate(cells) if row[2] != SUPPRESSED and row[2])
        if shown:
            cells[shown[0][1]] = [SUPPRESSED] * 3
    return cells


def events_to_hide(answers, groups):
    """The events whose survey figures the events sheet hides: those with 1 to 4 answers, and, wherever a library
    or a month would have exactly one such event, its next smallest event too (repeated until no library or month
    has a lone hidden event), since the library's or the month's row less its shown events would give the hidden
    one away. `answers` is {event: number of answers}, `groups` {event: (organiser, (year, month))}."""
    hidden = {event for event, number in answers.items() if 0 < number < SMALL_CELL_THRESHOLD}
    changed = True
    while changed:
        changed = False
        for part in (0, 1):
            members = {}
            for event, group in groups.items():
                members.setdefault(group[part], []).append(event)
            for events in members.values():
                if sum(event in hidden for event in events) == 1:
                    shown = sorted(
                        (answers[event], event) for event in events if event not in hidden and answers[event]
                    )
                    if shown:
                        hidden.add(shown[0][1])
                        changed = True
    return hidden


def helpfulness_header():
    return [
        gettext("Said it helped their integration"),
        gettext("Of whom: “yes, it helped”"),
        gettext("Survey answers"),
    ]


def month_of(moment):
    return moment.year, moment.month


class Facts:
    """The period's counts grouped by organiser and month (and kind, activity type or registration status).

    Three grouped queries, made once when a sheet first asks, whose few rows (libraries x months x kinds at most)
    add up to the indicators and to both breakdowns.
    """

    def __init__(self, scope: Scope):
        self.scope = scope

    @cached_property
    def _held_and_people(self):
        held = Counter()  # (organiser, year, month, kind) -> events held
        people = {}  # (organiser, year, month, activity type) -> {"events": n, field: sum for PEOPLE_FIELDS}
        for organiser, ended, kind, activity_type, count, events, *sums in (
            self.scope.events_held()
            .order_by()
            .values_list("organiser", TruncMonth("ends_at"), "kind", "attendance__activity_type")
            .annotate(
                Count("pk"),
                Count("attendance"),
                *(Sum(f"attendance__{name}") for name in PEOPLE_FIELDS),
            )
        ):
            key = (organiser, *month_of(ended))
            held[*key, kind] += count
            if activity_type is None:
                continue  # events held without attendance recorded
            row = people.setdefault((*key, activity_type), {"events": 0, **dict.fromkeys(PEOPLE_FIELDS, 0)})
            row["events"] += events
            for name, value in zip(PEOPLE_FIELDS, sums, strict=True):
                row[name] += value or 0
        return held, people

    @cached_property
    def _registrations(self):
        registrations = Counter()  # (organiser, year, month, status) -> live rows and tallies
        month = TruncMonth("event__ends_at")
        for organiser, ended, status, count in (
            self.scope.registrations().order_by().values_list("event__organiser", month, "status").annotate(Count("pk"))
        ):
            registrations[organiser, *month_of(ended), status] += count
        for organiser, ended, *erased in (
            self.scope.tallies()
            .order_by()
            .values_list("event__organiser", month)
            .annotate(*(Sum(status) for status in STATUSES))
        ):
            for status, count in zip(STATUSES, erased, strict=True):
                registrations[organiser, *month_of(ended), status] += count or 0
        return registrations

    @cached_property
    def _helpfulness(self):
        answers = Counter()  # (organiser, year, month, answer) -> answers about the events held
        for organiser, ended, answer, count in (
            self.scope.survey_answers()
            .order_by()
            .values_list("event__organiser", TruncMonth("event__ends_at"), "answer")
            .annotate(Count("pk"))
        ):
            answers[organiser, *month_of(ended), answer] += count
        return answers

    def helpfulness(self, match=lambda key: True):
        """`{answer: count}` of the answers whose (organiser, year, month) key `match`es."""
        counts = Counter()
        for key, count in self._helpfulness.items():
            if match(key):
                counts[key[3]] += count
        return counts

    def events_held(self, match=lambda key: True):
        return sum(count for key, count in self._held_and_people[0].items() if match(key))

    def attended(self, field, match=lambda key: True):
        return sum(row[field] for key, row in self._held_and_people[1].items() if match(key))

    def registered(self, status, match=lambda key: True):
        return sum(count for key, count in self._registrations.items() if key[3] == status and match(key))

    def organisers(self):
        held, people = self._held_and_people
        return {key[0] for key in (*held, *people, *self._registrations, *self._helpfulness)}


def registration_header():
    return [gettext("Confirmed registrations"), gettext("Waiting list"), gettext("Cancellations")]


def activity_header():
    return [gettext("Participants: %(activity)s") % {"activity": label} for label in Attendance.ActivityType.labels]


class Sheet:
    """One table of the report: a sheet of the workbook, or one CSV file of the archive.

    `rows()` is called once, when the sheet is written, so detail sheets stream; `count()` says how many rows to
    expect (None: few), for the progress shown to the coordinator; `weight` is the sheet's share of the work.
    """

    slug = ""
    weight = 1
    column_widths = ()

    def __init__(self, scope: Scope, facts: Facts):
        self.scope = scope
        self.facts = facts

    @property
    def title(self) -> str:
        raise NotImplementedError

    def header(self) -> list[str]:
        raise NotImplementedError

    def rows(self) -> Iterator[list]:
        raise NotImplementedError

    def count(self) -> int | None:
        return None


class IndicatorsSheet(Sheet):
    """The indicators: [section, indicator, value, note] per row."""

    slug = "summary"
    weight = 5
    column_widths = (34, 54, 12, 60)

    @property
    def title(self):
        return gettext("Indicators")

    def header(self):
        return [gettext("Section"), gettext("Indicator"), gettext("Value"), gettext("Note")]

    def rows(self):
        yield from self.events()
        yield from self.participants()
        yield from self.helpfulness()
        yield from self.organisations()
        yield from self.publications()
        yield from self.registrations()
        yield from self.alerts()

    def events(self):
        facts, scope = self.facts, self.scope
        section = gettext("Events held")
        yield [
            section,
            gettext("Events held in total"),
            facts.events_held(),
            gettext("Published events that ended in the period, before the report was requested."),
        ]
        for code, label in choice_labels(Event.Kind.choices).items():
            count = facts.events_held(lambda key, code=code: key[3] == code)
            yield [section, gettext("Kind: %(kind)s") % {"kind": label}, count, ""]
        # Grouped by the stored list of languages, whose few distinct values are added up here.
        by_language = Counter()
        for languages, count in scope.events_held().order_by().values_list("languages").annotate(Count("pk")):
            by_language.update(dict.fromkeys(languages or (), count))
        for code, label in delivery_language_labels().items():
            if code in by_language:
                yield [
                    section,
                    gettext("Language of delivery: %(language)s") % {"language": label},
                    by_language[code],
                    gettext("An event held in several languages counts once for each."),
                ]
        yield [
            gettext("Events planned"),
            gettext("Events planned in the period, not held yet"),
            scope.events_planned().count(),
            gettext("Published events of the period that end after the report was requested; not counted above."),
        ]

    def participants(self):
        facts = self.facts
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

    def helpfulness(self):
        section = gettext("Result: participants who report that the activity helped their integration")
        counts = self.facts.helpfulness()
        helped, helpful, answers = helpfulness_cells(counts)
        note = gettext("Fewer than 5 answers are not shown (%(mark)s), so that nobody can be recognised.") % {
            "mark": SUPPRESSED
        }
        yield [
            section,
            gettext("Participants who say an event helped their integration"),
            helped,
            note
            if helped == SUPPRESSED
            else gettext("Answers “yes, it helped” and “somewhat” to the anonymous survey after the events held."),
        ]
        yield [section, gettext("Of whom: “yes, it helped”"), helpful, note if helpful == SUPPRESSED else ""]
        labels = choice_labels(SurveyAnswer.Answer.choices)
        for code in HELPFULNESS:
            value = SUPPRESSED if answers == SUPPRESSED else counts.get(code, 0)
            yield [section, gettext("Answered: %(answer)s") % {"answer": labels[code]}, value, ""]
        yield [section, gettext("Survey answers in total"), answers, note if answers == SUPPRESSED else ""]

    def organisations(self):
        section = gettext("Organisations involved")
        by_kind = dict(self.scope.organisations_involved().order_by().values_list("kind").annotate(Count("pk")))
        kinds = Organisation.Kind
        yield [
            section,
            gettext("Local and regional authorities"),
            by_kind.get(kinds.MUNICIPAL_SERVICE, 0),
            gettext("Municipal services that organised, co-organised or hosted an event held, or signed an agreement."),
        ]
        yield [
            section,
            gettext("Partner organisations"),
            sum(by_kind.get(kind, 0) for kind in (kinds.NGO, kinds.CONSORTIUM_PARTNER, kinds.OTHER)),
            gettext("Non-governmental organisations, consortium partners and others, counted the same way."),
        ]
        yield [section, gettext("Libraries"), by_kind.get(kinds.PARTNER_LIBRARY, 0), ""]

    def publications(self):
        scope = self.scope
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

    def registrations(self):
        facts = self.facts
        section = gettext("Registrations")
        yield [section, gettext("Confirmed registrations"), facts.registered("confirmed"), ""]
        yield [section, gettext("Cancellations"), facts.registered("cancelled"), ""]
        yield [section, gettext("On the waiting list"), facts.registered("waiting"), ""]
        no_shows = self.scope.no_shows()
        events = no_shows["events"]
        shown = suppress_small([no_shows["no_shows"]])[0]
        note = ngettext(
            "Confirmed registrations not checked in at the door, at the %(count)d event held that used check-in.",
            "Confirmed registrations not checked in at the door, at the %(count)d events held that used check-in.",
            events,
        ) % {"count": events}
        if shown == SUPPRESSED:
            note += " " + gettext("Counts from 1 to 4 are not shown (%(mark)s), so that nobody can be recognised.") % {
                "mark": SUPPRESSED
            }
        yield [section, gettext("No-shows"), shown, note]

    def alerts(self):
        """Confirmed alerts for new events, per language of delivery and per library; never an address."""
        alerts = self.scope.alerts().order_by()
        section = gettext("Alerts for new events")
        note = gettext("Confirmed when the report was requested and not stopped since; as it was at that moment.")
        yield [section, gettext("Confirmed alerts in total"), alerts.count(), note]
        by_language = dict(alerts.exclude(event_language="").values_list("event_language").annotate(Count("pk")))
        for code, label in delivery_language_labels().items():
            if code in by_language:
                yield [section, gettext("Alerts: %(language)s") % {"language": label}, by_language[code], ""]
        by_library = dict(alerts.exclude(library=None).values_list("library").annotate(Count("pk")))
        names = Organisation.objects.filter(pk__in=by_library).values_list("pk", translated("short_name", "name"))
        for pk, name in sorted(names, key=lambda row: (row[1].casefold(), row[0])):
            yield [section, gettext("Alerts: %(library)s") % {"library": name}, by_library[pk], ""]


class LibrariesSheet(Sheet):
    """Per organiser: the chosen libraries (even without events) and every organiser with figures in the period."""

    slug = "by-library"
    weight = 5
    column_widths = (40, 14)

    @property
    def title(self):
        return gettext("By library")

    def header(self):
        return [
            gettext("Library"),
            gettext("Country"),
            gettext("Events held"),
            gettext("Participants"),
            gettext("Of whom third-country nationals"),
            *activity_header(),
            *registration_header(),
            *helpfulness_header(),
        ]

    def rows(self):
        facts = self.facts
        ids = set(self.scope.library_ids) | facts.organisers()
        organisations = Organisation.objects.filter(pk__in=ids).values_list(
            "pk", translated("short_name", "name"), "country"
        )
        organisations = sorted(organisations, key=lambda row: (row[1].casefold(), row[0]))
        helpfulness = helpfulness_rows(
            facts.helpfulness(lambda key, pk=pk: key[0] == pk) for pk, _label, _country in organisations
        )
        for (pk, label, country), helpfulness_row in zip(organisations, helpfulness, strict=True):

            def own(key, pk=pk):
                return key[0] == pk

            yield [
                label,
                str(country_names.name(country)) if country else "",
                facts.events_held(own),
                facts.attended("total", own),
                facts.attended("third_country_nationals", own),
                *(
                    facts.attended("total", lambda key, code=code: own(key) and key[3] == code)
                    for code in ACTIVITY_TYPES
                ),
                *(facts.registered(status, own) for status in STATUSES),
                *helpfulness_row,
            ]


class MonthsSheet(Sheet):
    """Per month of the period, every month listed, empty ones included."""

    slug = "by-month"
    weight = 5
    column_widths = (20,)

    @property
    def title(self):
        return gettext("By month")

    def header(self):
        return [
            gettext("Month"),
            gettext("Events held"),
            gettext("Participants"),
            gettext("Of whom third-country nationals"),
            *registration_header(),
            *helpfulness_header(),
        ]

    def rows(self):
        facts = self.facts
        months = list(self.scope.months())
        helpfulness = helpfulness_rows(
            facts.helpfulness(lambda key, year=year, month=month: key[1:3] == (year, month)) for year, month in months
        )
        for (year, month), helpfulness_row in zip(months, helpfulness, strict=True):

            def in_month(key, year=year, month=month):
                return key[1] == year and key[2] == month

            yield [
                f"{MONTHS[month]} {year}",
                facts.events_held(in_month),
                facts.attended("total", in_month),
                facts.attended("third_country_nationals", in_month),
                *(facts.registered(status, in_month) for status in STATUSES),
                *helpfulness_row,
            ]


class EventsSheet(Sheet):
    """One row per event of the period, in start order, held, planned or cancelled, with its registrations."""

    slug = "events"
    weight = 70
    column_widths = (17, 50, 20, 32, 24)

    @property
    def title(self):
        return gettext("Events")

    def header(self):
        return [
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
            gettext("No-shows"),
            *helpfulness_header(),
        ]

    def count(self):
        return self.scope.events().count()

    def rows(self):
        """The live registrations are counted in one grouped query over the period's registrations, read into a
        table by event before the events are read (a correlated count per event and status costs the database
        several times more); the tally left by erasure and the door's counts are one row per event, read with
        it. The database gives each event's local start time, its state and its languages as text, whose few
        distinct values are labelled once each."""
        kinds = choice_labels(Event.Kind.choices)
        activity = choice_labels(Attendance.ActivityType.choices)
        states = {
            "held": gettext("Held"),
            "planned": gettext("Planned"),
            "cancelled": str(Event.Status.CANCELLED.label),
        }
        # Every organisation, not only the period's organisers: an event added while the report is read may bring one.
        organisers = dict(Organisation.objects.values_list("pk", translated("short_name", "name")))
        language_labels = {}
        titles = translation_columns("title")
        # Answers per event and answer: at most three rows per event held, read in one query.
        helpfulness, groups = {}, {}
        for event_id, organiser, ended, answer, number in (
            self.scope.survey_answers()
            .order_by()
            .values_list("event", "event__organiser", TruncMonth("event__ends_at"), "answer")
            .annotate(Count("pk"))
        ):
            helpfulness.setdefault(event_id, {})[answer] = number
            groups[event_id] = (organiser, month_of(ended))
        hidden = events_to_hide({pk: sum(counts.values()) for pk, counts in helpfulness.items()}, groups)
        no_registrations = (0,) * (len(STATUSES) + 1)
        no_answers = helpfulness_cells({})
        live = {
            event_id: counts
            for event_id, *counts in self.scope.registrations()
            .order_by()
            .values_list("event")
            .annotate(
                **{status: Count("pk", filter=Q(status=status)) for status in STATUSES},
                checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
            )
        }
        events = (
            self.scope.events()
            # The translated columns are named: modeltranslation need not rewrite the query or its rows.
            .rewrite(False)
            .with_erased_registration_counts()
            .with_door_counts()
            .order_by("starts_at", "pk")
            .values_list(
                TruncSecond("starts_at", tzinfo=timezone.get_current_timezone()),
                "pk",
                *titles,
                "kind",
                "organiser",
                Cast("languages", TextField()),
                Case(
                    When(status=Event.Status.CANCELLED, then=Value("cancelled")),
                    When(ends_at__lte=self.scope.now, then=Value("held")),
                    default=Value("planned"),
                ),
                "attendance__activity_type",
                "attendance__total",
                "attendance__third_country_nationals",
                *(f"erased_{status}" for status in STATUSES),
                "uses_check_in",
                "erased_checked_in",
            )
        )
        for starts_at, pk, *row in events.iterator(CHUNK_SIZE):
            kind, organiser, languages, state, activity_type, total, tcn, *erased, uses_check_in, erased_checked_in = (
                row[len(titles) :]
            )
            *counts, checked_in = live.get(pk, no_registrations)
            checked_in += erased_checked_in
            registered = [counts[index] + erased[index] for index in range(len(STATUSES))]
            if languages not in language_labels:
                codes = json.loads(languages) or ()
                language_labels[languages] = ", ".join(language_names(codes, in_text=True))
            yield [
                starts_at.replace(tzinfo=None),
                first_translation(row[: len(titles)]),
                kinds.get(kind, kind),
                organisers[organiser],
                language_labels[languages],
                states[state],
                activity.get(activity_type, "") if activity_type else "",
                total,
                tcn,
                # Live registrations plus those erased, for each status.
                *registered,
                # Counted for events held that used check-in; a small number is hidden like a breakdown's.
                suppress_small([registered[0] - checked_in])[0] if uses_check_in and state == "held" else "",
                *(
                    [SUPPRESSED] * 3
                    if pk in hidden
                    else helpfulness_cells(helpfulness[pk])
                    if pk in helpfulness
                    else no_answers
                ),
            ]


class AgreementsSheet(Sheet):
    slug = "agreements"
    weight = 5
    column_widths = (12, 50, 24, 60, 12)

    @property
    def title(self):
        return gettext("Agreements")

    def header(self):
        return [gettext("Signed on"), gettext("Title"), gettext("Kind"), gettext("Parties"), gettext("Valid until")]

    def count(self):
        return self.scope.agreements().count()

    def rows(self):
        kinds = choice_labels(Agreement.Kind.choices)
        agreements = self.scope.agreements().order_by("signed_on", "pk").prefetch_related("parties")
        for agreement in agreements.iterator(chunk_size=CHUNK_SIZE):
            yield [
                agreement.signed_on,
                agreement.title,
                kinds.get(agreement.kind),
                "; ".join(sorted(str(party) for party in agreement.parties.all())),
                agreement.valid_until,
            ]


class InitiativesSheet(Sheet):
    slug = "initiatives"
    weight = 3
    column_widths = (50, 28, 32, 16, 14, 24, 12, 12, 12)

    @property
    def title(self):
        return gettext("Initiatives")

    def header(self):
        return [
            gettext("Title"),
            gettext("Category"),
            pgettext("initiative", "Host organisation"),
            gettext("City"),
            gettext("Country"),
            gettext("Languages"),
            gettext("Active since"),
            gettext("Active until"),
            gettext("Mapped on"),
        ]

    def count(self):
        return self.scope.initiatives_listed().count()

    def rows(self):
        categories = choice_labels(Initiative.Category.choices)
        initiatives = (
            self.scope.initiatives_listed()
            .order_by("created_at", "pk")
            .values_list(
                translated("title"),
                "category",
                translated("host__short_name", "host__name"),
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
                ", ".join(language_names(languages or (), in_text=True)),
                since,
                until,
                timezone.localdate(created_at),
            ]


class ResourcesSheet(Sheet):
    slug = "resources"
    weight = 2
    column_widths = (12, 50, 24, 32, 40)

    @property
    def title(self):
        return gettext("Resources")

    def header(self):
        return [
            gettext("Published on"),
            gettext("Title"),
            gettext("Kind"),
            gettext("Publishing organisation"),
            gettext("Topics"),
        ]

    def count(self):
        return self.scope.resources().count()

    def rows(self):
        kinds = choice_labels(Resource.Kind.choices)
        topics = choice_labels(Resource.Topic.choices)
        resources = (
            self.scope.resources()
            .order_by("published_on", "pk")
            .values_list(
                "published_on",
                translated("title"),
                "kind",
                translated("owner__short_name", "owner__name"),
                "topics",
            )
        )
        for published_on, title, kind, owner, codes in resources.iterator(chunk_size=CHUNK_SIZE):
            yield [
                published_on,
                title,
                kinds.get(kind, kind),
                owner,
                ", ".join(listed_in_text(topics.get(code, code) for code in codes or ())),
            ]


SHEETS = (
    IndicatorsSheet,
    LibrariesSheet,
    MonthsSheet,
    EventsSheet,
    AgreementsSheet,
    InitiativesSheet,
    ResourcesSheet,
)


def report_sheets(scope: Scope) -> list[Sheet]:
    """The report's tables in their order, sharing one `Facts`."""
    facts = Facts(scope)
    return [sheet(scope, facts) for sheet in SHEETS]
