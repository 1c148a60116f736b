import pytest
import time_machine
from django.core.cache import cache

from tests.activities.helpers import NOW


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
