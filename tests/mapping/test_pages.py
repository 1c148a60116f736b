import datetime
import html
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mapping.models import Initiative
from tests.factories import InitiativeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"mapping:{name}", kwargs=kwargs or None)


def listed_slugs(response):
    return {initiative.slug for initiative in response.context["initiative_list"]}


def mapped_slugs(client, params):
    response = client.get(url("geojson"), params)
    assert response.status_code == 200
    return {feature["id"] for feature in json.loads(response.content)["features"]}


# --- One set of filters for the map, the list and the map data ------------------------------------------------


@pytest.fixture
def varied_initiatives():
    ogre_library = OrganisationFactory(slug="ogres-biblioteka", name="Ogres Centrālā bibliotēka")
    InitiativeFactory(
        slug="language-cafe",
        title="Valodas kafejnīca",
        title_en="Language café",
        category=Initiative.Category.LANGUAGE,
        languages=["lv", "uk"],
        target_groups=["adults"],
        city="Ogre",
        host=ogre_library,
    )
    InitiativeFactory(
        slug="legal-aid",
        title="Juridiskās konsultācijas",
        description="Palīdzība ar uzturēšanās atļaujām.",
        category=Initiative.Category.COUNSELLING,
        languages=["ru", "en"],
        target_groups=["adults", "women"],
        city="Rīga",
        latitude=Decimal("56.94960"),
        longitude=Decimal("24.10520"),
    )
    InitiativeFactory(
        slug="homework-club",
        title="Mājasdarbu klubs",
        category=Initiative.Category.FAMILIES,
        languages=["uk", "ar"],
        target_groups=["children"],
        city="Ogre",
    )
    InitiativeFactory(
        slug="french-desk",
        title="Info punkts",
        category=Initiative.Category.INFORMATION,
        languages=["fr"],
        target_groups=["adults"],
        city="Paris",
        country="FR",
        latitude=Decimal("48.85660"),
        longitude=Decimal("2.35220"),
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"language-cafe", "legal-aid", "homework-club", "french-desk"}),
        ({"category": "counselling"}, {"legal-aid"}),
        ({"language": "uk"}, {"language-cafe", "homework-club"}),
        ({"language": "ar"}, {"homework-club"}),
        ({"target_group": "children"}, {"homework-club"}),
        ({"country": "FR"}, {"french-desk"}),
        ({"city": "Ogre"}, {"language-cafe", "homework-club"}),
        ({"host": "ogres-biblioteka"}, {"language-cafe"}),
        ({"q": "café"}, {"language-cafe"}),
        ({"q": "uzturēšanās"}, {"legal-aid"}),
        # One folding rule for every public search: case and diacritics do not matter, every word must be found.
        ({"q": "uzturesanas"}, {"legal-aid"}),
        ({"q": "KAFEJNICA"}, {"language-cafe"}),
        ({"q": "cafe"}, {"language-cafe"}),
        ({"q": "majasdarbu"}, {"homework-club"}),
        ({"q": "juridiskas atlaujam"}, {"legal-aid"}),
        ({"q": "juridiskas kafejnica"}, set()),
        ({"q": "50%"}, set()),
        ({"language": "uk", "city": "Ogre", "target_group": "adults"}, {"language-cafe"}),
    ],
)
def test_filters_narrow_the_map_the_list_and_the_map_data_alike(client, varied_initiatives, params, expected):
    list_response = client.get(url("initiative_list"), params)
    map_response = client.get(url("map"), params)

    assert listed_slugs(list_response) == expected
    assert map_response.context["summary"]["count"] == len(expected)
    assert mapped_slugs(client, params) == expected
    clustered = client.get(url("geojson"), {**params, "zoom": 4, "bbox": "-30,30,40,70"}, follow=True).json()
    assert sum(feature["properties"].get("count", 1) for feature in clustered["features"]) == len(expected)


def test_filter_choices_name_only_what_published_initiatives_use(client, varied_initiatives):
    InitiativeFactory(city="Valmiera", status=Initiative.Status.PENDING)

    form = client.get(url("initiative_list")).context["filter"].form

    assert [value for value, _label in form.fields["city"].choices if value] == ["Ogre", "Paris", "Rīga"]
    assert {value for value, _label in form.fields["country"].choices if value} == {"LV", "FR"}


def test_an_unknown_filter_value_is_a_400_with_the_error_and_no_results(client, varied_initiatives):
    response = client.get(url("initiative_list"), {"category": "astrology"})

    assert response.status_code == 400
    assert listed_slugs(response) == set()
    assert "category" in response.context["filter"].form.errors
    assert "Some filters could not be understood" in response.content.decode()


@pytest.mark.parametrize("name", ["map", "initiative_list"])
@pytest.mark.parametrize(
    "params",
    [
        {"category": "astrology"},
        {"language": "xx"},
        {"country": "ZZ"},
        {"host": "nobody"},
        {"access": "wings"},
        {"q": "x" * 101},
    ],
)
def test_a_refused_filter_value_is_a_400_page_with_the_form_and_its_error_in_the_pages_language(
    client, varied_initiatives, name, params
):
    response = client.get(url(name, "uk"), params)

    content = response.content.decode()
    errors = response.context["filter"].form.errors
    assert response.status_code == 400
    assert set(errors) == set(params)
    assert "Деякі фільтри не вдалося розпізнати." in content
    for message in errors[next(iter(params))]:
        assert re.search("[а-яі]", message) and html.escape(message) in content
    assert '<form method="get"' in content and "<footer" in content
    assert "private" not in response.get("Cache-Control", "") and "max-age" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("language", "unknown_choice", "unknown_host"),
    [
        (
            "uk",
            "Виберіть правильний варіант. astrology немає серед доступних варіантів.",
            "Виберіть правильний варіант. Такого варіанта немає серед доступних.",
        ),
        (
            "ru",
            "Выберите правильный вариант. astrology нет среди доступных вариантов.",
            "Выберите правильный вариант. Такого варианта нет среди доступных.",
        ),
        (
            "lv",
            "Izvēlieties derīgu vērtību. astrology nav starp pieejamajām izvēlēm.",
            "Izvēlieties derīgu vērtību. Šādas izvēles nav starp pieejamajām.",
        ),
    ],
)
def test_a_refused_choice_is_explained_in_correct_words_of_the_pages_language(
    client, varied_initiatives, language, unknown_choice, unknown_host
):
    response = client.get(url("initiative_list", language), {"category": "astrology", "host": "nobody"})

    errors = response.context["filter"].form.errors
    assert (errors["category"], errors["host"]) == ([unknown_choice], [unknown_host])
    assert "Зробить" not in response.content.decode()


# --- Map page -------------------------------------------------------------------------------------------------


def test_the_map_page_links_to_the_list_with_the_same_filters_before_the_map(client, varied_initiatives):
    response = client.get(url("map"), {"language": "uk", "city": "Ogre", "page": "2"})
    content = response.content.decode()

    list_link = f'href="{url("initiative_list")}?language=uk&amp;city=Ogre"'
    assert list_link in content
    assert content.index(list_link) < content.index('id="initiative-map"')


def test_the_map_container_is_a_labelled_region_drawn_by_the_leaflet_loader(client, varied_initiatives):
    response = client.get(url("map"))
    content = response.content.decode()

    assert re.search(r'<div id="initiative-map"[^>]* role="region" aria-label="Map of initiatives"', content)
    assert 'src="/static/mapping/map.js"' in content
    nonce = re.search(r'<script nonce="([^"]+)">', content)
    assert nonce
    assert f"'nonce-{nonce.group(1)}'" in response["Content-Security-Policy"]
    assert "window.libriInitiativeMap" in content


def test_the_map_page_passes_the_filters_and_the_extent_of_the_results_to_the_script(client, varied_initiatives):
    response = client.get(url("map"), {"language": "uk"})
    content = response.content.decode()

    config = json.loads(
        re.search(r'<script id="initiative-map-config" type="application/json">(.*?)</script>', content)[1]
    )
    assert config == {
        "dataUrl": url("geojson"),
        "filterQuery": "language=uk",
        "extent": [[56.8162, 24.61401], [56.8162, 24.61401]],
        "linkTarget": "",
    }


def test_the_map_page_counts_initiatives_without_a_point_and_says_the_list_has_them(client):
    InitiativeFactory()
    InitiativeFactory(latitude=None, longitude=None)

    content = client.get(url("map")).content.decode()

    assert "2 initiatives found" in content
    assert "1 of them has a place on the map; the list shows all of them." in content


def test_the_map_page_with_no_results_has_no_extent(client):
    response = client.get(url("map"), {"category": "digital"})

    assert response.context["map_config"]["extent"] is None
    assert "0 initiatives found" in response.content.decode()


# --- List -----------------------------------------------------------------------------------------------------


def test_the_list_shows_category_languages_city_host_and_links_to_each_initiative(client):
    InitiativeFactory(
        slug="language-cafe",
        title_en="Language café",
        languages=["lv", "uk"],
        city="Ogre",
        host=OrganisationFactory(name_en="Ogre Central Library"),
        is_sample=True,
    )

    content = client.get(url("initiative_list")).content.decode()

    assert f'<a href="{url("initiative_detail", slug="language-cafe")}">Language café</a>' in content
    assert "<dd>Language learning</dd>" in content
    assert "<dd>Latvian, Ukrainian</dd>" in content
    assert "<dd>Ogre</dd>" in content
    assert "<dd>Ogre Central Library</dd>" in content
    assert "Sample" in content


def test_a_latvian_ukrainian_or_russian_list_of_languages_writes_them_in_lowercase(client):
    InitiativeFactory(slug="language-cafe", languages=["lv", "uk"])

    for language, names in (
        ("uk", "латиська, українська"),
        ("ru", "латышский, украинский"),
        ("lv", "latviešu, ukraiņu"),
    ):
        assert f"<dd>{names}</dd>" in client.get(url("initiative_list", language)).content.decode()
        assert (
            f"<dd>{names}</dd>" in client.get(url("initiative_detail", language, slug="language-cafe")).content.decode()
        )


@pytest.mark.parametrize(
    ("language", "in_text", "labels"),
    [
        ("uk", "дорослі, жінки, люди похилого віку", ("Дорослі", "Жінки", "Люди похилого віку")),
        ("ru", "взрослые, женщины, пожилые люди", ("Взрослые", "Женщины", "Пожилые люди")),
        (
            "lv",
            "pieaugušie, sievietes, vecāka gadagājuma cilvēki",
            ("Pieaugušie", "Sievietes", "Vecāka gadagājuma cilvēki"),
        ),
        ("en", "adults, women, older people", ("Adults", "Women", "Older people")),
    ],
)
def test_the_target_groups_are_listed_in_lowercase_and_each_option_of_the_filter_keeps_its_capital(
    client, language, in_text, labels
):
    InitiativeFactory(slug="language-cafe", target_groups=["adults", "women", "seniors"])

    detail = client.get(url("initiative_detail", language, slug="language-cafe")).content.decode()
    listing = client.get(url("initiative_list", language)).content.decode()

    assert f"<dd>{in_text}</dd>" in detail
    for code, label in zip(("adults", "women", "seniors"), labels, strict=True):
        assert f'<option value="{code}">{label}</option>' in listing


def test_the_list_is_paginated_and_keeps_the_filters_in_page_links(client):
    InitiativeFactory.create_batch(25, languages=["uk"])

    first = client.get(url("initiative_list"), {"language": "uk"})
    second = client.get(url("initiative_list"), {"language": "uk", "page": 2})

    assert len(first.context["initiative_list"]) == 20
    assert len(second.context["initiative_list"]) == 5
    assert 'href="?language=uk&amp;page=2" rel="next"' in first.content.decode()
    assert "25 initiatives found" in first.content.decode()


def test_the_list_links_back_to_the_map_with_the_same_filters(client):
    content = client.get(url("initiative_list"), {"category": "language"}).content.decode()

    assert f'href="{url("map")}?category=language"' in content


# --- Publication ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Initiative.Status.PENDING, Initiative.Status.ARCHIVED])
def test_pending_and_archived_initiatives_are_never_public(client, status):
    hidden = InitiativeFactory(slug="hidden", status=status, title="Slēpta iniciatīva")

    assert listed_slugs(client.get(url("initiative_list"))) == set()
    assert client.get(url("map")).context["summary"]["count"] == 0
    assert mapped_slugs(client, {}) == set()
    assert client.get(url("initiative_detail", slug=hidden.slug)).status_code == 404
    assert client.get(url("initiative_list"), {"q": "Slēpta"}).context["initiative_list"].count() == 0


def test_an_unknown_initiative_is_404(client):
    assert client.get(url("initiative_detail", slug="no-such-initiative")).status_code == 404


# --- Initiative page ------------------------------------------------------------------------------------------


def test_the_initiative_page_shows_everything_a_visitor_needs(client):
    host = OrganisationFactory(slug="ogres-biblioteka", name_en="Ogre Central Library")
    initiative = InitiativeFactory(
        slug="language-cafe",
        title_en="Language café",
        description_en="We talk in Latvian.\n\nEvery Tuesday.",
        languages=["lv", "uk"],
        target_groups=["adults", "women"],
        contact_name="Anna Bērziņa",
        contact_email="anna@example.org",
        contact_phone="+371 650 00000",
        website="https://www.example.org/cafe",
        active_since=datetime.date(2025, 3, 1),
        active_until=datetime.date(2026, 5, 31),
        street_address="Brīvības iela 33",
        postal_code="LV-5001",
        city="Ogre",
        host=host,
        is_sample=True,
    )

    response = client.get(url("initiative_detail", slug=initiative.slug))
    content = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Language café</h1>" in content
    assert "<p>We talk in Latvian.</p>" in content
    assert "Latvian, Ukrainian" in content
    assert "<dd>adults, women</dd>" in content
    assert "March 1, 2025 – May 31, 2026" in content
    assert f'<a href="{host.get_absolute_url()}">Ogre Central Library</a>' in content
    assert 'href="mailto:anna@example.org"' in content
    assert 'href="tel:+37165000000"' in content
    assert 'href="https://www.example.org/cafe"' in content
    assert "Brīvības iela 33, LV-5001, Ogre" in content
    assert "Latvia" in content
    assert "Sample" in content
    assert response.context["map_points"] == [{"lat": 56.8162, "lng": 24.61401, "label": "Language café", "url": ""}]
    assert 'aria-label="Map: Language café"' in content


def test_an_initiative_without_a_point_or_host_has_no_small_map(client):
    initiative = InitiativeFactory(latitude=None, longitude=None, host=None, active_since=datetime.date(2025, 3, 1))

    content = client.get(url("initiative_detail", slug=initiative.slug)).content.decode()

    assert "data-small-map" not in content
    assert "Since March 1, 2025" in content


# --- Queries --------------------------------------------------------------------------------------------------


def count_queries(client, page_url, params):
    """Queries of a first visit: nothing cached, not even the map data version or the page."""
    for alias in settings.CACHES:
        caches[alias].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["map", "initiative_list"])
@pytest.mark.parametrize("params", [{}, {"language": "uk", "city": "Ogre", "host": "shared-host"}])
def test_map_and_list_run_the_same_number_of_queries_for_5_and_50_initiatives(
    client, name, params, django_assert_max_num_queries
):
    host = OrganisationFactory(slug="shared-host")

    def make(count):
        for number in range(count):
            InitiativeFactory(
                host=host if number % 2 else OrganisationFactory(),
                languages=["uk", "ru"],
                target_groups=["adults", "children"],
                city="Ogre" if number % 3 else f"Pilsēta {number}",
            )

    make(5)
    few = count_queries(client, url(name), params)
    make(45)
    with django_assert_max_num_queries(8):
        many = count_queries(client, url(name), params)

    assert few == many
