"""The version of the map data, kept in the cache, and the values derived from it.

The version changes whenever anything the map shows can change: the initiatives (count and latest change) and the
organisations that host them (count and latest change; deleting a host empties `host` on its initiatives without
touching their `updated_at`). It is deliberately the same for every filter and viewport: a change anywhere renews
every ETag, cached body and cached page value at once. The map data ETag, its cached body and the early answers of
`mapping.middleware`, the page's filter choices and summary all hang on it.

How fresh it is: it is read from indexes in one small statement and kept in the cache, so warm requests run no
query. Every save or deletion of an initiative or an organisation (admin, services, suggestion approval, the demo
data, a shell: `mapping.apps` connects the signals) and every import (bulk writes send no signals, so the import
service calls `forget_data_version` itself) starts a new version once the transaction commits, so the next request
sees the change. A write that bypasses both (a queryset `update()`, SQL) shows within `DATA_VERSION_SECONDS`, the
safety expiry of a version read from the database. The same scheme keeps the event list fresh
(`activities.conditional`).
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from partners.models import Organisation

from .models import Initiative

# How long a version read from the database is trusted for writes that bypass the signals and the services.
DATA_VERSION_SECONDS = 2
# Values derived from the data are kept this long under the version they were computed for; a change to the data
# gives a new version and so new keys whatever this says: it only lets unused entries go.
DERIVED_SECONDS = 10 * 60
_VERSION_KEY = "mapping:data-version"
# Renewed by every change the portal makes itself (`forget_data_version`); part of the version.
_GENERATION_KEY = "mapping:data-generation"


@dataclass(frozen=True)
class DataVersion:
    token: str
    # The latest change of an initiative or organisation: the map data's Last-Modified.
    last_modified: datetime.datetime | None


def _read_data_version():
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
        return cursor.fetchone()


def _as_datetime(value):
    """A raw datetime column as an aware datetime: PostgreSQL gives one, SQLite gives UTC text."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = parse_datetime(value)
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)


def versioned_get(key=None):
    """The current data version and the cached value under `key` (None if absent), in one cache round trip."""
    keys = [_VERSION_KEY, _GENERATION_KEY, *([key] if key else [])]
    cached = cache.get_many(keys)
    generation = cached.get(_GENERATION_KEY, "")
    if _VERSION_KEY in cached and cached[_VERSION_KEY][0] == generation:
        version = cached[_VERSION_KEY][1]
    else:
        count, changed, host_count, host_changed = _read_data_version()
        changes = [change for change in (_as_datetime(changed), _as_datetime(host_changed)) if change]
        token = hashlib.blake2b(
            "|".join(map(str, (generation, count, changed, host_count, host_changed))).encode(), digest_size=12
        ).hexdigest()
        version = DataVersion(token, max(changes) if changes else None)
        cache.set(_VERSION_KEY, (generation, version), DATA_VERSION_SECONDS)
    return version, cached.get(key) if key else None


def data_version() -> DataVersion:
    """The current data version of the map (see the module's docstring)."""
    return versioned_get()[0]


def _renew_generation():
    cache.set(_GENERATION_KEY, secrets.token_hex(8), timeout=None)


def forget_data_version() -> None:
    """Start a new data version once the current transaction (if any) has committed, so that the next request sees
    the change. A new generation rather than only forgetting the cached version: two writes within one tick of the
    clock can leave the same counts and latest change behind.

    Called for every row a signal reports, so deleting many initiatives at once sets the key once per row after the
    commit: far less than the history record each of those rows writes, so it is not worth deduplicating."""
    transaction.on_commit(_renew_generation)


def cached_by_data_version(name, compute, *parts):
    """`compute()`, or its value already cached for the current data version and `parts` (a language, filters)."""
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()
    key = f"mapping:{name}:{data_version().token}:{digest}"
    return cache.get_or_set(key, compute, DERIVED_SECONDS)
