import datetime

import pytest
import time_machine
from django.utils import translation

from resources.services import resource_index
from tests.factories import ResourceFactory

TODAY = datetime.date(2025, 10, 6)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2025, 10, 6, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield TODAY


@pytest.fixture
def make_resource(db):
    """Build a resource with the factory and index it for search, as the admin and demo loader do."""

    def make(**kwargs):
        # The factory's plain `title`, `summary` and `body` fill the active language's columns: make that Latvian.
        with translation.override("lv"):
            resource = ResourceFactory(**kwargs)
        resource_index(resource=resource)
        return resource

    return make
