"""Progress reports: what they contain (`content`) and how they are written to files (`writers`)."""

import contextlib
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.utils.translation import gettext

from . import content, writers


def write_report(report, target, *, on_progress: Callable[[int, str], None]) -> None:
    """Write `report` (its period, scope and format) to `target`, calling `on_progress(percent, step)` as it goes.

    Labels are taken in the active language; the workbook's and the archive's times are the request's, so the
    same data gives the same bytes.
    """
    sheets = content.sheets(content.Scope.of_report(report))
    total_weight = sum(sheet.weight for sheet in sheets)
    done_before = {}
    running = 0
    for sheet in sheets:
        done_before[sheet.slug] = running
        running += sheet.weight
    # Row counts up front, so the percentage moves within the long sheets too.
    expected = {sheet.slug: sheet.count() if sheet.count else 0 for sheet in sheets}

    def progress(sheet, rows_written):
        share = min(rows_written / expected[sheet.slug], 1) if expected[sheet.slug] else 1
        # 99 at most: 100 means the file is in place, which only the caller knows.
        percent = min(int(100 * (done_before[sheet.slug] + share * sheet.weight) / total_weight), 99)
        on_progress(
            percent, gettext("Writing “%(sheet)s”: %(rows)s rows") % {"sheet": sheet.title, "rows": rows_written}
        )

    write = writers.write_xlsx if report.format == report.Format.XLSX else writers.write_csv_zip
    with without_jit():
        write(sheets, target, moment=report.requested_at, progress=progress)


@contextlib.contextmanager
def without_jit():
    """PostgreSQL's JIT compilation off while the report is read.

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
