"""How fresh the public event list is (groundwork.caching on activities.freshness): signed-in staff see a change at
once; anonymous visitors may get the copy kept for them (browsers, proxies, the page cache) for at most
PUBLIC_CACHE_SECONDS, then the change under a new ETag; an event leaves everyone's list the moment it ends."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from activities import services
from activities.models import Event
from portal import settings as portal_settings
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


def test_an_event_edited_in_the_admin_shows_at_once_to_staff_and_to_visitors_within_the_cache_lifetime(
    visitor, admin_client, seminar, django_capture_on_commit_callbacks, public_cache_lifetime_passes
):
    first = visitor.get(events_url(), {"language": "all"})

    with django_capture_on_commit_callbacks(execute=True):
        edited = admin_client.post(
            reverse("admin:activities_event_change", args=[seminar.pk]),
            change_form(seminar, title_en="Residence permits: the documents", languages=["uk", "en", "ru"]),
        )
    seen_by_staff = admin_client.get(events_url(), {"language": "all"})
    with CaptureQueriesContext(connection) as queries:
        kept_for_visitors = visitor.get(events_url(), {"language": "all"})
    public_cache_lifetime_passes()
    again = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": first["ETag"]})

    assert edited.status_code == 302
    assert "Residence permits: the documents" in seen_by_staff.content.decode()
    assert kept_for_visitors.content == first.content and not queries.captured_queries
    assert first["Cache-Control"] == f"public, max-age={settings.PUBLIC_CACHE_SECONDS}"
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    content = again.content.decode()
    assert "Residence permits: the documents" in content
    assert "Russian: 1 event<" in content


def test_an_event_added_in_the_admin_shows_with_its_city_among_the_choices(
    visitor, admin_client, seminar, django_capture_on_commit_callbacks, public_cache_lifetime_passes
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
    public_cache_lifetime_passes()
    again = visitor.get(events_url(), {"language": "all"})

    assert added.status_code == 302
    assert "Valmiera" not in first.content.decode()
    content = again.content.decode()
    assert "Language café in Valmiera" in content
    assert '<option value="Valmiera">Valmiera</option>' in content
    assert '<option value="valmiera">Valmieras bibliotēka</option>' in content


@pytest.mark.parametrize("action", ["cancel_events", "delete_selected"])
def test_an_event_cancelled_or_deleted_in_the_admin_changes_the_list(
    visitor, admin_client, seminar, action, django_capture_on_commit_callbacks, public_cache_lifetime_passes
):
    first = visitor.get(events_url(), {"language": "all"})

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:activities_event_changelist"),
            {"action": action, "_selected_action": [seminar.pk], "post": "yes"},
        )
    public_cache_lifetime_passes()
    again = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200
    content = again.content.decode()
    if action == "cancel_events":
        assert "badge-cancelled" in content
    else:
        assert "Seminar on residence permits" not in content
        assert "No upcoming events have been published yet." in content


def test_a_series_made_through_the_services_shows(
    visitor, seminar, django_capture_on_commit_callbacks, public_cache_lifetime_passes
):
    first = visitor.get(events_url(), {"language": "all"})

    with django_capture_on_commit_callbacks(execute=True):
        services.event_series_create(
            event=seminar, weekday=1, start=datetime.date(2025, 10, 21), interval_weeks=1, count=3, publish=True
        )
    public_cache_lifetime_passes()
    again = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200
    assert "4 events found" in again.content.decode()


def test_a_change_made_outside_the_services_shows_like_any_other(visitor, seminar, public_cache_lifetime_passes):
    first = visitor.get(events_url(), {"language": "all"})

    seminar.title_en = "Renamed in a shell"
    seminar.save()
    public_cache_lifetime_passes()
    after = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": first["ETag"]})

    assert after.status_code == 200
    assert "Renamed in a shell" in after.content.decode()


def test_a_registration_or_a_cancellation_changes_the_places_left_on_the_card(visitor, public_cache_lifetime_passes):
    seminar = EventFactory(
        title_en="Seminar on work contracts", languages=["en"], registration_required=True, capacity=2
    )
    first = visitor.get(events_url(), {"language": "all"})

    registration = services.registration_create(event=seminar, name="Olena", email="olena@example.org", language="uk")
    public_cache_lifetime_passes()
    registered = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": first["ETag"]})
    services.registration_cancel(registration=registration)
    public_cache_lifetime_passes()
    cancelled = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": registered["ETag"]})

    assert "Registration needed · 2 places left" in first.content.decode()
    assert registered.status_code == 200 and registered["ETag"] != first["ETag"]
    assert "Registration needed · 1 place left" in registered.content.decode()
    assert cancelled.status_code == 200 and cancelled["ETag"] != registered["ETag"]
    assert "Registration needed · 2 places left" in cancelled.content.decode()


def test_a_renamed_organiser_shows_under_its_new_name(visitor, seminar, public_cache_lifetime_passes):
    first = visitor.get(events_url(), {"language": "all"})

    seminar.organiser.name_en = "Jelgava City Library"
    seminar.organiser.save()
    public_cache_lifetime_passes()
    after = visitor.get(events_url("en"), {"language": "all"}, headers={"if-none-match": first["ETag"]})

    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert "Jelgava City Library" in after.content.decode()


def test_an_event_leaves_the_list_the_moment_it_ends_whatever_was_cached(visitor, seminar):
    ending = EventFactory(title_en="Morning café", languages=["en"], starts_at=NOW, ends_at=riga(2025, 10, 6, 10))
    just_before = riga(2025, 10, 6, 9, 59, 58)
    just_after = riga(2025, 10, 6, 10, 0, 1)

    with time_machine.travel(just_before, tick=False):
        before = visitor.get(events_url(), {"language": "all"})
    with time_machine.travel(just_after, tick=False):
        after = visitor.get(events_url(), {"language": "all"}, headers={"if-none-match": before["ETag"]})

    assert ending.title_en in before.content.decode()
    # Kept no longer than until the café ends.
    assert before["Cache-Control"] == "public, max-age=2"
    assert after.status_code == 200
    assert ending.title_en not in after.content.decode()
    assert "1 event found" in after.content.decode()


def test_a_visitor_with_a_session_never_gets_the_stored_page(visitor, seminar):
    visitor.get(events_url(), {"language": "all"})
    seminar.title_en = "Changed since"
    seminar.save()
    with_session = Client()
    with_session.cookies[settings.SESSION_COOKIE_NAME] = "any-session"

    response = with_session.get(events_url(), {"language": "all"})

    assert "Changed since" in response.content.decode()
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}


def test_a_new_release_answers_an_old_etag_with_the_page_it_builds(seminar, settings):
    # A release may change every template: a 304 for a page the old code built would keep its markup in browsers.
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = "any-session"  # past the page cache, whose keys hold the release
    first = browser.get(events_url(), {"language": "all"})
    settings.RELEASE = "the-next-release"

    again = browser.get(events_url(), {"language": "all"}, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_the_page_cache_of_a_release_is_its_own():
    # As the settings module made it (tests without Redis swap the caches for local ones of their own).
    pages = portal_settings.CACHES[portal_settings.CACHE_MIDDLEWARE_ALIAS]

    assert portal_settings.RELEASE in pages.get("KEY_PREFIX", "") + pages.get("LOCATION", "")


def test_a_link_with_a_tracking_parameter_is_answered_but_kept_by_nobody(visitor, seminar):
    tracked = visitor.get(events_url(), {"language": "all", "utm_source": "newsletter"})
    again = Client().get(events_url(), {"language": "all", "utm_source": "newsletter"})

    assert tracked.status_code == 200 and "Seminar on residence permits" in tracked.content.decode()
    assert set(tracked["Cache-Control"].split(", ")) == {"public", "no-cache"}
    # Built again, not taken from the page cache: the view ran and rendered its template.
    assert again.context is not None


def test_a_copy_from_the_page_cache_tells_a_proxy_only_the_time_it_has_left(visitor, seminar, settings):
    # A proxy in front counts max-age from when it gets the copy: told the whole lifetime again, it would show the
    # list to visitors for up to twice PUBLIC_CACHE_SECONDS after a change.
    settings.PUBLIC_CACHE_SECONDS = 60
    with time_machine.travel(NOW, tick=False):
        first = visitor.get(events_url(), {"language": "all"})
    later = NOW + datetime.timedelta(seconds=25)
    with time_machine.travel(later, tick=False), CaptureQueriesContext(connection) as queries:
        stored = Client().get(events_url(), {"language": "all"})

    assert first["Cache-Control"] == "public, max-age=60"
    assert stored.content == first.content and not queries.captured_queries
    assert stored["Cache-Control"] == "public, max-age=35"


def test_a_stored_page_is_found_whatever_language_the_previous_visitor_read(seminar):
    # A web worker handles one visitor after another: what it found for the last one (in Latvian) must not decide
    # where it looks for a Ukrainian page.
    Client().get(events_url("uk"), {"language": "all"})
    Client().get(events_url("lv"), {"language": "all"})
    with CaptureQueriesContext(connection) as queries:
        again = Client().get(events_url("uk"), {"language": "all"})

    assert again.status_code == 200 and again["Content-Language"] == "uk"
    assert not queries.captured_queries
