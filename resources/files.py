"""Uploaded guide files: recognised by their content, never by their name alone."""

import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

DEFAULT_FILE_TYPES = ("pdf", "docx", "odt", "epub")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# filetype looks at the head of a file; a ZIP-based document names itself within the first few entries.
HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileFormat:
    code: str
    mime: str


FORMATS = {
    "pdf": FileFormat("pdf", "application/pdf"),
    "docx": FileFormat("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "odt": FileFormat("odt", "application/vnd.oasis.opendocument.text"),
    "epub": FileFormat("epub", "application/epub+zip"),
}


def allowed_formats():
    codes = [code.strip().lower() for code in getattr(settings, "RESOURCE_FILE_TYPES", DEFAULT_FILE_TYPES)]
    unknown = sorted(set(codes) - set(FORMATS))
    if unknown:
        raise ImproperlyConfigured(
            f"RESOURCE_FILE_TYPES: unknown file type(s) {', '.join(unknown)}; known: {', '.join(FORMATS)}."
        )
    return [FORMATS[code] for code in codes]


def max_bytes():
    return int(getattr(settings, "RESOURCE_FILE_MAX_BYTES", DEFAULT_MAX_BYTES))


def detect_format(uploaded):
    """The FileFormat of an uploaded file judged by its bytes, or None when it is none of the known formats."""
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    uploaded.seek(0)
    guess = filetype.guess(head)
    if guess is None:
        return None
    if guess.extension == "pdf":
        return FORMATS["pdf"]
    if guess.extension in {"docx", "odt", "epub", "zip"}:
        code = _zipped_document_code(uploaded)
        uploaded.seek(0)
        return FORMATS.get(code)
    return None


def _zipped_document_code(uploaded):
    """DOCX, ODT and EPUB are ZIP containers: trust the container's own declaration, not the magic bytes alone."""
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared == FORMATS["odt"].mime and "content.xml" in names:
                    return "odt"
                if declared == FORMATS["epub"].mime and "META-INF/container.xml" in names:
                    return "epub"
                return None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                content_types = archive.read("[Content_Types].xml")
                if b"wordprocessingml.document.main+xml" in content_types:
                    return "docx"
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


def validate_upload(uploaded):
    """Return the FileFormat of an acceptable upload; raise ValidationError saying what is wrong otherwise."""
    limit = max_bytes()
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest file accepted is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
        )
    allowed = allowed_formats()
    detected = detect_format(uploaded)
    if detected is None or detected not in allowed:
        raise ValidationError(
            _("This file is not one of the accepted types (%(types)s), whatever its name says."),
            code="file_type",
            params={"types": ", ".join(fmt.code.upper() for fmt in allowed)},
        )
    return detected
