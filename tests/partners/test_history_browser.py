"""The audit trail's list of versions in Chromium: at 320 px (WCAG 2.1, 1.4.10) it reflows instead of scrolling
sideways, and at 1280 px it is still a table."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from activities.models import Event
from tests.browser.helpers import log_in
from tests.browser.test_reflow import overflow_at
from tests.factories import EventFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_LINK = "https://www.example.org/" + "tiessaistes-seminars-jaunpienacejiem-" * 4


@pytest.fixture
def event_with_a_history():
    """An event edited a few times with long values: a long title, a web address without spaces, co-organisers."""
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    event = EventFactory(
        title="Latviešu valodas kafejnīca jaunpienācējiem Ogres Centrālajā bibliotēkā",
        status=Event.Status.DRAFT,
        starts_at=datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 3, 2, 17, 0, tzinfo=datetime.UTC),
    )
    event._history_user = admin
    event.title_lv = event.title_lv + " un Ogres novada pagastu bibliotēkās"
    event.venue = Event.Venue.ONLINE
    event.online_url = LONG_LINK
    event.status = Event.Status.PUBLISHED
    event.save()
    event.co_organisers.add(
        OrganisationFactory(name="Sabiedrības integrācijas un kultūras daudzveidības centrs"),
        OrganisationFactory(name="Jelgavas pilsētas bibliotēka"),
    )
    return admin, event


def test_the_list_of_versions_reflows_at_320_px_and_stays_a_table_at_1280(
    live_server, page, event_with_a_history, tmp_path
):
    admin, event = event_with_a_history
    log_in(page, live_server, admin)
    url = live_server.url + reverse("admin:activities_event_history", args=[event.pk])

    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(url, wait_until="load")
    page.screenshot(path=tmp_path / "history-320.png", full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert overflow_at(page) == []  # nothing sticks out either
    # Every value still there, each labelled by its column.
    changes = page.locator("#change-history tbody tr").nth(1).locator("td").last
    expect(changes).to_contain_text("https://www.example.org/tiessaistes-seminars")
    expect(changes).to_contain_text("Draft")
    assert (
        page.locator("#change-history tbody td").first.evaluate("(cell) => getComputedStyle(cell, '::before').content")
        == '"Object: "'
    )

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(url, wait_until="load")
    page.screenshot(path=tmp_path / "history-1280.png", full_page=True)

    assert page.locator("#change-history thead").is_visible()
    cells = page.locator("#change-history tbody tr").first.locator("td")
    tops = {round(cells.nth(index).bounding_box()["y"]) for index in range(cells.count())}
    assert len(tops) == 1  # one row, its cells side by side
    print(f"screenshots in {tmp_path}")
