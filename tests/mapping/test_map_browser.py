import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.helpers import WCAG_TAGS
from tests.factories import InitiativeFactory, OrganisationFactory
from tests.mapping.helpers import INITIATIVE_MARKERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def map_url(live_server, language="en"):
    with translation.override(language):
        return live_server.url + reverse("mapping:map")


def test_the_map_draws_the_initiatives_and_a_language_filter_reduces_the_markers(map_page, live_server, towns):
    errors = []
    map_page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    map_page.goto(map_url(live_server))
    expect(map_page.locator(INITIATIVE_MARKERS)).to_have_count(3)
    expect(map_page.locator("#initiative-map-status")).to_have_text("Initiatives in the visible part of the map: 3.")

    map_page.locator("#id_language").select_option("ru")
    map_page.get_by_role("button", name="Show on the map").click()
    expect(map_page.locator(INITIATIVE_MARKERS)).to_have_count(1)
    expect(map_page.get_by_role("button", name="Riga aid")).to_be_visible()
    assert not errors


def test_a_popup_opens_from_the_keyboard_and_leads_to_the_initiative_page(map_page, live_server, towns):
    map_page.goto(map_url(live_server))
    marker = map_page.get_by_role("button", name="Ogre café")
    expect(marker).to_be_visible()

    marker.focus()
    map_page.keyboard.press("Enter")
    link = map_page.locator(".leaflet-popup-content").get_by_role("link", name="Ogre café")
    expect(link).to_be_focused()
    expect(map_page.locator(".leaflet-popup-content")).to_contain_text("Latvian, Ukrainian")

    with map_page.expect_navigation():
        link.click()
    assert map_page.url.endswith("/en/map/ogre-cafe/")
    expect(map_page.get_by_role("heading", level=1)).to_have_text("Ogre café")


def test_the_list_shows_the_same_initiatives_as_the_map(map_page, live_server, towns):
    map_page.goto(map_url(live_server) + "?language=uk")
    expect(map_page.locator(INITIATIVE_MARKERS)).to_have_count(2)

    map_page.get_by_role("link", name="Show these initiatives as a list").click()

    expect(map_page.locator(".initiative-list h3 a")).to_have_text(["Jelgava club", "Ogre café"])


def test_a_crowded_view_is_drawn_as_numbered_clusters_that_zoom_in(map_page, live_server):
    for number in range(40):
        InitiativeFactory(
            latitude=Decimal("56.0") + Decimal(number % 8) * Decimal("0.3"),
            longitude=Decimal("21.5") + Decimal(number // 8) * Decimal("1.2"),
        )
    status = map_page.locator("#initiative-map-status")

    map_page.goto(map_url(live_server))
    clusters = map_page.locator(".initiative-map .map-cluster")
    expect(clusters.first).to_be_visible()
    expect(status).to_have_text("Initiatives in the visible part of the map: 40.")
    assert map_page.locator(INITIATIVE_MARKERS).count() + clusters.count() < 40
    assert re.fullmatch(r"Initiatives here: \d+\. Open to zoom in\.", clusters.first.get_attribute("aria-label"))

    # The number stands in the middle of the circle (leaflet.css, loaded after site.css, must not undo the flex box).
    layout = clusters.first.evaluate(
        """(cluster) => {
          const box = cluster.getBoundingClientRect();
          const range = document.createRange();
          range.selectNodeContents(cluster);
          const text = range.getBoundingClientRect();
          return {
            display: getComputedStyle(cluster).display,
            dx: Math.abs((box.left + box.right) / 2 - (text.left + text.right) / 2),
            dy: Math.abs((box.top + box.bottom) / 2 - (text.top + text.bottom) / 2),
          };
        }"""
    )
    assert layout["display"] == "flex" and layout["dx"] < 3 and layout["dy"] < 3

    clusters.first.focus()
    map_page.keyboard.press("Enter")

    expect(status).not_to_have_text("Initiatives in the visible part of the map: 40.")


@pytest.mark.parametrize("width", [320, 360])
def test_on_a_narrow_map_the_attribution_leaves_the_scale_bar_visible(map_page, live_server, towns, width):
    map_page.set_viewport_size({"width": width, "height": 740})
    map_page.goto(map_url(live_server, "uk"))
    scale = map_page.locator(".initiative-map .leaflet-control-scale")
    attribution = map_page.locator(".initiative-map .leaflet-control-attribution")
    expect(scale).to_be_visible()

    scale_box, attribution_box = scale.bounding_box(), attribution.bounding_box()

    overlaps = not (
        scale_box["x"] + scale_box["width"] <= attribution_box["x"]
        or attribution_box["y"] + attribution_box["height"] <= scale_box["y"]
    )
    assert not overlaps
    expect(attribution).to_contain_text("учасники")


def test_the_zoom_buttons_and_the_attribution_of_every_map_speak_the_visitors_language(map_page, live_server, towns):
    organisation = OrganisationFactory(slug="ogre-library", latitude=Decimal("56.8162"), longitude=Decimal("24.6140"))
    pages = [
        map_url(live_server, "ru"),
        live_server.url + "/ru/",
        live_server.url + f"/ru/partners/{organisation.slug}/",
    ]

    for url in pages:
        map_page.goto(url)
        zoom_in = map_page.locator(".leaflet-control-zoom-in").first
        expect(zoom_in).to_have_attribute("title", "Приблизить")
        expect(map_page.locator(".leaflet-control-zoom-out").first).to_have_attribute("title", "Отдалить")
        expect(map_page.locator(".leaflet-control-attribution").first).to_contain_text("участники OpenStreetMap")


@pytest.mark.parametrize("language", ["lv", "uk"])
def test_the_map_page_passes_axe(map_page, live_server, towns, language):
    map_page.goto(map_url(live_server, language))
    expect(map_page.locator(INITIATIVE_MARKERS)).to_have_count(3)
    map_page.get_by_role("button", name=re.compile("café|kafejnīca")).focus()
    map_page.keyboard.press("Enter")
    expect(map_page.locator(".leaflet-popup-content")).to_be_visible()
    # Leaflet fades the popup in; measuring contrast mid-fade would judge a half-transparent popup.
    expect(map_page.locator(".leaflet-popup")).to_have_css("opacity", "1")

    results = Axe().run(map_page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})

    assert results.response["violations"] == [], results.generate_report()


@pytest.mark.parametrize("name", ["initiative_list", "initiative_detail"])
def test_the_list_and_the_initiative_page_pass_axe(map_page, live_server, towns, name):
    with translation.override("ru"):
        path = reverse(f"mapping:{name}", kwargs={"slug": "ogre-cafe"} if name == "initiative_detail" else None)
    map_page.goto(live_server.url + path)
    if name == "initiative_detail":
        expect(map_page.locator("#initiative-location-map .leaflet-marker-icon")).to_be_visible()

    results = Axe().run(map_page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})

    assert results.response["violations"] == [], results.generate_report()


def test_the_first_view_is_asked_for_once_and_marked_when_drawn(map_page, live_server, towns):
    asked = []
    map_page.on("request", lambda request: "initiatives.geojson" in request.url and asked.append(request.url))

    map_page.goto(map_url(live_server))
    expect(map_page.locator(INITIATIVE_MARKERS)).to_have_count(3)
    # Longer than the delay after which a move reloads the view: any second request would have been made.
    map_page.wait_for_timeout(600)

    assert len(asked) == 1
    assert "zoom=" in asked[0]
    # benchmarks/map_scale.py measures the drawn map by this mark.
    assert map_page.evaluate("() => performance.getEntriesByName('libri:initiative-map-drawn').length") == 1
