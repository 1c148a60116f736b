"""Shared helpers of the guide library tests: files of each accepted kind, and the resource admin's form data."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes():
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            # The OpenDocument and EPUB `mimetype` entry must come first and be stored uncompressed.
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def docx_bytes():
    return zip_bytes(
        [
            (
                "[Content_Types].xml",
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Override PartName="/word/document.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
            ),
            ("_rels/.rels", '<?xml version="1.0"?><Relationships/>'),
            ("word/document.xml", '<?xml version="1.0"?><w:document/>'),
        ]
    )


def odt_bytes():
    return zip_bytes(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", '<?xml version="1.0"?><office:document-content/>'),
            ("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>'),
        ]
    )


def epub_bytes():
    return zip_bytes(
        [
            ("mimetype", "application/epub+zip"),
            ("META-INF/container.xml", '<?xml version="1.0"?><container/>'),
            ("content.opf", '<?xml version="1.0"?><package/>'),
        ]
    )


def upload(name, data, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def form_data(**overrides):
    data = {
        "kind": "guide",
        "title_lv": "Ceļvedis bibliotekāriem",
        "title_en": "A guide for librarians",
        "title_uk": "Посібник для бібліотекарів",
        "title_ru": "",
        "slug": "celvedis-bibliotekariem",
        "summary_lv": "Kā uzņemt jaunpienācējus.",
        "summary_en": "",
        "summary_uk": "",
        "summary_ru": "",
        "body_lv": '<p onmouseover="x()">Sveiki!<script>alert(1)</script></p>',
        "body_en": "",
        "body_uk": "",
        "body_ru": "",
        "external_url": "",
        "topics": ["intercultural", "services"],
        "audience": ["librarians"],
        "published_on": "2025-10-01",
        "files-TOTAL_FORMS": "0",
        "files-INITIAL_FORMS": "0",
        "files-MIN_NUM_FORMS": "0",
        "files-MAX_NUM_FORMS": "1000",
        "good_practice-TOTAL_FORMS": "0",
        "good_practice-INITIAL_FORMS": "0",
        "good_practice-MIN_NUM_FORMS": "0",
        "good_practice-MAX_NUM_FORMS": "1",
    }
    data.update(overrides)
    return data


def with_files(data, *files):
    data["files-TOTAL_FORMS"] = str(len(files))
    for index, (language, uploaded) in enumerate(files):
        data[f"files-{index}-language"] = language
        data[f"files-{index}-title"] = ""
        data[f"files-{index}-file"] = uploaded
    return data
