"""Data versions: validators for public data, read from the database, and values derived from the data cached
under them.

An app describes the data a page is built from by one `DataVersion`: a name and a function that reads, in one
small statement of index lookups, what changes whenever that data changes — the latest change of its rows, the
latest entry of their history (which also records deletions), the next moment the data changes without a write
(an event ending). The version's token hashes that reading with the release (`settings.RELEASE`), so a deploy that
changes templates or code gives new ETags too.

Nothing is kept between requests: the version is read once per request (the first time it is needed), so it is
exact at once after any write that goes through the models, and it needs no cache — an outage of the cache does not
touch it. Outside a request (a task, a command) it is read every time. Values derived from
the data (filter choices, counts, summaries) are cached under the token (`cached`): a new token makes them new
at once, and when the cache is down they are computed.
"""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# Values derived from the data are kept this long under the version they were computed for; a change of the data
# gives a new version and so new keys whatever this says: it only lets unused entries go.
DERIVED_SECONDS = 10 * 60


# The versions read during the request being served in this thread (None outside a request).
_read_in_request = Local()


def _request_started(**kwargs):
    _read_in_request.versions = {}


def _request_finished(**kwargs):
    _read_in_request.versions = None


request_started.connect(_request_started, dispatch_uid="groundwork.freshness.started")
request_finished.connect(_request_finished, dispatch_uid="groundwork.freshness.finished")


@dataclass(frozen=True)
class Version:
    token: str
    # The latest change of the data, for Last-Modified.
    last_modified: datetime.datetime | None = None
    # When the data changes without a write (an event ending), if ever: nothing built from it is kept past that.
    valid_until: datetime.datetime | None = None

    def seconds_valid(self, now=None) -> int | None:
        """Whole seconds until `valid_until` (None when the data changes only by writes)."""
        if self.valid_until is None:
            return None
        return max(0, int((self.valid_until - (now or timezone.now())).total_seconds()))


def as_datetime(value):
    """A raw datetime column as an aware datetime: PostgreSQL gives one, SQLite gives UTC text."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = parse_datetime(value)
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)


def latest(*values):
    """The latest of raw datetime columns (None when all are empty): a reading's Last-Modified."""
    moments = [moment for moment in map(as_datetime, values) if moment is not None]
    return max(moments) if moments else None


def _digest(*parts) -> str:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=12).hexdigest()


class DataVersion:
    """The version of one app's public data (see the module's docstring).

    `read(now)` returns `(values, last_modified, valid_until)`: a tuple of values that change with the data, the
    latest change among them (or None), and the next moment the data changes without a write (or None).
    """

    def __init__(self, name: str, *, read: Callable[[datetime.datetime], tuple]):
        self.name = name
        self.read = read

    def __repr__(self):
        return f"DataVersion({self.name!r})"

    def current(self) -> Version:
        versions = getattr(_read_in_request, "versions", None)
        if versions is not None and self.name in versions:
            return versions[self.name]
        values, last_modified, valid_until = self.read(timezone.now())
        version = Version(_digest(settings.RELEASE, self.name, *values), last_modified, as_datetime(valid_until))
        if versions is not None:
            versions[self.name] = version
        return version

    def etag(self, *parts: str) -> str:
        """An ETag for a response built from this data and `parts` (the language, the query string).

        Weak: it names what a response says, not its bytes (the same ETag for the compressed and plain bodies).
        """
        return f'W/"{_digest(self.current().token, *parts)}"'

    def cached(self, name: str, compute, *parts: str):
        """`compute()`, or its value already cached for the current version and `parts` (a language, filters)."""
        key = f"{self.name}:{name}:{self.current().token}:{_digest(*parts)}"
        return cache.get_or_set(key, compute, DERIVED_SECONDS)
