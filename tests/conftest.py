import os
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.utils import timezone, translation

from tests.factories import UserFactory


def pytest_configure(config):
    # Production hashes passwords with 1,000,000 PBKDF2 iterations; at that strength the staff users the tests
    # create took half of the suite's CPU. What is tested is who may log in, not the hash.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def source_language():
    """Tests assert the source (English) strings; pages under /<lang>/ still follow their URL's language.

    Without this the test thread and every unprefixed URL (the admin) would speak Latvian, the default language,
    and an assertion would depend on the state of the translation catalogues rather than on behaviour.
    """
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_caches(settings):
    """Every test starts with empty caches: the page cache keys pages by URL, and tests reuse URLs and ids."""
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def inline_tasks_and_local_cache(request, settings, empty_caches):
    """With REDIS_URL set, only tests marked `redis` go through the broker, the worker and the Redis cache.

    The rest keep what a machine without Redis has (inline tasks, a local-memory cache), so that they can read the
    e-mail the task sent from `mail.outbox` and start from an empty cache, whatever other tests left in Redis.
    """
    if not settings.REDIS_URL or request.node.get_closest_marker("redis"):
        yield
        return
    from portal.celery import app as celery_app

    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"tests-{alias}"}
        for alias in settings.CACHES
    }
    for alias in settings.CACHES:
        caches[alias].clear()
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture
def public_cache_lifetime_passes(settings):
    """A function that moves the clock past the time anonymous visitors, proxies and the page cache keep a public
    page (`PUBLIC_CACHE_SECONDS`): what a visitor sees once a change has had time to reach everyone."""
    travels = []

    def passes():
        travel = time_machine.travel(timezone.now() + timedelta(seconds=settings.PUBLIC_CACHE_SECONDS + 1), tick=False)
        travel.start()
        travels.append(travel)

    yield passes
    for travel in reversed(travels):
        travel.stop()


@pytest.fixture
def client():
    """A test client whose browser asks for English, as the assertions are written in the source language."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


# Browser tests (marker `browser`): Playwright's sync API keeps an event loop running in the test thread, and
# Django's ORM refuses to run in a thread with a running loop unless told that this is deliberate. The live
# server's own requests run in its thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# No browser is ever downloaded: the system Chromium is used.
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
def count_queries(client):
    """`count_queries(path)`: the response to an anonymous GET of `path` and the number of queries it ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(path, **headers):
        with CaptureQueriesContext(connection) as context:
            response = client.get(path, headers=headers)
        return response, len(context.captured_queries)

    return count
