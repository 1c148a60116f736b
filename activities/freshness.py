"""The version of the data the public event list and the event feeds are built from (`groundwork.freshness`).

It changes whenever what the list or a feed shows can change: an event saved or deleted (its latest id and change,
and the latest entry of its history, which records every save and deletion), an organisation shown with the events
saved or deleted (the same), a registration made or changed (the cards say how many places are left: its latest id
and change), and the moment the next upcoming event ends and leaves the list. Each value is a lone
MIN or MAX over an index, in one statement. A write that bypasses the models and their history (a queryset
`update()` that does not set `updated_at`, SQL) is not seen.
"""

from django.db import connection

from groundwork.freshness import DataVersion, latest
from partners.models import Organisation

from .models import Event, Registration

# Raised when the markup or the feed format changes in a way the release digest does not see.
FORMAT_VERSION = "4"


def _read(now):
    tables = {
        "event": Event._meta.db_table,
        "event_history": Event.history.model._meta.db_table,
        "organisation": Organisation._meta.db_table,
        "organisation_history": Organisation.history.model._meta.db_table,
        "registration": Registration._meta.db_table,
    }
    sql = (  # noqa: S608 - table names from the models, no input
        "SELECT (SELECT MIN(ends_at) FROM {event} WHERE ends_at >= %s),"
        " (SELECT MAX(updated_at) FROM {event}), (SELECT MAX(history_date) FROM {event_history}),"
        " (SELECT MAX(updated_at) FROM {organisation}), (SELECT MAX(history_date) FROM {organisation_history}),"
        # Ids tell apart writes made within one tick of the clock.
        " (SELECT MAX(id) FROM {event}), (SELECT MAX(history_id) FROM {event_history}),"
        " (SELECT MAX(id) FROM {organisation}), (SELECT MAX(history_id) FROM {organisation_history}),"
        " (SELECT MAX(updated_at) FROM {registration}), (SELECT MAX(id) FROM {registration})"
    ).format(**tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now)])
        row = cursor.fetchone()
    # Past the next end, an event has left the list.
    return (FORMAT_VERSION, *row), latest(*row[1:5], row[9]), row[0]


EVENT_DATA = DataVersion("events", read=_read)
