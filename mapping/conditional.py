"""The version of the map data, kept in the cache, and the values derived from it.

The version (`MAP_DATA`, see `portal.freshness`) changes whenever anything the map shows can change: the initiatives
(count and latest change) and the organisations that host them (count and latest change; deleting a host empties
`host` on its initiatives without touching their `updated_at`). It is deliberately the same for every filter and
viewport: a change anywhere renews every ETag, cached body and cached page value at once. The map data ETag, its
cached body and the early answers of `portal.middleware`, the page's filter choices and summary all hang on it.

How fresh it is: it is read from indexes in one small statement and kept in the cache, so warm requests run no
query. Every save or deletion of an initiative or an organisation (admin, services, suggestion approval, the demo
data, a shell: `mapping.apps` connects the signals) and every import (bulk writes send no signals, so the import
service calls `forget_data_version` itself) starts a new version once the transaction commits, so the next request
sees the change. A write that bypasses both (a queryset `update()`, SQL) shows within `MAP_DATA.seconds`, the
safety expiry of a version read from the database. The same scheme keeps the event list fresh
(`activities.conditional`).
"""

from django.db import connection

from partners.models import Organisation
from portal.freshness import DataVersion, Reading, as_datetime

from .models import Initiative


def _read_data_version(now):
    """Counts and latest changes of initiatives and organisations in one statement of scalar subqueries: each is
    answered from an index (SQLite answers a lone MAX from its index, but scans the table for MAX beside COUNT)."""
    initiative = Initiative._meta.db_table
    organisation = Organisation._meta.db_table
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {initiative}), (SELECT MAX(updated_at) FROM {initiative}),"  # noqa: S608
        f" (SELECT COUNT(*) FROM {organisation}), (SELECT MAX(updated_at) FROM {organisation})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    _count, changed, _host_count, host_changed = row
    changes = [change for change in (as_datetime(changed), as_datetime(host_changed)) if change]
    # The latest change of an initiative or organisation: the map data's Last-Modified.
    return Reading(values=row, last_modified=max(changes) if changes else None)


MAP_DATA = DataVersion("mapping", read=_read_data_version)
data_version = MAP_DATA.current
cached_by_data_version = MAP_DATA.cached
# Called by the signals (`mapping.apps`) and the import service for every row written. Deleting many initiatives at
# once so sets the key once per row after the commit: far less than the history record each of those rows writes.
forget_data_version = MAP_DATA.forget
