"""Guide library files as staff upload them (the resource admin's file inline) and as visitors download them."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from resources.models import ResourceFile
from tests.resources.helpers import (
    docx_bytes,
    epub_bytes,
    form_data,
    odt_bytes,
    pdf_bytes,
    upload,
    with_files,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


def add_guide(admin_client, name, data, *, language="lv", **fields):
    """Add a guide with one file through the admin, as staff do: the response."""
    with translation.override("en"):
        return admin_client.post(
            reverse("admin:resources_resource_add"), with_files(form_data(**fields), (language, upload(name, data)))
        )


def refusal(response):
    """The messages next to the refused file, and nothing saved."""
    assert response.status_code == 200
    assert not ResourceFile.objects.exists()
    (inline,) = [formset for formset in response.context["inline_admin_formsets"] if formset.formset.prefix == "files"]
    return " ".join(message for form in inline.formset.forms for message in form.errors.get("file", []))


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
def test_accepted_files_are_recognised_by_content_and_stored_under_a_random_name(admin_client, name, data, expected):
    response = add_guide(admin_client, name, data, language="uk")

    assert response.status_code == 302
    resource_file = ResourceFile.objects.get()
    assert resource_file.language == "uk"

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
def test_files_that_are_not_documents_are_refused_whatever_their_name(admin_client, name, data):
    response = add_guide(admin_client, name, data)

    assert "not one of the accepted types (PDF, DOCX, ODT, EPUB)" in refusal(response)


def test_a_zip_that_only_looks_like_a_word_document_is_refused(admin_client):
    fake_docx = zip_bytes([("[Content_Types].xml", "<Types/>"), ("word/evil.html", "<script>alert(1)</script>")])

    assert "not one of the accepted types" in refusal(add_guide(admin_client, "x.docx", fake_docx))


@override_settings(RESOURCE_FILE_MAX_BYTES=1024)
def test_oversize_files_are_refused_with_the_limit_in_the_message(admin_client):
    big = pdf_bytes() + b"0" * 2048

    assert refusal(add_guide(admin_client, "big.pdf", big)) == (
        "The file is 2.1\xa0KB; the largest file accepted is 1.0\xa0KB."
    )


@override_settings(RESOURCE_FILE_TYPES=["pdf"])
def test_accepted_types_come_from_the_settings(admin_client):
    assert "(PDF)" in refusal(add_guide(admin_client, "g.epub", epub_bytes()))


def test_download_is_an_attachment_with_nosniff_and_counts_without_personal_data(admin_client, client):
    add_guide(admin_client, "Anna Bērziņa.pdf", pdf_bytes(), language="uk", slug="celvedis")
    resource_file = ResourceFile.objects.get()
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


def test_head_requests_do_not_count(admin_client, client):
    add_guide(admin_client, "g.pdf", pdf_bytes())
    resource_file = ResourceFile.objects.get()

    response = client.head(reverse("resources:file_download", kwargs={"pk": resource_file.pk}))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    resource_file.refresh_from_db()
    assert resource_file.download_count == 0


def test_files_of_drafts_and_unknown_files_are_404(admin_client):
    add_guide(admin_client, "g.pdf", pdf_bytes(), published_on="")
    resource_file = ResourceFile.objects.get()
    visitor = Client()

    assert visitor.get(reverse("resources:file_download", kwargs={"pk": resource_file.pk})).status_code == 404
    assert visitor.get(reverse("resources:file_download", kwargs={"pk": 999999})).status_code == 404
    resource_file.refresh_from_db()
    assert resource_file.download_count == 0
