"""The issue's scenario in Chromium: the Ogre librarian publishes an event; Jelgava's stays out of her reach."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Event
from tests.browser.helpers import log_in
from tests.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_librarian_publishes_her_event_and_cannot_open_another_librarys(
    page, live_server, librarian, coordinator, jelgava, ogre
):
    jelgava_event = EventFactory(title="Jelgavas seminārs", organiser=jelgava)
    day = timezone.localdate() + datetime.timedelta(days=10)
    log_in(page, live_server, librarian)

    page.goto(live_server.url + reverse("admin:activities_event_add"))
    # The form opens on the tab of the interface language: the title's Latvian tab first.
    page.locator('li[aria-controls="tab_id_title_lv"]').click()
    page.locator("#id_title_lv").fill("Latviešu valodas kafejnīca Ogrē")
    page.locator("#id_title_lv").press("Tab")
    expect(page.locator("#id_slug")).to_have_value("latviesu-valodas-kafejnica-ogre")  # filled from the title
    page.locator("#id_starts_at_0").fill(day.isoformat())
    page.locator("#id_starts_at_1").fill("17:00")
    page.locator("#id_ends_at_0").fill(day.isoformat())
    page.locator("#id_ends_at_1").fill("19:00")
    page.locator("input[name=languages][value=lv]").check()
    page.locator("input[name=languages][value=uk]").check()
    page.locator("#id_status").select_option("published")
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    event = Event.objects.get(slug="latviesu-valodas-kafejnica-ogre")
    assert event.organiser == ogre
    page.goto(live_server.url + event.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Latviešu valodas kafejnīca Ogrē")

    refused = page.goto(live_server.url + reverse("admin:activities_event_change", args=[jelgava_event.pk]))
    assert refused.status == 403

    page.context.clear_cookies()
    log_in(page, live_server, coordinator)
    page.goto(live_server.url + reverse("admin:activities_event_changelist"))
    expect(page.locator("#result_list")).to_contain_text("Latviešu valodas kafejnīca Ogrē")
    expect(page.locator("#result_list")).to_contain_text("Jelgavas seminārs")
