"""Uploaded files, recognised by their content, never by their name: the one validator of every file field.

Every `FileField` and `ImageField` of every model carries an `UploadValidator` naming the formats it takes::

    document = models.FileField(upload_to=..., validators=[UploadValidator(*DOCUMENTS)])
    logo = models.ImageField(upload_to=..., validators=[UploadValidator(*IMAGES)])

The formats form an allow-list of what the portal serves safely: documents (PDF, DOCX, ODT, EPUB), raster images
(PNG, JPEG, WebP), spreadsheets for imports (CSV, XLSX) and the report archives it writes itself (XLSX, a ZIP of CSV
files). Nothing a browser would run as a page (HTML, SVG, XML) is among them, whatever the file is called. A ZIP
based format is recognised by the declaration inside the container, an image by Pillow reading it, CSV by being
UTF-8 text without NUL characters or markup.

The validator checks a new upload (model validation, so admin forms show the message next to the field, and the
services' `full_clean()`); a file already stored was checked when it came. It also takes an `UploadedFile`, for
forms without a model.
"""

import io
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# filetype looks at the head of a file; a ZIP-based document names itself within the first few entries.
HEAD_BYTES = 8192
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileFormat:
    code: str
    mime: str
    label: str


FORMATS = {
    fmt.code: fmt
    for fmt in (
        FileFormat("pdf", "application/pdf", "PDF"),
        FileFormat("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
        FileFormat("odt", "application/vnd.oasis.opendocument.text", "ODT"),
        FileFormat("epub", "application/epub+zip", "EPUB"),
        FileFormat("png", "image/png", "PNG"),
        FileFormat("jpeg", "image/jpeg", "JPEG"),
        FileFormat("webp", "image/webp", "WebP"),
        FileFormat("csv", "text/csv", "CSV"),
        FileFormat("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
        FileFormat("csv_zip", "application/zip", "ZIP (CSV)"),
    )
}
DOCUMENTS = ("pdf", "docx", "odt")
IMAGES = ("png", "jpeg", "webp")
SPREADSHEETS = ("csv", "xlsx")
_PILLOW_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}


def _read_all(uploaded) -> bytes:
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    return data


def _zip_format(data: bytes):
    """DOCX, XLSX, ODT and EPUB are ZIP containers: trust the container's own declaration, not magic bytes alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared == FORMATS["odt"].mime and "content.xml" in names:
                    return "odt"
                if declared == FORMATS["epub"].mime and "META-INF/container.xml" in names:
                    return "epub"
                return None
            if "[Content_Types].xml" in names:
                content_types = archive.read("[Content_Types].xml")
                if "word/document.xml" in names and b"wordprocessingml.document.main+xml" in content_types:
                    return "docx"
                if "xl/workbook.xml" in names and b"spreadsheetml.sheet.main+xml" in content_types:
                    return "xlsx"
                return None
            if names and all(name.lower().endswith(".csv") and "/" not in name for name in names):
                return "csv_zip"
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError):
        return None
    return None


def _image_format(data: bytes):
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return _PILLOW_FORMATS.get(image.format)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def _is_csv(data: bytes) -> bool:
    """UTF-8 text (a byte order mark allowed) without NUL characters, not starting like markup."""
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return bool(text.strip()) and not text.lstrip().startswith("<")


def detect_format(uploaded):
    """The `FileFormat` of a file judged by its bytes, or None when it is none of the known formats."""
    data = _read_all(uploaded)
    guess = filetype.guess(data[:HEAD_BYTES])
    code = None
    if guess is None:
        code = "csv" if _is_csv(data) else None
    elif guess.extension == "pdf":
        code = "pdf"
    elif guess.extension in {"docx", "xlsx", "odt", "epub", "zip"}:
        code = _zip_format(data)
    elif guess.extension in {"png", "jpg", "webp"}:
        code = _image_format(data)
    return FORMATS.get(code)


@deconstructible
class UploadValidator:
    """Accept an upload only when its content is one of `formats` and it is no larger than the limit.

    `formats_setting` names a setting that narrows the formats (a list of codes, each one of `formats`), e.g.
    `RESOURCE_FILE_TYPES`; `max_bytes_setting` names the setting holding the size limit, else `max_bytes` holds it.
    Settings are read at each check, so a deployment changes them without a migration.
    """

    def __init__(self, *formats, formats_setting=None, max_bytes=DEFAULT_MAX_BYTES, max_bytes_setting=None):
        unknown = sorted(set(formats) - set(FORMATS))
        if not formats or unknown:
            raise ValueError(f"UploadValidator needs formats among {', '.join(FORMATS)}; unknown: {unknown}")
        self.formats = tuple(formats)
        self.formats_setting = formats_setting
        self.max_bytes = max_bytes
        self.max_bytes_setting = max_bytes_setting

    def allowed_formats(self):
        if self.formats_setting is None:
            return [FORMATS[code] for code in self.formats]
        codes = [code.strip().lower() for code in getattr(settings, self.formats_setting)]
        unknown = sorted(set(codes) - set(self.formats))
        if unknown:
            raise ImproperlyConfigured(
                f"{self.formats_setting}: unknown file type(s) {', '.join(unknown)}; known: {', '.join(self.formats)}."
            )
        return [FORMATS[code] for code in codes]

    def limit(self):
        if self.max_bytes_setting is not None:
            return int(getattr(settings, self.max_bytes_setting))
        return self.max_bytes

    def check(self, uploaded):
        """The `FileFormat` of an acceptable upload; ValidationError saying what is wrong otherwise."""
        limit = self.limit()
        if uploaded.size > limit:
            raise ValidationError(
                _("The file is %(size)s; the largest file accepted is %(limit)s."),
                code="file_too_large",
                params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            )
        allowed = self.allowed_formats()
        detected = detect_format(uploaded)
        if detected not in allowed:
            raise ValidationError(
                _("This file is not one of the accepted types (%(types)s), whatever its name says."),
                code="file_type",
                params={"types": ", ".join(fmt.label for fmt in allowed)},
            )
        return detected

    def __call__(self, value):
        if isinstance(value, FieldFile):
            if not value or getattr(value, "_committed", True):
                # Stored already, and checked when it was uploaded.
                return
            value = value.file
        self.check(value)

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and (
            self.formats,
            self.formats_setting,
            self.max_bytes,
            self.max_bytes_setting,
        ) == (other.formats, other.formats_setting, other.max_bytes, other.max_bytes_setting)

    def __hash__(self):
        return hash((self.formats, self.formats_setting, self.max_bytes, self.max_bytes_setting))
