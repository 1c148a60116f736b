import json
import re

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from activities.models import Event
from tests.activities.helpers import riga
from tests.factories import EventFactory, OrganisationFactory, UserFactory
from tests.partners.helpers import force_login_with_code

pytestmark = pytest.mark.django_db


def page(client, event, language="en"):
    with translation.override(language):
        url = event.get_absolute_url()
    return client.get(url)


def json_ld(response):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture
def ogre_library():
    return OrganisationFactory(
        name="Ogres Centrālā bibliotēka",
        slug="ogres-centrala-biblioteka",
        street_address="Brīvības iela 35",
        postal_code="LV-5001",
        city="Ogre",
        email="info@ocb.example.lv",
        phone="+371 650 00000",
    )


@pytest.fixture
def seminar(ogre_library):
    event = EventFactory(
        title_lv="Seminārs par uzturēšanās atļaujām",
        title_uk="Семінар про дозволи на проживання",
        title_en="Seminar on residence permits",
        summary_en="What documents you need and where to apply.",
        description_en="Bring your questions.\n\nA lawyer from the Red Cross answers them.",
        organiser=ogre_library,
        starts_at=riga(2025, 10, 14, 18),
        ends_at=riga(2025, 10, 14, 20),
        languages=["uk", "ru"],
        interpretation_available=True,
        audience=["tcn", "public"],
        accessibility_en="Step-free entrance from Brīvības iela; hearing loop in the hall.",
        capacity=25,
        registration_required=True,
    )
    event.co_organisers.add(OrganisationFactory(name="Latvijas Sarkanais Krusts", slug="red-cross-ogre"))
    return event


def test_detail_page_tells_a_newcomer_what_when_where_and_in_which_languages(client, seminar):
    response = page(client, seminar)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Seminar on residence permits</h1>" in content
    assert "Tuesday, Oct. 14, 2025, 6 p.m.–8 p.m." in strip_tags(content)
    assert "Latvian time (UTC+03:00)" in content
    assert "Brīvības iela 35, LV-5001, Ogre" in content
    assert "Ukrainian, Russian" in content
    assert "Interpretation is available." in content
    assert "<dd>third-country nationals, general public</dd>" in content
    assert "Step-free entrance from Brīvības iela; hearing loop in the hall." in content
    assert "<p>A lawyer from the Red Cross answers them.</p>" in content
    assert "Registration is required." in content
    assert "25 places in total" in content
    assert 'href="/en/partners/ogres-centrala-biblioteka/"' in content
    assert 'href="/en/partners/red-cross-ogre/"' in content
    assert 'href="mailto:info@ocb.example.lv"' in content
    assert 'href="tel:+37165000000"' in content


def test_detail_page_speaks_the_visitors_language(client, seminar):
    response = page(client, seminar, "uk")

    content = response.content.decode()
    assert "<h1>Семінар про дозволи на проживання</h1>" in content
    assert "Вівторок" in content  # the day of the week in Ukrainian
    assert "18:00" in content


@pytest.mark.parametrize(
    ("language", "in_text", "labels", "prefix"),
    [
        ("uk", "українська, російська", ("Українська", "Російська"), "Мови"),
        ("ru", "украинский, русский", ("Украинский", "Русский"), "Языки"),
        ("lv", "ukraiņu, krievu", ("Ukraiņu", "Krievu"), "Valodas"),
        ("en", "Ukrainian, Russian", ("Ukrainian", "Russian"), "Languages"),
    ],
)
def test_languages_are_written_in_lowercase_in_a_latvian_ukrainian_or_russian_list_and_keep_a_capital_alone(
    client, seminar, language, in_text, labels, prefix
):
    seminar.status = Event.Status.PUBLISHED
    seminar.save()
    detail = page(client, seminar, language).content.decode()
    with translation.override(language):
        poster = client.get(reverse("activities:event_poster", kwargs={"slug": seminar.slug})).content.decode()
        ics = client.get(reverse("activities:event_ics", kwargs={"slug": seminar.slug})).content.decode()
        listing = client.get(reverse("activities:event_list"), {"language": "all"}).content.decode()

    assert f"<dd>{in_text}<br>" in detail
    assert f"<dd>{in_text} · " in poster
    assert f"{prefix}: {in_text}" in icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]["DESCRIPTION"]
    # Alone, on the card's tags, the chips with their counts and the options of the filter, a name is a label.
    for label in labels:
        assert f'<span class="tag">{label}</span>' in listing
        assert re.search(rf"<a [^>]*>{label}: 1 ", listing)
        assert re.search(rf"<option value=\"\w+\"[^>]*>{label}</option>", listing)


@pytest.mark.parametrize(
    ("language", "in_text", "labels"),
    [
        ("uk", "громадяни третіх країн, широка громадськість", ("Громадяни третіх країн", "Широка громадськість")),
        ("ru", "граждане третьих стран, широкая общественность", ("Граждане третьих стран", "Широкая общественность")),
        (
            "lv",
            "trešo valstu valstspiederīgie, plašāka sabiedrība",
            ("Trešo valstu valstspiederīgie", "Plašāka sabiedrība"),
        ),
        ("en", "third-country nationals, general public", ("Third-country nationals", "General public")),
    ],
)
def test_whom_the_event_is_for_is_listed_in_lowercase_and_each_option_of_the_filter_keeps_its_capital(
    client, seminar, language, in_text, labels
):
    seminar.status = Event.Status.PUBLISHED
    seminar.save()
    detail = page(client, seminar, language).content.decode()
    with translation.override(language):
        listing = client.get(reverse("activities:event_list"), {"language": "all"}).content.decode()

    assert f"<dd>{in_text}</dd>" in detail
    for label in labels:
        assert re.search(rf'<option value="\w+"[^>]*>{label}</option>', listing)


def test_detail_page_gives_a_map_and_directions_to_a_place_with_coordinates(client, seminar):
    content = page(client, seminar).content.decode()

    assert 'id="event-map"' in content
    assert "https://www.openstreetmap.org/directions?route=%3B56.81620%2C24.61401" in content


def test_an_event_at_another_address_without_coordinates_links_to_a_map_search(client, ogre_library):
    event = EventFactory(
        organiser=ogre_library,
        venue=Event.Venue.ADDRESS,
        venue_name_en="Ogre Culture Centre",
        street_address="Mednieku iela 2",
        city="Ogre",
    )

    content = page(client, event).content.decode()

    assert "Ogre Culture Centre" in content
    assert "Mednieku iela 2, Ogre" in content
    assert 'id="event-map"' not in content
    assert "https://www.openstreetmap.org/search?query=Mednieku+iela+2%2C+Ogre" in content


def test_an_online_event_shows_its_link_and_no_map(client):
    event = EventFactory(venue=Event.Venue.ONLINE, online_url="https://meet.example.org/abc")

    response = page(client, event)

    content = response.content.decode()
    assert 'href="https://meet.example.org/abc"' in content
    assert "openstreetmap.org/directions" not in content
    data = json_ld(response)
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://meet.example.org/abc"}
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"


def test_json_ld_is_a_schema_org_event_in_riga_time(client, seminar):
    data = json_ld(page(client, seminar))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Seminar on residence permits"
    assert data["startDate"] == "2025-10-14T18:00:00+03:00"
    assert data["endDate"] == "2025-10-14T20:00:00+03:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["inLanguage"] == ["uk", "ru"]
    assert data["location"]["address"]["addressLocality"] == "Ogre"
    assert data["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 56.8162, "longitude": 24.61401}
    assert [organiser["name"] for organiser in data["organizer"]] == [
        "Ogres Centrālā bibliotēka",
        "Latvijas Sarkanais Krusts",
    ]
    assert data["maximumAttendeeCapacity"] == 25


def test_json_ld_uses_the_winter_offset_in_winter(client):
    event = EventFactory(starts_at=riga(2025, 12, 2, 18), ends_at=riga(2025, 12, 2, 20))

    response = page(client, event)

    assert json_ld(response)["startDate"] == "2025-12-02T18:00:00+02:00"
    assert "Latvian time (UTC+02:00)" in response.content.decode()


def test_json_ld_cannot_be_broken_out_of_by_the_title(client):
    event = EventFactory(title_en="</script><script>alert(1)</script>")

    response = page(client, event)

    assert "<script>alert(1)" not in response.content.decode()
    assert json_ld(response)["name"] == "</script><script>alert(1)</script>"


def test_open_graph_tags_describe_the_event(client, seminar):
    content = page(client, seminar).content.decode()

    assert '<meta property="og:title" content="Seminar on residence permits">' in content
    assert '<meta property="og:description" content="What documents you need and where to apply.">' in content
    assert f'<meta property="og:url" content="http://127.0.0.1:8000{seminar.get_absolute_url()}">' in content


def test_a_cancelled_event_stays_visible_and_is_clearly_marked(client, seminar):
    seminar.status = Event.Status.CANCELLED
    seminar.save()

    response = page(client, seminar)

    assert response.status_code == 200
    content = response.content.decode()
    assert "This event has been cancelled." in content
    assert "<title>Cancelled: Seminar on residence permits · LIBRI</title>" in content
    assert json_ld(response)["eventStatus"] == "https://schema.org/EventCancelled"


def test_a_draft_is_not_found_by_the_public(client):
    event = EventFactory(status=Event.Status.DRAFT)

    assert page(client, event).status_code == 404


def test_staff_who_edit_events_can_preview_a_draft(client):
    event = EventFactory(status=Event.Status.DRAFT)
    force_login_with_code(client, UserFactory(is_staff=True, is_superuser=True))

    response = page(client, event)

    assert response.status_code == 200
    assert "Draft: this page is not visible to the public" in response.content.decode()


def test_an_unknown_slug_is_not_found(client):
    assert client.get("/en/events/no-such-event/").status_code == 404


def test_detail_runs_the_same_number_of_queries_with_5_and_50_events_and_co_organisers(client):
    def make(count):
        event = EventFactory()
        event.co_organisers.set(OrganisationFactory.create_batch(count))
        EventFactory.create_batch(count)
        return event

    def count_queries(event):
        with CaptureQueriesContext(connection) as queries:
            assert page(client, event).status_code == 200
        return len(queries)

    assert count_queries(make(5)) == count_queries(make(50))


def test_the_page_leads_with_when_where_language_and_the_register_button_then_the_rest(client, seminar):
    content = page(client, seminar).content.decode()
    content = content[content.index("<main") :]

    order = [
        content.index("<dt>When</dt>"),
        content.index("<dt>Where</dt>"),
        content.index("<dt>Languages</dt>"),
        content.index("25 places left"),
        content.index('class="button button-large"'),
        content.index("What documents you need"),
        content.index("A lawyer from the Red Cross"),
        content.index("Step-free entrance"),
    ]
    assert order == sorted(order)


def test_a_title_without_a_version_in_the_visitors_language_is_marked_latvian_with_a_notice(client):
    event = EventFactory(title_lv="Valodas kafejnīca", title_uk="", summary_lv="Sarunas latviski.", languages=["lv"])

    content = page(client, event, "uk").content.decode()

    assert '<h1 lang="lv">Valodas kafejnīca</h1>' in content
    assert '<p class="notice notice-language" lang="uk">Показано латиською: української версії ще немає.</p>' in content
    assert '<p class="lead" lang="lv">Sarunas latviski.</p>' in content


def test_a_text_in_the_visitors_language_has_no_lang_of_its_own_and_no_notice(client):
    event = EventFactory(title_lv="Valodas kafejnīca", title_uk="Мовне кафе", languages=["lv", "uk"])

    content = page(client, event, "uk").content.decode()

    assert "<h1>Мовне кафе</h1>" in content
    assert "notice-language" not in content


def test_a_description_in_a_fallback_language_under_a_translated_title_gets_its_own_notice(client):
    event = EventFactory(
        title_lv="Valodas kafejnīca",
        title_ru="Языковое кафе",
        description_lv="Nāciet runāt latviski.",
        description_ru="",
        languages=["lv", "ru"],
    )

    content = page(client, event, "ru").content.decode()

    assert "<h1>Языковое кафе</h1>" in content
    assert content.count("notice-language") == 1
    assert "Показано на латышском: русской версии пока нет." in content
    assert '<div class="event-description" lang="lv">' in content


@pytest.mark.parametrize(
    ("language", "day"),
    [
        ("uk", "8 грудня 2026 р."),
        ("ru", "8 декабря 2026 г."),
        ("lv", "2026. gada 8. decembris"),
        ("en", "Dec. 8, 2026"),
    ],
)
def test_event_dates_are_written_without_a_leading_zero_in_every_language(client, language, day):
    # In every language: the list shows the events in the page's language.
    event = EventFactory(
        starts_at=riga(2026, 12, 8, 18), ends_at=riga(2026, 12, 8, 20), languages=["lv", "en", "uk", "ru"]
    )
    with translation.override(language):
        list_url = reverse("activities:event_list")

    with time_machine.travel(riga(2026, 11, 20, 12), tick=False):
        detail = strip_tags(page(client, event, language).content.decode())
        listing = strip_tags(client.get(list_url).content.decode())

    assert day in detail
    assert day in listing
    assert not re.search(r"\b0\d[ .]", detail + listing)
