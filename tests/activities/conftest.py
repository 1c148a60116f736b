import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

RIGA = ZoneInfo("Europe/Riga")
# A Monday in October, when Riga is on summer time (UTC+03:00); winter time (UTC+02:00) starts on 26 October.
NOW = datetime.datetime(2025, 10, 6, 9, 0, tzinfo=RIGA)


def riga(*args):
    """An aware datetime in Riga time: riga(2025, 10, 14, 18) is 14 October 2025, 18:00 in Riga."""
    return datetime.datetime(*args, tzinfo=RIGA)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture(autouse=True)
def empty_cache():
    """The event list caches its data version and the values derived from it (and the registration form its rate
    limit): each test starts from an empty cache, since the cache outlives a test's database."""
    cache.clear()
    yield
    cache.clear()
