import datetime
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import icalendar
import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date

from activities.models import Event
from tests.activities.helpers import change_form, riga
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HOST = urlsplit(settings.SITE_URL).hostname


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"activities:{name}", kwargs=kwargs or None)


def calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(response):
    return {str(component["UID"]): component for component in calendar(response).walk("VEVENT")}


def atom_entries(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, in a test
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def rss_items(response):
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, in a test
    assert root.tag == "rss"
    return root.find("channel").findall("item")


@pytest.fixture
def seminar():
    return EventFactory(
        title_lv="Seminārs par uzturēšanās atļaujām",
        title_en="Seminar on residence permits",
        title_uk="Семінар про дозволи на проживання",
        summary_en="What documents you need.",
        starts_at=riga(2025, 10, 14, 18),
        ends_at=riga(2025, 10, 14, 20),
        languages=["uk", "en"],
    )


def test_one_event_is_a_calendar_file_with_riga_times_and_its_time_zone(client, seminar):
    winter = EventFactory(starts_at=riga(2025, 11, 4, 18), ends_at=riga(2025, 11, 4, 19, 30))

    response = client.get(url("event_ics", slug=seminar.slug))
    winter_event = vevents(client.get(url("event_ics", slug=winter.slug)))[f"event-{winter.pk}@{HOST}"]

    assert response["Content-Disposition"] == f'attachment; filename="{seminar.slug}.ics"'
    parsed = calendar(response)
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Riga"]
    (event,) = parsed.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Riga"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, start.utcoffset()) == (18, datetime.timedelta(hours=3))
    assert end - start == datetime.timedelta(hours=2)
    assert start == seminar.starts_at
    # After the change to winter time on 26 October Riga is UTC+02:00.
    assert winter_event.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=2)
    assert winter_event.decoded("DTSTART").hour == 18
    assert str(event["SUMMARY"]) == "Seminar on residence permits"
    assert str(event["URL"]) == settings.SITE_URL + seminar.get_absolute_url().replace("/lv/", "/en/")
    assert "Brīvības iela 35" in str(event["LOCATION"])
    assert "What documents you need." in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTAMP").tzinfo is not None


def test_the_calendar_text_follows_the_language_of_the_address(client, seminar):
    (event,) = vevents(client.get(url("event_ics", "uk", slug=seminar.slug))).values()

    assert str(event["SUMMARY"]) == "Семінар про дозволи на проживання"


def test_the_uid_stays_the_same_when_the_event_is_renamed_and_moved(admin_client, client, seminar):
    before = set(vevents(client.get(url("event_ics", slug=seminar.slug))))
    Event.objects.filter(pk=seminar.pk).update(slug="new-address", title_en="Renamed")

    after = set(vevents(client.get(url("event_ics", slug="new-address"))))

    assert before == after == {f"event-{seminar.pk}@{HOST}"}


def sequence(client, event):
    (component,) = vevents(client.get(url("event_ics", slug=event.slug))).values()
    return int(component["SEQUENCE"])


def test_sequence_goes_up_when_the_time_changes_in_the_admin_but_not_for_other_fields(admin_client, client, seminar):
    change_url = reverse("admin:activities_event_change", args=[seminar.pk])
    assert sequence(client, seminar) == 0

    capacity_only = admin_client.post(change_url, change_form(seminar, capacity="30"))
    assert capacity_only.status_code == 302
    assert sequence(client, seminar) == 0

    moved = admin_client.post(change_url, change_form(seminar, starts_at_1="17:00", capacity="30"))
    assert moved.status_code == 302
    assert sequence(client, seminar) == 1

    renamed = admin_client.post(change_url, change_form(seminar, title_uk="Новий семінар", starts_at_1="17:00"))
    assert renamed.status_code == 302
    assert sequence(client, seminar) == 2


def test_a_cancelled_event_stays_in_the_feeds_with_status_cancelled_and_a_new_sequence(admin_client, client, seminar):
    admin_client.post(
        reverse("admin:activities_event_changelist"),
        {"action": "cancel_events", "_selected_action": [seminar.pk]},
    )

    (single,) = vevents(client.get(url("event_ics", slug=seminar.slug))).values()
    listed = vevents(client.get(url("event_list_ics"), {"language": "all"}))[f"event-{seminar.pk}@{HOST}"]
    (entry,) = atom_entries(client.get(url("event_list_atom"), {"language": "all"}))

    assert str(single["STATUS"]) == str(listed["STATUS"]) == "CANCELLED"
    assert int(single["SEQUENCE"]) == 1
    assert entry.find(f"{ATOM}title").text == "Cancelled: Seminar on residence permits"


def test_drafts_are_in_no_feed_and_their_calendar_file_is_not_found(client):
    draft = EventFactory(status=Event.Status.DRAFT, languages=["en"])

    assert client.get(url("event_ics", slug=draft.slug)).status_code == 404
    assert vevents(client.get(url("event_list_ics"), {"language": "all"})) == {}
    assert atom_entries(client.get(url("event_list_atom"), {"language": "all"})) == []
    assert vevents(client.get(url("library_ics", slug=draft.organiser.slug))) == {}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"language": "all"},
        {"language": "ru"},
        {"language": "all", "kind": "workshop"},
        {"language": "all", "city": "Jelgava"},
        {"language": "all", "q": "kafejnīca"},
        {"language": "all", "date_from": "2025-10-20", "date_to": "2025-10-31"},
    ],
)
def test_list_feeds_carry_the_same_events_as_the_list_page_for_the_same_filters(client, query):
    jelgava = OrganisationFactory(city="Jelgava")
    EventFactory(languages=["en"], kind=Event.Kind.WORKSHOP, starts_at=riga(2025, 10, 21, 10))
    EventFactory(languages=["ru", "uk"], organiser=jelgava, starts_at=riga(2025, 10, 8, 12))
    EventFactory(languages=["lv"], title_lv="Valodas kafejnīca", kind=Event.Kind.LANGUAGE_CAFE)
    EventFactory(languages=["en", "ru"], starts_at=riga(2025, 11, 20, 17))
    EventFactory(languages=["en"], starts_at=riga(2025, 9, 1, 10), ends_at=riga(2025, 9, 1, 12))  # past

    page = client.get(url("event_list"), query)
    on_page = {f"event-{event.pk}@{HOST}" for event in page.context["events"]}

    assert set(vevents(client.get(url("event_list_ics"), query))) == on_page
    atom_ids = {entry.find(f"{ATOM}id").text for entry in atom_entries(client.get(url("event_list_atom"), query))}
    rss_guids = {item.find("guid").text for item in rss_items(client.get(url("event_list_rss"), query))}
    tags = {uid.replace("event-", f"tag:{HOST},2025:event-").split("@")[0] for uid in on_page}
    assert atom_ids == rss_guids == tags


def test_a_feed_with_filters_it_cannot_understand_is_a_400_with_a_message(client):
    for name in ("event_list_ics", "event_list_atom", "event_list_rss"):
        response = client.get(url(name), {"language": "xx", "date_from": "tomorrow"})

        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        message = response.content.decode()
        assert message.startswith("Some filters could not be understood: ")
        assert "language: " in message and "date_from: " in message


@pytest.mark.parametrize("params", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
@pytest.mark.parametrize("name", ["event_list_ics", "event_list_atom", "event_list_rss"])
def test_a_feed_for_a_date_outside_the_years_events_can_have_is_a_400_saying_so(client, seminar, name, params):
    response = client.get(url(name, "uk"), params)

    assert response.status_code == 400
    (parameter,) = params
    assert f"{parameter}: Вкажіть дату від 2000-01-01 до 2100-12-31." in response.content.decode()


def test_a_library_feed_has_the_events_it_organises_or_hosts_in_every_language(client):
    library = OrganisationFactory(name="Ogres Centrālā bibliotēka", slug="ogre")
    organised = EventFactory(organiser=library, languages=["ar"])
    hosted = EventFactory(venue_organisation=library, languages=["uk"])
    EventFactory(languages=["uk"])

    expected = {f"event-{organised.pk}@{HOST}", f"event-{hosted.pk}@{HOST}"}
    ics = calendar(client.get(url("library_ics", slug="ogre")))
    atom = atom_entries(client.get(url("library_atom", slug="ogre")))

    assert set(vevents(client.get(url("library_ics", slug="ogre")))) == expected
    assert str(ics["X-WR-CALNAME"]) == "LIBRI: Ogres Centrālā bibliotēka"
    assert len(atom) == len(rss_items(client.get(url("library_rss", slug="ogre")))) == 2
    assert client.get(url("library_ics", slug="nowhere")).status_code == 404


def test_rss_items_link_to_the_event_page(client, seminar):
    (item,) = rss_items(client.get(url("event_list_rss"), {"language": "uk"}))

    assert item.find("link").text == settings.SITE_URL + url("event_detail", slug=seminar.slug)
    assert item.find("title").text == "Seminar on residence permits"


def test_the_list_page_offers_subscriptions_with_its_filters_and_the_event_page_add_to_calendar(client, seminar):
    content = client.get(url("event_list"), {"language": "uk", "kind": "seminar", "page": "1"}).content.decode()
    detail = client.get(url("event_detail", slug=seminar.slug)).content.decode()

    feed_path = url("event_list_ics")
    webcal = f'href="webcal://{settings.SITE_URL.split("://")[1]}{feed_path}?language=uk&amp;kind=seminar"'
    assert webcal in content
    assert f'href="{settings.SITE_URL}{feed_path}?language=uk&amp;kind=seminar"' in content
    assert f'href="{url("event_list_atom")}?language=uk&amp;kind=seminar"' in content
    assert f'href="{url("event_ics", slug=seminar.slug)}"' in detail
    assert f'href="{url("event_poster", slug=seminar.slug)}"' in detail


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("event_list_ics", {"language": "all", "city": "Ogre"}),
        ("event_list_atom", {"language": "all", "library": "ogre"}),
        ("event_list_rss", {"language": "uk"}),
        ("library_ics", None),
        ("library_atom", None),
    ],
)
def test_feeds_run_the_same_number_of_queries_for_5_and_50_events(
    client, django_assert_max_num_queries, size, name, query
):
    library = OrganisationFactory(slug="ogre", email="info@ogre.example.lv")
    for number in range(size):
        EventFactory(organiser=library, starts_at=riga(2025, 10, 7 + number % 20, 10), languages=["uk", "en"])

    kwargs = {"slug": "ogre"} if query is None else {}
    with django_assert_max_num_queries(4):
        response = client.get(url(name, **kwargs), query or {})

    assert response.status_code == 200
    assert len(response.content) > 300 * size


@pytest.mark.parametrize("name", ["event_list", "event_list_ics", "event_list_atom", "library_ics"])
def test_a_repeated_request_is_answered_not_modified_until_an_event_changes_or_ends(client, seminar, name):
    kwargs = {"slug": seminar.organiser.slug} if name == "library_ics" else {}
    address = url(name, **kwargs)
    first = client.get(address, {"language": "all"})
    etag = first["ETag"]

    unchanged = client.get(address, {"language": "all"}, headers={"if-none-match": etag})
    with time_machine.travel(riga(2025, 10, 6, 9, 5), tick=False):
        seminar.title_en = "A new title"
        seminar.save()
        edited = client.get(address, {"language": "all"}, headers={"if-none-match": etag})
    with time_machine.travel(riga(2025, 10, 14, 20, 1), tick=False):
        ended = client.get(address, {"language": "all"}, headers={"if-none-match": edited["ETag"]})

    assert first.status_code == 200
    assert unchanged.status_code == 304
    assert edited.status_code == 200 and edited["ETag"] != etag
    assert ended.status_code == 200


def test_signed_in_staff_get_a_list_built_for_them_that_no_shared_cache_keeps(admin_client, seminar):
    public = Client().get(url("event_list"))
    staff = admin_client.get(url("event_list"))

    assert "public" in public["Cache-Control"]
    assert set(staff["Cache-Control"].split(", ")) == {"private", "no-cache"}
    assert staff.context is not None  # built by the view, not taken from the page cache


def test_an_event_calendar_file_is_answered_not_modified_until_the_event_changes(client, seminar):
    address = url("event_ics", slug=seminar.slug)
    first = client.get(address)

    by_etag = client.get(address, headers={"if-none-match": first["ETag"]})
    by_date = client.get(address, headers={"if-modified-since": first["Last-Modified"]})
    with time_machine.travel(riga(2025, 10, 7, 9), tick=False):
        seminar.title_en = "Residence permits: bring your passport"
        seminar.save()
        changed = client.get(address, headers={"if-none-match": first["ETag"]})

    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert by_etag.status_code == 304 and by_date.status_code == 304
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert b"bring your passport" in changed.content


@pytest.mark.parametrize("name", ["event_list_ics", "event_list_rss", "event_list_atom"])
def test_list_feeds_say_when_their_events_last_changed(client, seminar, name):
    response = client.get(url(name), {"language": "all"})

    assert response["Last-Modified"] == http_date(seminar.updated_at.timestamp())
    assert (
        client.get(url(name), {"language": "all"}, headers={"if-modified-since": response["Last-Modified"]}).status_code
        == 304
    )


@pytest.mark.parametrize("title", ["Sarunu klubs\nlatviešu valodā", "Sarunu klubs\r\nlatviešu valodā"])
def test_a_title_with_a_line_break_is_written_escaped_in_the_calendar_file(client, title):
    event = EventFactory(title_en=title)

    response = client.get(url("event_ics", slug=event.slug))

    parsed = calendar(response)
    assert "X-WR-CALNAME:LIBRI: Sarunu klubs\\nlatviešu valodā\r\n" in response.content.decode()
    (component,) = parsed.walk("VEVENT")
    assert str(component["SUMMARY"]) == title.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("instant", "written"),
    [
        # The night the clocks go back: 03:30 Riga time happens at 00:30 UTC (summer time) and at 01:30 UTC.
        (datetime.datetime(2027, 10, 31, 0, 30, tzinfo=datetime.UTC), "DTSTART:20271031T003000Z"),
        (datetime.datetime(2027, 10, 31, 1, 30, tzinfo=datetime.UTC), "DTSTART:20271031T013000Z"),
        # Any other time keeps its Riga wall-clock time.
        (datetime.datetime(2027, 10, 31, 2, 30, tzinfo=datetime.UTC), "DTSTART;TZID=Europe/Riga:20271031T043000"),
    ],
)
def test_a_time_that_happens_twice_is_written_in_utc_so_no_calendar_reads_it_an_hour_early(client, instant, written):
    event = EventFactory(starts_at=instant, ends_at=instant + datetime.timedelta(hours=2))

    response = client.get(url("event_ics", slug=event.slug))

    assert written in response.content.decode()
    (component,) = calendar(response).walk("VEVENT")
    assert component.decoded("DTSTART") == instant


@pytest.mark.parametrize("name", ["event_list_ics", "event_list_atom", "event_list_rss"])
def test_refused_feed_filters_are_one_warning_without_traceback_and_cannot_forge_log_lines(client, caplog, name):
    forged = "x\n[2026-12-01 10:00:00] [CRITICAL] FORGED \x1b[31m"

    response = client.get(url(name), {"kind": forged})

    assert response.status_code == 400
    assert "Some filters could not be understood: kind" in response.content.decode()
    records = [record for record in caplog.records if record.name.startswith(("activities", "django"))]
    assert records, "the refusal is logged"
    for record in records:
        assert record.levelname == "WARNING"
        assert record.exc_info is None
        assert "\n" not in record.getMessage() and "\x1b" not in record.getMessage()
    assert any("FORGED" in record.getMessage() for record in records)
