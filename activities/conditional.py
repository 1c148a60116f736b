"""Conditional GET for the public event list and the event feeds, and the data version behind it.

The data version is a short hash that changes whenever what the list or a feed shows can change: the events (count
and latest change), the next moment an upcoming event ends and so leaves the list, and the organisations shown with
them. It is read from indexes in one small query and then kept in the cache, so a browser or a calendar program
that asks again gets a 304 Not Modified without any query, and the values derived from the data (the counts per
language, the filter choices) are cached under it.

How fresh it is: an event change made through `activities.services` or the event admin starts a new version once
the transaction commits (`forget_data_version`), so the next request has it. Any other change (an
organisation edited in the partners admin, a data import, a shell) shows within `DATA_VERSION_SECONDS`. The
moment the next upcoming event ends is kept with the version, so an ending event leaves the list on time.
"""

import datetime
import functools
import hashlib
import secrets

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language

from partners.models import Organisation

from .models import Event

# Raised when the markup or the feed format changes in a way the data does not show.
FORMAT_VERSION = "2"
# How long a data version read from the database is trusted for changes made elsewhere than the event services and
# admin (see the module's docstring). A few seconds keep repeated requests free of queries and staleness short.
DATA_VERSION_SECONDS = 2
_DATA_VERSION_KEY = "activities:data-version"
# Changed by every change through the services and admin (`forget_data_version`); part of the version.
_GENERATION_KEY = "activities:data-generation"


def _read_data_version(now):
    """Counts, latest changes and the next end of an upcoming event, in one statement of scalar subqueries:
    each is answered from an index (a lone MIN or MAX, a COUNT), and one round trip keeps it cheap."""
    event = Event._meta.db_table
    organisation = Organisation._meta.db_table
    sql = (
        f"SELECT (SELECT MIN(ends_at) FROM {event} WHERE ends_at >= %s),"  # noqa: S608 - table names
        f" (SELECT COUNT(*) FROM {event}), (SELECT MAX(updated_at) FROM {event}),"
        f" (SELECT COUNT(*) FROM {organisation}), (SELECT MAX(updated_at) FROM {organisation})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now)])
        return cursor.fetchone()


def _as_datetime(value):
    """A raw datetime column as an aware datetime: PostgreSQL gives one, SQLite gives UTC text."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = parse_datetime(value)
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)


def data_version(now=None) -> str:
    """The current data version of the public events (see the module's docstring)."""
    now = now or timezone.now()
    cached = cache.get_many([_DATA_VERSION_KEY, _GENERATION_KEY])
    generation = cached.get(_GENERATION_KEY, "")
    if _DATA_VERSION_KEY in cached:
        version, read_in_generation, next_end = cached[_DATA_VERSION_KEY]
        # Past the next end, an event has left the list since the version was read.
        if read_in_generation == generation and (next_end is None or now <= next_end):
            return version
    row = _read_data_version(now)
    version = hashlib.blake2b("|".join(map(str, (generation, *row))).encode(), digest_size=12).hexdigest()
    cache.set(_DATA_VERSION_KEY, (version, generation, _as_datetime(row[0])), DATA_VERSION_SECONDS)
    return version


def forget_data_version() -> None:
    """Start a new data version once the current transaction (if any) has committed: called by the services and the
    admin after they change events, so the change shows on the next request. A new generation rather than only
    forgetting the cached version: two edits within one tick of the clock leave the same latest change behind."""
    transaction.on_commit(lambda: cache.set(_GENERATION_KEY, secrets.token_hex(8), timeout=None))


def _public_request_key(request) -> str | None:
    """What a public list page or feed depends on for this request: the format, the data version, the language and
    the full path with its query string; None for signed-in staff, whose pages may carry messages or drafts, and
    for a visitor with a message waiting to be shown."""
    if request.user.is_authenticated or get_messages(request):
        return None
    return "|".join((FORMAT_VERSION, data_version(), get_language() or "", request.get_full_path()))


def public_events_etag(request, *args, **kwargs):
    """The ETag of a list page or feed for this request, or None (no conditional GET, see `_public_request_key`)."""
    key = _public_request_key(request)
    return key and hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def cached_public_response(view):
    """Serve a public list page or feed from the cache while the data version stays the same.

    Conditional GET only helps a browser or calendar program that asked before; most visitors of the event list come
    once, from a link, on a phone. Every anonymous visitor with the same language and query string gets the same
    bytes, so they are built once per data version. Only what the view sets is kept (content, status, content type
    and other headers of its own): the middleware still adds its headers to every response.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _public_request_key(request) if request.method == "GET" else None
        if key is None:
            return view(request, *args, **kwargs)
        cache_key = "activities:page:" + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
        cached = cache.get(cache_key)
        if cached is not None:
            content, headers = cached
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)

        def keep(response):
            if response.status_code == 200 and not response.cookies and not response.streaming:
                cache.set(cache_key, (response.content, dict(response.items())), DERIVED_SECONDS)

        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(keep)
        else:
            keep(response)
        return response

    return wrapper


# Values derived from the public events are kept this long under the data version they were computed for: a change
# to the data gives a new version and so new entries, whatever this timeout; it only lets unused entries go.
DERIVED_SECONDS = 10 * 60


def cached_by_data_version(name: str, compute, *parts: str):
    """`compute()`, or its value already cached for the current data version and `parts` (a language, a filter)."""
    key = ":".join(("activities", name, FORMAT_VERSION, data_version(), *parts))
    return cache.get_or_set(key, compute, DERIVED_SECONDS)
