"""Data versions: a short token that changes whenever some public data can change, kept in the cache, and the values
derived from that data cached under it.

An app describes its data by one `DataVersion`: a name and a function that reads, in one small statement answered
from indexes, what changes when the data changes (counts, latest changes). The token is a hash of that reading and
of a *generation*. Pages build their ETags from the token, and values derived from the data (choices, counts,
summaries, whole responses: `portal.middleware`) are cached under it, so a new token makes them all new at once.

How fresh it is:

* A version read from the database is kept in the cache for `seconds` (DATA_VERSION_SECONDS by default), so warm
  requests run no query; a write that the app does not report shows within that time.
* A write the app does report (`forget()`, from its services, admin or model signals) renews the generation once the
  transaction commits, so the next request reads a new version. A new generation rather than only forgetting the
  kept version: two writes within one tick of the clock can leave the same counts and latest change behind.
* A reading may say when it stops being true whatever is written (`Reading.valid_until`: the event list changes
  when its next upcoming event ends); the kept version is not used past that moment.

This module knows no app's models: each app passes its own read function (`activities.conditional`,
`mapping.conditional`).
"""

import datetime
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# How long a version read from the database is trusted for writes that are not reported: a few seconds keep
# repeated requests free of queries and staleness short.
DATA_VERSION_SECONDS = 2
# Values derived from the data are kept this long under the version they were computed for; a change to the data
# gives a new version and so new keys whatever this says: it only lets unused entries go.
DERIVED_SECONDS = 10 * 60


@dataclass(frozen=True)
class Reading:
    """What an app's read function found: `values` go into the token."""

    values: tuple
    # The latest change of the data, for Last-Modified.
    last_modified: datetime.datetime | None = None
    # The moment the data changes without a write (an event ending), if any: the version is not used after it.
    valid_until: datetime.datetime | None = None


@dataclass(frozen=True)
class Version:
    token: str
    last_modified: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None


def as_datetime(value):
    """A raw datetime column as an aware datetime: PostgreSQL gives one, SQLite gives UTC text."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = parse_datetime(value)
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)


class DataVersion:
    """The data version of one app's public data (see the module's docstring)."""

    _by_name: dict[str, "DataVersion"] = {}

    def __init__(self, name: str, *, read: Callable[[datetime.datetime], Reading], seconds=DATA_VERSION_SECONDS):
        if name in DataVersion._by_name:
            raise ValueError(f"a data version named {name!r} exists already")
        self.name = name
        self.read = read
        self.seconds = seconds
        self._version_key = f"{name}:data-version"
        self._generation_key = f"{name}:data-generation"
        DataVersion._by_name[name] = self

    def __repr__(self):
        return f"DataVersion({self.name!r})"

    def current(self) -> Version:
        """The current version."""
        return self.get()[0]

    def get(self, key=None):
        """`(version, value)`: the current version and the value cached under `key` (None if absent), in one cache
        round trip."""
        cached = cache.get_many([self._version_key, self._generation_key, *([key] if key else [])])
        return self._current(cached), cached.get(key) if key else None

    @classmethod
    def named(cls, name: str) -> "DataVersion":
        """The data version of this name (the name a response or a cached value is stored with)."""
        return cls._by_name[name]

    def _current(self, cached) -> Version:
        now = timezone.now()
        generation = cached.get(self._generation_key, "")
        kept = cached.get(self._version_key)
        if kept is not None:
            read_in_generation, version = kept
            if read_in_generation == generation and (version.valid_until is None or now <= version.valid_until):
                return version
        reading = self.read(now)
        token = hashlib.blake2b("|".join(map(str, (generation, *reading.values))).encode(), digest_size=12)
        version = Version(token.hexdigest(), reading.last_modified, reading.valid_until)
        cache.set(self._version_key, (generation, version), self.seconds)
        return version

    def mark(self, response, version: Version) -> None:
        """Let `portal.middleware` keep this response and give it to every anonymous visitor who sends the same
        request, while the data stays at `version` (the version the response was built from). Only for a response
        that is the same for every such visitor: nothing per person, no CSP nonce."""
        response.data_version = (self.name, version.token)

    def forget(self) -> None:
        """Start a new version once the current transaction (if any) has committed, so that the next request sees
        the change. Called for every reported write: setting one key after the commit costs less than deduplicating
        the calls of a write of many rows."""
        transaction.on_commit(self._renew_generation)

    def _renew_generation(self):
        cache.set(self._generation_key, secrets.token_hex(8), timeout=None)

    def cached(self, name: str, compute, *parts: str):
        """`compute()`, or its value already cached for the current version and `parts` (a language, filters)."""
        digest = hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()
        key = f"{self.name}:{name}:{self.current().token}:{digest}"
        return cache.get_or_set(key, compute, DERIVED_SECONDS)
