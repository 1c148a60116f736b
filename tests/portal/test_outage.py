"""A Redis outage costs speed, never a page or a write: with the cache and the broker of the portal on a Redis of
the test's own, stopped in the middle, public pages answer, a registration and a suggestion are saved, and their
e-mails go out exactly once, through a real Celery worker, after Redis is back.

Needs PostgreSQL (the worker, another process, reads the rows the test commits) and the `redis-server` program;
runs in the PostgreSQL + Redis stage of .ci/run."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from activities.models import Registration
from mapping.models import Initiative
from portal import celery_app
from portal.models import QueuedTask
from tests.activities.registering import register, stamp_of
from tests.factories import EventFactory
from tests.portal.helpers import point_celery_at

PROJECT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server program"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL: the Celery worker reads the test's rows from another process",
    ),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A Redis server of the test's own, on a free port, started and stopped by pid."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def url(self, database):
        return f"redis://127.0.0.1:{self.port}/{database}"


@pytest.fixture
def own_redis():
    redis = OwnRedis()
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def portal_on_own_redis(own_redis, settings):
    """The portal of this process uses the test's Redis: its cache, its page cache, its fragments and its broker."""
    cache = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": own_redis.url(1),
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
    }
    settings.CACHES = {alias: {**cache, "KEY_PREFIX": f"outage-{alias}"} for alias in ("default", "pages", "fragments")}
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    point_celery_at(broker_url=own_redis.url(0), task_always_eager=False)
    yield own_redis
    point_celery_at(**saved)


@pytest.fixture
def mail_folder(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def worker(portal_on_own_redis, mail_folder):
    """A real Celery worker on the test's Redis and the test database, sending e-mail into files."""
    database = settings.DATABASES["default"]
    environment = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": portal_on_own_redis.url(0),
        "REDIS_CACHE_URL": portal_on_own_redis.url(1),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_folder),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "--app=portal",
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=PROJECT,
        env=environment,
    )
    deadline = time.monotonic() + 30
    while not celery_app.control.ping(timeout=0.5, limit=1):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("the test's Celery worker did not answer")
    yield process
    process.kill()
    process.wait(timeout=10)


def sent_to(folder):
    """The recipient of every e-mail the worker wrote into the folder (a file holds each connection's messages)."""
    if not folder.exists():
        return []
    return sorted(
        line.removeprefix("To: ")
        for path in folder.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    )


def suggest(client):
    """A visitor opens the suggestion form, fills it in like a person and sends it."""
    with translation.override("uk"):
        url = reverse("mapping:suggest")
    stamp = stamp_of(client.get(url))
    data = {
        "title": "Розмовний клуб",
        "description": "Щосуботи розмовляємо латиською.",
        "category": Initiative.Category.LANGUAGE,
        "languages": ["uk", "lv"],
        "target_groups": ["adults"],
        "city": "Ogre",
        "country": "LV",
        "contact_email": "club@example.org",
        "submitter_email": "olena@example.org",
        "homepage": "",
        "form_started": stamp,
    }
    with time_machine.travel(time.time() + 30, tick=False):
        return client.post(url, data)


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def public_urls(event):
    with translation.override("lv"):
        return [
            reverse("home"),
            reverse("activities:event_list"),
            reverse("activities:event_archive"),
            reverse("activities:event_list_ics"),
            reverse("activities:event_list_rss"),
            reverse("mapping:map"),
            reverse("mapping:initiative_list"),
            reverse("mapping:geojson") + "?zoom=7&bbox=19.6875,53.4375,30.9375,59.0625",
            event.get_absolute_url(),
        ]


def test_a_redis_outage_costs_no_page_no_registration_and_no_suggestion(worker, own_redis, mail_folder, coordinator):
    event = EventFactory(title_en="Language café", registration_required=True, capacity=20)
    before = [Client().get(url).status_code for url in public_urls(event)]

    own_redis.stop()
    during = [Client().get(url).status_code for url in public_urls(event)]
    started = time.monotonic()
    registered = register(Client(), event, language="uk", email="olena@example.org")
    registering_took = time.monotonic() - started
    suggested = suggest(Client())

    assert before == [200] * len(before)
    assert all(status < 500 for status in during), during
    assert registered.status_code == 302 and suggested.status_code == 302
    assert registering_took < 2, f"a registration waited {registering_took:.1f} s for the broker"
    assert Registration.objects.filter(email="olena@example.org").count() == 1
    assert Initiative.objects.filter(status=Initiative.Status.PENDING).count() == 1
    assert QueuedTask.objects.waiting_for_broker().count() == 2
    assert sent_to(mail_folder) == []

    own_redis.start()
    call_command("dispatch_tasks")
    delivered = wait_for(lambda: len(sent_to(mail_folder)) >= 2)
    # Sending again, or a message delivered twice, changes nothing: each task runs once.
    call_command("dispatch_tasks")
    for entry in QueuedTask.objects.all():
        celery_app.send_task(entry.task, args=entry.args, task_id=str(entry.pk))
    wait_for(lambda: len(sent_to(mail_folder)) > 2, seconds=5)

    assert delivered, "no e-mail after Redis came back"
    assert sent_to(mail_folder) == sorted(["olena@example.org", coordinator.email])
    assert QueuedTask.objects.not_done().count() == 0
