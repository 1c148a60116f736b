"""Progress reports: what they contain (`content`), how the database is read (`reading`) and how they are written
to files (`writers`)."""

from collections.abc import Callable

from django.utils.translation import ngettext

from . import content, reading, writers


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
    write = writers.write_xlsx if report.format == report.Format.XLSX else writers.write_csv_zip
    with reading.read_sheets(sheets):
        # Row counts up front, so the percentage moves within the long sheets too.
        expected = {sheet.slug: sheet.count() if sheet.count else 0 for sheet in sheets}

        def progress(sheet, rows_written):
            share = min(rows_written / expected[sheet.slug], 1) if expected[sheet.slug] else 1
            # 99 at most: 100 means the file is in place, which only the caller knows.
            percent = min(int(100 * (done_before[sheet.slug] + share * sheet.weight) / total_weight), 99)
            step = ngettext("Writing “%(sheet)s”: %(rows)s row", "Writing “%(sheet)s”: %(rows)s rows", rows_written)
            on_progress(percent, step % {"sheet": sheet.title, "rows": rows_written})

        write(sheets, target, moment=report.requested_at, progress=progress)
