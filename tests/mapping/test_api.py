"""Initiatives in the open data API: the map's filters, the bounding box, what stays private."""

from decimal import Decimal

import pytest

from mapping.models import Initiative
from tests.factories import InitiativeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def ids(client, query=""):
    response = client.get(f"/api/v1/initiatives/?{query}")
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_only_published_initiatives_are_listed_without_their_contact_people(client):
    published = InitiativeFactory(contact_name="Anna", contact_email="anna@example.org")
    InitiativeFactory(status=Initiative.Status.PENDING)

    items = client.get("/api/v1/initiatives/").json()["results"]

    assert [item["id"] for item in items] == [published.pk]
    assert not {"contact_name", "contact_email", "contact_phone", "submitter_email"} & set(items[0])


def test_the_maps_filters_and_the_bounding_box_apply(client):
    ogre = InitiativeFactory(languages=["uk"], host=OrganisationFactory(slug="ogre"))
    lyon = InitiativeFactory(
        category=Initiative.Category.CULTURE,
        country="FR",
        city="Lyon",
        latitude=Decimal("45.76"),
        longitude=Decimal("4.83"),
        target_groups=["women"],
        languages=["fr"],
    )

    assert ids(client, "language=uk") == [ogre.pk]
    assert ids(client, "category=culture") == [lyon.pk]
    assert ids(client, "country=FR") == [lyon.pk]
    assert ids(client, "city=lyon") == [lyon.pk]
    assert ids(client, "host=ogre") == [ogre.pk]
    assert ids(client, "target_group=women") == [lyon.pk]
    assert ids(client, "bbox=20.9,55.6,28.3,58.1") == [ogre.pk]
    assert ids(client, "q=kafejn") == sorted([ogre.pk, lyon.pk])


@pytest.mark.parametrize("bbox", ["1,2,3", "20,58,28,55", "200,1,2,3", "a,b,c,d"])
def test_a_bounding_box_that_names_no_area_answers_400(client, bbox):
    response = client.get("/api/v1/initiatives/", {"bbox": bbox})

    assert response.status_code == 400
    assert "bbox" in response.json()["errors"]


def test_the_list_runs_the_same_queries_at_two_sizes(count_queries, public_cache_lifetime_passes):
    InitiativeFactory()
    _response, few = count_queries("/api/v1/initiatives/?page_size=200")
    for _ in range(15):
        InitiativeFactory()
    public_cache_lifetime_passes()
    response, many = count_queries("/api/v1/initiatives/?page_size=200")

    assert response.json()["count"] == 16
    assert few == many
