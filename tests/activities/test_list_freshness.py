"""The event list keeps its data version in the cache (activities.conditional): a change made through the event
admin or services shows on the very next request; any other change within EVENT_DATA.seconds. Time is frozen in
these tests, so a cached version never expires on its own unless a test moves the clock."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from activities import services
from activities.conditional import EVENT_DATA
from activities.models import Event
from tests.activities.helpers import NOW, change_form, riga
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def events_url(language="en"):
    with translation.override(language):
        return reverse("activities:event_list")


@pytest.fixture
def visitor():
    """An anonymous visitor, apart from the signed-in `admin_client`."""
    return Client()


@pytest.fixture
def seminar():
    return EventFactory(
        title_lv="Seminārs par uzturēšanās atļaujām",
        title_en="Seminar on residence permits",
        slug="residence-permits",
        starts_at=riga(2025, 10, 14, 18),
        ends_at=riga(2025, 10, 14, 20),
        languages=["uk", "en"],
    )


def test_an_event_edited_in_the_admin_shows_on_the_next_request(
    visitor, admin_client, seminar, django_capture_on_commit_callbacks
):
    first = visitor.get(events_url(), {"language": "all"})

    with django_capture_on_commit_callbacks(execute=True):
        edited = admin_client.post(
            reverse("admin:activities_event_change", args=[seminar.pk]),
            change_form(seminar, title_en="Residence permits: the documents", languages=["uk", "en", "ru"]),
        )
    again = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": first["ETag"]})

    assert edited.status_code == 302
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    content = again.content.decode()
    assert "Residence permits: the documents" in content
    assert "Russian: 1 event<" in content


def test_an_event_added_in_the_admin_shows_with_its_city_among_the_choices(
    visitor, admin_client, seminar, django_capture_on_commit_callbacks
):
    first = visitor.get(events_url(), {"language": "all"})
    valmiera = OrganisationFactory(name="Valmieras bibliotēka", slug="valmiera", city="Valmiera")

    with django_capture_on_commit_callbacks(execute=True):
        added = admin_client.post(
            reverse("admin:activities_event_add"),
            change_form(
                Event(organiser=valmiera, languages=["ru"], audience=["tcn"], status=Event.Status.PUBLISHED),
                slug="valmiera-cafe",
                title_lv="Valodas kafejnīca",
                title_en="Language café in Valmiera",
                starts_at_0="2025-10-20",
                ends_at_0="2025-10-20",
            ),
        )
    again = visitor.get(events_url(), {"language": "all"})

    assert added.status_code == 302
    assert "Valmiera" not in first.content.decode()
    content = again.content.decode()
    assert "Language café in Valmiera" in content
    assert '<option value="Valmiera">Valmiera</option>' in content
    assert '<option value="valmiera">Valmieras bibliotēka</option>' in content


@pytest.mark.parametrize("action", ["cancel_events", "delete_selected"])
def test_an_event_cancelled_or_deleted_in_the_admin_changes_the_list_at_once(
    visitor, admin_client, seminar, action, django_capture_on_commit_callbacks
):
    first = visitor.get(events_url(), {"language": "all"})

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:activities_event_changelist"),
            {"action": action, "_selected_action": [seminar.pk], "post": "yes"},
        )
    again = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200
    content = again.content.decode()
    if action == "cancel_events":
        assert "badge-cancelled" in content
    else:
        assert "Seminar on residence permits" not in content
        assert "No upcoming events match your search." in content


def test_a_series_made_through_the_services_shows_at_once(visitor, seminar, django_capture_on_commit_callbacks):
    first = visitor.get(events_url(), {"language": "all"})

    with django_capture_on_commit_callbacks(execute=True):
        services.event_series_create(
            event=seminar, weekday=1, start=datetime.date(2025, 10, 21), interval_weeks=1, count=3, publish=True
        )
    again = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200
    assert "4 events found" in again.content.decode()


def test_a_change_outside_the_event_services_shows_within_the_data_version_lifetime(visitor, seminar):
    first = visitor.get(events_url(), {"language": "all"})
    later = NOW + datetime.timedelta(seconds=EVENT_DATA.seconds / 2)
    expired = NOW + datetime.timedelta(seconds=EVENT_DATA.seconds + 1)

    with time_machine.travel(later, tick=False):
        seminar.title_en = "Renamed in a shell"
        seminar.save()
        within = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": first["ETag"]})
    with time_machine.travel(expired, tick=False):
        after = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": first["ETag"]})

    assert within.status_code == 304
    assert after.status_code == 200
    assert "Renamed in a shell" in after.content.decode()


def test_an_event_leaves_the_list_the_moment_it_ends_even_with_a_fresh_data_version(visitor, seminar):
    ending = EventFactory(title_en="Morning café", languages=["en"], starts_at=NOW, ends_at=riga(2025, 10, 6, 10))
    just_before = riga(2025, 10, 6, 9, 59, 59)
    just_after = riga(2025, 10, 6, 10, 0, 1)

    with time_machine.travel(just_before, tick=False):
        before = visitor.get(events_url(), {"language": "all"})
    with time_machine.travel(just_after, tick=False):
        after = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": before["ETag"]})

    assert ending.title_en in before.content.decode()
    assert after.status_code == 200
    assert ending.title_en not in after.content.decode()
    assert "1 event found" in after.content.decode()
