"""How a report reads the database: without PostgreSQL's JIT compilation, and the long detail sheet read ahead.

A report is read by one query after another, each waiting for the one before: the database works while Python
waits, then Python writes while the database waits. On PostgreSQL, outside a transaction, a sheet marked
`read_ahead` is read by a second connection in a thread, started before the first sheet is written, so that the
database prepares the long events sheet while the indicators are counted on the first connection. At most
`AHEAD_BATCHES` batches of rows wait between the two, so memory stays flat.
"""

import contextlib
import itertools
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.db import DatabaseError, connection, connections
from django.utils import timezone, translation

from .content import Sheet

AHEAD_BATCH_ROWS = 2000
AHEAD_BATCHES = 4
# How often (seconds) a side that waits for the other checks whether the other has stopped.
POLL_SECONDS = 0.1


@contextlib.contextmanager
def without_jit():
    """PostgreSQL's JIT compilation off on this thread's connection while the report is read.

    It starts for queries the planner expects to be costly, which the report's grouped queries over a year are,
    and compiling them took longer than running them (over a second of a 1M-row report). Session-wide, since the
    build runs outside a transaction; set back afterwards, for whatever the worker runs next.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        # A broken connection is closed by Django anyway; the error that broke it is the one to report.
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET jit")


def can_read_ahead() -> bool:
    """A second connection sees the same rows only outside a transaction (and SQLite locks whole files)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class _Done:
    """Put on the queue after the last batch."""


class RowsAhead:
    """The rows of `produce()`, read in a thread on its own connection, from `start()` on."""

    def __init__(self, produce: Callable[[], Iterable[Sequence]]):
        self.produce = produce
        self.batches = queue.Queue(maxsize=AHEAD_BATCHES)
        self.stopped = threading.Event()
        # The thread labels and converts times as this one does: both are per thread in Django.
        self.language = translation.get_language()
        self.zone = timezone.get_current_timezone()
        self.thread = threading.Thread(target=self._read, name="report-read-ahead", daemon=True)

    def start(self):
        self.thread.start()

    def _offer(self, item) -> bool:
        while not self.stopped.is_set():
            try:
                self.batches.put(item, timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def _read(self):
        try:
            with translation.override(self.language), timezone.override(self.zone), without_jit():
                rows = iter(self.produce())
                while batch := list(itertools.islice(rows, AHEAD_BATCH_ROWS)):
                    if not self._offer(batch):
                        return
            self._offer(_Done)
        except BaseException as error:  # handed to the writing thread, which raises it
            self._offer(error)
        finally:
            connections.close_all()  # this thread's own connections

    def __iter__(self) -> Iterator[Sequence]:
        while True:
            try:
                item = self.batches.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not self.thread.is_alive():
                    raise RuntimeError("the report's read-ahead thread stopped without a result") from None
                continue
            if item is _Done:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item

    def stop(self):
        self.stopped.set()
        self.thread.join()


@contextlib.contextmanager
def read_sheets(sheets: Sequence[Sheet]):
    """Read the report's sheets (see the module's docstring); the thread, if any, is stopped on leaving."""
    ahead = []
    if can_read_ahead():
        for sheet in sheets:
            if sheet.read_ahead:
                rows = RowsAhead(sheet.rows)
                sheet.rows = lambda rows=rows: rows
                ahead.append(rows)
    with without_jit():
        for rows in ahead:
            rows.start()
        try:
            yield
        finally:
            for rows in ahead:
                rows.stop()
