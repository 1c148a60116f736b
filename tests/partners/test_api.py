"""Organisations and the agreements register in the open data API."""

import pytest

from partners.models import Organisation
from tests.factories import AgreementFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_an_organisation_carries_kind_country_coordinates_and_every_language_of_its_name(client):
    library = OrganisationFactory(name="Ogres Centrālā bibliotēka", country="LV")
    library.name_en = "Ogre Central Library"
    library.save()

    item = client.get(f"/api/v1/organisations/{library.pk}/").json()

    assert item["kind"] == "partner_library"
    assert item["country"] == "LV"
    assert (item["latitude"], item["longitude"]) == (pytest.approx(56.8162), pytest.approx(24.61401))
    assert item["name"] == {"lv": "Ogres Centrālā bibliotēka", "en": "Ogre Central Library", "uk": None, "ru": None}
    assert item["page_url"]["en"].endswith(f"/en/partners/{library.slug}/")


def test_organisations_are_filtered_by_kind_and_country(client):
    library = OrganisationFactory(country="LV")
    OrganisationFactory(kind=Organisation.Kind.NGO, country="LV")
    OrganisationFactory(country="FR")

    response = client.get("/api/v1/organisations/?kind=partner_library&country=LV")

    assert [item["id"] for item in response.json()["results"]] == [library.pk]
    assert client.get("/api/v1/organisations/?country=XX").status_code == 400


def test_the_agreements_register_names_the_parties_and_filters_by_party(client):
    ogre, jelgava, riga = (OrganisationFactory(slug=slug) for slug in ("ogre", "jelgava", "riga"))
    agreement = AgreementFactory(parties=[ogre, jelgava])
    AgreementFactory(parties=[riga, jelgava])

    listed = client.get("/api/v1/agreements/?party=ogre").json()["results"]

    assert [item["id"] for item in listed] == [agreement.pk]
    assert {party["slug"] for party in listed[0]["parties"]} == {"ogre", "jelgava"}
    assert listed[0]["document_url"] is None


@pytest.mark.parametrize("query", ["signed_from=0001-01-01", "signed_until=9999-12-31"])
def test_the_agreements_register_refuses_a_day_outside_the_years_agreements_can_have(client, query):
    AgreementFactory()

    response = client.get(f"/api/v1/agreements/?{query}", headers={"accept-language": "en"})

    assert response.status_code == 400
    assert response.json()["errors"] == {query.split("=")[0]: ["Give a date between 2000-01-01 and 2100-12-31."]}


@pytest.mark.parametrize("path", ["/api/v1/organisations/", "/api/v1/agreements/"])
def test_the_lists_run_the_same_queries_at_two_sizes(count_queries, public_cache_lifetime_passes, path):
    for _ in range(2):
        AgreementFactory()
    _response, few = count_queries(f"{path}?page_size=200")
    for _ in range(12):
        AgreementFactory(parties=[OrganisationFactory(), OrganisationFactory(), OrganisationFactory()])
    public_cache_lifetime_passes()
    response, many = count_queries(f"{path}?page_size=200")

    assert response.json()["count"] > 10
    assert few == many
