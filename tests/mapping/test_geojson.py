import gzip
import json
import math
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mapping.geojson import MAX_CELLS
from mapping.models import Initiative
from tests.factories import InitiativeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def geojson_url(language="en"):
    with translation.override(language):
        return reverse("mapping:geojson")


def get_collection(client, params=None, language="en", **headers):
    # A box off the grid is redirected to the grid box that holds it (see test_a_box_off_the_grid_is_redirected...).
    response = client.get(geojson_url(language), params or {}, follow=True, **headers)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def slugs(collection):
    return {feature["id"] for feature in collection["features"] if not feature["properties"].get("cluster")}


def test_the_collection_is_rfc_7946_geojson_with_longitude_first(client):
    InitiativeFactory(
        slug="valodas-kafejnica-ogre",
        title_en="Language café in Ogre",
        latitude=Decimal("56.81620"),
        longitude=Decimal("24.61401"),
        languages=["lv", "uk"],
        host=OrganisationFactory(name_en="Ogre Central Library"),
    )

    response = client.get(geojson_url())
    collection = json.loads(response.content)

    assert response["Content-Type"] == "application/geo+json"
    assert collection["type"] == "FeatureCollection"
    [feature] = collection["features"]
    assert feature["type"] == "Feature"
    assert feature["id"] == "valodas-kafejnica-ogre"
    assert feature["geometry"] == {"type": "Point", "coordinates": [24.61401, 56.8162]}
    assert all(isinstance(number, float) for number in feature["geometry"]["coordinates"])
    assert feature["properties"] == {
        "title": "Language café in Ogre",
        "url": "http://testserver/en/map/valodas-kafejnica-ogre/",
        "category": "language",
        "category_label": "Language learning",
        "languages": ["lv", "uk"],
        "language_names": ["Latvian", "Ukrainian"],
        "host": "Ogre Central Library",
        "city": "Ogre",
        "access": [],
        "access_labels": [],
    }


def test_links_and_titles_follow_the_language_of_the_url(client):
    InitiativeFactory(slug="kafejnica", title_lv="Valodas kafejnīca", title_uk="Мовне кафе")

    [feature] = get_collection(client, language="uk")["features"]
    [feature_lv] = get_collection(client, language="lv")["features"]

    assert feature["properties"]["title"] == "Мовне кафе"
    assert feature["properties"]["url"] == "http://testserver/uk/map/kafejnica/"
    assert feature_lv["properties"]["title"] == "Valodas kafejnīca"
    # The map lists them after its label "Мови:", as running text writes them in Ukrainian.
    assert feature["properties"]["language_names"] == ["латиська", "українська"]
    assert feature_lv["properties"]["language_names"] == ["latviešu", "ukraiņu"]


def test_only_published_initiatives_with_a_point_are_features(client):
    InitiativeFactory(slug="published")
    InitiativeFactory(slug="pending", status=Initiative.Status.PENDING)
    InitiativeFactory(slug="archived", status=Initiative.Status.ARCHIVED)
    InitiativeFactory(slug="no-point", latitude=None, longitude=None)

    assert slugs(get_collection(client)) == {"published"}
    assert slugs(get_collection(client, {"zoom": 16, "bbox": "24.6,56.8,24.7,56.9"})) == {"published"}


def test_bbox_keeps_only_initiatives_inside_the_box(client):
    InitiativeFactory(slug="ogre", latitude=Decimal("56.81620"), longitude=Decimal("24.61401"))
    InitiativeFactory(slug="riga", latitude=Decimal("56.94960"), longitude=Decimal("24.10520"))
    InitiativeFactory(slug="daugavpils", latitude=Decimal("55.87470"), longitude=Decimal("26.53620"))

    assert slugs(get_collection(client, {"bbox": "24.0,56.7,24.7,57.0"})) == {"ogre", "riga"}
    assert slugs(get_collection(client, {"bbox": "26,55,27,56"})) == {"daugavpils"}
    assert slugs(get_collection(client, {"bbox": "10,40,11,41"})) == set()


def test_a_bbox_may_cross_the_antimeridian(client):
    InitiativeFactory(slug="fiji", latitude=Decimal("-18.14160"), longitude=Decimal("178.44190"))
    InitiativeFactory(slug="samoa", latitude=Decimal("-13.75900"), longitude=Decimal("-172.10460"))
    InitiativeFactory(slug="ogre")

    assert slugs(get_collection(client, {"bbox": "170,-20,-170,-10"})) == {"fiji", "samoa"}


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ("24,56,25", "four comma-separated numbers"),
        ("west,56,25,57", "four comma-separated numbers"),
        ("24,56,25,nan", "finite"),
        ("24,57,25,56", "minimum latitude is greater"),
        ("24,56,190,57", "longitudes must lie between -180 and 180"),
        ("24,-91,25,57", "latitudes must lie between -90 and 90"),
    ],
)
def test_a_bad_bbox_is_a_400_with_a_message(client, bbox, message):
    InitiativeFactory()

    response = client.get(geojson_url(), {"bbox": bbox})

    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize("zoom", ["-1", "23", "five", "2.5"])
def test_a_bad_zoom_is_a_400_with_a_message(client, zoom):
    response = client.get(geojson_url(), {"zoom": zoom})

    assert response.status_code == 400
    assert "zoom" in response.json()["error"]


def test_a_bad_filter_is_a_400_naming_the_parameter(client):
    response = client.get(geojson_url(), {"category": "astrology"})

    assert response.status_code == 400
    assert response.json()["error"].startswith("category:")


def test_an_unchanged_collection_is_answered_304_to_if_none_match(client):
    InitiativeFactory()
    first = client.get(geojson_url(), {"category": "language"})

    again = client.get(geojson_url(), {"category": "language"}, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["ETag"]
    assert again.status_code == 304
    assert again.content == b""


def test_an_unchanged_collection_is_answered_304_to_if_modified_since(client):
    InitiativeFactory()
    first = client.get(geojson_url())

    again = client.get(geojson_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304


def test_a_changed_initiative_changes_the_etag_and_the_body(
    client, django_capture_on_commit_callbacks, public_cache_lifetime_passes
):
    initiative = InitiativeFactory(title_en="Before")
    first = client.get(geojson_url())

    initiative.title_en = "After"
    with django_capture_on_commit_callbacks(execute=True):
        initiative.save()
    public_cache_lifetime_passes()
    again = client.get(geojson_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert json.loads(again.content)["features"][0]["properties"]["title"] == "After"


def test_a_renamed_host_changes_the_etag_and_the_body(
    client, django_capture_on_commit_callbacks, public_cache_lifetime_passes
):
    initiative = InitiativeFactory(host=OrganisationFactory(name_en="Old name"))
    first = client.get(geojson_url())

    initiative.host.name_en = "New name"
    with django_capture_on_commit_callbacks(execute=True):
        initiative.host.save()
    public_cache_lifetime_passes()
    again = client.get(geojson_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert json.loads(again.content)["features"][0]["properties"]["host"] == "New name"


def test_a_deleted_host_changes_the_etag_and_the_body(
    client, django_capture_on_commit_callbacks, public_cache_lifetime_passes
):
    InitiativeFactory(host=OrganisationFactory(name_en="Closing library"))
    first = client.get(geojson_url())

    with django_capture_on_commit_callbacks(execute=True):
        Initiative.objects.get().host.delete()
    public_cache_lifetime_passes()
    again = client.get(geojson_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert json.loads(again.content)["features"][0]["properties"]["host"] == ""


def test_an_initiative_leaving_the_map_changes_the_etag(
    client, django_capture_on_commit_callbacks, public_cache_lifetime_passes
):
    InitiativeFactory()
    leaving = InitiativeFactory()
    first = client.get(geojson_url())

    with django_capture_on_commit_callbacks(execute=True):
        leaving.delete()
    public_cache_lifetime_passes()
    again = client.get(geojson_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert len(json.loads(again.content)["features"]) == 1


def test_different_filters_have_different_etags(client):
    InitiativeFactory(category=Initiative.Category.LANGUAGE)

    language = client.get(geojson_url(), {"category": "language"})
    digital = client.get(geojson_url(), {"category": "digital"})

    assert language["ETag"] != digital["ETag"]
    assert json.loads(digital.content)["features"] == []


def test_the_collection_is_compressed_for_clients_that_accept_gzip(client):
    for number in range(5):
        InitiativeFactory(title_en=f"Initiative {number}")

    response = client.get(geojson_url(), HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert len(json.loads(gzip.decompress(response.content))["features"]) == 5


def test_the_collection_is_open_to_other_sites_and_kept_for_the_public_cache_lifetime(client, settings):
    InitiativeFactory()

    response = client.get(geojson_url())

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == f"public, max-age={settings.PUBLIC_CACHE_SECONDS}"


# --- Clustering -----------------------------------------------------------------------------------------------

LATVIA = "20.9,55.6,28.3,58.1"


def scatter(count):
    """Initiatives on a regular lattice over Latvia, so that every cluster test knows where they are."""
    for number in range(count):
        InitiativeFactory(
            latitude=Decimal("55.9") + Decimal(number % 10) * Decimal("0.2"),
            longitude=Decimal("21.5") + Decimal(number // 10) * Decimal("0.5"),
        )


def test_at_a_low_zoom_initiatives_are_clustered_with_counts_that_add_up(client):
    scatter(60)

    collection = get_collection(client, {"zoom": 6, "bbox": LATVIA})

    features = collection["features"]
    clusters = [feature for feature in features if feature["properties"].get("cluster")]
    singles = [feature for feature in features if not feature["properties"].get("cluster")]
    assert clusters
    assert len(features) <= 30
    assert sum(feature["properties"]["count"] for feature in clusters) + len(singles) == 60
    for cluster in clusters:
        west, south, east, north = cluster["bbox"]
        longitude, latitude = cluster["geometry"]["coordinates"]
        assert west <= longitude <= east
        assert south <= latitude <= north


def test_at_a_high_zoom_initiatives_are_single_features(client):
    scatter(20)

    collection = get_collection(client, {"zoom": 16, "bbox": "21.4,55.8,22.1,57.8"})

    assert len(collection["features"]) == 20
    assert not any(feature["properties"].get("cluster") for feature in collection["features"])


def test_a_cluster_of_one_is_sent_as_the_initiative_itself(client):
    InitiativeFactory(slug="alone", latitude=Decimal("57.00000"), longitude=Decimal("22.00000"))
    InitiativeFactory(latitude=Decimal("56.00000"), longitude=Decimal("27.00000"))
    InitiativeFactory(latitude=Decimal("56.00100"), longitude=Decimal("27.00100"))

    collection = get_collection(client, {"zoom": 6, "bbox": LATVIA})

    assert slugs(collection) == {"alone"}
    [cluster] = [feature for feature in collection["features"] if feature["properties"].get("cluster")]
    assert cluster["properties"]["count"] == 2


def test_a_high_zoom_over_a_large_box_is_answered_with_clusters(client):
    scatter(40)

    collection = get_collection(client, {"zoom": 18, "bbox": "-180,-85,180,85"})

    assert len(collection["features"]) < 40
    assert len(collection["features"]) <= MAX_CELLS
    total = sum(feature["properties"].get("count", 1) for feature in collection["features"])
    assert total == 40


def test_clusters_follow_the_filters(client):
    scatter(30)
    InitiativeFactory.create_batch(3, category=Initiative.Category.DIGITAL)

    collection = get_collection(client, {"zoom": 5, "bbox": LATVIA, "category": "digital"})

    assert sum(feature["properties"].get("count", 1) for feature in collection["features"]) == 3


# --- Queries --------------------------------------------------------------------------------------------------


def count_queries(client, params):
    """Queries of a first request (and of its redirect to the grid box): nothing cached."""
    for alias in settings.CACHES:
        caches[alias].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(geojson_url(), params, follow=True)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"language": "uk", "host": "shared-host"}, {"zoom": 6, "bbox": LATVIA}, {"zoom": 16, "bbox": LATVIA}],
    ids=["everything", "filtered", "clustered", "single"],
)
def test_map_data_runs_the_same_number_of_queries_for_5_and_50_initiatives(
    client, params, django_assert_max_num_queries
):
    host = OrganisationFactory(slug="shared-host")

    def make(count):
        for number in range(count):
            InitiativeFactory(
                host=host if number % 2 else OrganisationFactory(),
                latitude=Decimal("55.9") + Decimal(number % 10) * Decimal("0.2"),
                longitude=Decimal("21.5") + Decimal(number % 7) * Decimal("0.9"),
                languages=["uk", "ru"],
            )

    make(5)
    few = count_queries(client, params)
    make(45)
    with django_assert_max_num_queries(5):
        many = count_queries(client, params)

    assert few == many


# --- The page cache and the grid ----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip, deflate, br", ""], ids=["gzip", "identity"])
def test_a_repeated_request_is_answered_from_the_page_cache_without_a_query(client, encoding):
    for number in range(5):
        InitiativeFactory(title_en=f"Initiative {number}")
    # Five features, not one cluster: a body of a few hundred bytes, which is compressed for gzip.
    params = {"bbox": LATVIA}
    first = client.get(geojson_url(), params, HTTP_ACCEPT_ENCODING=encoding)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(geojson_url(), params, HTTP_ACCEPT_ENCODING=encoding)

    assert len(queries) == 0
    assert again.status_code == 200
    assert again.content == first.content
    assert {name: again[name] for name, _value in first.items() if name != "Expires"} == {
        name: value for name, value in first.items() if name != "Expires"
    }
    assert ("Content-Encoding" in again) == bool(encoding)


def test_a_repeated_conditional_request_gets_304_without_a_query(client):
    InitiativeFactory()
    first = client.get(geojson_url(), HTTP_ACCEPT_ENCODING="gzip")

    with CaptureQueriesContext(connection) as queries:
        again = client.get(geojson_url(), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    stale = client.get(geojson_url(), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH='W/"something-else"')

    assert len(queries) == 0
    assert again.status_code == 304
    assert again.content == b""
    for header in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
        assert again[header] == first[header]
    assert "Content-Encoding" not in again
    assert stale.status_code == 200
    assert stale.content == first.content


def test_the_200_and_the_304_carry_the_same_weak_etag_whether_compressed_or_not(client):
    InitiativeFactory()
    compressed = client.get(geojson_url(), HTTP_ACCEPT_ENCODING="gzip")
    plain = Client().get(geojson_url())
    not_modified = Client().get(geojson_url(), HTTP_IF_NONE_MATCH=compressed["ETag"])

    assert compressed["Content-Encoding"] == "gzip"
    assert compressed["ETag"].startswith('W/"')
    assert plain["ETag"] == compressed["ETag"]
    assert not_modified.status_code == 304
    assert not_modified["ETag"] == compressed["ETag"]


def test_a_box_off_the_grid_is_redirected_to_the_grid_box_that_holds_it(client):
    response = client.get(geojson_url(), {"zoom": 7, "bbox": "20.5,55.5,28.5,58.2", "category": "language"})

    assert response.status_code == 302
    target = QueryDict(response["Location"].split("?", 1)[1])
    # At zoom 7 the grid is 360 / 2**7 = 2.8125 degrees wide: the box grows outwards to its lines.
    assert target["bbox"] == "19.6875,53.4375,30.9375,59.0625"
    assert (target["zoom"], target["category"]) == ("7", "language")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("zoom", [3, 7, 12, 16, 22])
def test_every_pan_within_a_grid_square_asks_for_one_answer(client, zoom):
    step = 360 / 2**zoom
    # The grid lines just west and south of Jelgava.
    grid_west, grid_south = math.floor((23.7 + 180) / step) * step - 180, math.floor(56.6 / step) * step
    seen = set()
    for shift in (0.1, 0.35, 0.6, 0.85):
        west, south = grid_west + step * shift, grid_south + step * shift
        box = f"{west},{south},{west + 3 * step},{min(south + 2 * step, 85)}"
        response = client.get(geojson_url(), {"zoom": zoom, "bbox": box})
        seen.add(QueryDict(response["Location"].split("?", 1)[1])["bbox"] if response.status_code == 302 else box)

    assert len(seen) == 1


def test_staff_get_the_same_map_data_as_visitors(client, admin_client):
    InitiativeFactory(title_en="Open to everyone")
    visitor = Client(headers={"accept-language": "en"})

    seen_by_visitor = visitor.get(geojson_url(), {"zoom": 16, "bbox": LATVIA}, follow=True)
    seen_by_staff = admin_client.get(geojson_url(), {"zoom": 16, "bbox": LATVIA}, follow=True)

    assert seen_by_staff.status_code == 200
    assert seen_by_staff.content == seen_by_visitor.content
    assert seen_by_staff["ETag"] == seen_by_visitor["ETag"]


def test_each_host_name_gets_its_own_links(client):
    InitiativeFactory(slug="kafejnica")

    [local] = get_collection(client, HTTP_HOST="localhost")["features"]
    [numeric] = get_collection(client, HTTP_HOST="127.0.0.1")["features"]

    assert local["properties"]["url"] == "http://localhost/en/map/kafejnica/"
    assert numeric["properties"]["url"] == "http://127.0.0.1/en/map/kafejnica/"


def test_a_repeated_request_for_a_host_not_allowed_is_still_refused(client):
    InitiativeFactory()
    client.get(geojson_url())

    assert client.get(geojson_url(), HTTP_HOST="evil.example").status_code == 400
