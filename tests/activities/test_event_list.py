import datetime
import html
import re
from unittest import mock

import pytest
from django import forms
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from activities.models import Event
from tests.activities.helpers import riga
from tests.activities.registering import RegistrationFactory, register
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CARD_TITLE = re.compile(r'<li class="card event-card[^"]*">\s*<h3><a href="[^"]*"[^>]*>(.*?)</a></h3>')


def events_url(language="en"):
    with translation.override(language):
        return reverse("activities:event_list")


def archive_url(language="en"):
    with translation.override(language):
        return reverse("activities:event_archive")


def listed_titles(response):
    """The titles of the event cards on the page, in their order."""
    return [html.unescape(title) for title in CARD_TITLE.findall(response.content.decode())]


def test_list_shows_upcoming_published_and_cancelled_events_but_not_drafts_or_past_ones(client):
    EventFactory(title="Published seminar", languages=["en"])
    EventFactory(title="Cancelled seminar", languages=["en"], status=Event.Status.CANCELLED)
    EventFactory(title="Draft seminar", languages=["en"], status=Event.Status.DRAFT)
    EventFactory(title="Past seminar", languages=["en"], starts_at=riga(2025, 9, 1, 18), ends_at=riga(2025, 9, 1, 20))

    response = client.get(events_url(), {"language": "all"})

    assert response.status_code == 200
    assert sorted(listed_titles(response)) == ["Cancelled seminar", "Published seminar"]
    content = response.content.decode()
    cancelled_card = content[content.index("Cancelled seminar") :].split("</li>")[0]
    assert "badge-cancelled" in cancelled_card
    published_card = content[content.index("Published seminar") :].split("</li>")[0]
    assert "badge-cancelled" not in published_card


def test_an_event_under_way_is_still_upcoming(client):
    EventFactory(title="Under way", languages=["en"], starts_at=riga(2025, 10, 6, 8), ends_at=riga(2025, 10, 6, 11))

    response = client.get(events_url(), {"language": "all"})

    assert listed_titles(response) == ["Under way"]


def test_list_orders_upcoming_events_by_start(client):
    EventFactory(title="Later", starts_at=riga(2025, 10, 20, 18), ends_at=riga(2025, 10, 20, 20))
    EventFactory(title="Sooner", starts_at=riga(2025, 10, 8, 18), ends_at=riga(2025, 10, 8, 20))

    response = client.get(events_url(), {"language": "all"})

    assert listed_titles(response) == ["Sooner", "Later"]


def test_archive_shows_past_public_events_latest_first(client):
    EventFactory(title="Upcoming", languages=["en"])
    EventFactory(title="Long ago", starts_at=riga(2025, 3, 27, 10), ends_at=riga(2025, 3, 27, 12))
    EventFactory(title="Last month", starts_at=riga(2025, 9, 10, 18), ends_at=riga(2025, 9, 10, 20))
    EventFactory(
        title="Past draft", status=Event.Status.DRAFT, starts_at=riga(2025, 9, 2, 18), ends_at=riga(2025, 9, 2, 20)
    )

    response = client.get(archive_url(), {"language": "all"})

    assert response.status_code == 200
    assert listed_titles(response) == ["Last month", "Long ago"]


# --- Filters --------------------------------------------------------------------------------------------------


@pytest.fixture
def varied_events():
    ogre = OrganisationFactory(name="Ogres Centrālā bibliotēka", slug="ogre-library", city="Ogre")
    jelgava = OrganisationFactory(name="Jelgavas pilsētas bibliotēka", slug="jelgava-library", city="Jelgava")
    red_cross = OrganisationFactory(name="Sarkanais Krusts", slug="red-cross", city="Ogre")
    EventFactory(
        title="Ukrainian seminar in Ogre",
        kind=Event.Kind.SEMINAR,
        organiser=ogre,
        languages=["uk", "lv"],
        audience=["tcn"],
        starts_at=riga(2025, 10, 9, 18),
        ends_at=riga(2025, 10, 9, 20),
    )
    EventFactory(
        title="Russian language café in Jelgava",
        kind=Event.Kind.LANGUAGE_CAFE,
        organiser=jelgava,
        languages=["ru"],
        audience=["tcn", "public"],
        starts_at=riga(2025, 10, 15, 17),
        ends_at=riga(2025, 10, 15, 19),
    )
    EventFactory(
        title="Librarians' workshop hosted by Ogre",
        summary="Intercultural communication",
        kind=Event.Kind.WORKSHOP,
        organiser=red_cross,
        venue_organisation=ogre,
        languages=["lv"],
        audience=["librarians"],
        starts_at=riga(2025, 11, 5, 10),
        ends_at=riga(2025, 11, 5, 13),
    )
    EventFactory(
        title="Online seminar from Jelgava",
        kind=Event.Kind.SEMINAR,
        organiser=jelgava,
        venue=Event.Venue.ONLINE,
        online_url="https://meet.example.org/seminar",
        languages=["uk"],
        audience=["tcn"],
        description="Dokumenti uzturēšanās atļaujai",
        starts_at=riga(2025, 11, 20, 18),
        ends_at=riga(2025, 11, 20, 19),
    )
    EventFactory(
        title="Seminar in Riga",
        kind=Event.Kind.SEMINAR,
        organiser=red_cross,
        venue=Event.Venue.ADDRESS,
        street_address="Brīvības iela 1",
        city="Rīga",
        languages=["en"],
        audience=["public"],
        starts_at=riga(2025, 12, 1, 12),
        ends_at=riga(2025, 12, 1, 14),
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"language": "uk"}, ["Ukrainian seminar in Ogre", "Online seminar from Jelgava"]),
        ({"language": "ru"}, ["Russian language café in Jelgava"]),
        ({"city": "Ogre"}, ["Ukrainian seminar in Ogre", "Librarians' workshop hosted by Ogre"]),
        ({"city": "Jelgava"}, ["Russian language café in Jelgava", "Online seminar from Jelgava"]),
        ({"city": "Rīga"}, ["Seminar in Riga"]),
        ({"library": "ogre-library"}, ["Ukrainian seminar in Ogre", "Librarians' workshop hosted by Ogre"]),
        ({"library": "red-cross"}, ["Librarians' workshop hosted by Ogre", "Seminar in Riga"]),
        ({"kind": "seminar"}, ["Ukrainian seminar in Ogre", "Online seminar from Jelgava", "Seminar in Riga"]),
        ({"audience": "librarians"}, ["Librarians' workshop hosted by Ogre"]),
        ({"audience": "public"}, ["Russian language café in Jelgava", "Seminar in Riga"]),
        (
            {"date_from": "2025-11-01"},
            ["Librarians' workshop hosted by Ogre", "Online seminar from Jelgava", "Seminar in Riga"],
        ),
        ({"date_to": "2025-10-31"}, ["Ukrainian seminar in Ogre", "Russian language café in Jelgava"]),
        (
            {"date_from": "2025-10-15", "date_to": "2025-11-05"},
            ["Russian language café in Jelgava", "Librarians' workshop hosted by Ogre"],
        ),
        ({"q": "café"}, ["Russian language café in Jelgava"]),
        ({"q": "intercultural"}, ["Librarians' workshop hosted by Ogre"]),
        ({"q": "uzturēšanās"}, ["Online seminar from Jelgava"]),
    ],
)
def test_each_filter_narrows_the_list(client, varied_events, params, expected):
    response = client.get(events_url(), {"language": "all", **params})

    assert response.status_code == 200
    assert listed_titles(response) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"date_from": "2025-11-12"}, ["Just after midnight", "Just before midnight"]),
        ({"date_from": "2025-11-13"}, ["Just before midnight"]),
        ({"date_to": "2025-11-12"}, ["Just after midnight"]),
        ({"date_to": "2025-11-11"}, []),
        ({"date_from": "2025-11-13", "date_to": "2025-11-13"}, ["Just before midnight"]),
    ],
)
def test_the_period_is_read_in_local_days_not_utc_ones(client, params, expected):
    # 00:30 in Riga is 22:30 UTC of the day before; 23:30 in Riga is 21:30 UTC of the same day.
    EventFactory(title="Just after midnight", starts_at=riga(2025, 11, 12, 0, 30), ends_at=riga(2025, 11, 12, 2))
    EventFactory(title="Just before midnight", starts_at=riga(2025, 11, 13, 23, 30), ends_at=riga(2025, 11, 14, 1))

    response = client.get(events_url(), {"language": "all", **params})

    assert listed_titles(response) == expected


def test_filters_combine(client, varied_events):
    response = client.get(
        events_url(), {"language": "uk", "kind": "seminar", "city": "Jelgava", "date_from": "2025-11-01"}
    )

    assert listed_titles(response) == ["Online seminar from Jelgava"]


def test_free_text_searches_the_visitors_language_and_falls_back_to_latvian(client):
    EventFactory(title_lv="Latviešu valodas kafejnīca", title_uk="Розмовний клуб", languages=["uk"])

    ukrainian = client.get(events_url("uk"), {"language": "all", "q": "клуб"})
    latvian_fallback = client.get(events_url("uk"), {"language": "all", "q": "kafejnīca"})
    not_in_english_page_languages = client.get(events_url("en"), {"language": "all", "q": "клуб"})

    assert len(ukrainian.context["events"]) == 1
    assert len(latvian_fallback.context["events"]) == 1
    assert len(not_in_english_page_languages.context["events"]) == 0


def test_filters_stay_in_the_form_and_in_pagination_links(client):
    for _number in range(25):
        EventFactory(languages=["uk"], kind=Event.Kind.WORKSHOP)

    response = client.get(events_url(), {"language": "uk", "kind": "workshop"})

    content = response.content.decode()
    assert len(response.context["events"]) == 20
    assert re.search(r'<option value="workshop" selected>', content)
    assert re.search(r'<option value="uk" selected>', content)
    assert "?language=uk&amp;kind=workshop&amp;page=2" in content
    second_page = client.get(events_url(), {"language": "uk", "kind": "workshop", "page": 2})
    assert len(second_page.context["events"]) == 5


def test_the_filter_form_is_labelled_and_works_without_javascript(client):
    response = client.get(events_url())

    content = response.content.decode()
    assert '<form method="get"' in content
    assert "<fieldset>" in content and "<legend" in content
    for name in ("q", "language", "city", "library", "kind", "audience", "date_from", "date_to"):
        assert f'<label for="id_{name}">' in content
    assert '<button type="submit">' in content


@pytest.mark.parametrize(
    "params",
    [{"date_from": "not-a-date"}, {"language": "xx"}, {"kind": "party"}, {"library": "nobody"}, {"page": "x"}],
)
def test_bad_filter_values_are_a_400_with_a_message_not_a_500(client, varied_events, params):
    response = client.get(events_url(), {"language": "all", **params})

    if "page" in params:
        assert response.status_code == 404
    else:
        assert response.status_code == 400
        assert "Correct the marked fields" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}, {"date_from": "1999-12-31"}, {"date_to": "2101-01-01"}],
)
@pytest.mark.parametrize("list_url", [events_url, archive_url])
def test_a_date_outside_the_years_events_can_have_is_a_400_saying_so_in_the_pages_language(
    client, varied_events, list_url, params
):
    response = client.get(list_url("uk"), params)

    assert response.status_code == 400
    assert "Вкажіть дату від 2000-01-01 до 2100-12-31." in response.content.decode()


def test_the_first_and_last_days_events_can_have_are_valid_filters(client, varied_events):
    every = client.get(events_url(), {"language": "all"})
    response = client.get(events_url(), {"language": "all", "date_from": "2000-01-01", "date_to": "2100-12-31"})

    assert response.status_code == 200
    assert listed_titles(response) == listed_titles(every) != []


def test_a_period_ending_before_it_starts_is_rejected(client, varied_events):
    response = client.get(events_url(), {"date_from": "2025-11-10", "date_to": "2025-11-01"})

    assert response.status_code == 400
    assert "date_to" in response.context["filter_form"].errors


def test_dates_and_words_sent_are_shown_but_only_empty_fields_are_kept_in_the_fragments_cache(client, varied_events):
    # Choice fields are kept per value sent (a few values each); a date or a search can be anything, and keeping
    # each would fill the cache the events' cards are kept in.
    fragments = caches["fragments"]
    stored = []
    keep = fragments.set_many

    def spy(data, *args, **kwargs):
        stored.extend(data.values())
        return keep(data, *args, **kwargs)

    with mock.patch.object(fragments, "set_many", spy):
        unfiltered = client.get(events_url(), {"language": "all"})
        pages = [
            client.get(events_url(), {"language": "all", "date_from": f"2030-01-{day:02}", "q": f"words{day}"})
            for day in range(1, 8)
        ]

    assert all(page.status_code == 200 for page in pages)
    assert 'value="2030-01-07"' in pages[-1].content.decode() and 'value="words7"' in pages[-1].content.decode()
    assert unfiltered.status_code == 200
    # Empty, they are the same for everyone, and kept.
    assert any('name="city"' in fragment for fragment in stored)
    assert any('name="date_from"' in fragment for fragment in stored)
    assert not [fragment for fragment in stored if "2030-01-" in fragment or 'value="words' in fragment]


# --- The visitor's language -----------------------------------------------------------------------------------


def test_the_interface_language_preselects_events_in_that_language(client, varied_events):
    response = client.get(events_url("uk"))

    assert listed_titles(response) == ["Ukrainian seminar in Ogre", "Online seminar from Jelgava"]
    assert response.context["language_preselected"] is True
    assert re.search(r'<option value="uk" selected>', response.content.decode())


def test_the_page_says_the_language_filter_is_on_and_links_to_all_languages(client, varied_events):
    with translation.override("en"):
        response = client.get(events_url("en"))

    content = response.content.decode()
    assert listed_titles(response) == ["Seminar in Riga"]
    assert "The list shows only events in English, the language you are using on this site." in content
    assert '<a href="?language=all">Show events in every language (5)</a>' in content
    everything = client.get(events_url("en") + "?language=all")
    assert len(everything.context["events"]) == 5
    assert "The list shows only events in" not in everything.content.decode()


def test_counts_per_language_follow_the_other_filters(client, varied_events):
    response = client.get(events_url("en"), {"kind": "seminar"})

    counts = {item["code"]: item["count"] for item in response.context["by_language"]}
    assert counts == {"uk": 2, "lv": 1, "en": 1}
    content = response.content.decode()
    assert "Ukrainian: 2 events" in content
    assert "Latvian: 1 event<" in content
    assert '<a href="?kind=seminar&amp;language=uk">' in content


def test_an_explicit_language_choice_is_not_called_a_preselection(client, varied_events):
    response = client.get(events_url("en"), {"language": "ru"})

    assert response.context["language_preselected"] is False
    assert "The list shows only events in Russian." in response.content.decode()


def test_empty_state_suggests_the_languages_that_have_events(client, varied_events):
    response = client.get(events_url("en"), {"language": "uz", "kind": "seminar", "date_to": "2025-10-31"})

    content = response.content.decode()
    assert listed_titles(response) == []
    assert "There are no events in Uzbek that match your search, but there are in other languages:" in content
    empty_state = content[content.index('class="empty-state"') :]
    assert "Ukrainian: 1 event" in empty_state
    assert "Latvian: 1 event" in empty_state
    assert "Russian" not in empty_state  # the café in Russian is not a seminar
    assert "?language=uk&amp;kind=seminar&amp;date_to=2025-10-31" in empty_state


def test_empty_state_without_any_matching_event_offers_to_clear_the_filters(client, varied_events):
    response = client.get(events_url("en"), {"language": "all", "q": "astronomy"})

    content = response.content.decode()
    assert "No upcoming events match your search." in content
    assert "Clear all filters" in content


# --- Queries --------------------------------------------------------------------------------------------------


def count_queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [events_url, archive_url])
def test_list_runs_the_same_number_of_queries_for_5_and_50_events(client, url, django_assert_max_num_queries):
    def make(count, start):
        for number in range(count):
            day = start + datetime.timedelta(days=number)
            EventFactory(
                starts_at=day,
                ends_at=day + datetime.timedelta(hours=2),
                languages=["uk", "ru", "lv"],
                venue_organisation=OrganisationFactory(),
            )

    # Each request starts from an empty cache: the data version, counts and choices are read from the database.
    make(5, riga(2025, 10, 10, 18))
    make(5, riga(2025, 8, 1, 18))
    few = count_queries(client, url("uk"), {"city": "Ogre"})
    make(45, riga(2025, 10, 20, 18))
    make(45, riga(2025, 5, 1, 18))
    for alias in settings.CACHES:
        caches[alias].clear()
    with django_assert_max_num_queries(8):
        many = count_queries(client, url("uk"), {"city": "Ogre"})

    assert few == many


def test_a_repeated_anonymous_list_request_is_answered_from_the_cache_without_a_query(client, varied_events):
    first = client.get(events_url("uk"), {"city": "Ogre"})

    with CaptureQueriesContext(connection) as queries:
        again = client.get(events_url("uk"), {"city": "Ogre"})
    other_language = client.get(events_url("lv"), {"city": "Ogre"})

    assert again.status_code == 200 and not queries.captured_queries
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert again["ETag"] == first["ETag"] and again["Content-Language"] == "uk"
    assert other_language["Content-Language"] == "lv" and other_language.content != first.content


def test_a_visitor_with_a_message_waiting_is_not_given_the_page_stored_for_others(client, varied_events):
    event = EventFactory(title_en="Seminar with registration", languages=["uk"], registration_required=True)
    registrant = Client()
    # Registering with a phone number leaves the thank-you message in the messages cookie until a page shows it;
    # she goes elsewhere.
    registered = register(registrant, event, language="uk", email="", phone="+371 20000000")
    client.get(events_url("uk"), {"city": "Ogre"})
    with CaptureQueriesContext(connection) as queries:
        stored = client.get(events_url("uk"), {"city": "Ogre"})

    seen_by_registrant = registrant.get(events_url("uk"), {"city": "Ogre"})

    assert registered.status_code == 302 and registered.cookies["messages"].value
    assert stored.status_code == 200 and not queries.captured_queries
    assert b'class="message message-success"' not in stored.content
    assert seen_by_registrant.status_code == 200
    assert b'class="message message-success"' in seen_by_registrant.content
    assert seen_by_registrant.content != stored.content


def test_a_repeated_anonymous_feed_request_is_answered_from_the_cache_without_a_query(client, varied_events):
    with translation.override("uk"):
        feed = reverse("activities:event_list_ics")
    first = client.get(feed, {"city": "Ogre"})

    with CaptureQueriesContext(connection) as queries:
        again = client.get(feed, {"city": "Ogre"})
        revalidated = client.get(feed, {"city": "Ogre"}, headers={"if-none-match": first["ETag"]})

    assert first.status_code == 200 and b"BEGIN:VCALENDAR" in first.content
    assert again.status_code == 200 and not queries.captured_queries
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert revalidated.status_code == 304 and revalidated["ETag"] == first["ETag"]


def outer_table(sql):
    """The table a statement reads from, its subqueries (the registration counts of each card) left out."""
    while (flat := re.sub(r"\([^()]*\)", "", sql)) != sql:
        sql = flat
    return sql.split(" FROM ", 1)[1].split()[0]


def test_a_page_built_again_reads_only_the_keys_of_its_cards(admin_client, varied_events):
    # Signed-in staff never get the cached page (theirs may carry messages), so the page is built for them each time.
    with CaptureQueriesContext(connection) as first_queries:
        first = admin_client.get(events_url("uk"), {"city": "Ogre"})

    with CaptureQueriesContext(connection) as queries:
        again = admin_client.get(events_url("uk"), {"city": "Ogre"})

    # The counts per language, the filter choices, the number of results, the filter fields and the cards are cached
    # under the data version: what is left is the data version (one statement) and the ids and starts of the page's
    # events (and the staff member's session). The whole events, their organisations and places taken were read
    # once, for the cards rendered the first time.
    version, *page = queries.captured_queries
    assert "MAX(history_date)" in version["sql"]
    page = [query["sql"] for query in page if outer_table(query["sql"]) not in {'"django_session"', '"auth_user"'}]
    assert len(page) == 1
    selected = page[0].split(" FROM ", 1)[0].removeprefix("SELECT ").split(", ")
    assert sorted(selected) == ['"activities_event"."id" AS "pk"', '"activities_event"."starts_at" AS "starts_at"']
    first_sql = [query["sql"] for query in first_queries.captured_queries]
    assert any('FROM "partners_organisation"' in sql or 'JOIN "partners_organisation"' in sql for sql in first_sql)
    assert any('FROM "activities_registration"' in sql for sql in first_sql)
    assert again.content.count(b'class="card event-card') == first.content.count(b'class="card event-card') > 0
    assert again.content == first.content


def test_a_card_shows_the_event_as_it_is_when_the_page_was_built(client, varied_events):
    """A card comes from the cache only under the current data version: a change of the event, of its places taken
    or its unpublishing shows on the next page built."""
    event = Event.objects.get(city="Rīga")
    before = client.get(events_url("en"), {"language": "all", "x": "1"}).content.decode()
    with translation.override("en"):
        event.title = "Seminar in Riga, new hall"
    event.save()
    renamed = client.get(events_url("en"), {"language": "all", "x": "2"}).content.decode()
    event.status = Event.Status.DRAFT
    event.save()
    unpublished = client.get(events_url("en"), {"language": "all", "x": "3"}).content.decode()

    assert "Seminar in Riga<" in before
    assert "Seminar in Riga, new hall<" in renamed and "Seminar in Riga<" not in renamed
    assert "Seminar in Riga" not in unpublished
    assert unpublished.count('class="card event-card') == before.count('class="card event-card') - 1


def test_a_new_filter_value_renders_that_field_again_and_reuses_the_others(client, varied_events):
    first = client.get(events_url("uk"), {"city": "Ogre"}).content.decode()
    other_city = client.get(events_url("uk"), {"city": "Jelgava"}).content.decode()

    # The field whose value changed shows the new one; the fields reused from the first page are the same markup.
    assert '<option value="Ogre" selected>' in first and '<option value="Ogre" selected>' not in other_city
    assert '<option value="Jelgava" selected>' in other_city
    kind = re.search(r'<select name="kind".*?</select>', first, re.S)[0]
    assert kind in other_city


def test_the_less_used_filters_fold_away_unless_one_of_them_is_in_use(client, varied_events):
    folded = client.get(events_url(), {"language": "uk"}).content.decode()
    unfolded = client.get(events_url(), {"language": "uk", "city": "Ogre"}).content.decode()

    assert '<details class="more-filters">' in folded
    assert '<details class="more-filters" open>' in unfolded


def test_the_filter_selects_have_the_markup_of_djangos_own_select(client, varied_events):
    response = client.get(events_url(), {"language": "uk", "city": "Ogre", "library": "red-cross", "kind": "workshop"})

    content = response.content.decode()
    form = response.context["filter_form"]
    for name in ("language", "city", "library", "kind", "audience"):
        field = form[name]
        markup = forms.Select(choices=field.field.choices).render(field.html_name, field.value(), {"id": field.auto_id})
        assert markup in content
    assert '<option value="red-cross" selected>Sarkanais Krusts</option>' in content


# --- Registration state on the cards ---------------------------------------------------------------------------


def card_of(page, title):
    """The HTML of the event card whose title is `title`."""
    html = page.content.decode()
    return next(card for card in html.split('<li class="card event-card')[1:] if f">{title}</a>" in card)


def test_each_card_says_whether_to_register_and_how_many_places_are_left(client):
    open_seminar = EventFactory(title="Darba tiesības", registration_required=True, capacity=5)
    RegistrationFactory.create_batch(2, event=open_seminar)
    full_workshop = EventFactory(title="CV darbnīca", registration_required=True, capacity=1)
    RegistrationFactory(event=full_workshop)
    EventFactory(title="Lasītava bez robežām", registration_required=True, capacity=None)
    EventFactory(title="Valodas kafejnīca", registration_required=False)

    page = client.get(events_url(), {"language": "all"})

    assert "Registration needed · 3 places left" in card_of(page, "Darba tiesības")
    assert "Full — waiting list" in card_of(page, "CV darbnīca")
    assert "Registration needed<" in card_of(page, "Lasītava bez robežām")
    assert "No registration needed" in card_of(page, "Valodas kafejnīca")


def test_a_card_kept_for_other_pages_shows_the_places_left_after_a_registration(client):
    seminar = EventFactory(title="Darba tiesības", registration_required=True, capacity=5)
    staff = Client()
    staff.cookies[settings.SESSION_COOKIE_NAME] = "any-session"  # past the page cache, to the cards kept apart
    before = card_of(staff.get(events_url(), {"language": "all"}), "Darba tiesības")

    RegistrationFactory(event=seminar)
    after = card_of(staff.get(events_url(), {"language": "all", "kind": "seminar"}), "Darba tiesības")

    assert "5 places left" in before
    assert "4 places left" in after


def test_a_cancelled_event_card_offers_no_registration(client):
    EventFactory(title="Atcelts seminārs", registration_required=True, capacity=5, status=Event.Status.CANCELLED)

    card = card_of(client.get(events_url(), {"language": "all"}), "Atcelts seminārs")

    assert "Cancelled" in card and "Registration" not in card


def test_the_registration_state_of_the_cards_costs_no_query_per_card(client, django_assert_max_num_queries):
    def make(count):
        for _number in range(count):
            event = EventFactory(registration_required=True, capacity=3, languages=["uk"])
            RegistrationFactory(event=event)

    make(3)
    few = count_queries(client, events_url(), {"language": "uk"})
    make(30)
    for alias in settings.CACHES:
        caches[alias].clear()
    with django_assert_max_num_queries(few):
        page = client.get(events_url(), {"language": "uk"})

    assert page.content.decode().count("Registration needed · 2 places left") == 20


# --- Search forgives diacritics -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("kafejnīca", True),
        ("kafejnica", True),
        ("KAFEJNICA", True),
        ("latviesu valodas", True),
        ("latviešu kafejnīca", True),
        ("latviesu astronomija", False),
        ("100%", False),
    ],
)
def test_the_search_finds_words_with_or_without_diacritics_in_any_case(client, query, found):
    EventFactory(title_lv="Latviešu valodas kafejnīca", title_en="Latvian language café", slug="cafe", languages=["lv"])

    page = client.get(events_url("lv"), {"language": "all", "q": query})

    assert page.status_code == 200
    assert ('href="/lv/events/cafe/"' in page.content.decode()) is found


# --- Counts per language and the words around them -------------------------------------------------------------


def test_the_counts_per_language_leave_out_cancelled_events_which_stay_listed(client):
    EventFactory(title_lv="Seminārs", languages=["uk"])
    EventFactory(title_lv="Atcelts seminārs", languages=["uk"], status=Event.Status.CANCELLED)

    page = client.get(events_url(), {"language": "uk"})
    content = page.content.decode()

    assert {item["code"]: item["count"] for item in page.context["by_language"]} == {"uk": 1}
    assert "Ukrainian: 1 event<" in content
    assert content.count('class="card event-card') == 2
    # The heading counts as the counts per language do, and names the cancelled event the list shows too.
    assert ">1 event found</h2>" in content
    assert "<p>Also listed: 1 cancelled event.</p>" in content


def test_the_heading_agrees_with_the_counts_that_lead_to_it_and_names_the_cancelled_events(client):
    EventFactory.create_batch(5, languages=["ru"])
    EventFactory(languages=["ru"], status=Event.Status.CANCELLED)
    EventFactory.create_batch(2, languages=["uk"])
    EventFactory.create_batch(2, languages=["uk"], status=Event.Status.CANCELLED)

    russian = client.get(events_url("ru")).content.decode()
    everything = client.get(events_url("ru"), {"language": "all"}).content.decode()

    assert "Русский: 5 мероприятий<" in russian
    assert ">Найдено 5 мероприятий</h2>" in russian
    assert "<p>Также в списке: 1 отменённое мероприятие.</p>" in russian
    assert russian.count('class="card event-card') == 6
    assert "Показать на всех языках (7 мероприятий)</a>" in russian
    assert ">Найдено 7 мероприятий</h2>" in everything
    assert "<p>Также в списке: 3 отменённых мероприятия.</p>" in everything
    # A language left empty (a hand-made address) filters nothing, as every language does.
    unfiltered = client.get(events_url("ru"), {"language": ""}).content.decode()
    assert ">Найдено 7 мероприятий</h2>" in unfiltered and unfiltered.count('class="card event-card') == 10


def test_a_list_of_cancelled_events_only_says_so_in_its_heading(client):
    EventFactory(languages=["uk"], status=Event.Status.CANCELLED)

    content = client.get(events_url("uk")).content.decode()

    assert ">Знайдено 1 скасований захід</h2>" in content
    assert "Також у списку" not in content
    assert content.count('class="card event-card') == 1


def test_a_language_inside_a_sentence_is_written_as_the_grammar_of_the_page_wants(client):
    EventFactory(title_lv="Seminārs", languages=["uk"])

    russian = client.get(events_url("ru"), {"language": "uk"}).content.decode()
    ukrainian = client.get(events_url("uk"), {"language": "uk"}).content.decode()
    latvian = client.get(events_url("lv"), {"language": "uk"}).content.decode()

    assert "В списке только мероприятия на украинском языке." in russian
    assert "«" not in russian[russian.index('class="language-summary"') : russian.index("</section>")]
    assert "У списку лише заходи українською мовою." in ukrainian
    assert "Sarakstā ir redzami tikai pasākumi ukraiņu valodā." in latvian


def test_an_empty_list_speaks_of_a_search_only_when_the_visitor_searched(client):
    EventFactory(title_lv="Seminārs", languages=["uk"])

    not_searched = client.get(events_url("ru")).content.decode()
    searched = client.get(events_url("ru"), {"q": "астрономия"}).content.decode()

    assert "по вашему запросу" not in not_searched
    assert "Сейчас нет мероприятий на русском языке, но есть на других языках:" in not_searched
    assert "Мероприятий на русском языке по вашему запросу нет, но есть на других языках:" not in searched
    assert "Нет предстоящих мероприятий по вашему запросу." in searched
