import pytest
import time_machine

from .helpers import LOAD_MOMENT

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
