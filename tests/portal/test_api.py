"""The open data API's common behaviour: conditional requests, CORS, the throttle, problem documents, schema, docs."""

import re
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import Client

from activities.models import Event
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LISTS = ["events", "organisations", "agreements", "initiatives", "resources", "strategies"]


@pytest.mark.parametrize("name", LISTS)
def test_every_list_names_the_licence_and_links_its_pages(client, settings, name):
    settings.OPEN_DATA_LICENCE_NAME = "CC0 1.0"
    settings.OPEN_DATA_LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
    for _ in range(3):
        EventFactory()

    response = client.get(f"/api/v1/{name}/?page_size=1")

    assert response.status_code == 200
    body = response.json()
    assert body["licence"] == {"name": "CC0 1.0", "url": "https://creativecommons.org/publicdomain/zero/1.0/"}
    assert '<https://creativecommons.org/publicdomain/zero/1.0/>; rel="license"' in response["Link"]
    if body["count"] > 1:
        assert body["next"].endswith(f"/api/v1/{name}/?page=2&page_size=1")
        assert f'<{body["next"]}>; rel="next"' in response["Link"]


def test_a_repeated_request_gets_304_until_the_data_changes(client, public_cache_lifetime_passes):
    event = EventFactory()
    first = client.get("/api/v1/events/")
    etag = first["ETag"]
    assert first["Last-Modified"]

    assert client.get("/api/v1/events/", headers={"if-none-match": etag}).status_code == 304

    event.title_lv = "Cits nosaukums"
    event.save()
    public_cache_lifetime_passes()
    changed = client.get("/api/v1/events/", headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_deleting_an_object_changes_the_etag(client, public_cache_lifetime_passes):
    events = [EventFactory(), EventFactory()]
    etag = client.get(f"/api/v1/events/{events[0].pk}/")["ETag"]

    Event.objects.filter(pk=events[1].pk).delete()
    public_cache_lifetime_passes()

    assert client.get(f"/api/v1/events/{events[0].pk}/", headers={"if-none-match": etag}).status_code == 200


def test_an_organisations_new_name_changes_the_etag_of_its_events(client, public_cache_lifetime_passes):
    organiser = OrganisationFactory()
    EventFactory(organiser=organiser)
    etag = client.get("/api/v1/events/")["ETag"]

    organiser.name_lv = "Jauns nosaukums"
    organiser.save()
    public_cache_lifetime_passes()

    assert client.get("/api/v1/events/", headers={"if-none-match": etag}).status_code == 200


def test_if_none_match_star_does_not_hide_an_invalid_request_or_a_missing_object(client):
    assert client.get("/api/v1/events/?kind=party", headers={"if-none-match": "*"}).status_code == 400
    assert client.get("/api/v1/events/987654/", headers={"if-none-match": "*"}).status_code == 404


def test_any_origin_may_read_the_api_but_not_the_rest_of_the_site(client):
    api = client.get("/api/v1/events/", headers={"origin": "https://library.example.lv"})
    page = client.get("/en/events/", headers={"origin": "https://library.example.lv"})
    preflight = client.options(
        "/api/v1/events/",
        headers={"origin": "https://library.example.lv", "access-control-request-method": "GET"},
    )

    assert api["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in api["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in page
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_too_many_requests_from_one_address_get_429_with_retry_after(client, settings):
    settings.OPEN_DATA_API_RATE = "3/minute"

    statuses = [client.get(f"/api/v1/organisations/?n={n}").status_code for n in range(4)]
    other_address = client.get("/api/v1/organisations/?n=9", REMOTE_ADDR="192.0.2.7")

    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/organisations/?n=10")
    assert refused["Content-Type"] == "application/problem+json"
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["status"] == 429
    assert other_address.status_code == 200


def test_a_cache_that_is_down_costs_the_throttle_not_the_answer(client, settings):
    settings.OPEN_DATA_API_RATE = "1/minute"
    cache = caches["default"]
    with mock.patch.object(cache, "get", side_effect=ConnectionError("cache down")):
        statuses = [client.get(f"/api/v1/organisations/?n={n}").status_code for n in range(3)]

    assert statuses == [200, 200, 200]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/events/?q=a%00b", 400),
        ("/api/v1/nothing/", 404),
        ("/api/v1/events/abc/", 404),
        ("/api/v1/events/?page=0", 404),
        ("/api/v1/events/?page_size=500", 400),
        (f"/api/v1/events/{2**63}/", 404),
    ],
)
def test_errors_are_problem_documents(client, path, status):
    response = client.get(path)

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["type"] == "about:blank"
    assert problem["title"] and problem["detail"]


@pytest.mark.parametrize(
    ("accept_language", "invalid", "missing"),
    [
        ("en", "Some parameters are not valid; see errors.", "Nothing is published at this address."),
        ("uk", "Деякі параметри недійсні; див. errors.", "За цією адресою нічого не опубліковано."),
        # No language asked for: the site's default, as on every page outside the language prefixes.
        (None, "Daži parametri nav derīgi; skatiet errors.", "Šajā adresē nekas nav publicēts."),
    ],
)
def test_problem_documents_speak_the_language_the_request_accepts(accept_language, invalid, missing):
    event = EventFactory(status=Event.Status.DRAFT)
    client = Client(headers={"accept-language": accept_language} if accept_language else {})

    refused = client.get("/api/v1/events/?kind=party").json()
    unpublished = client.get(f"/api/v1/events/{event.pk}/").json()
    unknown = client.get("/api/v1/nothing/").json()

    assert refused["detail"] == invalid
    assert unpublished["detail"] == unknown["detail"] == missing


def test_the_api_speaks_the_accept_language_whatever_language_cookie_the_visitor_has(settings):
    # The answers vary on Accept-Language alone: read from a cookie, one visitor's language would reach the next
    # visitor through the proxy or any shared cache.
    EventFactory()
    visitor = Client(headers={"accept-language": "en"})
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"

    refused = visitor.get("/api/v1/events/?kind=party")
    listed = visitor.get("/api/v1/events/")

    assert refused.json()["detail"] == "Some parameters are not valid; see errors."
    assert refused["Content-Language"] == listed["Content-Language"] == "en"
    assert "Accept-Language" in listed["Vary"] and "Cookie" not in listed["Vary"]


def test_a_visitor_with_a_language_cookie_gets_the_copy_the_page_cache_keeps_for_her_accept_language(
    settings, django_assert_num_queries
):
    EventFactory()
    first = Client(headers={"accept-language": "en"}).get("/api/v1/events/")
    visitor = Client(headers={"accept-language": "en"})
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"

    with django_assert_num_queries(0):
        kept = visitor.get("/api/v1/events/")

    assert kept.status_code == 200 and kept.content == first.content
    assert kept["Content-Language"] == "en"


def test_the_api_only_reads(client):
    response = client.post("/api/v1/events/", {"title": "x"})

    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


def test_the_schema_is_openapi_3_1_and_documents_every_list_with_its_errors(client):
    response = client.get("/api/v1/schema/?format=json", headers={"accept": "application/vnd.oai.openapi+json"})

    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    for name in LISTS:
        operation = schema["paths"][f"/api/v1/{name}/"]["get"]
        assert {"200", "304", "400", "404", "429"} <= set(operation["responses"])
        assert "application/problem+json" in operation["responses"]["429"]["content"]
        assert "links" in operation["responses"]["200"]
    events = schema["paths"]["/api/v1/events/"]["get"]
    assert {"language", "library", "city", "kind", "audience", "date_from", "date_to", "updated_since"} <= {
        parameter["name"] for parameter in events["parameters"]
    }
    assert {"If-None-Match", "Accept-Language"} <= {
        parameter["name"] for parameter in events["parameters"] if parameter["in"] == "header"
    }
    initiatives = schema["paths"]["/api/v1/initiatives/"]["get"]
    assert "bbox" in {parameter["name"] for parameter in initiatives["parameters"]}


def test_the_docs_page_loads_swagger_ui_from_the_static_files_without_inline_code(client):
    response = client.get("/api/v1/docs/")
    page = response.content.decode()
    script = client.get("/api/v1/docs/?script=")

    assert response.status_code == 200
    assert "/static/portal/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "<style" not in page and "style=" not in page
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", page.split("<body>")[0])
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize("name", LISTS)
def test_a_parameter_the_api_does_not_read_gets_the_same_answer_kept_by_nobody(client, settings, name):
    # A tracking parameter or a nonce must not give every address a copy of its own in the shared caches.
    EventFactory()

    read = client.get(f"/api/v1/{name}/?page=1&page_size=5")
    unread = client.get(f"/api/v1/{name}/?page_size=5&utm_source=newsletter")

    assert read["Cache-Control"] == f"public, max-age={settings.PUBLIC_CACHE_SECONDS}"
    assert unread.status_code == 200
    assert unread["Cache-Control"] == "public, no-cache"
    assert unread.json()["results"] == read.json()["results"]


def test_an_objects_address_with_a_parameter_it_does_not_read_is_kept_by_nobody(client, settings):
    event = EventFactory()

    response = client.get(f"/api/v1/events/{event.pk}/?nonce=1")

    assert response.status_code == 200 and response["Cache-Control"] == "public, no-cache"
