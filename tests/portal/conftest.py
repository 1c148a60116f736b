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
