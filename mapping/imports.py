"""Reading and checking initiative spreadsheets (CSV or XLSX) for the admin's import; writes are in services.

`check_sheet()` turns a file into one `CheckedRow` per data row, each with the unsaved initiative it describes (a
new one, or the existing one with the same `external_id`, changed) and every error found in it. Nothing here writes
to the database: the preview shows the result, and `services.initiative_import_confirm()` writes it.
"""

import csv
import datetime
import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.utils import build_localized_fieldname, get_translation_fields
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from groundwork.fields import CoordinateField
from groundwork.folding import fold
from partners.models import ACCESS_FACT_FIELDS, AccessFact, Organisation

from .models import Initiative
from .sheets import EXPORT_ONLY_COLUMNS, FACT_COLUMNS, FACT_HOLDS, SHEET_COLUMNS, TRANSLATED_COLUMNS

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TITLE = build_localized_fieldname("title", settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
REQUIRED_COLUMNS = ("external_id", DEFAULT_TITLE)
_LIST_SPLIT = re.compile(r"[,;]")
_SEPARATORS = re.compile(r"[\s_-]+")

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
    "step_free_access": "yes",
    "hearing_loop": "",
    "childcare": "",
    "interpretation_available": "",
    "online_participation": "",
    "free_of_charge": "yes",
    "contact_name": "Anna Bērziņa",
    "contact_email": "anna@example.org",
    "contact_phone": "+371 65000000",
}


class SheetError(ValueError):
    """The file as a whole cannot be read as an initiative sheet; the messages say why, for the coordinator."""

    def __init__(self, *messages):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


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


def column_key(name):
    """A header cell as the import compares it with the columns it knows: case, the spaces around it and the
    separators inside it ("External ID", "title-lv ") do not matter, since no two columns differ by them alone."""
    return _SEPARATORS.sub("_", name.strip().casefold()).strip("_")


# What a header cell may name, by its key: every column the import reads, and those the export adds for readers
# only, which the import passes over (`url`: the page's address follows from the slug).
KNOWN_COLUMNS = {column_key(column): column for column in (*SHEET_COLUMNS, *EXPORT_ONLY_COLUMNS)}


def _header_problems(cells, columns, unnamed):
    """What stops a sheet before any row is checked: columns not known, named twice or unnamed with values in
    them, and columns that must be there. Every message names what it found where; see `read_sheet`."""
    problems = []
    unknown = [
        (index, cell.strip())
        for index, (cell, column) in enumerate(zip(cells, columns, strict=True))
        if cell.strip() and column is None
    ]
    if unknown:
        names = []
        for index, cell in unknown:
            params = {"name": cell, "letter": get_column_letter(index + 1)}
            closest = difflib.get_close_matches(column_key(cell), SHEET_COLUMNS, n=1)
            if closest:
                params["suggestion"] = closest[0]
                names.append(gettext("“%(name)s” (column %(letter)s; did you mean “%(suggestion)s”?)") % params)
            else:
                names.append(gettext("“%(name)s” (column %(letter)s)") % params)
        problems.append(
            ngettext(
                "The first row names a column the import does not know: %(columns)s.",
                "The first row names columns the import does not know: %(columns)s.",
                len(unknown),
            )
            % {"columns": "; ".join(names)}
        )
    positions = {}
    for index, column in enumerate(columns):
        if column is not None:
            positions.setdefault(column, []).append(get_column_letter(index + 1))
    duplicated = [(column, letters) for column, letters in positions.items() if len(letters) > 1]
    if duplicated:
        names = [
            gettext("“%(name)s” (columns %(letters)s)") % {"name": column, "letters": ", ".join(letters)}
            for column, letters in duplicated
        ]
        problems.append(
            ngettext(
                "The first row names a column more than once: %(columns)s.",
                "The first row names columns more than once: %(columns)s.",
                len(duplicated),
            )
            % {"columns": "; ".join(names)}
        )
    if unnamed:
        letters = [get_column_letter(index + 1) for index in sorted(unnamed)]
        problems.append(
            ngettext(
                "Column %(letters)s has values but no name in the first row.",
                "Columns %(letters)s have values but no name in the first row.",
                len(letters),
            )
            % {"letters": ", ".join(letters)}
        )
    if problems:
        problems += [
            gettext("The import reads these columns: %(columns)s.") % {"columns": ", ".join(SHEET_COLUMNS)},
            gettext("Nothing has been imported: correct the first row and upload the sheet again."),
        ]
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        problems.insert(
            0,
            gettext("The first row must name the columns; missing: %(missing)s. Download the template sheet.")
            % {"missing": ", ".join(missing)},
        )
    return problems


def read_sheet(file, name):
    """The columns the header names and the data rows as `(row number, {column: text})`, blank rows skipped.

    A header cell names a column of the sheet in any case, with spaces around it or other separators inside
    (`column_key`). One that names no column the import knows, a column named twice, or values in a column
    without a name raise SheetError before any row is checked: such a column would otherwise be passed over, and
    the coordinator left to believe its values were imported.
    """
    if file.size is not None and file.size > MAX_BYTES:
        raise SheetError(gettext("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // (1024 * 1024)})
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        lines = _read_xlsx(file)
    elif suffix in (".csv", ".txt"):
        lines = _read_csv(file)
    else:
        raise SheetError(gettext("Upload a CSV or an XLSX file."))
    cells = columns = None
    unnamed = set()
    rows = []
    for number, values in enumerate(lines, start=1):
        if not any(values):
            continue
        if cells is None:
            cells = values
            columns = [KNOWN_COLUMNS.get(column_key(cell)) for cell in cells]
            continue
        if len(rows) >= MAX_ROWS:
            raise SheetError(gettext("The sheet has more than %(count)d rows; split it.") % {"count": MAX_ROWS})
        unnamed.update(
            index for index, value in enumerate(values) if value and (index >= len(cells) or not cells[index].strip())
        )
        rows.append(
            (number, {column: value for column, value in zip(columns, values, strict=False) if column is not None})
        )
    if cells is None:
        raise SheetError(gettext("The sheet is empty."))
    problems = _header_problems(cells, columns, unnamed)
    if problems:
        raise SheetError(*problems)
    if not rows:
        raise SheetError(gettext("The sheet has a header but no rows."))
    return [column for column in columns if column is not None], rows


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


def _yes_no_lookup():
    """Yes and no in every interface language, folded (`JĀ`, `ja` and `jā` alike), to True and False; with the
    TRUE and FALSE of a spreadsheet's ticked or unticked box, and 1 and 0."""
    lookup = {"true": True, "1": True, "false": False, "0": False}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lookup[fold(pgettext("spreadsheet cell", "yes"))] = True
            lookup[fold(pgettext("spreadsheet cell", "no"))] = False
    lookup.update({FACT_HOLDS: True, "no": False})
    return lookup


class _Lookups:
    """What a cell may name, made once per sheet: codes and labels of the choices, hosts by slug or any name."""

    def __init__(self):
        self.yes_no = _yes_no_lookup()
        self.category = _choice_lookup(Initiative.Category.choices)
        self.language = _choice_lookup(settings.DELIVERY_LANGUAGES)
        self.target_group = _choice_lookup(Initiative.TargetGroup.choices)
        self.hosts = {}
        for host in Organisation.objects.all():
            for value in (host.slug, *(getattr(host, name) for name in get_translation_fields("name", "short_name"))):
                if value:
                    self.hosts.setdefault(value.lower(), host)


# Errors of the sheet's own fields name their value and say what to write instead; the preview shows them as they
# are. Other errors (the model's validation: "Enter a valid email address.") are shown after their column's name.
EXPLAINED = "explained"


def _explained(message, **params):
    return ValidationError(message % params if params else message, code=EXPLAINED)


class CodeField(forms.Field):
    """One code of fixed choices, written as the code or its label in any interface language."""

    def __init__(self, *, unknown, empty_value="", **kwargs):
        self.lookup, self.unknown, self.empty_value = {}, unknown, empty_value
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return self.empty_value
        code = self.lookup.get(value.lower())
        if code is None:
            raise _explained(self.unknown(), value=value)
        return code


class CodeListField(CodeField):
    """Codes of fixed choices separated by commas or semicolons, each as in `CodeField`."""

    def to_python(self, value):
        codes, errors = [], []
        for part in _LIST_SPLIT.split(value or ""):
            try:
                code = super().to_python(part)
            except ValidationError as error:
                errors.append(error)
                continue
            if code and code not in codes:
                codes.append(code)
        if errors:
            raise ValidationError(errors)
        return codes


class HostField(CodeField):
    """The host organisation by its slug or any of its names."""

    def __init__(self, **kwargs):
        super().__init__(unknown=lambda: gettext("Unknown host organisation “%(value)s”."), empty_value=None, **kwargs)


class CountryCodeField(forms.Field):
    """A country by its ISO code or its English name; empty is Latvia."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = (value or "").strip() or "LV"
        code = value.upper() if value.upper() in countries else countries.by_name(value)
        if not code:
            raise _explained(gettext("Unknown country “%(value)s”."), value=value)
        return code


class AccessFactField(forms.Field):
    """An accessibility or practical fact: yes (in any interface language) when it holds; empty, or no, when it is
    not stated, which is what an unticked fact means."""

    def __init__(self, *, lookup, **kwargs):
        self.lookup = lookup
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return False
        holds = self.lookup.get(fold(value))
        if holds is None:
            # Not explained: shown after the column's name, since six columns take the same values.
            raise ValidationError(
                gettext("“%(value)s” is not yes or no: write yes when it holds, or leave the cell empty.")
                % {"value": value},
                code="invalid",
            )
        return holds


class SheetDateField(forms.DateField):
    input_formats = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                gettext("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": value}, code="invalid"
            ) from None


# The columns a row sets, every one of them: a column the sheet leaves out keeps the initiative's value.
ROW_COLUMNS = tuple(column for column in SHEET_COLUMNS if column != "external_id")


class InitiativeRowForm(forms.ModelForm):
    """One row of a sheet applied to its initiative, checked by the model's fields and validation; the sheet's
    own fields read codes, labels, names, decimal commas and local date formats."""

    category = CodeField(
        unknown=lambda: (
            gettext("Unknown category “%(value)s”; use one of: %(codes)s.")
            % {"value": "%(value)s", "codes": ", ".join(Initiative.Category.values)}
        ),
        empty_value=Initiative.Category.OTHER,
    )
    languages = CodeListField(unknown=lambda: gettext("Unknown language “%(value)s”."))
    target_groups = CodeListField(unknown=lambda: gettext("Unknown target group “%(value)s”."))
    host = HostField()
    country = CountryCodeField()
    latitude = CoordinateField(
        "latitude",
        message=_("Bad coordinates: latitude “%(value)s” is not a number between -90 and 90."),
        code=EXPLAINED,
        rounded=True,
        required=False,
    )
    longitude = CoordinateField(
        "longitude",
        message=_("Bad coordinates: longitude “%(value)s” is not a number between -180 and 180."),
        code=EXPLAINED,
        rounded=True,
        required=False,
    )
    active_since = SheetDateField()
    active_until = SheetDateField()
    website = forms.URLField(required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Initiative
        fields = ROW_COLUMNS

    def __init__(self, *args, lookups: _Lookups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].lookup = lookups.category
        self.fields["languages"].lookup = lookups.language
        self.fields["target_groups"].lookup = lookups.target_group
        self.fields["host"].lookup = lookups.hosts
        for column in FACT_COLUMNS:
            # Each fact reads yes or no: the model's checkbox field would take any text, "no" too, as ticked.
            self.fields[column] = AccessFactField(lookup=lookups.yes_no)
        for column in TRANSLATED_COLUMNS:
            # Stored as "" when empty, as the admin and every other import stores them (the columns allow NULL).
            self.fields[column].empty_value = ""

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get(DEFAULT_TITLE):
            self.add_error(
                DEFAULT_TITLE, _explained(gettext("The Latvian title (%(column)s) is missing."), column=DEFAULT_TITLE)
            )
        return cleaned_data

    def validate_unique(self):
        """Not here: external ids are matched and slugs made by the import itself, and the database checks the
        constraints again when the rows are written (their messages would repeat the model's own)."""

    def row_errors(self) -> list[str]:
        return [
            message if name == NON_FIELD_ERRORS or error.code == EXPLAINED else f"{name}: {message}"
            for name, errors in self.errors.as_data().items()
            for error in errors
            for message in error.messages
        ]


def _current_cell(initiative, column):
    """The cell that would give the initiative's current value, for a column the sheet leaves out."""
    if column == "host":
        return initiative.host.slug if initiative.host else ""
    value = getattr(initiative, column)
    if isinstance(value, bool):
        return FACT_HOLDS if value else ""
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _check_row(values, columns, initiative, lookups):
    """Apply one row's cells to `initiative`; return the errors found.

    A column the sheet leaves out is given the initiative's current value, so that every field (and the model's
    validation across fields) sees the row as it will be saved.
    """
    data = {
        column: values.get(column, "") if column in columns else _current_cell(initiative, column)
        for column in ROW_COLUMNS
    }
    form = InitiativeRowForm(data, instance=initiative, lookups=lookups)
    return [] if form.is_valid() else form.row_errors()


def check_sheet(file, name):
    """Every data row of the sheet checked; raises SheetError when the file as a whole is unusable."""
    header, rows = read_sheet(file, name)
    columns = [column for column in header if column in SHEET_COLUMNS]
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
    return CheckedSheet(checked, columns)


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
    for fact, column in ACCESS_FACT_FIELDS.items():
        codes.append([column, FACT_HOLDS, str(AccessFact(fact).label)])
        codes.append([column, "", gettext("not stated (leave the cell empty, or write no)")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
