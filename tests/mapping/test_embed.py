import html
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def url(name, language="en"):
    with translation.override(language):
        return reverse(f"mapping:{name}")


def csp_directive(response, name):
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return directives[name]


def map_config(response):
    content = response.content.decode()
    found = re.search(r'<script id="initiative-map-config" type="application/json">(.*?)</script>', content)
    return json.loads(found.group(1))


def test_any_site_may_frame_the_embedded_map(client):
    response = client.get(url("embed"))

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert csp_directive(response, "frame-ancestors") == "*"
    # The rest of the policy stays strict.
    assert "'nonce-" in csp_directive(response, "script-src")
    assert csp_directive(response, "default-src") == "'self'"


@pytest.mark.parametrize("name", ["map", "initiative_list"])
def test_every_other_map_page_refuses_framing(client, name):
    response = client.get(url(name))

    assert response["X-Frame-Options"] == "DENY"
    assert csp_directive(response, "frame-ancestors") == "'none'"


def test_an_initiative_page_refuses_framing(client):
    initiative = InitiativeFactory()

    response = client.get(initiative.get_absolute_url())

    assert response["X-Frame-Options"] == "DENY"
    assert csp_directive(response, "frame-ancestors") == "'none'"


def test_the_embedded_map_has_no_site_chrome_but_a_language_title_attribution_and_way_out(client, settings):
    response = client.get(url("embed", "uk"), {"language": "uk", "category": "language"})
    content = response.content.decode()

    assert '<html lang="uk">' in content
    assert "<title>" in content
    assert "site-header" not in content
    assert "site-footer" not in content
    assert 'class="main-nav"' not in content
    # django-leaflet hands the tile attribution to Leaflet, which always shows it.
    assert "OpenStreetMap" in content
    with translation.override("uk"):
        full_map = settings.SITE_URL + reverse("mapping:map") + "?category=language&amp;language=uk"
    assert f'<a href="{full_map}" target="_blank" rel="noopener">' in content


def test_the_embedded_map_keeps_the_filters_of_its_address_and_opens_links_outside_the_frame(client):
    response = client.get(url("embed"), {"language": "uk", "zoom": "3"})

    config = map_config(response)
    assert config["filterQuery"] == "language=uk"
    assert config["linkTarget"] == "_blank"
    assert response.context["summary"]["count"] == 0


def test_the_embedded_map_counts_only_the_initiatives_its_filters_select(client):
    InitiativeFactory(languages=["uk"])
    InitiativeFactory(languages=["ru"])

    response = client.get(url("embed"), {"language": "uk"})

    assert response.context["summary"]["count"] == 1


def test_the_embedded_map_explains_filters_it_cannot_understand(client):
    response = client.get(url("embed"), {"category": "no-such-category"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


LEFT_OUT = {
    "lv": "Dažus filtrus šīs kartes adresē neizdevās saprast, tāpēc karte tos neņem vērā: Kategorija, Valoda.",
    "en": "Some filters in the address of this map could not be understood, so the map leaves them out: "
    "Category, Language.",
    "uk": "Деякі фільтри в адресі цієї карти не вдалося розпізнати, тому карта їх не враховує: Категорія, Мова.",
    "ru": "Некоторые фильтры в адресе этой карты не удалось распознать, поэтому карта их не учитывает: "
    "Категория, Язык.",
}


@pytest.mark.parametrize("language", LEFT_OUT)
def test_the_embedded_map_leaves_out_refused_filters_shows_what_the_others_select_and_says_which(client, language):
    ogre = {InitiativeFactory(city="Ogre").slug, InitiativeFactory(city="Ogre").slug}
    InitiativeFactory(city="Rīga")

    response = client.get(url("embed", language), {"category": "astrology", "language": "xx", "city": "Ogre"})

    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert LEFT_OUT[language] in content
    assert response.context["summary"]["count"] == 2
    # The map's data and its links to the full map and the list keep the understood filter only.
    config = map_config(response)
    assert config["filterQuery"] == "city=Ogre"
    data = client.get(f"{config['dataUrl']}?{config['filterQuery']}").json()
    assert {feature["id"] for feature in data["features"]} == ogre
    with translation.override(language):
        assert f'{reverse("mapping:initiative_list")}?city=Ogre" target="_blank"' in content


def test_the_embedded_map_with_only_refused_filters_shows_every_initiative(client):
    InitiativeFactory.create_batch(3)

    response = client.get(url("embed"), {"category": "astrology"})

    assert response.context["summary"]["count"] == 3
    assert map_config(response)["filterQuery"] == ""
    assert "the map leaves them out: Category." in response.content.decode()


def test_the_embedded_map_with_filters_it_understands_says_nothing_of_refused_ones(client):
    response = client.get(url("embed"), {"category": "language"})

    assert "could not be understood" not in response.content.decode()


def test_the_map_page_offers_the_iframe_code_for_its_current_filters(client, settings):
    response = client.get(url("map"), {"language": "uk", "category": "language", "page": "2"})
    content = response.content.decode()

    found = re.search(r'<textarea id="embed-snippet"[^>]*readonly[^>]*>(.*?)</textarea>', content, re.S)
    snippet = html.unescape(found.group(1))
    assert '<label for="embed-snippet">' in content
    expected_src = settings.SITE_URL + url("embed") + "?category=language&amp;language=uk"
    assert snippet.startswith(f'<iframe src="{expected_src}" title="')
    assert re.search(r'title="[^"]+"', snippet)
    assert snippet.endswith("></iframe>")
    assert "page=" not in snippet


def test_the_map_page_without_filters_embeds_all_initiatives(client, settings):
    response = client.get(url("map"))

    snippet = html.unescape(response.context["embed_snippet"])
    assert f'src="{settings.SITE_URL}{url("embed")}"' in snippet


def test_the_map_page_keeps_its_own_links_in_the_same_tab(client):
    assert map_config(client.get(url("map")))["linkTarget"] == ""
