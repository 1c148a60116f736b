"""Data versions: validators for public data, read from the database, and values derived from the data cached
under them.

An app describes the data a page is built from by one `DataVersion`: a name and the models it reads. The version
is read in one statement of index lookups that change whenever that data changes: for each model the latest id and
`updated_at`, and the latest entry of its history (django-simple-history's table, which records every save and
deletion); and, if given, the next moment the data changes without a write (the next end of an upcoming event). The
version's token hashes that reading with the release (`settings.RELEASE`), so a deploy that changes templates or
code gives new ETags too. A write that bypasses the models and their history (a queryset `update()` that does not
set `updated_at`, SQL) is not seen; bulk writes (imports) set `updated_at` themselves.

Nothing is kept between requests: the version is read once per request (the first time it is needed), so it is
exact at once after any write that goes through the models, and it needs no cache — an outage of the cache does not
touch it. Outside a request (a task, a command) it is read every time. Values derived from
the data (filter choices, counts, summaries) are cached under the token (`cached`): a new token makes them new
at once, and when the cache is down they are computed.
"""

import datetime
import functools
import hashlib
from dataclasses import dataclass

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection
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


def digest(*parts) -> str:
    """A short stable digest of `parts` (their text), for cache keys."""
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=12).hexdigest()


def _column(model, name):
    return connection.ops.quote_name(model._meta.get_field(name).column)


class DataVersion:
    """The version of one app's public data, read from `models` (see the module's docstring).

    `valid_until=(model, field)`: the data also changes when the earliest future value of that datetime field
    passes (an upcoming event ends). `format` is raised when the output changes in a way the release does not see.
    """

    def __init__(self, name: str, *, models, valid_until=None, format="1"):
        self.name = name
        self.models = models
        self.valid_until = valid_until
        self.format = format

    @functools.cached_property
    def _sql(self):
        """The statement of scalar subqueries: each a lone MIN or MAX over an index."""
        quote = connection.ops.quote_name
        changes, ids = [], []
        for model in self.models:
            table = quote(model._meta.db_table)
            if any(field.name == "updated_at" for field in model._meta.fields):
                changes.append(f"(SELECT MAX({_column(model, 'updated_at')}) FROM {table})")
            ids.append(f"(SELECT MAX({quote(model._meta.pk.column)}) FROM {table})")
            history = getattr(model, "history", None)
            if history is not None:
                history_table = quote(history.model._meta.db_table)
                changes.append(f"(SELECT MAX(history_date) FROM {history_table})")
                # Ids tell apart writes made within one tick of the clock.
                ids.append(f"(SELECT MAX(history_id) FROM {history_table})")
        selects = [*changes, *ids]
        if self.valid_until:
            model, field = self.valid_until
            column = _column(model, field)
            selects.append(f"(SELECT MIN({column}) FROM {quote(model._meta.db_table)} WHERE {column} >= %s)")
        return "SELECT " + ", ".join(selects), len(changes)

    def read(self, now):
        """`(values, last_modified, valid_until)` of the data as it is now."""
        sql, change_count = self._sql
        with connection.cursor() as cursor:
            cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now)] if self.valid_until else [])
            row = cursor.fetchone()
        return (self.format, *row), latest(*row[:change_count]), row[-1] if self.valid_until else None

    def __repr__(self):
        return f"DataVersion({self.name!r})"

    def current(self) -> Version:
        versions = getattr(_read_in_request, "versions", None)
        if versions is not None and self.name in versions:
            return versions[self.name]
        values, last_modified, valid_until = self.read(timezone.now())
        version = Version(digest(settings.RELEASE, self.name, *values), last_modified, as_datetime(valid_until))
        if versions is not None:
            versions[self.name] = version
        return version

    def etag(self, *parts: str) -> str:
        """An ETag for a response built from this data and `parts` (the language, the query string).

        Weak: it names what a response says, not its bytes (the same ETag for the compressed and plain bodies).
        """
        return f'W/"{digest(self.current().token, *parts)}"'

    def cached(self, name: str, compute, *parts: str):
        """`compute()`, or its value already cached for the current version and `parts` (a language, filters)."""
        key = f"{self.name}:{name}:{self.current().token}:{digest(*parts)}"
        return cache.get_or_set(key, compute, DERIVED_SECONDS)
