"""Progress reports: requested on the staff pages, built by the Celery task, checked against counts made here."""

import datetime
import hashlib
import io
import os
import re
import time
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse as django_reverse
from django.utils import translation

from activities.models import Attendance, CheckInCount, Event, Registration, RegistrationTally
from groundwork.spreadsheets import spreadsheet_safe
from mapping.models import Initiative
from partners.models import Agreement, Organisation
from portal import services, tasks
from portal.models import Report
from portal.reports import sheets, writers
from resources.models import Resource
from tests.factories import InitiativeFactory, OrganisationFactory, ResourceFactory, UserFactory
from tests.portal.helpers import point_celery_at

from .reporting import (
    CANCELLED,
    CONFIRMED,
    NOW,
    PERIOD,
    WAITING,
    held_event,
    indicators,
    local_date,
    read_csv_zip,
    read_workbook,
    riga,
)


def reverse(name, kwargs=None):
    """Pages in English, whose labels these tests read (Latvian is the site's default language)."""
    with translation.override("en"):
        return django_reverse(name, kwargs=kwargs)


def page_of(report):
    return reverse("staff:report_detail", kwargs={"pk": report.pk})


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_report_time", "media_root")]


@pytest.fixture
def media_root(settings, tmp_path):
    """Each test its own media folder: report ids start again in every test, so would their folders."""
    settings.MEDIA_ROOT = tmp_path / "media"


def request_report(client, *, libraries=(), countries=(), format="xlsx", language="en", period=PERIOD, capture):
    """Ask for a report through the staff page, the way a coordinator does; the task runs inline (no broker)."""
    data = {
        "period_from": period[0].isoformat(),
        "period_to": period[1].isoformat(),
        "libraries": [library.pk for library in libraries],
        "countries": list(countries),
        "format": format,
        "language": language,
    }
    with capture(execute=True):
        response = client.post(reverse("staff:report_create"), data)
    return response


def download(client, report):
    response = client.get(reverse("staff:report_download", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


# --- What the report should say, counted from the rows here -------------------------------------------------------


def workbook_and_archive(client, capture):
    """The same report asked for as a workbook and as CSV files, both read back."""
    request_report(client, format="xlsx", capture=capture)
    request_report(client, format="csv_zip", capture=capture)
    workbook_report, csv_report = Report.objects.order_by("pk")
    return read_workbook(download(client, workbook_report)), read_csv_zip(download(client, csv_report))


def expected(*, libraries=(), countries=(), period=PERIOD, now=NOW):
    """The report's figures counted here from every row: events belong to the period in which they ended, and are
    held when published and ended by the time the report was asked for."""
    start, end = period
    library_ids = {library.pk for library in libraries}

    def in_scope(organisation):
        return (not library_ids or organisation.pk in library_ids) and (
            not countries or organisation.country in countries
        )

    events = [
        event
        for event in Event.objects.select_related("organiser")
        if event.status in (Event.Status.PUBLISHED, Event.Status.CANCELLED)
        and start <= local_date(event.ends_at) <= end
        and in_scope(event.organiser)
    ]
    held = [event for event in events if event.status == Event.Status.PUBLISHED and event.ends_at <= now]
    planned = [event for event in events if event.status == Event.Status.PUBLISHED and event.ends_at > now]
    last_day = min(end, local_date(now))
    attendance = [a for a in Attendance.objects.all() if a.event_id in {event.pk for event in held}]
    registrations = Counter(
        r.status for r in Registration.objects.all() if r.event_id in {event.pk for event in events}
    )
    for tally in RegistrationTally.objects.filter(event__in=[event.pk for event in events]):
        registrations["confirmed"] += tally.confirmed
        registrations["waiting"] += tally.waiting
        registrations["cancelled"] += tally.cancelled
    agreements = [
        agreement
        for agreement in Agreement.objects.prefetch_related("parties")
        if start <= agreement.signed_on <= last_day
        and (not (library_ids or countries) or any(in_scope(party) for party in agreement.parties.all()))
    ]
    involved = set()
    for event in held:
        involved |= {event.organiser, *event.co_organisers.all()}
        if event.venue_organisation:
            involved.add(event.venue_organisation)
    for agreement in agreements:
        involved |= set(agreement.parties.all())
    initiatives = [
        i
        for i in Initiative.objects.filter(status=Initiative.Status.PUBLISHED)
        if (not library_ids or i.host_id in library_ids) and (not countries or i.country in countries)
    ]
    mapped = [i for i in initiatives if start <= local_date(i.created_at) <= end]
    active = [
        i
        for i in initiatives
        if (i.active_since is None or i.active_since <= end)
        and (i.active_until is None or i.active_until >= start)
        and local_date(i.created_at) <= end
    ]
    resources = [
        r
        for r in Resource.objects.select_related("owner")
        if r.published_on
        and start <= r.published_on <= last_day
        and ((r.owner is None and not (library_ids or countries)) or (r.owner and in_scope(r.owner)))
    ]
    by_type = {code: [a for a in attendance if a.activity_type == code] for code in Attendance.ActivityType.values}
    kinds = Counter(o.kind for o in involved)
    return {
        "events": events,
        "held": held,
        "attendance": attendance,
        ("Events held", "Events held in total"): len(held),
        ("Events planned", "Events planned in the period, not held yet"): len(planned),
        ("Events held", "Kind: Workshop"): sum(e.kind == Event.Kind.WORKSHOP for e in held),
        ("Events held", "Kind: Seminar"): sum(e.kind == Event.Kind.SEMINAR for e in held),
        ("Events held", "Language of delivery: Ukrainian"): sum("uk" in e.languages for e in held),
        ("Participants", "Participants in total"): sum(a.total for a in attendance),
        ("Participants", "Of whom third-country nationals"): sum(a.third_country_nationals for a in attendance),
        ("Participants by activity type (AMIF, Annex VIII)", "Language course: participants"): sum(
            a.total for a in by_type["language_course"]
        ),
        ("Participants by activity type (AMIF, Annex VIII)", "Civic orientation: participants"): sum(
            a.total for a in by_type["civic_orientation"]
        ),
        ("Participants by activity type (AMIF, Annex VIII)", "Personal professional guidance: participants"): sum(
            a.total for a in by_type["professional_guidance"]
        ),
        (
            "Participants by activity type (AMIF, Annex VIII)",
            "Personal professional guidance: of whom third-country nationals",
        ): sum(a.third_country_nationals for a in by_type["professional_guidance"]),
        ("Organisations involved", "Local and regional authorities"): kinds[Organisation.Kind.MUNICIPAL_SERVICE],
        ("Organisations involved", "Partner organisations"): kinds[Organisation.Kind.NGO]
        + kinds[Organisation.Kind.CONSORTIUM_PARTNER]
        + kinds[Organisation.Kind.OTHER],
        ("Organisations involved", "Libraries"): kinds[Organisation.Kind.PARTNER_LIBRARY],
        ("Agreements signed", "Agreements signed in total"): len(agreements),
        ("Initiatives", "Initiatives mapped in the period"): len(mapped),
        ("Initiatives", "Initiatives active in the period"): len(active),
        ("Resources published", "Resources published in total"): len(resources),
        ("Registrations", "Confirmed registrations"): registrations["confirmed"],
        ("Registrations", "Cancellations"): registrations["cancelled"],
        ("Registrations", "On the waiting list"): registrations["waiting"],
    }


def assert_indicators_match(summary, facts):
    for key, value in facts.items():
        if isinstance(key, tuple):
            assert summary[key] == value, key


# --- Numbers --------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("project_year")
def test_the_workbook_numbers_equal_counts_made_from_the_rows(client, coordinator, django_capture_on_commit_callbacks):
    client.force_login(coordinator)

    response = request_report(client, capture=django_capture_on_commit_callbacks)

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_of(report)
    assert report.status == Report.Status.DONE, report.error
    assert report.progress == 100
    sheets = read_workbook(download(client, report))
    assert list(sheets) == ["Indicators", "By library", "By month", "Events", "Agreements", "Initiatives", "Resources"]
    facts = expected()
    summary = indicators(sheets["Indicators"])
    assert_indicators_match(summary, facts)
    # The fixture's figures, so that a wrong independent count cannot hide a wrong report.
    assert summary["Participants", "Participants in total"] == 20 + 7 + 12 + 30
    assert summary["Registrations", "Confirmed registrations"] == 2 + 3 + 1 + 3
    assert summary["Registrations", "Cancellations"] == 1 + 1 + 2

    events = sheets["Events"][1:]
    assert len(events) == len(facts["events"])
    ordered = sorted(facts["events"], key=lambda event: (event.starts_at, event.pk))
    assert [row[1] for row in events] == [event.title for event in ordered]
    assert sum(row[7] or 0 for row in events) == summary["Participants", "Participants in total"]
    assert sum(row[9] for row in events) == summary["Registrations", "Confirmed registrations"]
    assert sum(row[11] for row in events) == summary["Registrations", "Cancellations"]


@pytest.mark.usefixtures("project_year")
def test_breakdowns_per_library_and_month_add_up_to_the_rows(
    client, coordinator, ogre, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    request_report(client, capture=django_capture_on_commit_callbacks)

    sheets = read_workbook(download(client, Report.objects.get()))

    facts = expected()
    by_library = {row[0]: row for row in sheets["By library"][1:]}
    ogre_attendance = [a for a in facts["attendance"] if a.event.organiser_id == ogre.pk]
    assert by_library["Ogre"][2] == sum(e.organiser_id == ogre.pk for e in facts["held"])
    assert by_library["Ogre"][3] == sum(a.total for a in ogre_attendance)
    assert by_library["Ogre"][5] == sum(a.total for a in ogre_attendance if a.activity_type == "language_course")
    by_month = sheets["By month"][1:]
    assert [row[0] for row in by_month][:2] == ["January 2025", "February 2025"]
    assert len(by_month) == 12
    for row, month in zip(by_month, range(1, 13), strict=True):
        in_month = [a for a in facts["attendance"] if local_date(a.event.ends_at).month == month]
        assert row[1] == sum(local_date(e.ends_at).month == month for e in facts["held"])
        assert row[2] == sum(a.total for a in in_month)
    assert sum(row[2] for row in by_month) == sum(a.total for a in facts["attendance"])


@pytest.mark.usefixtures("project_year")
def test_choosing_libraries_or_countries_narrows_every_count(
    client, coordinator, ogre, jelgava, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    request_report(client, libraries=[ogre, jelgava], capture=django_capture_on_commit_callbacks)
    request_report(client, countries=["FR"], capture=django_capture_on_commit_callbacks)

    latvian, french = Report.objects.order_by("pk")
    assert_indicators_match(
        indicators(read_workbook(download(client, latvian))["Indicators"]), expected(libraries=[ogre, jelgava])
    )
    french_summary = indicators(read_workbook(download(client, french))["Indicators"])
    assert_indicators_match(french_summary, expected(countries=["FR"]))
    assert french_summary["Participants", "Participants in total"] == 30


@pytest.mark.usefixtures("project_year")
def test_the_csv_archive_holds_the_same_tables_as_the_workbook(client, coordinator, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    workbook, archive = workbook_and_archive(client, django_capture_on_commit_callbacks)

    assert list(archive) == [
        "01-summary.csv",
        "02-by-library.csv",
        "03-by-month.csv",
        "04-events.csv",
        "05-agreements.csv",
        "06-initiatives.csv",
        "07-resources.csv",
    ]
    assert {key: str(value) for key, value in indicators(workbook["Indicators"]).items()} == indicators(
        archive["01-summary.csv"]
    )
    assert len(archive["04-events.csv"]) == len(workbook["Events"])
    assert Report.objects.order_by("pk").last().download_name.endswith(".zip")


@pytest.mark.usefixtures("project_year")
def test_each_event_row_counts_its_registrations_and_keeps_them_after_erasure(
    client, coordinator, django_capture_on_commit_callbacks
):
    def counted_per_event():
        counts = {}
        for event in expected()["events"]:
            tally = RegistrationTally.objects.filter(event=event).first()
            counts[event.title] = [
                str(Registration.objects.filter(event=event, status=status).count() + getattr(tally, status, 0))
                for status in ("confirmed", "waiting", "cancelled")
            ]
        return counts

    client.force_login(coordinator)
    counts = counted_per_event()
    request_report(client, format="csv_zip", capture=django_capture_on_commit_callbacks)
    call_command("erase_expired_registrations", stdout=io.StringIO())
    request_report(client, format="csv_zip", capture=django_capture_on_commit_callbacks)

    # Erasure moved every registration of the period into the tallies, and the counts made here stayed the same.
    assert not Registration.objects.filter(event__in=expected()["events"]).exists()
    assert counted_per_event() == counts
    assert sorted(counts.values()) == [
        ["0", "0", "0"],
        ["0", "0", "2"],
        ["1", "0", "0"],
        ["3", "0", "0"],
        ["5", "1", "2"],
    ]
    for report in Report.objects.order_by("pk"):
        rows = read_csv_zip(download(client, report))["04-events.csv"][1:]
        assert {row[1]: row[9:12] for row in rows} == counts


def test_events_held_are_those_that_ended_by_the_request_and_the_rest_of_the_period_is_planned(
    client, coordinator, ogre, jelgava, django_capture_on_commit_callbacks
):
    """Today is 10 February 2026 at noon (NOW): the period runs to the end of the year, so some of its events are
    over, one is under way and the rest are still to come."""
    other = {"activity_type": "other"}
    held_event(ogre, riga(2025, 6, 1, 10), attendance={**other, "total": 10}, registrations=[CONFIRMED])
    held_event(ogre, riga(2026, 2, 9, 10), attendance={**other, "total": 5, "third_country_nationals": 5})
    # Under way: its figures were entered early, and count once it has ended.
    held_event(ogre, riga(2026, 2, 10, 11), attendance={**other, "total": 9}, registrations=[CONFIRMED, WAITING])
    held_event(jelgava, riga(2026, 2, 11, 10), registrations=[CONFIRMED, CONFIRMED])
    held_event(jelgava, riga(2026, 11, 20, 10), attendance={**other, "total": 40})
    held_event(jelgava, riga(2026, 2, 9, 12), status=Event.Status.CANCELLED, registrations=[CANCELLED])
    held_event(jelgava, riga(2026, 1, 9, 12), status=Event.Status.DRAFT, attendance={**other, "total": 3})
    client.force_login(coordinator)
    whole_year = (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))
    until_today = (datetime.date(2025, 1, 1), NOW.date())

    request_report(client, period=whole_year, capture=django_capture_on_commit_callbacks)
    request_report(client, period=until_today, capture=django_capture_on_commit_callbacks)

    year_report, today_report = (read_workbook(download(client, report)) for report in Report.objects.order_by("pk"))
    facts = expected(period=whole_year)
    summary = indicators(year_report["Indicators"])
    assert_indicators_match(summary, facts)
    assert summary["Events held", "Events held in total"] == 2
    assert summary["Events planned", "Events planned in the period, not held yet"] == 3
    assert summary["Participants", "Participants in total"] == 10 + 5
    assert summary["Registrations", "Confirmed registrations"] == 1 + 1 + 2
    # Held figures do not depend on how far into the future the period reaches.
    today_summary = indicators(today_report["Indicators"])
    for key in [("Events held", "Events held in total"), ("Participants", "Participants in total")]:
        assert today_summary[key] == summary[key]
    assert today_summary["Events planned", "Events planned in the period, not held yet"] == 1
    february = next(row for row in year_report["By month"] if row[0] == "February 2026")
    assert february[1:3] == [1, 5]
    assert [row[5] for row in year_report["Events"][1:]] == [
        "Held",
        "Held",
        "Cancelled",
        "Planned",
        "Planned",
        "Planned",
    ]
    by_library = {row[0]: row for row in year_report["By library"][1:]}
    assert by_library["Jelgavas pilsētas bibliotēka"][2:4] == [0, 0]


def test_months_and_start_times_follow_riga_time_in_winter_and_summer(
    client, coordinator, ogre, django_capture_on_commit_callbacks
):
    starts = [
        riga(2025, 1, 1, 0, 0),  # the period's first instant, still 2024 in UTC
        riga(2025, 3, 31, 23, 30),  # summer time: March in Riga
        riga(2025, 4, 1, 0, 30),  # April in Riga, still 31 March in UTC
        riga(2025, 10, 31, 23, 30),  # winter time again: October
        riga(2025, 11, 1, 0, 15),  # November in Riga, still 31 October in UTC
    ]
    for number, starts_at in enumerate(starts):
        held_event(
            ogre,
            starts_at,
            # A short event: it ends in the month and on the day it starts, which are the ones to follow here.
            ends_at=starts_at + datetime.timedelta(minutes=15),
            languages=["lv", "uk"],
            attendance={"activity_type": "other", "total": 10 + number},
            registrations=[CONFIRMED] * (number + 1),
        )
    client.force_login(coordinator)

    workbook, archive = workbook_and_archive(client, django_capture_on_commit_callbacks)
    wall_clock = [starts_at.replace(tzinfo=None) for starts_at in starts]
    assert [row[0] for row in workbook["Events"][1:]] == wall_clock
    assert [row[0] for row in archive["04-events.csv"][1:]] == [f"{moment:%Y-%m-%d %H:%M}" for moment in wall_clock]
    assert {row[4] for row in archive["04-events.csv"][1:]} == {"Latvian, Ukrainian"}
    assert [local_date(starts_at).month for starts_at in starts] != [
        starts_at.astimezone(datetime.UTC).month for starts_at in starts
    ]
    by_month = workbook["By month"][1:]
    assert len(by_month) == 12
    for month, row in enumerate(by_month, start=1):
        numbers = [number for number, starts_at in enumerate(starts) if local_date(starts_at).month == month]
        assert row[1:3] == [len(numbers), sum(10 + number for number in numbers)], row
        assert row[4] == sum(number + 1 for number in numbers), row
    assert [row[1] for row in by_month] == [1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0]


# --- Safety of the cells --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+371 2000", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"])
def test_text_that_a_spreadsheet_would_run_is_escaped(text):
    assert spreadsheet_safe(text) == f"'{text}"
    assert spreadsheet_safe(f"Plain {text}") == f"Plain {text}"


def test_formula_like_titles_stay_text_in_both_formats(client, coordinator, django_capture_on_commit_callbacks):
    library = OrganisationFactory(name="=cmd|' /C calc'!A0", short_name="")
    held_event(
        library,
        riga(2025, 4, 4, 12),
        title='=HYPERLINK("http://evil.example","x")',
        attendance={"activity_type": "other", "total": 5},
    )
    with time_machine.travel(riga(2025, 4, 6, 12), tick=False):
        InitiativeFactory(host=library, title="@SUM(1+1)")
    ResourceFactory(owner=library, title="+1 resource", published_on=datetime.date(2025, 4, 5))
    client.force_login(coordinator)

    workbook, archive = workbook_and_archive(client, django_capture_on_commit_callbacks)
    assert workbook["Events"][1][1] == '\'=HYPERLINK("http://evil.example","x")'
    assert workbook["Events"][1][3] == "'=cmd|' /C calc'!A0"
    assert workbook["By library"][1][0] == "'=cmd|' /C calc'!A0"
    assert workbook["Resources"][1][1] == "'+1 resource"
    assert archive["04-events.csv"][1][1] == '\'=HYPERLINK("http://evil.example","x")'
    assert archive["06-initiatives.csv"][1][0] == "'@SUM(1+1)"
    for rows in [*workbook.values(), *archive.values()]:
        for row in rows:
            for cell in row:
                assert not (isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r")), cell


def test_counts_of_people_below_five_are_not_shown(client, coordinator, ogre, django_capture_on_commit_callbacks):
    held_event(
        ogre,
        riga(2025, 2, 2, 12),
        attendance={
            "activity_type": "language_course",
            "total": 30,
            "third_country_nationals": 3,
            "age_0_17": 2,
            "age_18_29": 20,
            "age_30_49": 8,
            "women": 26,
            "men": 4,
        },
    )
    client.force_login(coordinator)

    request_report(client, capture=django_capture_on_commit_callbacks)

    summary = indicators(read_workbook(download(client, Report.objects.get()))["Indicators"])
    ages = {indicator: value for (section, indicator), value in summary.items() if section == "Participants by age"}
    genders = {
        indicator: value for (section, indicator), value in summary.items() if section == "Participants by gender"
    }
    assert ages == {
        "aged 0–17": "<5",
        # Hidden too: with only one hidden cell it could be worked out from the total.
        "aged 18–29": 20,
        "aged 30–49": "<5",
        "aged 50–64": 0,
        "aged 65 or more": 0,
        "not recorded": 0,
    }
    assert genders["men"] == "<5" and genders["women"] == "<5"
    assert genders["other or not disclosed"] == 0
    # Totals are not about a person's attributes and stay as they are.
    assert summary["Participants", "Of whom third-country nationals"] == 3


def test_no_shows_are_counted_for_events_that_used_check_in_and_kept_after_erasure(
    client, coordinator, ogre, django_capture_on_commit_callbacks
):
    """Confirmed registrants not checked in at the door are no-shows, for events held whose door was checked; an
    event nobody checked counts none. Small counts are hidden like a breakdown's."""
    checked = held_event(ogre, riga(2025, 3, 3, 12), registrations=[CONFIRMED] * 9 + [WAITING, CANCELLED])
    few = held_event(ogre, riga(2025, 4, 4, 12), registrations=[CONFIRMED] * 4)
    held_event(ogre, riga(2025, 5, 5, 12), registrations=[CONFIRMED] * 7)  # nobody used check-in
    for event, number in ((checked, 3), (few, 1)):
        arrived = Registration.objects.filter(event=event, status=CONFIRMED).order_by("pk")[:number]
        Registration.objects.filter(pk__in=[registration.pk for registration in arrived]).update(checked_in_at=NOW)
    for event in (checked, few):
        CheckInCount.objects.create(event=event, walk_ins=2)
    client.force_login(coordinator)

    request_report(client, format="csv_zip", capture=django_capture_on_commit_callbacks)
    call_command("erase_expired_registrations", stdout=io.StringIO())
    request_report(client, format="csv_zip", capture=django_capture_on_commit_callbacks)

    assert not Registration.objects.filter(event__organiser=ogre).exists()
    for report in Report.objects.order_by("pk"):
        files = read_csv_zip(download(client, report))
        summary = indicators(files["01-summary.csv"])
        # 6 no-shows at the first event, 3 at the second: 9 over the two events that used check-in.
        assert summary["Registrations", "No-shows"] == "9"
        header = files["04-events.csv"][0]
        no_shows = {row[0][:10]: row[header.index("No-shows")] for row in files["04-events.csv"][1:]}
        assert no_shows == {"2025-03-03": "6", "2025-04-04": "<5", "2025-05-05": ""}


# --- Reliability ----------------------------------------------------------------------------------------------


def report_files(report):
    folder = Path(settings.MEDIA_ROOT) / services.report_folder(report)
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.usefixtures("project_year")
@pytest.mark.parametrize("format", ["xlsx", "csv_zip"])
def test_building_a_report_again_gives_the_same_bytes(client, coordinator, format, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    request_report(client, format=format, capture=django_capture_on_commit_callbacks)
    report = Report.objects.get()
    first = download(client, report)

    Report.objects.filter(pk=report.pk).update(status=Report.Status.QUEUED, file="")
    with time_machine.travel(NOW + datetime.timedelta(hours=5), tick=False):
        tasks.build_report(report.pk)

    report.refresh_from_db()
    assert report.attempts == 2
    assert download(client, report) == first
    assert report.file_sha256 == hashlib.sha256(first).hexdigest()
    assert report_files(report) == [report.download_name]


@pytest.mark.usefixtures("project_year")
def test_a_finished_report_delivered_again_is_left_alone(client, coordinator, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    request_report(client, capture=django_capture_on_commit_callbacks)
    report = Report.objects.get()

    tasks.build_report(report.pk)

    report.refresh_from_db()
    assert report.attempts == 1
    assert report.status == Report.Status.DONE


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the task may catch it and record a failure."""


@pytest.mark.usefixtures("project_year")
def test_a_build_killed_halfway_is_finished_by_the_redelivered_task_with_one_complete_file(
    client, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    written = {}
    real_write = writers.write_sheets

    def killed_after_a_few_rows(sheets, target, *, progress, **kwargs):
        def progress_then_die(sheet, rows):
            if sheet.slug == "events":
                written["partial"] = target.name
                raise WorkerKilled
            progress(sheet, rows)

        real_write(sheets, target, progress=progress_then_die, **kwargs)

    monkeypatch.setattr(writers, "write_sheets", killed_after_a_few_rows)
    with pytest.raises(WorkerKilled):
        request_report(client, capture=django_capture_on_commit_callbacks)
    report = Report.objects.get()
    assert report.status == Report.Status.RUNNING
    assert not report.file
    assert report_files(report) == [Path(written["partial"]).name]
    assert client.get(reverse("staff:report_download", kwargs={"pk": report.pk})).status_code == 404

    monkeypatch.setattr(writers, "write_sheets", real_write)
    tasks.build_report(report.pk)  # the broker delivers the unacknowledged task again

    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert report.attempts == 2
    assert report_files(report) == [report.download_name]
    data = download(client, report)
    assert read_workbook(data)["Events"][1:]
    assert hashlib.sha256(data).hexdigest() == report.file_sha256


@pytest.mark.usefixtures("project_year")
def test_a_request_made_while_the_broker_is_down_is_kept_and_built_once_it_is_back(
    client, coordinator, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    response = request_report(client, capture=django_capture_on_commit_callbacks)

    report = Report.objects.get()
    assert response.status_code == 302
    assert (report.status, report.waits_for_broker) == (Report.Status.QUEUED, True)
    page = client.get(page_of(report))
    assert "The task queue cannot be reached at the moment" in page.content.decode()
    call_command("dispatch_tasks")  # the broker is still down: nothing lost, nothing sent
    assert Report.objects.get().waits_for_broker is True

    point_celery_at(broker_url="memory://", task_always_eager=True)
    call_command("dispatch_tasks")

    report.refresh_from_db()
    assert report.waits_for_broker is False
    assert report.status == Report.Status.DONE
    assert indicators(read_workbook(download(client, report))["Indicators"])["Events held", "Events held in total"]


def test_a_failed_build_tells_the_coordinator_what_to_do(
    client, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ValueError("internal detail nobody should see")

    monkeypatch.setattr(writers, "write_sheets", broken)
    client.force_login(coordinator)

    request_report(client, capture=django_capture_on_commit_callbacks)

    report = Report.objects.get()
    assert report.status == Report.Status.FAILED
    page = client.get(page_of(report)).content.decode()
    assert "could not be prepared because of an unexpected error" in page
    assert f"report number {report.pk}" in page
    assert "internal detail" not in page
    assert report_files(report) == []


def test_a_sheet_longer_than_the_row_limit_continues_on_the_next_sheet(
    client, coordinator, ogre, monkeypatch, django_capture_on_commit_callbacks
):
    for day in range(1, 8):
        held_event(ogre, riga(2025, 3, day, 12), title=f"Event {day}")
    monkeypatch.setattr(writers, "MAX_SHEET_ROWS", 3)
    client.force_login(coordinator)

    request_report(client, capture=django_capture_on_commit_callbacks)

    sheets = read_workbook(download(client, Report.objects.get()))
    assert [name for name in sheets if name.startswith("Events")] == ["Events", "Events (2)", "Events (3)"]
    titles = [row[1] for name in ("Events", "Events (2)", "Events (3)") for row in sheets[name][1:]]
    assert titles == [f"Event {day}" for day in range(1, 8)]
    assert all(sheets[name][0][1] == "Title" for name in ("Events", "Events (2)", "Events (3)"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("format", ["xlsx", "csv_zip"])
def test_built_as_the_worker_does_each_event_row_shows_its_state_attendance_and_registrations(
    coordinator, ogre, format
):
    """Outside a transaction, as in the Celery worker (on PostgreSQL the rows then stream through a cursor kept
    across commits); built twice, the same bytes."""
    held_event(
        ogre,
        riga(2025, 7, 1, 0, 30),
        kind=Event.Kind.WORKSHOP,
        languages=["uk"],
        attendance={"activity_type": "language_course", "total": 14, "third_country_nationals": 9},
        registrations=[CONFIRMED, CONFIRMED, WAITING],
        tally={"confirmed": 2, "waiting": 0, "cancelled": 1},
    )
    held_event(
        ogre,
        riga(2025, 2, 3, 18),
        kind=Event.Kind.SEMINAR,
        languages=["ru"],
        status=Event.Status.CANCELLED,
        registrations=[CANCELLED],
    )
    # Ends in the period, after the report is asked for (NOW): planned, not held.
    held_event(ogre, riga(2026, 2, 10, 11), ends_at=riga(2026, 2, 10, 13), languages=["lv", "en"])
    report = Report.objects.create(
        requested_by=coordinator,
        period_from=PERIOD[0],
        period_to=datetime.date(2026, 12, 31),
        format=format,
        language="en",
    )

    tasks.build_report(report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    first = Path(settings.MEDIA_ROOT, report.file.name).read_bytes()
    Report.objects.filter(pk=report.pk).update(status=Report.Status.QUEUED, file="")
    tasks.build_report(report.pk)
    report.refresh_from_db()

    assert Path(settings.MEDIA_ROOT, report.file.name).read_bytes() == first
    if format == "xlsx":
        events = read_workbook(first)["Events"][1:]
    else:
        events = [
            [int(cell) if cell.isdigit() else cell or None for cell in row]
            for row in read_csv_zip(first)["04-events.csv"][1:]
        ]
    assert [row[2:] for row in events] == [
        # Then no-shows (empty: none of these events used check-in at the door) and the survey's answers (none).
        ["Seminar", "Ogre", "Russian", "Cancelled", None, None, None, 0, 0, 1, None, 0, 0, 0],
        ["Workshop", "Ogre", "Ukrainian", "Held", "Language course", 14, 9, 4, 1, 1, None, 0, 0, 0],
        ["Seminar", "Ogre", "Latvian, English", "Planned", None, None, None, 0, 0, 0, None, 0, 0, 0],
    ]


@pytest.mark.django_db(transaction=True)
def test_a_database_error_while_the_events_are_read_fails_the_report_cleanly(coordinator, ogre, monkeypatch):
    held_event(ogre, riga(2025, 5, 5, 12))
    report = Report.objects.create(requested_by=coordinator, period_from=PERIOD[0], period_to=PERIOD[1], language="en")

    real_event_rows = sheets.EventsSheet.rows

    def lost_connection(sheet):
        yield from real_event_rows(sheet)
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(sheets.EventsSheet, "rows", lost_connection)

    tasks.build_report(report.pk)

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error.startswith("The database could not be read while the report was prepared.")
    assert report_files(report) == []


# --- Progress, history and the coordinator's language ---------------------------------------------------------


def test_the_status_endpoint_and_the_page_show_the_progress(client, coordinator):
    report = Report.objects.create(
        requested_by=coordinator,
        period_from=PERIOD[0],
        period_to=PERIOD[1],
        language="en",
        status=Report.Status.RUNNING,
        progress=42,
        step="Writing “Events”: 5000 rows",
    )
    client.force_login(coordinator)

    state = client.get(reverse("staff:report_status", kwargs={"pk": report.pk}))
    page = client.get(page_of(report)).content.decode()

    assert state.json() == {
        "status": "running",
        "status_label": "Being prepared",
        "progress": 42,
        "step": "Writing “Events”: 5000 rows",
        "error": "",
        "finished": False,
        "download_url": "",
    }
    assert state["Cache-Control"].startswith("max-age=0")
    assert '<progress id="report-progress" max="100" value="42">' in page
    assert "Writing “Events”: 5000 rows" in page
    assert 'http-equiv="refresh"' not in page
    assert "portal/dashboard.js" in page
    assert " style=" not in page


@pytest.mark.usefixtures("project_year")
def test_the_report_is_labelled_in_the_language_chosen(client, coordinator, django_capture_on_commit_callbacks):
    client.force_login(coordinator)

    request_report(client, language="en", capture=django_capture_on_commit_callbacks)
    request_report(client, language="uk", capture=django_capture_on_commit_callbacks)
    request_report(client, language="lv", capture=django_capture_on_commit_callbacks)

    # The third sheet is the monthly one, whatever its name in the report's language.
    months = [
        list(read_workbook(download(client, report)).values())[2][1][0] for report in Report.objects.order_by("pk")
    ]
    # Month names from Django's own catalogues: the build ran under each report's language.
    assert months == ["January 2025", "Січень 2025", "janvāris 2025"]


@pytest.mark.parametrize(
    ("language", "event_languages", "initiative_languages", "topics"),
    [
        ("lv", "latviešu, ukraiņu, krievu", "ukraiņu, angļu", "starpkultūru komunikācija, valodu apguve"),
        ("uk", "латиська, українська, російська", "українська, англійська", "міжкультурна комунікація, вивчення мов"),
        (
            "ru",
            "латышский, украинский, русский",
            "украинский, английский",
            "межкультурная коммуникация, изучение языка",
        ),
        ("en", "Latvian, Ukrainian, Russian", "Ukrainian, English", "intercultural communication, language learning"),
    ],
)
def test_the_lists_in_the_cells_are_written_as_the_report_s_language_writes_them_inside_text(
    client,
    coordinator,
    ogre,
    django_capture_on_commit_callbacks,
    language,
    event_languages,
    initiative_languages,
    topics,
):
    held_event(ogre, riga(2025, 3, 3, 10), languages=["lv", "uk", "ru"])
    with time_machine.travel(riga(2025, 4, 1, 9), tick=False):
        InitiativeFactory(host=ogre, languages=["uk", "en"])
    ResourceFactory(owner=ogre, published_on=datetime.date(2025, 5, 1), topics=["intercultural", "language"])
    client.force_login(coordinator)

    request_report(client, format="xlsx", language=language, capture=django_capture_on_commit_callbacks)
    request_report(client, format="csv_zip", language=language, capture=django_capture_on_commit_callbacks)

    for report in Report.objects.order_by("pk"):
        data = download(client, report)
        tables = list((read_workbook(data) if report.format == Report.Format.XLSX else read_csv_zip(data)).values())
        # The events, initiatives and resources sheets, whatever their names in the report's language.
        events, initiatives, resources = tables[3], tables[5], tables[6]
        assert events[1][4] == event_languages, report.format
        assert initiatives[1][5] == initiative_languages, report.format
        assert resources[1][4] == topics, report.format


@pytest.mark.usefixtures("project_year")
def test_the_history_lists_who_asked_when_and_for_what_with_filters(
    client, coordinator, ogre, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    request_report(client, libraries=[ogre], capture=django_capture_on_commit_callbacks)
    Report.objects.create(
        requested_by=UserFactory(username="other"),
        period_from=PERIOD[0],
        period_to=PERIOD[1],
        language="lv",
        status=Report.Status.FAILED,
        error="x",
    )

    everything = client.get(reverse("staff:report_list")).content.decode()
    failed = client.get(reverse("staff:report_list"), {"status": "failed"}).content.decode()

    assert "kisc-coordinator" in everything and "other" in everything
    assert "Ogre" in everything
    assert "2 reports" in everything
    assert "1 report" in failed and "kisc-coordinator" not in failed.split("<tbody>")[1]


@pytest.mark.parametrize("count", [3, 30])
def test_the_history_takes_the_same_number_of_queries_at_any_size(
    client, coordinator, ogre, count, django_assert_max_num_queries
):
    for _ in range(count):
        report = Report.objects.create(
            requested_by=coordinator, period_from=PERIOD[0], period_to=PERIOD[1], language="lv"
        )
        report.libraries.set([ogre])
    client.force_login(coordinator)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("staff:report_list"))

    assert response.status_code == 200


# --- The request form ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["librarian", "coordinator"])
@pytest.mark.parametrize("language", ["lv", "uk"])
def test_the_request_form_offers_this_year_so_far_in_the_pages_language(client, request, role, language):
    client.force_login(request.getfixturevalue(role))
    with translation.override(language):
        url = django_reverse("staff:report_create")

    html = client.get(url).content.decode()

    # NOW is 10 February 2026: the period runs from 1 January to today.
    assert re.search(r'<input type="date" name="period_from" value="2026-01-01"', html)
    assert re.search(r'<input type="date" name="period_to" value="2026-02-10"', html)
    language_select = re.search(r'<select name="language".*?</select>', html, re.DOTALL)[0]
    assert re.findall(r'<option value="(\w*)"[^>]*selected', language_select) == [language]
    assert re.search(r'<input type="radio" name="format" value="xlsx"[^>]*checked', html)


# --- Who may do what --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["staff:dashboard", "staff:report_list", "staff:report_create"])
def test_anonymous_visitors_are_sent_to_the_admin_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login") + "?next=")


def test_people_without_a_staff_role_are_refused(client):
    client.force_login(UserFactory(is_staff=False))

    assert client.get(reverse("staff:report_list")).status_code == 403


def test_a_librarian_cannot_ask_for_another_librarys_report(
    client, librarian, jelgava, django_capture_on_commit_callbacks
):
    client.force_login(librarian)

    response = request_report(client, libraries=[jelgava], capture=django_capture_on_commit_callbacks)
    without_library = request_report(client, libraries=[], capture=django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.context["form"].errors["libraries"][0].startswith("Select a valid choice")
    assert without_library.status_code == 200
    assert "libraries" in without_library.context["form"].errors
    assert not Report.objects.exists()


@pytest.mark.parametrize("library", ["99999999999999999999", "-99999999999999999999"])
def test_a_library_id_beyond_any_id_column_is_a_choice_not_offered_not_a_server_error(client, librarian, library):
    client.force_login(librarian)
    data = {"period_from": "2025-01-01", "period_to": "2025-12-31", "libraries": [library], "format": "xlsx"}

    response = client.post(reverse("staff:report_create"), {**data, "language": "en"})

    assert response.status_code == 200
    assert response.context["form"].errors["libraries"] == [
        f"Select a valid choice. {library} is not one of the available choices."
    ]
    assert not Report.objects.exists()


def test_a_librarian_reports_on_her_library_and_sees_only_her_reports(
    client, librarian, coordinator, ogre, jelgava, django_capture_on_commit_callbacks
):
    held_event(ogre, riga(2025, 5, 5, 12), attendance={"activity_type": "other", "total": 11})
    held_event(jelgava, riga(2025, 5, 5, 12), attendance={"activity_type": "other", "total": 40})
    theirs = Report.objects.create(requested_by=coordinator, period_from=PERIOD[0], period_to=PERIOD[1], language="lv")
    client.force_login(librarian)

    request_report(client, libraries=[ogre], capture=django_capture_on_commit_callbacks)

    mine = Report.objects.get(requested_by=librarian)
    summary = indicators(read_workbook(download(client, mine))["Indicators"])
    assert summary["Participants", "Participants in total"] == 11
    assert client.get(page_of(theirs)).status_code == 404
    assert client.get(reverse("staff:report_download", kwargs={"pk": theirs.pk})).status_code == 404
    history = client.get(reverse("staff:report_list")).content.decode()
    assert page_of(mine) in history and page_of(theirs) not in history


# --- Expiry -------------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("project_year")
def test_files_are_deleted_after_the_retention_period_and_the_history_stays(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    request_report(client, capture=django_capture_on_commit_callbacks)
    report = Report.objects.get()
    assert report.expires_at == report.finished_at + datetime.timedelta(days=settings.REPORT_RETENTION_DAYS)

    with time_machine.travel(NOW + datetime.timedelta(days=settings.REPORT_RETENTION_DAYS - 1), tick=False):
        call_command("expire_reports")
    assert report_files(report) == [report.download_name]

    with time_machine.travel(NOW + datetime.timedelta(days=settings.REPORT_RETENTION_DAYS, hours=1), tick=False):
        call_command("expire_reports")

    report.refresh_from_db()
    assert not report.file
    assert not (Path(settings.MEDIA_ROOT) / services.report_folder(report)).exists()
    assert client.get(reverse("staff:report_download", kwargs={"pk": report.pk})).status_code == 404
    page = client.get(page_of(report)).content.decode()
    assert "The file of this report has expired" in page
    assert f'action="{reverse("staff:report_again", kwargs={"pk": report.pk})}"' in page


@pytest.mark.usefixtures("project_year")
def test_an_expired_report_says_so_in_the_history_and_is_built_again_with_one_click(
    client, coordinator, ogre, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    request_report(
        client,
        libraries=[ogre],
        countries=["LV"],
        format="csv_zip",
        language="uk",
        capture=django_capture_on_commit_callbacks,
    )
    expired = Report.objects.get()
    first = download(client, expired)
    later = NOW + datetime.timedelta(days=settings.REPORT_RETENTION_DAYS, hours=1)
    with time_machine.travel(later, tick=False):
        call_command("expire_reports")
        client.force_login(coordinator)  # a month later: a new session
        history = client.get(reverse("staff:report_list")).content.decode()
        state = client.get(reverse("staff:report_status", kwargs={"pk": expired.pk})).json()
        again = reverse("staff:report_again", kwargs={"pk": expired.pk})
        refused = client.get(again)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(again)

    assert "File expired" in history.split("<tbody>")[1]
    assert f'action="{again}"' in history
    assert state["status_label"] == "File expired" and state["download_url"] == ""
    assert refused.status_code == 405
    rebuilt = Report.objects.exclude(pk=expired.pk).get()
    assert response.status_code == 302 and response["Location"] == page_of(rebuilt)
    assert (rebuilt.period_from, rebuilt.period_to, rebuilt.format, rebuilt.language) == (
        expired.period_from,
        expired.period_to,
        expired.format,
        expired.language,
    )
    assert list(rebuilt.libraries.all()) == [ogre] and rebuilt.countries == expired.countries
    assert rebuilt.requested_by == coordinator and rebuilt.requested_at == later
    assert rebuilt.status == Report.Status.DONE
    # The period lies before both requests, so the figures and tables are the same.
    assert read_csv_zip(download(client, rebuilt)) == read_csv_zip(first)
    expired.refresh_from_db()
    assert expired.has_expired


def test_a_report_file_is_never_served_from_the_media_address_only_through_its_download_page(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    request_report(client, capture=django_capture_on_commit_callbacks)
    report = Report.objects.get()
    address = report.file.url
    assert address.startswith("/media/reports/")
    inside = address.removeprefix("/media/")
    spellings = [address, f"/media/./{inside}", f"/media/logos/../{inside}", f"/media//{inside}"]
    spellings.append(f"/media/REPORTS/{inside.removeprefix('reports/')}")

    signed_in = {spelling: client.get(spelling).status_code for spelling in spellings}
    client.logout()
    anonymous = {spelling: client.get(spelling).status_code for spelling in spellings}
    client.force_login(coordinator)

    assert signed_in == anonymous == dict.fromkeys(spellings, 404)
    assert download(client, report)


def test_building_again_checks_the_libraries_and_the_owner_again(client, librarian, coordinator, ogre, jelgava):
    hers = Report.objects.create(
        requested_by=librarian, period_from=PERIOD[0], period_to=PERIOD[1], language="en", status=Report.Status.FAILED
    )
    hers.libraries.set([jelgava])  # a library she no longer works for
    theirs = Report.objects.create(
        requested_by=coordinator, period_from=PERIOD[0], period_to=PERIOD[1], language="en", status=Report.Status.FAILED
    )
    ready = Report.objects.create(
        requested_by=librarian, period_from=PERIOD[0], period_to=PERIOD[1], language="en", status=Report.Status.RUNNING
    )
    client.force_login(librarian)

    refused = client.post(reverse("staff:report_again", kwargs={"pk": hers.pk}))
    not_hers = client.post(reverse("staff:report_again", kwargs={"pk": theirs.pk}))
    running = client.post(reverse("staff:report_again", kwargs={"pk": ready.pk}))

    assert refused.status_code == 200
    assert refused.context["form"].errors["libraries"][0].startswith("Select a valid choice")
    assert not_hers.status_code == 404
    assert running.status_code == 302 and running["Location"] == page_of(ready)
    assert Report.objects.count() == 3


def test_a_build_interrupted_for_good_is_marked_failed(coordinator):
    report = Report.objects.create(
        requested_by=coordinator,
        period_from=PERIOD[0],
        period_to=PERIOD[1],
        language="en",
        status=Report.Status.RUNNING,
        attempts=1,
        requested_at=NOW - datetime.timedelta(hours=7),
        started_at=NOW - datetime.timedelta(hours=7),
    )

    with translation.override("en"):
        call_command("expire_reports")

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error == "The report was interrupted and could not be finished. Request it again."


# --- Through a real broker and worker -----------------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL and a Celery worker (see .ci/run)")
@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_report_through_redis(client, coordinator, ogre):
    """The worker of .ci/run reads the test database (`test_` + the name), so the rows are committed here."""
    held_event(ogre, riga(2025, 5, 5, 12), attendance={"activity_type": "language_course", "total": 17})
    held_event(ogre, riga(2025, 6, 5, 12), registrations=[CONFIRMED, CANCELLED])
    client.force_login(coordinator)

    response = client.post(
        reverse("staff:report_create"),
        {"period_from": "2025-01-01", "period_to": "2025-12-31", "format": "xlsx", "language": "en"},
    )

    assert response.status_code == 302
    report = Report.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_finished:
            break
        time.sleep(0.5)
    assert not report.waits_for_broker
    assert report.status == Report.Status.DONE, (
        f"status {report.status} after 60 s: is a worker running with REDIS_URL and DATABASE_URL of the test "
        f"database ({settings.DATABASES['default']['NAME']})? {report.error}"
    )
    # The worker's media folder may be another one: build the same report here and compare the digests.
    Report.objects.filter(pk=report.pk).update(status=Report.Status.QUEUED, file="")
    tasks.build_report.apply(args=[report.pk])
    rebuilt = Report.objects.get(pk=report.pk)
    assert rebuilt.file_sha256 == report.file_sha256
    summary = indicators(read_workbook(download(client, rebuilt))["Indicators"])
    assert summary["Participants", "Participants in total"] == 17
    assert summary["Registrations", "Cancellations"] == 1


def test_coordinators_find_the_history_in_the_admin_and_librarians_do_not(client, coordinator, librarian):
    report = Report.objects.create(requested_by=coordinator, period_from=PERIOD[0], period_to=PERIOD[1], language="lv")
    changelist = django_reverse("admin:portal_report_changelist")

    client.force_login(coordinator)
    page = client.get(changelist, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(librarian)
    refused = client.get(changelist)

    assert page.status_code == 200
    assert f'href="/en/staff/reports/{report.pk}/"' in page.content.decode()
    assert refused.status_code == 403
