import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.helpers import WCAG_TAGS
from tests.mapping.helpers import INITIATIVE_MARKERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partner_site():
    """A partner library's site on another origin (its own server and port) whose page frames `?frame=<address>`.

    A real local server rather than a routed fake host: Chromium refuses to load a local frame into a page it
    believes to be on the public internet.
    """

    class PartnerPage(BaseHTTPRequestHandler):
        def do_GET(self):
            address = self.path.partition("?frame=")[2]
            body = (
                '<!DOCTYPE html><html lang="en"><head><title>Partner library</title></head><body><main>'
                f'<h1>Our library</h1><iframe src="{address}" title="Map of initiatives" width="800" height="500">'
                "</iframe></main></body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), PartnerPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def framed_page(map_page, partner_site):
    def open_partner_page(address):
        # The map page's fixture answers every other origin with an empty response: let the partner site through.
        map_page.route(partner_site + "**", lambda route: route.continue_())
        map_page.goto(f"{partner_site}?frame={address}")
        return map_page

    return open_partner_page


def test_the_embedded_map_renders_inside_a_frame_on_another_origin(framed_page, live_server, towns):
    with translation.override("en"):
        address = live_server.url + reverse("mapping:embed") + "?language=uk"

    map_page = framed_page(address)

    frame = map_page.frame_locator("iframe")
    expect(frame.locator(INITIATIVE_MARKERS)).to_have_count(2)
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text("OpenStreetMap")
    expect(frame.get_by_role("link", name="Open the full map")).to_have_attribute("target", "_blank")

    frame.get_by_role("button", name="Ogre café").click()
    popup_link = frame.locator(".leaflet-popup-content a")
    expect(popup_link).to_have_attribute("target", "_blank")
    expect(popup_link).to_have_attribute("href", live_server.url + "/en/map/ogre-cafe/")


def test_the_full_map_page_is_not_shown_inside_another_sites_frame(framed_page, map_page, live_server, towns):
    with translation.override("en"):
        address = live_server.url + reverse("mapping:map")

    with map_page.expect_response(address) as response:
        framed_page(address)

    assert response.value.headers["x-frame-options"] == "DENY"
    expect(map_page.locator("h1")).to_have_text("Our library")
    # Chromium replaces a refused frame by its own error page.
    for _attempt in range(50):
        if map_page.frames[-1].url.startswith("chrome-error://"):
            break
        map_page.wait_for_timeout(100)
    assert map_page.frames[-1].url.startswith("chrome-error://")
    expect(map_page.frame_locator("iframe").locator("#initiative-map")).to_have_count(0)


@pytest.mark.parametrize("language", ["lv", "ru"])
def test_the_embedded_map_passes_axe(map_page, live_server, towns, language):
    with translation.override(language):
        map_page.goto(live_server.url + reverse("mapping:embed"))
    expect(map_page.locator(INITIATIVE_MARKERS)).to_have_count(3)

    results = Axe().run(map_page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})

    assert results.response["violations"] == [], results.generate_report()


def test_the_copy_button_copies_the_embed_code(map_page, live_server, towns, context):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    with translation.override("en"):
        map_page.goto(live_server.url + reverse("mapping:map") + "?language=ru")

    map_page.get_by_role("button", name="Copy the code").click()

    expect(map_page.locator("#embed-copy-status")).to_have_text("The code is copied.")
    copied = map_page.evaluate("navigator.clipboard.readText()")
    assert copied == map_page.locator("#embed-snippet").input_value()
    assert "/en/map/embed/?language=ru" in copied
