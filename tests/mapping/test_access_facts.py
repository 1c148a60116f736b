"""Accessibility and practical facts of initiatives: on the cards and pages, filtered on the map, its list, the map
data and the API, in the linked data, edited in the admin."""

import json
import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from mapping.models import Initiative
from partners.models import AccessFact
from tests.factories import InitiativeFactory, OrganisationFactory
from tests.mapping.helpers import initiative_form

pytestmark = pytest.mark.django_db


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"mapping:{name}", kwargs=kwargs)


@pytest.fixture
def initiatives():
    return {
        "ramp": InitiativeFactory(slug="ramp", title="Ramp", step_free_access=True),
        "free": InitiativeFactory(slug="free-ramp", title="Free ramp", step_free_access=True, free_of_charge=True),
        "care": InitiativeFactory(slug="care", title="Care", childcare=True),
        "none": InitiativeFactory(slug="none", title="None"),
    }


@pytest.mark.parametrize(
    ("ticked", "expected"),
    [(["step_free"], ["free-ramp", "ramp"]), (["step_free", "free"], ["free-ramp"]), (["hearing_loop"], [])],
)
def test_the_list_and_the_map_data_show_only_initiatives_with_every_ticked_fact(client, initiatives, ticked, expected):
    listed = client.get(url("initiative_list"), {"access": ticked})
    collection = client.get(url("geojson"), {"access": ticked}).json()

    assert sorted(initiative.slug for initiative in listed.context["object_list"]) == expected
    assert sorted(feature["id"] for feature in collection["features"]) == expected


def test_the_map_data_carries_the_facts_of_each_point(client, initiatives):
    collection = client.get(url("geojson")).json()

    facts = {feature["id"]: feature["properties"]["access"] for feature in collection["features"]}
    labels = {feature["id"]: feature["properties"]["access_labels"] for feature in collection["features"]}
    assert facts == {"ramp": ["step_free"], "free-ramp": ["step_free", "free"], "care": ["childcare"], "none": []}
    assert labels["free-ramp"] == ["step-free access", "free of charge"]
    ukrainian = client.get(url("geojson", "uk")).json()
    assert {f["id"]: f["properties"]["access_labels"] for f in ukrainian["features"]}["care"] == [
        "догляд за дітьми під час участі"
    ]


def test_the_map_keeps_the_filter_for_its_data_and_its_list_link(client, initiatives):
    response = client.get(url("map"), {"access": ["free", "step_free"]})

    assert response.context["filter_query"] == "access=free&access=step_free"
    assert response.context["map_config"]["filterQuery"] == "access=free&access=step_free"
    assert response.context["summary"]["count"] == 1
    html = response.content.decode()
    assert re.search(r'<input type="checkbox" name="access" value="free"[^>]*checked', html)


def test_the_filter_is_part_of_the_etag_of_the_map_data_and_the_map(client, initiatives):
    plain, ramps = client.get(url("geojson")), client.get(url("geojson"), {"access": "step_free"})
    page, ramp_page = client.get(url("map")), client.get(url("map"), {"access": "step_free"})

    assert plain["ETag"] != ramps["ETag"]
    assert "no-cache" not in ramps["Cache-Control"]
    assert page.content != ramp_page.content


def test_an_unknown_fact_is_refused_on_the_map_data_and_the_list(client, initiatives):
    assert client.get(url("geojson"), {"access": "teleport"}).status_code == 400
    assert "Select a valid choice" in client.get(url("initiative_list"), {"access": "teleport"}).content.decode()


@hypothesis_settings(max_examples=25, deadline=None)
@given(values=st.lists(st.one_of(st.sampled_from(AccessFact.values), st.text(max_size=12)), max_size=3))
def test_odd_fact_values_never_break_the_map_data(values):
    response = Client().get(url("geojson"), {"access": values}, follow=True)

    assert response.status_code in (200, 400)


def test_cards_and_the_page_show_the_facts_as_text_with_hidden_icons(client, initiatives):
    listed = client.get(url("initiative_list", "uk")).content.decode()
    page = client.get(url("initiative_detail", slug="free-ramp")).content.decode()

    card = re.search(r'<a href="/uk/map/free-ramp/"[^>]*>Free ramp</a>.*?</ul>', listed, re.S)
    assert re.findall(r"<li><img [^>]*aria-hidden=\"true\"[^>]*> ([^<]+)</li>", card.group(0)) == [
        "Безбар’єрний доступ",
        "Безкоштовно",
    ]
    assert re.findall(r"<li><img [^>]*> ([^<]+)</li>", page) == ["Step-free access", "Free of charge"]


def test_the_linked_data_of_an_initiative_names_its_facts(client, initiatives):
    page = client.get(url("initiative_detail", slug="free-ramp")).content.decode()
    [data] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(data)

    assert data["isAccessibleForFree"] is True
    assert data["amenityFeature"] == [
        {"@type": "LocationFeatureSpecification", "name": "Step-free access", "value": True}
    ]


def test_the_api_publishes_and_filters_the_facts(client, initiatives):
    everything = client.get("/api/v1/initiatives/").json()["results"]
    free = client.get("/api/v1/initiatives/", {"access": ["free", "step_free"]}).json()["results"]

    assert {item["slug"]: item["access"] for item in everything}["care"] == ["childcare"]
    assert [item["slug"] for item in free] == ["free-ramp"]
    assert client.get("/api/v1/initiatives/", {"access": ""}).status_code == 400


def count_queries(client, page_url, params):
    for alias in settings.CACHES:
        caches[alias].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url, params, follow=True)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["map", "initiative_list", "geojson"])
def test_filtered_map_pages_run_the_same_number_of_queries_for_5_and_50_initiatives(
    client, name, django_assert_max_num_queries
):
    def make(count):
        for number in range(count):
            InitiativeFactory(host=OrganisationFactory(), step_free_access=True, childcare=bool(number % 2))

    params = {"access": ["step_free", "childcare"], "language": "uk"}
    make(5)
    few = count_queries(client, url(name), params)
    make(45)
    with django_assert_max_num_queries(few):
        many = count_queries(client, url(name), params)

    assert few == many


def test_staff_tick_the_facts_of_an_initiative_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:mapping_initiative_add"), initiative_form(hearing_loop="on", online_participation="on")
    )

    assert response.status_code == 302
    initiative = Initiative.objects.get(slug="valodas-kafejnica-ogre")
    assert initiative.access_facts == [AccessFact.HEARING_LOOP, AccessFact.ONLINE]
