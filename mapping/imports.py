"""Reading and checking initiative spreadsheets (CSV or XLSX) for the admin's import; writes are in services.

`check_sheet()` turns a file into one `CheckedRow` per data row, each with the unsaved initiative it describes (a
new one, or the existing one with the same `external_id`, changed) and every error found in it. Nothing here writes
to the database: the preview shows the result, and `services.initiative_import_confirm()` writes it.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from django_countries import countries
from modeltranslation.utils import build_localized_fieldname
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from partners.models import Organisation

from .models import Initiative
from .sheets import SHEET_COLUMNS, TRANSLATED_COLUMNS

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TITLE = build_localized_fieldname("title", settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
REQUIRED_COLUMNS = ("external_id", DEFAULT_TITLE)
COORDINATE_PLACES = Decimal("0.00001")
_LIST_SPLIT = re.compile(r"[,;]")

EXAMPLE_ROW = {
    "external_id": "kisc-2025-001",
    "title_lv": "Sarunu klubs latviešu valodā",
    "title_en": "Latvian conversation club",
    "title_uk": "Розмовний клуб латиською",
    "title_ru": "Разговорный клуб на латышском",
    "description_lv": "Katru sestdienu sarunājamies latviski par ikdienas tēmām.",
    "description_en": "Every Saturday we talk in Latvian about everyday topics.",
    "description_uk": "Щосуботи розмовляємо латиською на щоденні теми.",
    "description_ru": "Каждую субботу говорим на латышском на повседневные темы.",
    "category": "language",
    "languages": "lv, uk",
    "target_groups": "adults, families",
    "host": "",
    "street_address": "Brīvības iela 33",
    "postal_code": "LV-5001",
    "city": "Ogre",
    "country": "LV",
    "latitude": "56.81620",
    "longitude": "24.61401",
    "website": "https://www.example.org/sarunu-klubs",
    "active_since": "2025-03-01",
    "active_until": "",
    "contact_name": "Anna Bērziņa",
    "contact_email": "anna@example.org",
    "contact_phone": "+371 65000000",
}


class SheetError(ValueError):
    """The file as a whole cannot be read as an initiative sheet; the message says why, for the coordinator."""


@dataclass
class CheckedRow:
    number: int
    external_id: str
    title: str
    initiative: Initiative | None
    errors: list[str] = field(default_factory=list)

    @property
    def action(self):
        return "update" if self.initiative is not None and self.initiative.pk else "create"

    def summary(self):
        """What the preview stores and shows (JSON)."""
        return {
            "number": self.number,
            "external_id": self.external_id,
            "title": self.title,
            "action": self.action,
            "errors": self.errors,
        }


@dataclass
class CheckedSheet:
    rows: list[CheckedRow]
    columns: list[str]
    ignored_columns: list[str]

    @property
    def error_count(self):
        return sum(1 for row in self.rows if row.errors)


# --- Reading ------------------------------------------------------------------------------------------------------


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) > 180:
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return str(value).strip()


def _read_xlsx(file):
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SheetError(gettext("The file is not a readable XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _read_csv(file):
    raw = file.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(gettext("The CSV file is not in UTF-8. Save it again as “CSV UTF-8” and upload it.")) from None
    if "\x00" in text:
        # No text holds NUL characters (the database refuses them): the file is something else named .csv.
        raise SheetError(
            gettext("The file holds NUL characters, so it is not a text table. Save it again as “CSV UTF-8”.")
        )
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for values in csv.reader(io.StringIO(text, newline=""), dialect):
        yield [value.strip() for value in values]


def read_sheet(file, name):
    """The header (lower-cased names) and the data rows as `(row number, {column: text})`, blank rows skipped."""
    if file.size is not None and file.size > MAX_BYTES:
        raise SheetError(gettext("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // (1024 * 1024)})
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        lines = _read_xlsx(file)
    elif suffix in (".csv", ".txt"):
        lines = _read_csv(file)
    else:
        raise SheetError(gettext("Upload a CSV or an XLSX file."))
    header = None
    rows = []
    for number, values in enumerate(lines, start=1):
        if not any(values):
            continue
        if header is None:
            header = [value.strip().lower() for value in values]
            continue
        if len(rows) >= MAX_ROWS:
            raise SheetError(gettext("The sheet has more than %(count)d rows; split it.") % {"count": MAX_ROWS})
        rows.append((number, dict(zip(header, values, strict=False))))
    if header is None:
        raise SheetError(gettext("The sheet is empty."))
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise SheetError(
            gettext("The first row must name the columns; missing: %(missing)s. Download the template sheet.")
            % {"missing": ", ".join(missing)}
        )
    if not rows:
        raise SheetError(gettext("The sheet has a header but no rows."))
    return header, rows


# --- Checking -----------------------------------------------------------------------------------------------------


def _choice_lookup(choices):
    """Codes and their labels in every interface language, lower-cased, to the code."""
    lookup = {}
    for code, _label in choices:
        lookup[str(code).lower()] = code
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in choices:
                lookup[str(label).lower()] = code
    return lookup


class _Lookups:
    def __init__(self):
        self.category = _choice_lookup(Initiative.Category.choices)
        self.language = _choice_lookup(settings.DELIVERY_LANGUAGES)
        self.target_group = _choice_lookup(Initiative.TargetGroup.choices)
        self.hosts = {}
        for host in Organisation.objects.all():
            for value in (
                host.slug,
                *(getattr(host, build_localized_fieldname("name", code), "") for code, _n in settings.LANGUAGES),
                *(getattr(host, build_localized_fieldname("short_name", code), "") for code, _n in settings.LANGUAGES),
            ):
                if value:
                    self.hosts.setdefault(value.lower(), host)


def _parse_list(raw, lookup, unknown_message):
    codes, errors = [], []
    for part in _LIST_SPLIT.split(raw):
        part = part.strip()
        if not part:
            continue
        code = lookup.get(part.lower())
        if code is None:
            errors.append(unknown_message % {"value": part})
        elif code not in codes:
            codes.append(code)
    return codes, errors


def _parse_coordinate(raw, limit, message):
    try:
        value = Decimal(raw.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None, message
    if not value.is_finite() or abs(value) > limit:
        return None, message
    return value.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP), None


def _parse_date(raw, column):
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(raw, pattern).date(), None
        except ValueError:
            continue
    return None, gettext("%(column)s: “%(value)s” is not a date (use YYYY-MM-DD).") % {"column": column, "value": raw}


def _check_row(values, columns, initiative, lookups):
    """Apply one row's cells to `initiative`; return the errors found."""
    errors = []
    for column in TRANSLATED_COLUMNS:
        if column in columns:
            setattr(initiative, column, values.get(column, ""))
    if not values.get(DEFAULT_TITLE):
        errors.append(gettext("The Latvian title (%(column)s) is missing.") % {"column": DEFAULT_TITLE})

    if "category" in columns:
        raw = values.get("category", "")
        if not raw:
            initiative.category = Initiative.Category.OTHER
        elif raw.lower() in lookups.category:
            initiative.category = lookups.category[raw.lower()]
        else:
            errors.append(
                gettext("Unknown category “%(value)s”; use one of: %(codes)s.")
                % {"value": raw, "codes": ", ".join(Initiative.Category.values)}
            )
    if "languages" in columns:
        initiative.languages, found = _parse_list(
            values.get("languages", ""), lookups.language, gettext("Unknown language “%(value)s”.")
        )
        errors += found
    if "target_groups" in columns:
        initiative.target_groups, found = _parse_list(
            values.get("target_groups", ""), lookups.target_group, gettext("Unknown target group “%(value)s”.")
        )
        errors += found
    if "host" in columns:
        raw = values.get("host", "")
        initiative.host = lookups.hosts.get(raw.lower()) if raw else None
        if raw and initiative.host is None:
            errors.append(gettext("Unknown host organisation “%(value)s”.") % {"value": raw})
    if "country" in columns:
        raw = values.get("country", "") or "LV"
        code = raw.upper() if raw.upper() in countries else countries.by_name(raw)
        if code:
            initiative.country = code
        else:
            errors.append(gettext("Unknown country “%(value)s”.") % {"value": raw})

    if "latitude" in columns or "longitude" in columns:
        latitude_raw, longitude_raw = values.get("latitude", ""), values.get("longitude", "")
        initiative.latitude = initiative.longitude = None
        if latitude_raw or longitude_raw:
            if not (latitude_raw and longitude_raw):
                errors.append(gettext("Bad coordinates: give both latitude and longitude, or neither."))
            else:
                latitude, latitude_error = _parse_coordinate(
                    latitude_raw,
                    90,
                    gettext("Bad coordinates: latitude “%(value)s” is not a number between -90 and 90.")
                    % {"value": latitude_raw},
                )
                longitude, longitude_error = _parse_coordinate(
                    longitude_raw,
                    180,
                    gettext("Bad coordinates: longitude “%(value)s” is not a number between -180 and 180.")
                    % {"value": longitude_raw},
                )
                errors += [error for error in (latitude_error, longitude_error) if error]
                if not (latitude_error or longitude_error):
                    initiative.latitude, initiative.longitude = latitude, longitude

    for column in ("active_since", "active_until"):
        if column in columns:
            raw = values.get(column, "")
            value, error = _parse_date(raw, column) if raw else (None, None)
            setattr(initiative, column, value)
            if error:
                errors.append(error)
    for column in ("street_address", "postal_code", "city", "website", *SHEET_COLUMNS[-3:]):
        if column in columns:
            setattr(initiative, column, values.get(column, ""))

    if not errors:
        try:
            # Uniqueness is the import's own business (external ids are matched, slugs are made when writing);
            # the database enforces the check constraints again.
            initiative.full_clean(exclude=["slug", "external_id"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = name if name != "__all__" else ""
                errors += [f"{label}: {message}" if label else message for message in messages]
    return errors


def check_sheet(file, name):
    """Every data row of the sheet checked; raises SheetError when the file as a whole is unusable."""
    header, rows = read_sheet(file, name)
    columns = [column for column in header if column in SHEET_COLUMNS]
    ignored = [column for column in header if column and column not in SHEET_COLUMNS]
    lookups = _Lookups()
    external_ids = [values.get("external_id", "") for _number, values in rows]
    existing = Initiative.objects.in_bulk([value for value in external_ids if value], field_name="external_id")
    first_seen = {}
    checked = []
    for number, values in rows:
        external_id = values.get("external_id", "")
        errors = []
        if not external_id:
            errors.append(gettext("The external id is missing: it lets a later import update this row."))
        elif len(external_id) > Initiative._meta.get_field("external_id").max_length:
            errors.append(gettext("The external id is longer than 64 characters."))
        elif external_id in first_seen:
            errors.append(
                gettext("Duplicate: the external id “%(value)s” is also in row %(row)d.")
                % {"value": external_id, "row": first_seen[external_id].number}
            )
            first_seen[external_id].errors.append(
                gettext("Duplicate: the external id “%(value)s” is also in row %(row)d.")
                % {"value": external_id, "row": number}
            )
        initiative = existing.get(external_id) or Initiative(
            external_id=external_id or None, source=Initiative.Source.IMPORT
        )
        errors += _check_row(values, columns, initiative, lookups)
        row = CheckedRow(number, external_id, values.get(DEFAULT_TITLE, ""), initiative, errors)
        first_seen.setdefault(external_id, row)
        checked.append(row)
    return CheckedSheet(checked, columns, ignored)


# --- Template -----------------------------------------------------------------------------------------------------


def template_csv():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SHEET_COLUMNS)
    writer.writerow([EXAMPLE_ROW[column] for column in SHEET_COLUMNS])
    return "\ufeff" + buffer.getvalue()


def template_xlsx():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "initiatives"
    sheet.append(list(SHEET_COLUMNS))
    sheet.append([EXAMPLE_ROW[column] for column in SHEET_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    codes = workbook.create_sheet("codes")
    codes.append(["column", "code", "meaning"])
    for cell in codes[1]:
        cell.font = Font(bold=True)
    for column, choices in (
        ("category", Initiative.Category.choices),
        ("languages", settings.DELIVERY_LANGUAGES),
        ("target_groups", Initiative.TargetGroup.choices),
    ):
        for code, label in choices:
            codes.append([column, code, str(label)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
