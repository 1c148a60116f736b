"""Initiatives as spreadsheet rows: the CSV export of the public list, and the columns the import reads.

Export and import share one set of columns, so an exported sheet (with contact columns, as staff get it) can be
edited and imported again: rows are matched by `external_id`.

Each accessibility and practical fact has a column of its own, written `yes` when it holds and left empty
otherwise: an unticked fact means "not stated", never "no", and the public list must not claim more than that.
"""

import csv
from collections.abc import Iterable, Iterator

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from groundwork.spreadsheets import spreadsheet_safe
from partners.models import ACCESS_FACT_FIELDS

from .models import Initiative

LIST_SEPARATOR = ", "
# What a fact that holds is written as; the import reads it (and its translations) back.
FACT_HOLDS = "yes"

TRANSLATED_COLUMNS = tuple(
    build_localized_fieldname(field, code)
    for field in ("title", "description")
    for code in settings.MODELTRANSLATION_LANGUAGES
)
FACT_COLUMNS = tuple(ACCESS_FACT_FIELDS.values())
PUBLIC_COLUMNS = (
    "external_id",
    *TRANSLATED_COLUMNS,
    "category",
    "languages",
    "target_groups",
    "host",
    "street_address",
    "postal_code",
    "city",
    "country",
    "latitude",
    "longitude",
    "website",
    "active_since",
    "active_until",
    *FACT_COLUMNS,
)
CONTACT_COLUMNS = ("contact_name", "contact_email", "contact_phone")
SHEET_COLUMNS = (*PUBLIC_COLUMNS, *CONTACT_COLUMNS)
# Written for the export's readers and passed over by the import.
EXPORT_ONLY_COLUMNS = ("url",)


def initiative_row(initiative: Initiative, columns: Iterable[str]) -> list:
    """One initiative's cells; text is escaped, numbers (coordinates) are written as they are."""
    cells = []
    for column in columns:
        if column in ("latitude", "longitude"):
            value = getattr(initiative, column)
            cells.append("" if value is None else str(value))
        elif column in ("languages", "target_groups"):
            cells.append(spreadsheet_safe(LIST_SEPARATOR.join(getattr(initiative, column))))
        elif column == "host":
            cells.append(spreadsheet_safe(initiative.host.slug if initiative.host else ""))
        elif column in ("active_since", "active_until"):
            value = getattr(initiative, column)
            cells.append(value.isoformat() if value else "")
        elif column in FACT_COLUMNS:
            cells.append(FACT_HOLDS if getattr(initiative, column) else "")
        elif column == "url":
            cells.append(settings.SITE_URL + initiative.get_absolute_url())
        else:
            cells.append(spreadsheet_safe(getattr(initiative, column) or ""))
    return cells


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def csv_lines(initiatives: Iterable[Initiative], *, with_contacts: bool) -> Iterator[str]:
    """The CSV export line by line: a byte order mark (spreadsheet programs then read UTF-8), a header, rows."""
    columns = (*EXPORT_ONLY_COLUMNS, *PUBLIC_COLUMNS, *(CONTACT_COLUMNS if with_contacts else ()))
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns)
    for initiative in initiatives:
        yield writer.writerow(initiative_row(initiative, columns))
