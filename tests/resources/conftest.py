import datetime
import io
import zipfile

import factory
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from resources.models import ActionItem, Strategy
from resources.services import resource_index
from tests.factories import ContentFactory, OrganisationFactory, ResourceFactory

TODAY = datetime.date(2025, 10, 6)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2025, 10, 6, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield TODAY


@pytest.fixture
def make_resource(db):
    """Build a resource with the factory and index it for search, as the admin and demo loader do."""

    def make(**kwargs):
        # The factory's plain `title`, `summary` and `body` fill the active language's columns: make that Latvian.
        with translation.override("lv"):
            resource = ResourceFactory(**kwargs)
        resource_index(resource=resource)
        return resource

    return make


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


class StrategyFactory(ContentFactory):
    class Meta:
        model = Strategy

    title = factory.Sequence(lambda n: f"Integrācijas stratēģija {n}")
    slug = factory.Sequence(lambda n: f"strategija-{n}")
    library = factory.SubFactory(OrganisationFactory)
    municipality = "Ogres novads"
    status = Strategy.Status.ADOPTED
    adopted_on = datetime.date(2025, 6, 1)


class ActionItemFactory(ContentFactory):
    class Meta:
        model = ActionItem

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Darbība {n}")
    status = ActionItem.Status.PLANNED
    due_on = datetime.date(2025, 12, 1)
