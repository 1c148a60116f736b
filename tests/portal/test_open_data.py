"""The open data page, the sitemap, robots.txt, the favicon and the schema.org linked data of the pages."""

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation

from activities.models import Event
from partners.models import Organisation
from tests.factories import AgreementFactory, EventFactory, InitiativeFactory, OrganisationFactory, ResourceFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
# Pages without arguments deliberately not in the sitemap: the thanks page after a suggestion, the map for frames.
NOT_LISTED = {"mapping:suggest_thanks", "activities:alert_sent", "mapping:embed"}


def linked_data(response):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return [json.loads(block) for block in blocks]


def sitemap_entries(client):
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 (the portal's own answer)
    entries = []
    for location in index.findall("s:sitemap/s:loc", NS):
        section = ET.fromstring(client.get(urlsplit(location.text).path).content)  # noqa: S314
        entries += section.findall("s:url", NS)
    return entries


def pages_without_arguments(patterns=None, namespace=None, localised=False):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part) or None
            yield from pages_without_arguments(
                entry.url_patterns, inner, localised or isinstance(entry.pattern, LocalePrefixPattern)
            )
        elif isinstance(entry, URLPattern) and entry.name and localised and not entry.pattern.regex.groupindex:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def test_the_open_data_page_names_the_licence_and_each_format_in_every_language(client, settings):
    settings.OPEN_DATA_LICENCE_NAME = "CC BY-SA 4.0"
    settings.OPEN_DATA_LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
    for code, _name in settings.LANGUAGES:
        response = client.get(f"/{code}/open-data/")
        page = response.content.decode()

        assert response.status_code == 200
        assert "CC BY-SA 4.0" in page
        for address in ("/api/v1/events/", "/api/v1/docs/", "initiatives.geojson", "initiatives.csv", "feed.ics"):
            assert address in page, (code, address)
        (dataset,) = linked_data(response)
        assert dataset["@type"] == "Dataset"
        assert dataset["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
        formats = {download["encodingFormat"] for download in dataset["distribution"]}
        assert {"application/json", "application/geo+json", "text/csv", "text/calendar"} <= formats


def test_the_footer_the_map_and_the_event_list_link_to_the_open_data_page(client):
    address = reverse("open_data")

    for path in ("/en/", "/en/map/", "/en/events/"):
        assert f'href="{address}"' in client.get(path).content.decode(), path


def test_the_sitemap_lists_every_public_page_with_its_four_languages_and_lastmod(client, settings):
    event = EventFactory()
    EventFactory(status=Event.Status.DRAFT, slug="draft-only")
    initiative = InitiativeFactory()
    resource = ResourceFactory()
    agreement = AgreementFactory()

    entries = sitemap_entries(client)
    locations = {entry.find("s:loc", NS).text for entry in entries}

    with translation.override("lv"):
        pages = {reverse(name) for name in pages_without_arguments() if name not in NOT_LISTED}
        # The pages among them (not feeds or files), staff pages excepted: they send a visitor to the login.
        expected = {
            path
            for path in pages
            if (response := client.get(path)).status_code == 200 and response["Content-Type"].startswith("text/html")
        }
        expected |= {obj.get_absolute_url() for obj in (event, initiative, resource, agreement, event.organiser)}
    for path in expected:
        for code, _name in settings.LANGUAGES:
            assert settings.SITE_URL + path.replace("/lv/", f"/{code}/", 1) in locations
    assert not any("draft-only" in location for location in locations)
    event_entry = next(e for e in entries if e.find("s:loc", NS).text.endswith(f"/uk{event.get_absolute_url()[3:]}"))
    alternates = {link.get("hreflang") for link in event_entry.findall("x:link", NS)}
    assert alternates == {"lv", "en", "uk", "ru", "x-default"}
    assert event_entry.find("s:lastmod", NS).text == timezone.localtime(event.updated_at).date().isoformat()


def test_the_sitemap_runs_the_same_queries_at_two_sizes(count_queries, public_cache_lifetime_passes):
    EventFactory()
    _response, few = count_queries("/sitemap-events.xml")
    for _ in range(10):
        EventFactory()
    public_cache_lifetime_passes()
    response, many = count_queries("/sitemap-events.xml")

    assert response.content.decode().count("<url>") == 44
    assert few == many


def test_robots_point_to_the_sitemap_and_keep_crawlers_out_of_staff_pages_and_filter_combinations(client, settings):
    lines = client.get("/robots.txt").content.decode().splitlines()

    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert all(f"Disallow: /{code}/staff/" in lines for code, _name in settings.LANGUAGES)
    assert "Disallow: /*?" in lines


def test_the_favicon_is_served_and_every_page_names_it(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("portal/favicon.ico")
    assert 'rel="icon"' in client.get("/en/").content.decode()


def test_a_partner_library_page_describes_a_library_and_another_organisation_an_organization(client):
    library = OrganisationFactory()
    ngo = OrganisationFactory(kind=Organisation.Kind.NGO, latitude=None, longitude=None)

    (library_data,) = linked_data(client.get(library.get_absolute_url()))
    (ngo_data,) = linked_data(client.get(ngo.get_absolute_url()))

    assert library_data["@type"] == "Library"
    assert library_data["geo"]["latitude"] == pytest.approx(56.8162)
    assert library_data["address"]["addressLocality"] == "Ogre"
    assert ngo_data["@type"] == "Organization"
    assert "geo" not in ngo_data and "location" not in ngo_data


def test_an_initiative_page_describes_a_place(client):
    initiative = InitiativeFactory()

    (data,) = linked_data(client.get(initiative.get_absolute_url()))

    assert data["@type"] == "Place"
    assert data["name"] == initiative.title
    assert data["geo"]["longitude"] == pytest.approx(24.61401)
    assert data["containedInPlace"]["name"] == initiative.host.name
