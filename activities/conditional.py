"""Conditional GET for the public event list and the event feeds, and the data version behind it.

The data version (`EVENT_DATA`, see `portal.freshness`) changes whenever what the list or a feed shows can change:
the events (count and latest change), the next moment an upcoming event ends and so leaves the list, and the
organisations shown with them. It is read from indexes in one small query and then kept in the cache, so a browser
or a calendar program that asks again gets a 304 Not Modified without any query, and the values derived from the
data (the counts per language, the filter choices) are cached under it.

How fresh it is: an event change made through `activities.services` or the event admin starts a new version once
the transaction commits (`forget_data_version`), so the next request has it. Any other change (an organisation
edited in the partners admin, a data import, a shell) shows within `EVENT_DATA.seconds`. The moment the next
upcoming event ends is kept with the version, so an ending event leaves the list on time.
"""

import functools
import hashlib

from django.contrib.messages import get_messages
from django.db import connection
from django.utils.translation import get_language

from partners.models import Organisation
from portal.freshness import DataVersion, Reading, as_datetime

from .models import Event

# Raised when the markup or the feed format changes in a way the data does not show.
FORMAT_VERSION = "2"


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
        row = cursor.fetchone()
    # Past the next end, an event has left the list since the version was read.
    return Reading(values=row, valid_until=as_datetime(row[0]))


EVENT_DATA = DataVersion("activities", read=_read_data_version)
# What the services and the admin call after they change events, so the change shows on the next request.
forget_data_version = EVENT_DATA.forget


def cached_by_data_version(name: str, compute, *parts: str):
    """`compute()`, or its value already cached for the current data version and `parts` (a language, a filter)."""
    return EVENT_DATA.cached(name, compute, FORMAT_VERSION, *parts)


def _public_request(request):
    """`(version, key)`: the data version read for this request and what a public list page or feed depends on (the
    format, the data version, the language and the full path with its query string); None for signed-in staff,
    whose pages may carry messages or drafts, and for a visitor with a message waiting to be shown. Read once per
    request, so that the ETag and the mark of the response name the same version."""
    if not hasattr(request, "_public_events"):
        if request.user.is_authenticated or get_messages(request):
            request._public_events = None
        else:
            version = EVENT_DATA.current()
            key = "|".join((FORMAT_VERSION, version.token, get_language() or "", request.get_full_path()))
            request._public_events = version, key
    return request._public_events


def public_events_etag(request, *args, **kwargs):
    """The ETag of a list page or feed for this request, or None (no conditional GET, see `_public_request`)."""
    public = _public_request(request)
    return public and hashlib.blake2b(public[1].encode(), digest_size=16).hexdigest()


def public_response(view):
    """Let `portal.middleware` keep a public list page or feed and serve it while the data version stays the same.

    Conditional GET only helps a browser or calendar program that asked before; most visitors of the event list come
    once, from a link, on a phone. Every anonymous visitor with the same language and query string gets the same
    bytes, so they are built once per data version. These pages use no CSP nonce.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        public = _public_request(request) if request.method == "GET" else None
        if public is not None:
            EVENT_DATA.mark(response, public[0])
        return response

    return wrapper
