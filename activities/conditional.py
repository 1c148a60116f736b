"""Conditional GET for the public event list and the event feeds: an ETag that changes whenever what they show
can change, read from indexes in one small query, so a browser or a calendar program that asks again gets a
304 Not Modified without the list being built."""

import hashlib

from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from partners.models import Organisation

from .models import Event

# Raised when the markup or the feed format changes in a way the data does not show.
FORMAT_VERSION = "1"


def _data_version(now):
    """Counts, latest changes and the next end of an upcoming event, in one statement of scalar subqueries:
    each is answered from an index (a lone MIN or MAX, a COUNT), and one round trip keeps the 304 cheap."""
    event = Event._meta.db_table
    organisation = Organisation._meta.db_table
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {event}), (SELECT MAX(updated_at) FROM {event}),"  # noqa: S608 - table names
        f" (SELECT MIN(ends_at) FROM {event} WHERE ends_at >= %s),"
        f" (SELECT COUNT(*) FROM {organisation}), (SELECT MAX(updated_at) FROM {organisation})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now)])
        return cursor.fetchone()


def public_events_etag(request, *args, **kwargs):
    """The ETag of a list page or feed for this request, or None (no conditional GET) for signed-in staff,
    whose pages may carry messages or drafts.

    It covers the events (count and latest change), the next moment an upcoming event ends and so leaves the
    list, the organisations shown with them, the language and the full path with its query string.
    """
    if request.user.is_authenticated:
        return None
    version = _data_version(timezone.now())
    key = "|".join(
        str(part)
        for part in (
            FORMAT_VERSION,
            get_language(),
            request.get_full_path(),
            *version,
        )
    )
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
