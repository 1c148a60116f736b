"""The version of the data the map shows (`groundwork.freshness`): the same for every filter and viewport.

It changes whenever an initiative or an organisation (the host shown with it) is saved or deleted: their latest id
and change, and the latest entry of their history, which records every save and deletion. Each value is a lone MAX
over an index, in one statement. A write that bypasses the models and their history (a queryset `update()` that
does not set `updated_at`, SQL) is not seen; imports write in bulk and set `updated_at` themselves.
"""

from django.db import connection

from groundwork.freshness import DataVersion, latest
from partners.models import Organisation

from .models import Initiative

# Raised when the shape of the map data changes in a way the release digest does not see.
FORMAT_VERSION = "2"


def _read(now):
    tables = {
        "initiative": Initiative._meta.db_table,
        "initiative_history": Initiative.history.model._meta.db_table,
        "organisation": Organisation._meta.db_table,
        "organisation_history": Organisation.history.model._meta.db_table,
    }
    sql = (  # noqa: S608 - table names from the models, no input
        "SELECT (SELECT MAX(updated_at) FROM {initiative}), (SELECT MAX(history_date) FROM {initiative_history}),"
        " (SELECT MAX(updated_at) FROM {organisation}), (SELECT MAX(history_date) FROM {organisation_history}),"
        # Ids tell apart writes made within one tick of the clock.
        " (SELECT MAX(id) FROM {initiative}), (SELECT MAX(history_id) FROM {initiative_history}),"
        " (SELECT MAX(id) FROM {organisation}), (SELECT MAX(history_id) FROM {organisation_history})"
    ).format(**tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return (FORMAT_VERSION, *row), latest(*row[:4]), None


MAP_DATA = DataVersion("map", read=_read)
