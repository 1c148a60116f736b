import socket

import pytest
import time_machine

from portal import celery_app

from .crawling import crawl_world  # noqa: F401 - the data the crawls of every admin and public URL reach
from .helpers import LOAD_MOMENT, point_celery_at

# Fixtures of the report and dashboard tests (tests/portal/reporting.py), available to this folder's tests.
from .reporting import (  # noqa: F401
    coordinator,
    frozen_report_time,
    jelgava,
    kisc,
    librarian,
    lyon,
    ogre,
    project_year,
)


@pytest.fixture
def traveller():
    """The moment the demo data tests load it: a Thursday, the first Tuesday after it (where the sample events
    start) is 1 December 2026."""
    with time_machine.travel(LOAD_MOMENT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def broker_down():
    """The broker URL points at a port nobody listens on, and tasks are sent rather than run inline."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    # One connection attempt: kombu's retries wait on the clock, which these tests stop.
    point_celery_at(
        broker_url=f"redis://127.0.0.1:{closed_port}/0",
        task_always_eager=False,
        broker_transport_options={"max_retries": 0},
    )
    yield
    point_celery_at(**saved)
