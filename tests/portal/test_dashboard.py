"""The staff dashboard: charts drawn on the server with their numbers beside them, scoped to the librarian."""

import datetime
import re
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from activities.models import Attendance, Event
from mapping.models import Initiative
from tests.factories import InitiativeFactory, OrganisationFactory

from .reporting import NOW, held_event, local_date, riga

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_report_time")]


def dashboard_url():
    with translation.override("en"):
        return reverse("staff:dashboard")


@pytest.fixture
def twelve_months(ogre, jelgava):
    """Attendance in the dashboard's window (March 2025 to February 2026, today 10 February 2026 at noon), just
    before it, and for events that have not ended yet (figures entered early are not counted as held)."""
    held_event(ogre, riga(2025, 3, 1, 10), languages=["lv", "uk"], attendance={"activity_type": "other", "total": 14})
    held_event(ogre, riga(2026, 2, 9, 10), languages=["uk"], attendance={"activity_type": "other", "total": 6})
    held_event(jelgava, riga(2025, 7, 7, 10), languages=["ru"], attendance={"activity_type": "other", "total": 23})
    held_event(
        jelgava,
        riga(2025, 2, 28, 21),
        ends_at=riga(2025, 2, 28, 23),
        attendance={"activity_type": "other", "total": 100},
    )
    # Started in February 2025, ended in March: held in March.
    held_event(
        jelgava,
        riga(2025, 2, 28, 23),
        ends_at=riga(2025, 3, 1, 1),
        languages=["ru"],
        attendance={"activity_type": "other", "total": 8},
    )
    held_event(ogre, riga(2025, 8, 8, 10), languages=["uk"], status=Event.Status.CANCELLED)
    # Running now, and tomorrow: planned, not held.
    held_event(ogre, riga(2026, 2, 10, 11), languages=["ru"], attendance={"activity_type": "other", "total": 9})
    held_event(jelgava, riga(2026, 2, 11, 10), languages=["lv"], attendance={"activity_type": "other", "total": 7})
    InitiativeFactory(host=ogre, category=Initiative.Category.LANGUAGE)
    InitiativeFactory(host=jelgava, category=Initiative.Category.LANGUAGE)
    InitiativeFactory(host=jelgava, category=Initiative.Category.DIGITAL)
    InitiativeFactory(host=jelgava, category=Initiative.Category.CULTURE, status=Initiative.Status.PENDING)


def table_rows(html, caption):
    """The rows of the table with that caption, as lists of cell texts."""
    table = re.search(rf"<caption[^>]*>{re.escape(caption)}</caption>(.*?)</table>", html, re.S).group(1)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def expected_participants(organisations):
    start = datetime.date(2025, 3, 1)
    counts = defaultdict(int)
    for attendance in Attendance.objects.select_related("event"):
        event = attendance.event
        day = local_date(event.ends_at)
        if (
            event.status == Event.Status.PUBLISHED
            and start <= day <= NOW.date()
            and event.ends_at <= NOW
            and event.organiser in organisations
        ):
            counts[event.organiser.pk, day.year, day.month] += attendance.total
    return counts


@pytest.mark.usefixtures("twelve_months")
def test_coordinators_see_every_librarys_participants_per_month_in_a_chart_and_a_table(
    client, coordinator, ogre, jelgava
):
    client.force_login(coordinator)

    html = client.get(dashboard_url()).content.decode()

    rows = table_rows(html, "Participants per month and library")
    header, *body = rows
    assert header[1:4] == ["Mar", "Apr", "May"] and header[-2] == "Feb"
    counts = expected_participants([ogre, jelgava])
    months = [(2025, month) for month in range(3, 13)] + [(2026, 1), (2026, 2)]
    for library, row in zip([jelgava, ogre], body, strict=False):
        assert row[0] == str(library)
        assert row[1:13] == [str(counts[library.pk, year, month]) for year, month in months]
        assert row[13] == str(sum(counts[library.pk, year, month] for year, month in months))
    assert body[-1][0] == "Total"
    assert '<title id="participants-1-title">Participants per month: Jelgavas pilsētas bibliotēka</title>' in html
    assert "<title>July 2025: 23</title>" in html
    assert " style=" not in html


@pytest.mark.usefixtures("twelve_months")
def test_events_by_language_and_initiatives_by_category_come_with_their_numbers(client, coordinator):
    client.force_login(coordinator)

    html = client.get(dashboard_url()).content.decode()

    assert table_rows(html, "Events held by language of delivery")[1:] == [
        ["Latvian", "1"],
        ["Ukrainian", "2"],
        ["Russian", "2"],
    ]
    assert table_rows(html, "Published initiatives by category")[1:] == [
        ["Language learning", "2"],
        ["Digital skills", "1"],
    ]
    assert 'role="img" aria-labelledby="languages-title languages-desc"' in html
    assert '<desc id="languages-desc">Latvian: 1; Ukrainian: 2; Russian: 2</desc>' in html


@pytest.mark.usefixtures("twelve_months")
def test_librarians_see_the_same_for_their_own_library_only(client, librarian, ogre):
    client.force_login(librarian)

    html = client.get(dashboard_url()).content.decode()

    _header, *body = table_rows(html, "Participants per month and library")
    assert [row[0] for row in body] == ["Ogre"]
    assert body[0][-1] == "20"
    assert table_rows(html, "Events held by language of delivery")[1:] == [["Latvian", "1"], ["Ukrainian", "2"]]
    assert table_rows(html, "Published initiatives by category")[1:] == [["Language learning", "1"]]


def test_the_dashboard_takes_the_same_number_of_queries_at_any_size(client, coordinator):
    client.force_login(coordinator)
    counts = []
    made = 0
    for libraries in (2, 12):
        for number in range(made, libraries):
            library = OrganisationFactory()
            for month in (3, 6, 9):
                held_event(
                    library, riga(2025, month, 1 + number, 10), attendance={"activity_type": "other", "total": 5}
                )
            InitiativeFactory(host=library)
        made = libraries

        with CaptureQueriesContext(connection) as queries:
            response = client.get(dashboard_url())

        assert response.status_code == 200
        assert len(table_rows(response.content.decode(), "Participants per month and library")) == libraries + 2
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12, counts


def test_anonymous_visitors_go_to_the_login_and_the_admin_links_the_dashboard(client, coordinator):
    response = client.get(dashboard_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

    client.force_login(coordinator)
    index = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="/en/staff/">Dashboard and progress reports</a>' in index


def test_the_dashboard_works_without_any_data(client, coordinator):
    client.force_login(coordinator)

    html = client.get(dashboard_url()).content.decode()

    assert "No attendance has been recorded in the last twelve months." in html
    assert "No events were held in the last twelve months." in html
