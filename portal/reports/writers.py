"""One writer for a report's sheets, with progress, into an XLSX workbook or a ZIP of CSV files.

Both stream: the CSV files are compressed as they are written, and openpyxl's write-only workbook keeps one row
in memory. The same data and the same `moment` give the same bytes: ZIP entries carry `moment` as their time,
never the clock, and so do the workbook's properties. Text cells are escaped (`groundwork.spreadsheets`): a
spreadsheet program must never run them.
"""

import contextlib
import csv
import datetime
import io
import itertools
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

from groundwork.spreadsheets import escape_formula, spreadsheet_safe

from .sheets import Sheet

# Excel's limit is 1,048,576 rows; the header takes one on every sheet.
MAX_SHEET_ROWS = 1_048_575
# Rows between two progress reports.
PROGRESS_EVERY = 5000
# Characters Excel refuses in sheet names, and their length limit.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31
# Where a workbook keeps its document properties, whose modification time openpyxl sets to the clock on saving.
CORE_PROPERTIES = "docProps/core.xml"

Progress = Callable[[Sheet, int], None]


def zip_entry(name: str, moment: datetime.datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def csv_cell(value):
    """Text escaped, times to the minute, dates in ISO format, numbers as they are (None is written empty).

    Called for every cell: the common types are told apart by their exact type first.
    """
    kind = type(value)
    if kind is str:
        return escape_formula(value)
    if kind is int or value is None:
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ", "minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return escape_formula(value) if isinstance(value, str) else value


def xlsx_cell(value):
    """Text escaped; numbers, dates and times stay what they are, for the spreadsheet to sort and add up."""
    return escape_formula(value) if isinstance(value, str) else value


class CsvArchive:
    """Each sheet as a UTF-8 CSV file (with a byte-order mark, so spreadsheet programs detect the encoding) in one
    ZIP archive, numbered in order: `01-summary.csv`, …"""

    def __init__(self, target, moment):
        self.archive = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.moment = moment
        self.file = None
        self.number = 0

    def start(self, sheet: Sheet):
        self._close_file()
        self.number += 1
        raw = self.archive.open(zip_entry(f"{self.number:02d}-{sheet.slug}.csv", self.moment), "w", force_zip64=True)
        self.file = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.file)
        self.writer.writerow([spreadsheet_safe(label) for label in sheet.header()])

    def write(self, rows: Sequence[Sequence]):
        self.writer.writerows([csv_cell(value) for value in row] for row in rows)

    def _close_file(self):
        if self.file is not None:
            self.file.close()
            self.file = None

    def close(self):
        self._close_file()
        self.archive.close()


def sheet_names(title: str):
    """'Events', 'Events (2)', … cut to what Excel accepts."""
    base = SHEET_NAME_FORBIDDEN.sub(" ", title).strip() or "Sheet"
    yield base[:SHEET_NAME_LENGTH]
    for number in itertools.count(2):
        suffix = f" ({number})"
        yield base[: SHEET_NAME_LENGTH - len(suffix)] + suffix


class XlsxWorkbook:
    """The sheets in one workbook (openpyxl's write-only mode); a sheet longer than `MAX_SHEET_ROWS` continues on a
    new sheet, 'Events (2)'.

    openpyxl stamps the ZIP entries and the document's modification time with the clock when it saves, so the
    workbook is saved to a temporary file and copied entry by entry into `target` with `moment` in their place.
    """

    def __init__(self, target, moment):
        self.target = target
        self.moment = moment
        self.workbook = Workbook(write_only=True)
        properties = self.workbook.properties
        properties.created = properties.modified = moment
        properties.creator = "LIBRI"
        properties.title = gettext("LIBRI progress report")
        self.bold = Font(bold=True)

    def start(self, sheet: Sheet):
        self.sheet = sheet
        self.names = sheet_names(sheet.title)
        self.header = [spreadsheet_safe(label) for label in sheet.header()]
        self._new_worksheet()

    def _new_worksheet(self):
        worksheet = self.workbook.create_sheet(next(self.names))
        for index, width in enumerate(self.sheet.column_widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = "A2"
        cells = []
        for label in self.header:
            cell = WriteOnlyCell(worksheet, value=label)
            cell.font = self.bold
            cells.append(cell)
        worksheet.append(cells)
        self.worksheet = worksheet
        self.room = MAX_SHEET_ROWS

    def write(self, rows: Sequence[Sequence]):
        for row in rows:
            if not self.room:
                self._new_worksheet()
            self.worksheet.append([xlsx_cell(value) for value in row])
            self.room -= 1

    def close(self):
        with tempfile.TemporaryFile() as saved:
            # Saving also removes the temporary files openpyxl writes each worksheet to, so it happens even after
            # a failure (the caller then discards `target`).
            self.workbook.save(saved)
            self.workbook.properties.modified = self.moment
            saved.seek(0)
            with zipfile.ZipFile(saved) as source, zipfile.ZipFile(self.target, "w", allowZip64=True) as archive:
                for item in source.infolist():
                    entry = zip_entry(item.filename, self.moment)
                    if item.filename == CORE_PROPERTIES:
                        archive.writestr(entry, tostring(self.workbook.properties.to_tree()))
                        continue
                    with source.open(item) as part, archive.open(entry, "w", force_zip64=True) as copy:
                        shutil.copyfileobj(part, copy, 1024 * 1024)


FORMATS = {"xlsx": XlsxWorkbook, "csv_zip": CsvArchive}


def write_sheets(sheets: Sequence[Sheet], target, *, format: str, moment: datetime.datetime, progress: Progress):
    """Write the sheets in order to `target` (a binary file) as `format` ("xlsx" or "csv_zip"), calling
    `progress(sheet, rows written)` every `PROGRESS_EVERY` rows and at the end of each sheet."""
    book = FORMATS[format](target, moment.replace(tzinfo=None, microsecond=0))
    try:
        for sheet in sheets:
            book.start(sheet)
            rows = iter(sheet.rows())
            written = 0
            while batch := list(itertools.islice(rows, PROGRESS_EVERY)):
                book.write(batch)
                written += len(batch)
                if len(batch) == PROGRESS_EVERY:
                    progress(sheet, written)
            progress(sheet, written)
    except BaseException:
        # Only to release the book's temporary files: the error that stopped the writing is the one to report.
        with contextlib.suppress(Exception):
            book.close()
        raise
    book.close()
