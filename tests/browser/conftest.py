"""Browser layer: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

No browser is ever downloaded: the system Chromium (`/usr/bin/chromium`, or CHROMIUM_EXECUTABLE) is used, and
requests that leave the live server (map tiles, anything external) are answered locally with an empty 204 so
that no page waits on the closed network.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API keeps an event loop running in the test thread; Django's ORM refuses to run in a thread
# with a running loop unless told that this is deliberate. The live server's own requests run in its thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it (Debian: apt-get install chromium) "
            "or point CHROMIUM_EXECUTABLE at a Chromium binary"
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


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
