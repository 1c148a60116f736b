"""Structured accessibility and practical facts of events: shown as icons with text, filtered on the list, the
feeds and the API, published in the JSON-LD, edited in the admin."""

import datetime
import html
import json
import re

import icalendar
import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from activities.models import Event
from partners.models import AccessFact
from tests.activities.helpers import change_form, riga
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CARD_TITLE = re.compile(r'<li class="card event-card[^"]*">\s*<h3><a href="[^"]*"[^>]*>(.*?)</a></h3>')


def url_in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def titles(response):
    """The titles of the event cards on the page, sorted."""
    return sorted(html.unescape(title) for title in CARD_TITLE.findall(response.content.decode()))


@pytest.fixture
def events():
    return {
        "ramp": EventFactory(title="Ramp", languages=["en"], step_free_access=True),
        "ramp_loop": EventFactory(title="Ramp and loop", languages=["en"], step_free_access=True, hearing_loop=True),
        "free": EventFactory(title="Free", languages=["en"], free_of_charge=True),
        "online": EventFactory(
            title="Online", languages=["en"], venue=Event.Venue.ONLINE, online_url="https://meet.example.org/a"
        ),
        "streamed": EventFactory(title="Streamed", languages=["en"], online_participation=True),
        "none": EventFactory(title="Nothing said", languages=["en"]),
    }


def test_the_card_shows_each_fact_as_text_with_a_hidden_icon(client, events):
    html = client.get(url_in("en", "activities:event_list"), {"language": "en"}).content.decode()

    card = re.search(r'<h3><a[^>]*>Ramp and loop</a></h3>.*?<p class="event-languages">', html, re.S)
    assert card, "the card of the event with two facts"
    items = re.findall(r"<li><img ([^>]*)> ([^<]+)</li>", card.group(0))
    assert [text for _attrs, text in items] == ["Step-free access", "Hearing loop"]
    for attrs, _text in items:
        assert 'alt=""' in attrs and 'aria-hidden="true"' in attrs
        assert re.search(r'src="/static/partners/access/(step_free|hearing_loop)\.svg"', attrs)


def test_the_labels_are_in_the_language_of_the_page(client, events):
    html = client.get(url_in("uk", "activities:event_list"), {"language": "en"}).content.decode()

    assert "Безбар’єрний доступ" in html and "Step-free access" not in html


def test_the_detail_page_lists_the_facts_and_keeps_the_note(client):
    event = EventFactory(childcare=True, interpretation_available=True, accessibility_en="Use the side entrance.")

    html = client.get(url_in("en", "activities:event_detail", slug=event.slug)).content.decode()

    section = html.split("<h2>Accessibility</h2>", 1)[1].split("<h2>", 1)[0]
    assert re.findall(r"<li><img [^>]*> ([^<]+)</li>", section) == [
        "Childcare while you take part",
        "Sign or other interpretation",
    ]
    assert "Use the side entrance." in section
    assert "has not described the accessibility" not in section


def test_an_online_event_counts_as_online_participation_without_the_tick(client, events):
    assert events["online"].access_facts == [AccessFact.ONLINE]
    html = client.get(url_in("en", "activities:event_detail", slug=events["online"].slug)).content
    assert b"Online participation possible" in html


@pytest.mark.parametrize(
    ("ticked", "expected"),
    [
        (["step_free"], ["Ramp", "Ramp and loop"]),
        (["step_free", "hearing_loop"], ["Ramp and loop"]),
        (["online"], ["Online", "Streamed"]),
        (["free"], ["Free"]),
        (["free", "online"], []),
    ],
)
def test_the_list_shows_only_events_with_every_ticked_fact(client, events, ticked, expected):
    response = client.get(url_in("en", "activities:event_list"), {"language": "en", "access": ticked})

    assert response.status_code == 200
    assert titles(response) == sorted(expected)


def test_the_filter_is_a_fieldset_of_checkboxes_that_keeps_what_was_ticked(client, events):
    html = client.get(url_in("en", "activities:event_list"), {"language": "en", "access": "free"}).content.decode()

    legend = r"<legend>Accessibility and practical facts:</legend>"
    fieldset = re.search(rf"<fieldset[^>]*>\s*{legend}.*?</fieldset>", html, re.S)
    assert fieldset
    boxes = re.findall(r'<input type="checkbox" name="access" value="(\w+)"([^>]*)>', fieldset.group(0))
    assert [value for value, _attrs in boxes] == [code for code, _label in AccessFact.choices]
    assert [value for value, attrs in boxes if "checked" in attrs] == ["free"]
    # A ticked fact opens the fold of further filters.
    assert '<details class="more-filters" open>' in html


def test_an_unknown_fact_is_refused_with_a_message(client, events):
    response = client.get(url_in("en", "activities:event_list"), {"language": "en", "access": "teleport"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@hypothesis_settings(max_examples=30, deadline=None)
@given(values=st.lists(st.one_of(st.sampled_from(AccessFact.values), st.text(max_size=20)), max_size=4))
def test_odd_fact_values_get_a_page_or_a_refusal_never_an_error(values):
    response = Client().get(url_in("en", "activities:event_list"), {"access": values})

    assert response.status_code in (200, 400)


def test_the_filter_is_part_of_the_cache_key_and_the_etag(client, events):
    url = url_in("en", "activities:event_list")
    plain = client.get(url, {"language": "en"})
    ramps = client.get(url, {"language": "en", "access": "step_free"})

    assert plain["ETag"] != ramps["ETag"]
    assert titles(ramps) == ["Ramp", "Ramp and loop"]
    assert "public" in ramps["Cache-Control"] and "no-cache" not in ramps["Cache-Control"]


def count_queries(client, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for alias in settings.CACHES:
        caches[alias].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url_in("uk", "activities:event_list"), params)
    assert response.status_code == 200
    return len(queries)


def test_the_filtered_list_runs_the_same_number_of_queries_for_5_and_50_events(client, django_assert_max_num_queries):
    def make(count, start):
        for number in range(count):
            day = start + datetime.timedelta(days=number)
            EventFactory(
                starts_at=day,
                ends_at=day + datetime.timedelta(hours=2),
                languages=["uk"],
                venue_organisation=OrganisationFactory(),
                step_free_access=True,
                free_of_charge=bool(number % 2),
            )

    params = {"language": "uk", "access": ["step_free", "free"]}
    make(5, riga(2025, 10, 10, 18))
    few = count_queries(client, params)
    make(45, riga(2025, 10, 20, 18))
    with django_assert_max_num_queries(few):
        many = count_queries(client, params)

    assert few == many


def test_the_feeds_take_the_filter_and_carry_the_facts(client, events):
    with translation.override("en"):
        ics = client.get(reverse("activities:event_list_ics"), {"language": "en", "access": "hearing_loop"})
        rss = client.get(reverse("activities:event_list_rss"), {"language": "en", "access": "step_free"})

    calendar = icalendar.Calendar.from_ical(ics.content)
    [component] = calendar.walk("VEVENT")
    assert str(component["summary"]) == "Ramp and loop"
    assert "Accessibility: step-free access, hearing loop" in str(component["description"])
    assert [str(category) for category in component["categories"].cats] == [
        "Seminar",
        "Step-free access",
        "Hearing loop",
    ]
    content = rss.content.decode()
    assert content.count("<item>") == 2
    assert "<category>Step-free access</category>" in content
    assert "Accessibility: step-free access" in content


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("uk", "Доступність: безбар’єрний доступ, індукційна петля"),
        ("ru", "Доступность: доступ без ступенек, индукционная петля"),
        ("lv", "Piekļūstamība: piekļuve bez pakāpieniem, dzirdes cilpa"),
    ],
)
def test_the_feeds_list_the_facts_in_lowercase_and_keep_each_category_a_label(client, events, language, line):
    with translation.override(language):
        ics = client.get(reverse("activities:event_list_ics"), {"language": "en", "access": "hearing_loop"})
        rss = client.get(reverse("activities:event_list_rss"), {"language": "en", "access": "hearing_loop"})

    [component] = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert line in str(component["description"])
    with translation.override(language):
        labels = [str(AccessFact.STEP_FREE.label), str(AccessFact.HEARING_LOOP.label)]
    assert [str(category) for category in component["categories"].cats][1:] == labels
    assert f"<p>{line}</p>" in rss.content.decode().replace("&lt;", "<").replace("&gt;", ">")


def json_ld(response):
    [data] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return json.loads(data)


def test_the_linked_data_says_free_and_names_the_features_of_the_place(client):
    event = EventFactory(free_of_charge=True, step_free_access=True, hearing_loop=True, online_participation=True)

    data = json_ld(client.get(url_in("en", "activities:event_detail", slug=event.slug)))

    assert data["isAccessibleForFree"] is True
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["location"]["amenityFeature"] == [
        {"@type": "LocationFeatureSpecification", "name": "Step-free access", "value": True},
        {"@type": "LocationFeatureSpecification", "name": "Hearing loop", "value": True},
    ]
    assert "accessibilityFeature" not in json.dumps(data)


def test_the_linked_data_of_an_event_without_facts_states_nothing_about_them(client):
    event = EventFactory()

    data = json_ld(client.get(url_in("en", "activities:event_detail", slug=event.slug)))

    assert "isAccessibleForFree" not in data and "amenityFeature" not in data["location"]
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"


def test_the_api_lists_the_facts_and_filters_on_them(client, events):
    everything = client.get("/api/v1/events/", {"page_size": 50}).json()["results"]
    ramps = client.get("/api/v1/events/", {"access": ["step_free", "hearing_loop"]}).json()["results"]
    refused = client.get("/api/v1/events/", {"access": "teleport"})
    empty = client.get("/api/v1/events/", {"access": ""})

    by_title = {event["title"]["lv"]: event for event in everything}
    assert by_title["Ramp and loop"]["access"] == ["step_free", "hearing_loop"]
    assert by_title["Online"]["access"] == ["online"]
    assert by_title["Nothing said"]["access"] == []
    assert [event["title"]["lv"] for event in ramps] == ["Ramp and loop"]
    assert refused.status_code == 400 and empty.status_code == 400


def test_the_schema_documents_the_field_and_the_filter(client):
    response = client.get("/api/v1/schema/?format=json", headers={"accept": "application/vnd.oai.openapi+json"})
    schema = json.loads(response.content)

    def resolved(node):
        if "$ref" in node:
            return schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        return node

    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert parameters["access"]["schema"]["type"] == "array"
    assert set(resolved(parameters["access"]["schema"]["items"])["enum"]) == set(AccessFact.values)
    field = schema["components"]["schemas"]["Event"]["properties"]["access"]
    assert field["type"] == "array" and set(resolved(field["items"])["enum"]) == set(AccessFact.values)


def test_staff_tick_the_facts_in_the_admin(admin_client):
    event = EventFactory(title_lv="Seminārs", title_en="Seminar")

    response = admin_client.post(
        reverse("admin:activities_event_change", args=[event.pk]),
        change_form(event, step_free_access="on", free_of_charge="on", accessibility_lv="Ieeja no pagalma."),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.access_facts == [AccessFact.STEP_FREE, AccessFact.FREE]
    assert event.accessibility_lv == "Ieeja no pagalma."
