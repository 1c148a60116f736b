"""Uploads: every file field of every model takes only the formats it names, judged by content (groundwork.uploads)."""

import io
import zipfile

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from PIL import Image

from groundwork.uploads import UploadValidator
from partners.models import Agreement
from tests.factories import AgreementFactory, OrganisationFactory

SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def image_bytes(pillow_format):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format=pillow_format)
    return buffer.getvalue()


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX = zip_bytes(
    [
        ("[Content_Types].xml", '<Types><Override ContentType="wordprocessingml.document.main+xml"/></Types>'),
        ("word/document.xml", "<w:document/>"),
    ]
)
ODT = zip_bytes([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office:document/>")])
XLSX = zip_bytes(
    [
        ("[Content_Types].xml", '<Types><Override ContentType="spreadsheetml.sheet.main+xml"/></Types>'),
        ("xl/workbook.xml", "<workbook/>"),
    ]
)
CSV = "external_id;title_lv\nx-1;Sarunu klubs ēū\n".encode()
CSV_ZIP = zip_bytes([("indicators.csv", "a,b\n1,2\n"), ("events.csv", "a,b\n")])


def upload(name, data):
    return SimpleUploadedFile(name, data)


def file_fields():
    """(label, field) of every FileField and ImageField of every installed model, historical copies aside."""
    return sorted(
        (
            (f"{model._meta.label}.{field.name}", field)
            for model in apps.get_models()
            for field in model._meta.get_fields()
            if isinstance(field, models.FileField)
        ),
        key=lambda item: item[0],
    )


def upload_validators(field):
    return [validator for validator in field.validators if isinstance(validator, UploadValidator)]


def test_every_file_field_of_every_model_checks_its_uploads_by_content():
    fields = file_fields()
    unchecked = [label for label, field in fields if len(upload_validators(field)) != 1]

    assert len(fields) >= 6
    assert unchecked == [], "give these fields validators=[groundwork.uploads.UploadValidator(...)]"


@pytest.mark.parametrize(("label", "field"), file_fields(), ids=[label for label, _field in file_fields()])
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.svg", SVG_WITH_SCRIPT),
        ("logo.png", SVG_WITH_SCRIPT),
        ("agreement.pdf", HTML_PAGE),
        ("agreement.html", HTML_PAGE),
        ("photo.gif", image_bytes("GIF")),
        ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),
        ("empty.csv", b""),
        ("nul.csv", b"a,b\n\x00,1\n"),
    ],
)
def test_no_file_field_takes_markup_images_it_does_not_name_or_programs(label, field, name, data):
    (validator,) = upload_validators(field)

    with pytest.raises(ValidationError) as error:
        validator(upload(name, data))

    assert error.value.code == "file_type"


@pytest.mark.parametrize(
    ("label", "accepted", "refused"),
    [
        ("partners.Organisation.logo", ["PNG", "JPEG", "WEBP"], [PDF, CSV]),
        ("activities.Event.image", ["PNG", "JPEG", "WEBP"], [PDF, DOCX]),
        ("partners.Agreement.document", [PDF, DOCX, ODT], [image_bytes("PNG"), XLSX, CSV]),
        ("resources.ResourceFile.file", [PDF, DOCX, ODT], [image_bytes("JPEG"), CSV]),
        ("mapping.InitiativeImport.file", [CSV, XLSX], [PDF, DOCX, image_bytes("PNG")]),
        ("portal.Report.file", [XLSX, CSV_ZIP], [PDF, CSV, zip_bytes([("run.exe", "MZ")])]),
    ],
)
def test_each_file_field_takes_the_formats_it_names(label, accepted, refused):
    (validator,) = upload_validators(dict(file_fields())[label])

    for data in accepted:
        validator(upload("file", image_bytes(data) if isinstance(data, str) else data))
    for data in refused:
        with pytest.raises(ValidationError):
            validator(upload("file", data))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data"), [("plan.svg", SVG_WITH_SCRIPT), ("plan.html", HTML_PAGE)])
def test_an_agreement_document_that_is_a_page_is_refused_in_the_admin_and_never_linked(admin_client, name, data):
    agreement = AgreementFactory(parties=[OrganisationFactory(), OrganisationFactory()])
    form = {
        "kind": agreement.kind,
        "slug": agreement.slug,
        "title_lv": agreement.title,
        "parties": [party.pk for party in agreement.parties.all()],
        "signed_on": "2025-02-14",
    }

    refused = admin_client.post(
        reverse("admin:partners_agreement_change", args=[agreement.pk]), {**form, "document": upload(name, data)}
    )
    accepted = admin_client.post(
        reverse("admin:partners_agreement_change", args=[agreement.pk]), {**form, "document": upload("a.pdf", PDF)}
    )

    assert refused.status_code == 200
    assert "not one of the accepted types (PDF, DOCX, ODT)" in str(refused.context["adminform"].form.errors["document"])
    assert accepted.status_code == 302
    assert Agreement.objects.get().document.read() == PDF


@pytest.mark.django_db
def test_an_organisation_logo_that_is_an_svg_is_refused_in_the_admin(admin_client):
    organisation = OrganisationFactory()
    form = {"kind": organisation.kind, "name_lv": organisation.name, "slug": organisation.slug, "country": "LV"}

    response = admin_client.post(
        reverse("admin:partners_organisation_change", args=[organisation.pk]),
        {**form, "logo": upload("logo.png", SVG_WITH_SCRIPT)},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"]
    organisation.refresh_from_db()
    assert not organisation.logo


@pytest.mark.django_db
def test_uploads_the_portal_serves_itself_are_downloads_never_pages(client):
    agreement = AgreementFactory(parties=[OrganisationFactory(), OrganisationFactory()])
    agreement.document.save("agreement.pdf", SimpleUploadedFile("agreement.pdf", PDF))

    response = client.get(agreement.document.url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_a_served_upload_name_longer_than_the_file_system_takes_is_not_found(client):
    response = client.get(f"/media/{'1' * 500}")

    assert response.status_code == 404
