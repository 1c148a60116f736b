"""What a progress report (and the dashboard) counts: the rows of a period, narrowed by libraries and countries.

Contract:

- Period: days from `start` to `end` in the site's time zone, both included. An event belongs to the period in
  which it ended (`Event.objects.ending_between`); it is **held** when it is published and ended by `now`, the
  moment the report was asked for (`Event.objects.held`), and **planned** when it is published and ends later in
  the period. Attendance and participants count the events held only. Registrations count every published or
  cancelled event of the period (held, planned or cancelled): live rows plus the tallies left when personal data
  was erased. No-shows are the confirmed registrations not checked in, at events held that used check-in at the
  door (a registrant checked in or a walk-in counted), erased registrations included.
- The result indicator (participants who report that an event helped their integration) counts the anonymous
  answers about the events held, by the event's organiser and month like the other figures.
- Agreements signed and resources published on a day of the period up to the day of `now` (a date still to come
  is a plan, not a fact); initiatives mapped (added) in the period, and active when their active period (open
  ends allowed) overlaps it.
- Libraries and countries narrow by the responsible organisation: an event's organiser, an agreement's parties
  (any of them), a resource's publishing organisation and an initiative's host; countries are the organisations'
  countries, except for initiatives, whose own country (where they are on the map) counts, since public
  suggestions may have no host. Empty means no restriction.

Because `now` is the request's moment, building the same report again later gives the same figures.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from activities.models import Attendance, Event, EventAlert, Registration, RegistrationTally, SurveyAnswer
from mapping.models import Initiative
from partners.models import Agreement, Organisation
from resources.models import Resource


@dataclass(frozen=True)
class Scope:
    start: datetime.date
    end: datetime.date
    library_ids: tuple[int, ...] = ()
    countries: tuple[str, ...] = ()
    now: datetime.datetime = field(default_factory=timezone.now)

    @classmethod
    def of_report(cls, report):
        return cls(
            start=report.period_from,
            end=report.period_to,
            library_ids=tuple(sorted(report.libraries.values_list("pk", flat=True))),
            countries=tuple(sorted(str(code) for code in report.countries)),
            now=report.requested_at,
        )

    @property
    def starts_at(self):
        """The first instant of the period in the site's time zone."""
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=timezone.get_default_timezone())

    @property
    def ends_before(self):
        """The first instant after the period."""
        return datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_default_timezone()
        )

    @property
    def last_day_so_far(self):
        """The period's last day, or the day of `now` if that is earlier."""
        return min(self.end, timezone.localdate(self.now, timezone.get_default_timezone()))

    def months(self):
        """(year, month) of every month the period touches, in order."""
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            yield year, month
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def organisation_q(self, path):
        """The condition that the organisation at `path` is one of the chosen libraries and countries."""
        condition = Q()
        if self.library_ids:
            condition &= Q(**{f"{path}__in": self.library_ids})
        if self.countries:
            condition &= Q(**{f"{path}__country__in": self.countries})
        return condition

    # --- The rows each figure counts -----------------------------------------------------------------------------

    def events(self) -> QuerySet:
        """Published and cancelled events of the period, organised in scope."""
        return Event.objects.ending_between(self.start, self.end).published().filter(self.organisation_q("organiser"))

    def events_held(self) -> QuerySet:
        return Event.objects.held(self.start, self.end, now=self.now).filter(self.organisation_q("organiser"))

    def events_planned(self) -> QuerySet:
        return Event.objects.planned(self.start, self.end, now=self.now).filter(self.organisation_q("organiser"))

    def attendance(self) -> QuerySet:
        return Attendance.objects.filter(event__in=self.events_held())

    def survey_answers(self) -> QuerySet:
        """Answers to "was it helpful?" about the events held, given by the day of `now` (answers carry their day
        only, so a report built again later the same day may count a few more)."""
        return SurveyAnswer.objects.filter(event__in=self.events_held(), answered_on__lte=self.last_day_so_far)

    def registrations(self) -> QuerySet:
        return Registration.objects.filter(event__in=self.events())

    def no_shows(self) -> dict[str, int]:
        """Confirmed registrations not checked in (erased ones included), over the events held that used check-in
        at the door: `{"events": n, "no_shows": n}`. Events whose door nobody checked count no no-shows."""
        events = self.events_held().with_registration_counts().with_check_in_counts().filter(uses_check_in=True)
        rows = list(events.values_list("confirmed_count", "erased_confirmed", "checked_in_count"))
        return {
            "events": len(rows),
            "no_shows": sum(max(live + erased - checked_in, 0) for live, erased, checked_in in rows),
        }

    def tallies(self) -> QuerySet:
        return RegistrationTally.objects.filter(event__in=self.events())

    def alerts(self) -> QuerySet:
        """Alerts for new events confirmed by `now` and not stopped (a state, not a count of the period); narrowed
        to those naming a library in scope."""
        alerts = EventAlert.objects.confirmed().filter(confirmed_at__lte=self.now)
        if self.library_ids or self.countries:
            alerts = alerts.filter(self.organisation_q("library"))
        return alerts

    def agreements(self) -> QuerySet:
        agreements = Agreement.objects.filter(signed_on__gte=self.start, signed_on__lte=self.last_day_so_far)
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
            self.organisation_q("owner"), published_on__gte=self.start, published_on__lte=self.last_day_so_far
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
