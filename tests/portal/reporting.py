"""Shared data and helpers for the report and dashboard tests: a small project year, and readers of the files."""

import csv
import datetime
import io
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.utils import timezone

from activities.models import Attendance, Event, Registration, RegistrationTally
from mapping.models import Initiative
from partners.models import Organisation, StaffMembership
from partners.roles import sync_user_groups
from resources.models import Resource
from tests.factories import (
    AgreementFactory,
    EventFactory,
    InitiativeFactory,
    OrganisationFactory,
    ResourceFactory,
    StaffMembershipFactory,
)

RIGA = ZoneInfo("Europe/Riga")
NOW = datetime.datetime(2026, 2, 10, 12, 0, tzinfo=RIGA)
PERIOD = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def riga(*args):
    return datetime.datetime(*args, tzinfo=RIGA)


@pytest.fixture
def frozen_report_time():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def ogre(db):
    return OrganisationFactory(name="Ogres Centrālā bibliotēka", short_name="Ogre", slug="ogre", city="Ogre")


@pytest.fixture
def jelgava(db):
    return OrganisationFactory(name="Jelgavas pilsētas bibliotēka", slug="jelgava", city="Jelgava")


@pytest.fixture
def lyon(db):
    return OrganisationFactory(name="Bibliothèque de Lyon", slug="lyon", city="Lyon", country="FR")


@pytest.fixture
def kisc(db):
    return OrganisationFactory(
        name="Sabiedrības integrācijas centrs", slug="kisc", kind=Organisation.Kind.CONSORTIUM_PARTNER
    )


def staff_member(organisation, role, username):
    membership = StaffMembershipFactory(user__username=username, organisation=organisation, role=role)
    sync_user_groups(membership.user)
    return membership.user


@pytest.fixture
def coordinator(kisc):
    return staff_member(kisc, StaffMembership.Role.COORDINATOR, "kisc-coordinator")


@pytest.fixture
def librarian(ogre):
    return staff_member(ogre, StaffMembership.Role.LIBRARIAN, "ogre-librarian")


def held_event(organiser, starts_at, *, ends_at=None, attendance=None, registrations=(), tally=None, **kwargs):
    """A published event (two hours long unless `ends_at` says otherwise) with optional attendance counts,
    registrations (statuses) and an erased-data tally."""
    event = EventFactory(
        organiser=organiser, starts_at=starts_at, ends_at=ends_at or starts_at + datetime.timedelta(hours=2), **kwargs
    )
    if attendance:
        Attendance.objects.create(event=event, **attendance)
    for number, status in enumerate(registrations):
        Registration.objects.create(
            event=event,
            name=f"Dalībnieks {number}",
            email=f"person{number}-{event.pk}@example.org",
            language="uk",
            status=status,
            consent_at=starts_at - datetime.timedelta(days=3),
            created_at=starts_at - datetime.timedelta(days=3, minutes=number),
        )
    if tally:
        RegistrationTally.objects.create(event=event, **tally)
    return event


CONFIRMED, WAITING, CANCELLED = (
    Registration.Status.CONFIRMED,
    Registration.Status.WAITING,
    Registration.Status.CANCELLED,
)


@pytest.fixture
def project_year(ogre, jelgava, lyon, kisc):
    """Events, attendance, registrations, agreements, initiatives and resources in and around 2025."""
    municipality = OrganisationFactory(name="Ogres novada pašvaldība", kind=Organisation.Kind.MUNICIPAL_SERVICE)
    ngo = OrganisationFactory(name="Gribu palīdzēt bēgļiem", kind=Organisation.Kind.NGO)
    lesson = held_event(
        ogre,
        riga(2025, 1, 15, 18),
        kind=Event.Kind.WORKSHOP,
        languages=["lv", "uk"],
        attendance={
            "activity_type": Attendance.ActivityType.LANGUAGE_COURSE,
            "total": 20,
            "third_country_nationals": 15,
            "age_18_29": 8,
            "age_30_49": 9,
            "age_65_plus": 2,
            "women": 14,
            "men": 6,
        },
        registrations=[CONFIRMED, CONFIRMED, WAITING, CANCELLED],
        tally={"confirmed": 3, "waiting": 0, "cancelled": 1},
    )
    lesson.co_organisers.add(municipality, ngo)
    held_event(
        ogre,
        # Ends late on the period's last day, Riga time: in the period, in December.
        riga(2025, 12, 31, 23, 0),
        ends_at=riga(2025, 12, 31, 23, 55),
        languages=["ru"],
        attendance={
            "activity_type": Attendance.ActivityType.CIVIC_ORIENTATION,
            "total": 7,
            "third_country_nationals": 7,
        },
        registrations=[CONFIRMED],
    )
    held_event(
        jelgava,
        riga(2025, 3, 3, 10),
        kind=Event.Kind.INFORMATION_SESSION,
        languages=["uk"],
        venue_organisation=municipality,
        attendance={
            "activity_type": Attendance.ActivityType.PROFESSIONAL_GUIDANCE,
            "total": 12,
            "third_country_nationals": 10,
            "women": 3,
            "men": 9,
        },
        registrations=[CONFIRMED, CONFIRMED, CONFIRMED],
    )
    held_event(
        lyon,
        riga(2025, 6, 20, 15),
        languages=["fr", "uk"],
        attendance={"activity_type": "other", "total": 30, "third_country_nationals": 25},
    )
    # Not counted as held: cancelled (its registrations count), a draft, and events that ended outside the period.
    held_event(ogre, riga(2025, 5, 5, 18), status=Event.Status.CANCELLED, registrations=[CANCELLED, CANCELLED])
    held_event(ogre, riga(2025, 5, 6, 18), status=Event.Status.DRAFT, registrations=[CONFIRMED])
    held_event(
        ogre,
        # Ends a minute before the period's first instant: outside it.
        riga(2024, 12, 31, 22, 0),
        ends_at=riga(2024, 12, 31, 23, 59),
        attendance={
            "activity_type": Attendance.ActivityType.LANGUAGE_COURSE,
            "total": 99,
            "third_country_nationals": 9,
        },
    )
    held_event(
        jelgava,
        # Starts on the period's last day and ends at 00:30 on the next, still 31 December in UTC: outside the period,
        # which holds the events that ended in it.
        riga(2025, 12, 31, 22, 30),
        ends_at=riga(2026, 1, 1, 0, 30),
        attendance={
            "activity_type": Attendance.ActivityType.LANGUAGE_COURSE,
            "total": 50,
            "third_country_nationals": 5,
        },
    )

    AgreementFactory(signed_on=datetime.date(2025, 2, 14), parties=[kisc, ogre])
    AgreementFactory(signed_on=datetime.date(2025, 9, 1), parties=[jelgava, municipality], kind="memorandum")
    AgreementFactory(signed_on=datetime.date(2024, 9, 1), parties=[jelgava, ngo])

    with time_machine.travel(riga(2025, 4, 1, 9), tick=False):
        InitiativeFactory(host=ogre, category=Initiative.Category.LANGUAGE)
        InitiativeFactory(host=None, category=Initiative.Category.COUNSELLING, country="FR")
        InitiativeFactory(host=jelgava, status=Initiative.Status.PENDING)
    with time_machine.travel(riga(2023, 4, 1, 9), tick=False):
        InitiativeFactory(host=jelgava, category=Initiative.Category.CULTURE, active_until=datetime.date(2024, 6, 1))
        InitiativeFactory(host=jelgava, category=Initiative.Category.EMPLOYMENT, active_since=datetime.date(2024, 1, 1))

    ResourceFactory(owner=ogre, published_on=datetime.date(2025, 3, 1), kind=Resource.Kind.TOOLKIT)
    ResourceFactory(owner=kisc, published_on=datetime.date(2025, 11, 30))
    ResourceFactory(owner=ogre, published_on=datetime.date(2026, 1, 2))
    ResourceFactory(owner=ogre, published_on=None)


# --- Reading the files ------------------------------------------------------------------------------------------


def read_workbook(data: bytes) -> dict[str, list[list]]:
    """Every sheet's rows (header first) by sheet name."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}


def read_csv_zip(data: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in sorted(archive.namelist())
        }


def indicators(rows) -> dict[tuple[str, str], object]:
    """The summary sheet as {(section, indicator): value}."""
    return {(row[0], row[1]): row[2] for row in rows[1:]}


def local_date(moment):
    return timezone.localtime(moment, RIGA).date()
