# Fixtures of this folder's tests: the data the crawls of every admin and public URL reach (crawling.py), and that of
# the report and dashboard tests (reporting.py).
from .crawling import crawl_world  # noqa: F401
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
