"""Write a report's sheets to a file: an XLSX workbook or a ZIP of CSV files, byte for byte the same for the same
data and the same `moment` (workbook properties and ZIP entry times are set from it, never from the clock).

Both stream: openpyxl's write-only workbook keeps one row in memory (its strings are written inline), the CSV
files are compressed as they are written, and a sheet longer than `MAX_SHEET_ROWS` continues on a new sheet.
Text cells are escaped (`groundwork.spreadsheets`): a spreadsheet program must never run them.
"""

import contextlib
import csv
import datetime
import io
import itertools
import operator
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from groundwork.spreadsheets import escape_formula, spreadsheet_safe, starts_like_formula

from .content import Sheet

# Excel's limit is 1,048,576 rows; the header takes one on every sheet.
MAX_SHEET_ROWS = 1_048_575
# Progress is written at most this often (rows), so the database is not asked once per row.
PROGRESS_EVERY = 5000
# Characters Excel refuses in sheet names, and their length limit.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31

Progress = Callable[[Sheet, int], None]


def cell_value(value):
    """Numbers, dates and times as they are; text escaped; nothing as empty.

    Called for every cell of every row, so the common types are told apart by exact type first.
    """
    kind = type(value)
    if kind is int or value is None or kind is float:
        return value
    if kind is str:
        return escape_formula(value)
    if kind is bool:
        return int(value)
    if isinstance(value, int | float | datetime.date):
        return value
    return spreadsheet_safe(value)


def csv_value(value):
    """A cell as the CSV writer takes it: numbers as they are (None is written empty), text escaped, times to the
    minute and dates in ISO format."""
    kind = type(value)
    if kind is int or value is None or kind is float:
        return value
    if kind is str:
        return escape_formula(value)
    if kind is datetime.datetime:
        return value.isoformat(sep=" ", timespec="minutes")
    if kind is datetime.date:
        return value.isoformat()
    return csv_value(cell_value(value))


# Columns of these types are written as they are (`csv_value`), and these convert whole columns of one type.
AS_THEY_ARE = frozenset({int, float, type(None)})
CSV_COLUMN_OF = {
    datetime.datetime: operator.methodcaller("isoformat", " ", "minutes"),
    datetime.date: datetime.date.isoformat,
}


def csv_rows(rows: Sequence[Sequence]) -> Iterable[Sequence]:
    """`rows` converted by `csv_value`, one column at a time.

    Long sheets have columns of one type, and a column can be looked at and converted by loops that run in C:
    numbers stay as they are, text is escaped only when some cell needs it, times are formatted by one method
    call each. Per cell in Python, the conversion took about as long as the database took to read the data.
    """
    if len(set(map(len, rows))) > 1:  # ragged rows cannot be turned into columns
        return ([csv_value(value) for value in row] for row in rows)
    columns = []
    for column in zip(*rows, strict=True):
        kinds = set(map(type, column))
        if kinds <= AS_THEY_ARE:
            columns.append(column)
        elif kinds == {str}:
            columns.append(map(escape_formula, column) if any(map(starts_like_formula, column)) else column)
        elif len(kinds) == 1 and (convert := CSV_COLUMN_OF.get(next(iter(kinds)))):
            columns.append(map(convert, column))
        else:
            columns.append(map(csv_value, column))
    return zip(*columns, strict=True)


class FixedTimeZipFile(zipfile.ZipFile):
    """A ZIP file whose entries all carry one date and time, so that the same content gives the same bytes."""

    def __init__(self, *args, moment: datetime.datetime, **kwargs):
        self.moment = moment.timetuple()[:6]
        super().__init__(*args, **kwargs)

    def entry(self, name):
        info = zipfile.ZipInfo(name, date_time=self.moment)
        info.compress_type = self.compression
        info.external_attr = 0o644 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self.entry(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes each worksheet from a temporary file; its modification time must not show.
        with open(filename, "rb") as source, self.open(self.entry(arcname or filename), "w") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)


def sheet_names(title: str):
    """'Events', 'Events (2)', … cut to what Excel accepts."""
    base = SHEET_NAME_FORBIDDEN.sub(" ", title).strip() or "Sheet"
    yield base[:SHEET_NAME_LENGTH]
    number = 2
    while True:
        suffix = f" ({number})"
        yield base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        number += 1


def write_xlsx(sheets: Sequence[Sheet], target, *, moment: datetime.datetime, progress: Progress) -> None:
    """Write the sheets as one workbook to `target` (a path or a binary file)."""
    workbook = Workbook(write_only=True)
    moment = moment.replace(tzinfo=None, microsecond=0)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    workbook.properties.creator = "LIBRI"
    workbook.properties.title = gettext("LIBRI progress report")
    bold = Font(bold=True)
    try:
        for sheet in sheets:
            names = sheet_names(sheet.title)

            def new_worksheet(names=names, sheet=sheet):
                worksheet = workbook.create_sheet(next(names))
                for index, width in enumerate(sheet.column_widths):
                    worksheet.column_dimensions[get_column_letter(index + 1)].width = width
                worksheet.freeze_panes = "A2"
                cells = []
                for label in sheet.header:
                    cell = WriteOnlyCell(worksheet, value=spreadsheet_safe(label))
                    cell.font = bold
                    cells.append(cell)
                worksheet.append(cells)
                return worksheet

            worksheet = new_worksheet()
            on_sheet = 0
            written = 0
            for row in sheet.rows():
                if on_sheet == MAX_SHEET_ROWS:
                    worksheet = new_worksheet()
                    on_sheet = 0
                worksheet.append([cell_value(value) for value in row])
                on_sheet += 1
                written += 1
                if written % PROGRESS_EVERY == 0:
                    progress(sheet, written)
            progress(sheet, written)
    except BaseException:
        discard(workbook)
        raise
    with FixedTimeZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True, moment=moment) as archive:
        ExcelWriter(workbook, archive).write_data()


def discard(workbook):
    """Close and delete the temporary files of an abandoned write-only workbook."""
    for worksheet in workbook.worksheets:
        # Already closed or half written: its temporary file goes either way.
        with contextlib.suppress(Exception):
            worksheet.close()
        if worksheet._writer is not None:
            Path(worksheet._writer.out).unlink(missing_ok=True)


def write_csv_zip(sheets: Sequence[Sheet], target, *, moment: datetime.datetime, progress: Progress) -> None:
    """Write each sheet as a UTF-8 CSV file (with a byte-order mark, so spreadsheet programs detect the encoding)
    into one ZIP archive at `target`."""
    moment = moment.replace(tzinfo=None, microsecond=0)
    with FixedTimeZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True, moment=moment) as archive:
        for number, sheet in enumerate(sheets, start=1):
            with (
                archive.open(archive.entry(f"{number:02d}-{sheet.slug}.csv"), "w", force_zip64=True) as raw,
                io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
            ):
                writer = csv.writer(text)
                writer.writerow([spreadsheet_safe(label) for label in sheet.header])
                rows = iter(sheet.rows())
                written = 0
                while batch := list(itertools.islice(rows, PROGRESS_EVERY)):
                    writer.writerows(csv_rows(batch))
                    written += len(batch)
                    if len(batch) == PROGRESS_EVERY:
                        progress(sheet, written)
                progress(sheet, written)
