"""Progress reports: what they count (`scope`), their tables, one class per sheet (`sheets`), and the one writer
that puts the tables into an XLSX workbook or a ZIP of CSV files (`writers`)."""

from collections.abc import Callable

from django.utils.translation import ngettext

from . import writers
from .scope import Scope
from .sheets import report_sheets


def write_report(report, target, *, on_progress: Callable[[int, str], None]) -> None:
    """Write `report` (its period, scope and format) to `target`, calling `on_progress(percent, step)` as it goes.

    Labels are taken in the active language; the figures are those of the moment the report was asked for, and
    the file's times are that moment too, so the same data gives the same bytes.
    """
    sheets = report_sheets(Scope.of_report(report))
    total_weight = sum(sheet.weight for sheet in sheets)
    done_before = {}
    running = 0
    for sheet in sheets:
        done_before[sheet.slug] = running
        running += sheet.weight
    # Row counts up front, so that the percentage moves within the long sheets too.
    expected = {sheet.slug: sheet.count() for sheet in sheets}

    def progress(sheet, rows_written):
        share = min(rows_written / expected[sheet.slug], 1) if expected[sheet.slug] else 1
        # 99 at most: 100 means the file is in place, which only the caller knows.
        percent = min(int(100 * (done_before[sheet.slug] + share * sheet.weight) / total_weight), 99)
        step = ngettext("Writing “%(sheet)s”: %(rows)s row", "Writing “%(sheet)s”: %(rows)s rows", rows_written)
        on_progress(percent, step % {"sheet": sheet.title, "rows": rows_written})

    writers.write_sheets(sheets, target, format=report.format, moment=report.requested_at, progress=progress)
