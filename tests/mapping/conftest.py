import os
import shutil

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation


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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Use the system Chromium when Playwright's own download is absent (CI images ship one or the other)."""
    executable = os.environ.get("CHROMIUM_EXECUTABLE") or shutil.which("chromium")
    if executable:
        return {**browser_type_launch_args, "executable_path": executable, "args": ["--no-sandbox"]}
    return browser_type_launch_args


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
