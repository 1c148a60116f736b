"""A cache outage logs its first failure with the traceback and then one line a minute, not one per cache call:
the portal's logging settings, through django-redis against a Redis port nobody listens on."""

import logging
import socket

import pytest
import time_machine
from django.utils import timezone
from django_redis.cache import RedisCache


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable_cache(settings):
    return RedisCache(
        f"redis://127.0.0.1:{closed_port()}/0",
        {"OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.1, "SOCKET_TIMEOUT": 0.1}},
    )


def outage_records(caplog):
    return [record for record in caplog.records if record.name == "django_redis.cache"]


def test_a_cache_outage_logs_the_first_failure_in_full_then_one_line_a_minute(unreachable_cache, caplog):
    caplog.set_level(logging.WARNING)
    # Later than any failure other tests logged, whose repeats would otherwise be held back here.
    start = timezone.now() + timezone.timedelta(days=1)

    with time_machine.travel(start, tick=False):
        answers = [unreachable_cache.get(f"key-{n}") for n in range(50)]
    first = outage_records(caplog)
    with time_machine.travel(start + timezone.timedelta(seconds=61), tick=False):
        unreachable_cache.get("later")

    assert answers == [None] * 50, "an outage answers as if nothing were cached"
    assert len(first) == 1 and first[0].exc_info, "the first failure, with its traceback"
    [_first, summary] = outage_records(caplog)
    assert "and 49 more like it" in summary.getMessage()


def test_other_loggers_are_not_held_back(caplog):
    caplog.set_level(logging.WARNING)
    other = logging.getLogger("activities")

    for _ in range(3):
        other.warning("Exception ignored")

    assert len([record for record in caplog.records if record.name == "activities"]) == 3
