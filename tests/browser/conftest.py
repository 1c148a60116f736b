"""Browser layer: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

The system Chromium is launched as `tests/conftest.py` sets it up (no browser is ever downloaded); requests that
leave the live server (map tiles, anything external) are answered locally with an empty 204 so that no page waits
on the closed network.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command


@pytest.fixture
def page(page, live_server):
    """A page whose requests beyond the live server get an empty answer instead of a network timeout."""
    page.route(lambda url: not url.startswith(live_server.url), lambda route: route.fulfill(status=204, body=""))
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def demo_data(transactional_db):
    """The demo data set, as `make run` shows it; reloaded for each test because live-server tests flush."""
    call_command("load_demo", verbosity=0)


@pytest.fixture(scope="module")
def axe():
    return Axe()
