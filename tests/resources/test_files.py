import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from resources.models import ResourceFile
from resources.services import resource_file_create
from tests.factories import ResourceFactory
from tests.resources.helpers import docx_bytes, epub_bytes, odt_bytes, pdf_bytes, upload, zip_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("guide.pdf", pdf_bytes(), "pdf"),
        ("guide.docx", docx_bytes(), "docx"),
        ("guide.odt", odt_bytes(), "odt"),
        ("guide.epub", epub_bytes(), "epub"),
        # The content decides, not the name.
        ("guide.docx", pdf_bytes(), "pdf"),
    ],
)
def test_accepted_files_are_recognised_by_content_and_stored_under_a_random_name(name, data, expected):
    resource_file = resource_file_create(resource=ResourceFactory(), language="uk", file=upload(name, data))

    assert resource_file.format == expected
    assert resource_file.size == len(data)
    stored = resource_file.file.name
    assert stored.startswith("resources/") and "guide" not in stored


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("guide.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("guide.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),
        ("guide.docx", b"PK\x03\x04 not really a zip"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ],
)
def test_files_that_are_not_documents_are_refused_whatever_their_name(name, data):
    with pytest.raises(ValidationError) as error:
        resource_file_create(resource=ResourceFactory(), language="lv", file=upload(name, data))

    assert "not one of the accepted types (PDF, DOCX, ODT, EPUB)" in str(error.value)
    assert not ResourceFile.objects.exists()


def test_a_zip_that_only_looks_like_a_word_document_is_refused():
    fake_docx = zip_bytes([("[Content_Types].xml", "<Types/>"), ("word/evil.html", "<script>alert(1)</script>")])

    with pytest.raises(ValidationError):
        resource_file_create(resource=ResourceFactory(), language="lv", file=upload("x.docx", fake_docx))


@override_settings(RESOURCE_FILE_MAX_BYTES=1024)
def test_oversize_files_are_refused_with_the_limit_in_the_message():
    big = pdf_bytes() + b"0" * 2048

    with translation.override("en"), pytest.raises(ValidationError) as error:
        resource_file_create(resource=ResourceFactory(), language="lv", file=upload("big.pdf", big))

    assert error.value.messages == ["The file is 2.1\xa0KB; the largest file accepted is 1.0\xa0KB."]


@override_settings(RESOURCE_FILE_TYPES=["pdf"])
def test_accepted_types_come_from_the_settings():
    with pytest.raises(ValidationError) as error:
        resource_file_create(resource=ResourceFactory(), language="lv", file=upload("g.epub", epub_bytes()))

    assert "(PDF)" in str(error.value)


def test_download_is_an_attachment_with_nosniff_and_counts_without_personal_data(client):
    resource = ResourceFactory(slug="celvedis")
    resource_file = resource_file_create(resource=resource, language="uk", file=upload("Anna Bērziņa.pdf", pdf_bytes()))
    url = reverse("resources:file_download", kwargs={"pk": resource_file.pk})

    response = client.get(url)
    client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="celvedis-uk.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    resource_file.refresh_from_db()
    assert resource_file.download_count == 2
    assert {f.name for f in ResourceFile._meta.get_fields()} >= {"download_count"}
    assert not {"ip", "ip_address", "user", "user_agent"} & {f.name for f in ResourceFile._meta.get_fields()}


def test_head_requests_do_not_count(client):
    resource_file = resource_file_create(resource=ResourceFactory(), language="lv", file=upload("g.pdf", pdf_bytes()))

    response = client.head(reverse("resources:file_download", kwargs={"pk": resource_file.pk}))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    resource_file.refresh_from_db()
    assert resource_file.download_count == 0


def test_files_of_drafts_and_unknown_files_are_404(client):
    draft = ResourceFactory(published_on=None)
    resource_file = resource_file_create(resource=draft, language="lv", file=upload("g.pdf", pdf_bytes()))

    assert client.get(reverse("resources:file_download", kwargs={"pk": resource_file.pk})).status_code == 404
    assert client.get(reverse("resources:file_download", kwargs={"pk": 999999})).status_code == 404
    resource_file.refresh_from_db()
    assert resource_file.download_count == 0
