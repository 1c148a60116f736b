from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import InitiativeFactory


@pytest.fixture(autouse=True)
def empty_cache():
    """Map data bodies are cached under their ETag; each test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def latvian_content():
    """Factories fill plain `title`/`name`, which modeltranslation stores in the active language: make that Latvian,
    the default, so that a test's explicit `title_en=`/`name_uk=` values sit beside it."""
    with translation.override("lv"):
        yield


@pytest.fixture
def map_page(page, live_server):
    """A browser page on which requests beyond the live server (map tiles) get an empty answer, not a timeout."""
    page.route(lambda url: not url.startswith(live_server.url), lambda route: route.fulfill(status=204, body=""))
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def client():
    """The admin (outside the language-prefixed URLs) answers in the browser's language: English for the tests."""
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture
def map_data():
    """Ask for the map data as a visitor's browser does: no session cookie (so the early answers of
    portal.middleware apply), revalidating with the ETag it holds when given one."""
    visitor = Client()

    def get(etag=None, **params):
        with translation.override("en"):
            url = reverse("mapping:geojson")
        return visitor.get(url, params, headers={"If-None-Match": etag} if etag else {})

    return get


@pytest.fixture
def towns():
    """Three initiatives far enough apart to be separate markers when the map fits them."""
    with translation.override("lv"):
        InitiativeFactory(
            slug="ogre-cafe",
            title="Ogres kafejnīca",
            title_en="Ogre café",
            languages=["lv", "uk"],
            latitude=Decimal("56.81620"),
            longitude=Decimal("24.61401"),
        )
        InitiativeFactory(
            slug="riga-aid",
            title="Rīgas palīdzība",
            title_en="Riga aid",
            languages=["ru"],
            latitude=Decimal("56.94960"),
            longitude=Decimal("24.10520"),
        )
        InitiativeFactory(
            slug="jelgava-club",
            title="Jelgavas klubs",
            title_en="Jelgava club",
            languages=["uk"],
            latitude=Decimal("56.65110"),
            longitude=Decimal("23.72140"),
        )
