import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from mapping.imports import EXAMPLE_ROW
from mapping.models import Initiative, InitiativeImport, InitiativeQuerySet
from mapping.sheets import SHEET_COLUMNS
from partners.models import StaffMembership
from partners.roles import sync_user_groups
from tests.factories import InitiativeFactory, OrganisationFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db

upload_url = reverse("admin:mapping_initiative_import")
HEADER = ["external_id", "title_lv", "title_en", "category", "languages", "target_groups", "host", "city",
          "latitude", "longitude", "contact_email"]  # fmt: skip


def preview_url(sheet_import):
    return reverse("admin:mapping_initiative_import_preview", kwargs={"pk": sheet_import.pk})


def csv_file(rows, header=HEADER, name="survey.csv", delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, header=HEADER, name="survey.xlsx"):
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


GOOD_ROWS = [
    ["kisc-1", "Sarunu klubs", "Conversation club", "language", "lv, uk", "adults", "ogres-biblioteka", "Ogre",
     "56.81620", "24.61401", "klubs@example.org"],
    ["kisc-2", "Juridiskā palīdzība", "", "Counselling and legal aid", "Russian; en", "", "", "Rīga", "56,9496",
     "24,1052", ""],
    ["kisc-3", "Info punkts", "", "", "", "", "", "Valmiera", "", "", ""],
]  # fmt: skip


@pytest.fixture
def ogre_library():
    return OrganisationFactory(slug="ogres-biblioteka", name="Ogres Centrālā bibliotēka")


@pytest.fixture
def coordinator_client(client):
    membership = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR)
    sync_user_groups(membership.user)
    client.force_login(membership.user)
    return client


@pytest.fixture
def librarian_client():
    client = Client()
    membership = StaffMembershipFactory(role=StaffMembership.Role.LIBRARIAN)
    sync_user_groups(membership.user)
    client.force_login(membership.user)
    return client


def upload(client, file, publish=True):
    data = {"file": file}
    if publish:
        data["publish"] = "on"
    return client.post(upload_url, data)


def test_a_clean_sheet_is_previewed_without_writing_anything(coordinator_client, ogre_library):
    response = upload(coordinator_client, csv_file(GOOD_ROWS))

    sheet_import = InitiativeImport.objects.get()
    assert response.url == preview_url(sheet_import)
    assert not Initiative.objects.exists()
    preview = coordinator_client.get(response.url)
    content = preview.content.decode()
    assert [row["number"] for row in preview.context["rows"]] == [2, 3, 4]
    assert [row["action"] for row in preview.context["rows"]] == ["create"] * 3
    assert "Import all rows" in content
    assert "Sarunu klubs" in content


def test_the_preview_lists_every_row_with_its_errors_and_offers_no_import(coordinator_client, ogre_library):
    rows = [
        GOOD_ROWS[0],
        ["kisc-2", "", "", "language", "lv", "", "", "Rīga", "", "", ""],
        ["kisc-3", "Klubs", "", "knitting", "lv", "", "", "Rīga", "", "", ""],
        ["kisc-4", "Klubs", "", "language", "lv, klingon", "aliens", "no-such-library", "Rīga", "", "", ""],
        ["kisc-5", "Klubs", "", "language", "lv", "", "", "Rīga", "95", "24", ""],
        ["kisc-6", "Klubs", "", "language", "lv", "", "", "Rīga", "56.9", "", ""],
        ["kisc-7", "Klubs", "", "language", "lv", "", "", "Rīga", "north", "east", ""],
        ["kisc-1", "Vēlreiz", "", "language", "lv", "", "", "Rīga", "", "", ""],
        ["", "Bez id", "", "language", "lv", "", "", "Rīga", "", "", "not-an-email"],
    ]

    response = coordinator_client.get(upload(coordinator_client, csv_file(rows)).url)

    errors = {row["number"]: " ".join(row["errors"]) for row in response.context["rows"]}
    assert "Duplicate" in errors[2] and "row 9" in errors[2]
    assert "Latvian title" in errors[3]
    assert "Unknown category “knitting”" in errors[4]
    assert "Unknown language “klingon”" in errors[5]
    assert "Unknown target group “aliens”" in errors[5]
    assert "Unknown host organisation “no-such-library”" in errors[5]
    assert "Bad coordinates" in errors[6]
    assert "Give both latitude and longitude, or neither." in errors[7]
    assert "Bad coordinates" in errors[8]
    assert "Duplicate" in errors[9] and "row 2" in errors[9]
    assert "external id is missing" in errors[10]
    assert len(response.context["rows"]) == len(rows)
    assert "Import all rows" not in response.content.decode()
    assert coordinator_client.post(response.wsgi_request.path).status_code == 302
    assert not Initiative.objects.exists()


def test_model_validation_errors_appear_in_the_preview(coordinator_client):
    rows = [["kisc-1", "Klubs", "", "language", "lv", "", "", "Rīga", "", "", "not-an-email"]]

    response = coordinator_client.get(upload(coordinator_client, csv_file(rows)).url)

    assert "contact_email" in " ".join(response.context["rows"][0]["errors"])


def test_confirming_imports_every_row_with_its_values(coordinator_client, ogre_library):
    sheet_import_url = upload(coordinator_client, csv_file(GOOD_ROWS)).url

    response = coordinator_client.post(sheet_import_url)

    assert response.status_code == 302
    club, aid, desk = (Initiative.objects.get(external_id=f"kisc-{number}") for number in (1, 2, 3))
    assert club.status == Initiative.Status.PUBLISHED
    assert club.source == Initiative.Source.IMPORT
    assert (club.title_lv, club.title_en) == ("Sarunu klubs", "Conversation club")
    assert club.languages == ["lv", "uk"]
    assert club.host == ogre_library
    assert (club.latitude, club.longitude) == (Decimal("56.81620"), Decimal("24.61401"))
    assert club.slug == "sarunu-klubs"
    assert club.contact_email == "klubs@example.org"
    assert aid.category == Initiative.Category.COUNSELLING
    assert aid.languages == ["ru", "en"]
    assert (aid.latitude, aid.longitude) == (Decimal("56.94960"), Decimal("24.10520"))
    assert desk.category == Initiative.Category.OTHER
    assert desk.latitude is None
    sheet_import = InitiativeImport.objects.get()
    assert (sheet_import.status, sheet_import.created_count, sheet_import.updated_count) == ("imported", 3, 0)


def test_new_initiatives_can_wait_for_review(coordinator_client, ogre_library):
    coordinator_client.post(upload(coordinator_client, csv_file(GOOD_ROWS), publish=False).url)

    assert set(Initiative.objects.values_list("status", flat=True)) == {Initiative.Status.PENDING}


def test_reimporting_the_same_sheet_updates_by_external_id_and_creates_no_duplicates(coordinator_client, ogre_library):
    coordinator_client.post(upload(coordinator_client, csv_file(GOOD_ROWS)).url)
    first = {initiative.external_id: initiative for initiative in Initiative.objects.all()}
    Initiative.objects.filter(external_id="kisc-3").update(status=Initiative.Status.ARCHIVED)
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][7] = "Ogre (centrs)"

    response = coordinator_client.get(upload(coordinator_client, csv_file(changed)).url)
    assert [row["action"] for row in response.context["rows"]] == ["update"] * 3
    coordinator_client.post(response.wsgi_request.path)

    assert Initiative.objects.count() == 3
    club = Initiative.objects.get(external_id="kisc-1")
    assert club.pk == first["kisc-1"].pk
    assert club.slug == first["kisc-1"].slug
    assert club.city == "Ogre (centrs)"
    assert club.updated_at > first["kisc-1"].updated_at
    # An existing initiative keeps the status coordinators gave it.
    assert Initiative.objects.get(external_id="kisc-3").status == Initiative.Status.ARCHIVED
    latest = InitiativeImport.objects.first()
    assert (latest.created_count, latest.updated_count) == (0, 3)


def test_rows_that_went_wrong_since_the_preview_stop_the_whole_import(coordinator_client, ogre_library):
    sheet_import_url = upload(coordinator_client, csv_file(GOOD_ROWS)).url
    # The first row's host is deleted between the preview and the confirmation.
    ogre_library.delete()

    response = coordinator_client.post(sheet_import_url, follow=True)

    assert not Initiative.objects.exists()
    assert "nothing was imported" in response.content.decode()
    assert InitiativeImport.objects.get().status == InitiativeImport.Status.PREVIEWED
    assert InitiativeImport.objects.get().error_count == 1


def test_a_failure_while_writing_leaves_nothing_behind(coordinator_client, ogre_library, monkeypatch):
    InitiativeFactory(slug="existing", external_id="kisc-2")
    sheet_import_url = upload(coordinator_client, csv_file(GOOD_ROWS)).url

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    # New rows are written first, then existing ones are updated: fail in between.
    monkeypatch.setattr(InitiativeQuerySet, "bulk_update", fail)
    with pytest.raises(DatabaseError):
        coordinator_client.post(sheet_import_url)

    assert list(Initiative.objects.values_list("external_id", flat=True)) == ["kisc-2"]
    assert InitiativeImport.objects.get().status == InitiativeImport.Status.PREVIEWED


def test_an_import_cannot_be_confirmed_twice(coordinator_client, ogre_library):
    sheet_import_url = upload(coordinator_client, csv_file(GOOD_ROWS)).url
    coordinator_client.post(sheet_import_url)

    response = coordinator_client.post(sheet_import_url, follow=True)

    assert "already been imported" in response.content.decode()
    assert Initiative.objects.count() == 3


def test_xlsx_and_semicolon_csv_are_read_like_csv(coordinator_client, ogre_library):
    xlsx_rows = [[56.8162 if cell == "56.81620" else cell for cell in row] for row in GOOD_ROWS]
    coordinator_client.post(upload(coordinator_client, xlsx_file(xlsx_rows)).url)
    coordinator_client.post(upload(coordinator_client, csv_file(GOOD_ROWS, delimiter=";")).url)

    assert Initiative.objects.count() == 3
    assert Initiative.objects.get(external_id="kisc-1").latitude == Decimal("56.81620")


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("survey.pdf", b"%PDF-1.4"), "Upload a CSV or an XLSX file"),
        (SimpleUploadedFile("survey.xlsx", b"not a zip"), "not a readable XLSX"),
        (SimpleUploadedFile("survey.csv", "title;x\n".encode("utf-16")), "UTF-8"),
        (SimpleUploadedFile("survey.csv", b"name,city\nKlubs,Ogre\n"), "missing: external_id, title_lv"),
        (SimpleUploadedFile("survey.csv", b"external_id,title_lv\n"), "no rows"),
    ],
)
def test_an_unreadable_file_is_explained_on_the_upload_form(coordinator_client, file, message):
    response = upload(coordinator_client, file)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not InitiativeImport.objects.exists()


def test_the_exported_csv_can_be_imported_again(coordinator_client, ogre_library):
    InitiativeFactory(external_id="kisc-9", title="Klubs", host=ogre_library, languages=["uk"], city="=Ogre")
    exported = b"".join(coordinator_client.get(reverse("mapping:csv")).streaming_content)

    response = coordinator_client.get(upload(coordinator_client, SimpleUploadedFile("export.csv", exported)).url)

    assert response.context["rows"][0]["errors"] == []
    assert response.context["rows"][0]["action"] == "update"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_sheet_has_the_expected_columns_and_an_example_row_that_imports(coordinator_client, kind):
    response = coordinator_client.get(reverse("admin:mapping_initiative_import_template", kwargs={"kind": kind}))

    assert response.status_code == 200
    assert f"libri-initiatives-template.{kind}" in response["Content-Disposition"]
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert tuple(rows[0]) == SHEET_COLUMNS
    assert rows[1][0] == EXAMPLE_ROW["external_id"]
    preview = coordinator_client.get(
        upload(coordinator_client, SimpleUploadedFile(f"template.{kind}", response.content)).url
    )
    assert preview.context["rows"][0]["errors"] == []


def test_the_changelist_links_to_the_import_for_coordinators_only(coordinator_client, librarian_client):
    changelist = reverse("admin:mapping_initiative_changelist")

    assert upload_url in coordinator_client.get(changelist).content.decode()
    assert upload_url not in librarian_client.get(changelist).content.decode()


def test_librarians_may_not_import(librarian_client):
    sheet_import = InitiativeImport.objects.create(file_name="x.csv", rows=[])

    assert librarian_client.get(upload_url).status_code == 403
    assert upload(librarian_client, csv_file(GOOD_ROWS)).status_code == 403
    assert librarian_client.get(preview_url(sheet_import)).status_code == 403
    assert librarian_client.post(preview_url(sheet_import)).status_code == 403
    assert (
        librarian_client.get(reverse("admin:mapping_initiative_import_template", kwargs={"kind": "csv"})).status_code
        == 403
    )
    assert not Initiative.objects.exists()


def test_superusers_may_import(admin_client):
    assert admin_client.get(upload_url).status_code == 200


def test_an_import_renews_the_map_data(coordinator_client, client, ogre_library):
    before = client.get(reverse("mapping:geojson"))

    coordinator_client.post(upload(coordinator_client, csv_file(GOOD_ROWS)).url)
    after = client.get(reverse("mapping:geojson"), HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert len(after.json()["features"]) == 2


def test_an_import_reaches_the_map_data_within_the_public_cache_lifetime(
    coordinator_client, ogre_library, map_data, django_capture_on_commit_callbacks, public_cache_lifetime_passes
):
    first = map_data()
    assert json.loads(first.content)["features"] == []
    sheet_import_url = upload(coordinator_client, csv_file(GOOD_ROWS)).url

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(sheet_import_url)
    public_cache_lifetime_passes()
    again = map_data(first["ETag"])

    assert again.status_code == 200
    # Rows with a point are on the map; the third has none.
    on_the_map = {feature["id"] for feature in json.loads(again.content)["features"]}
    assert on_the_map == {"sarunu-klubs", "juridiska-palidziba"}


def test_dates_in_local_formats_are_read_and_other_text_is_refused_with_its_column(coordinator_client):
    header = ["external_id", "title_lv", "active_since", "active_until", "website"]
    rows = [
        ["kisc-1", "Klubs", "1.3.2025", "31/12/2025", "www.example.org/klubs"],
        ["kisc-2", "Klubs", "soon", "2025-01-01", ""],
        ["kisc-3", "Klubs", "2025-06-01", "2025-01-01", ""],
    ]

    response = coordinator_client.get(upload(coordinator_client, csv_file(rows, header=header)).url)

    first, second, third = (row["errors"] for row in response.context["rows"])
    assert first == []
    assert second == ["active_since: “soon” is not a date (use YYYY-MM-DD)."]
    # The model's own validation across fields, shown with its column.
    assert third == ["active_until: The end of the active period is before its start."]


@pytest.mark.parametrize("data", [b"external_id,title_lv\nkisc-1,Sarunu\x00klubs\n", b"\x00" * 64])
def test_a_csv_file_with_nul_characters_is_refused_with_a_message(coordinator_client, data):
    response = upload(coordinator_client, SimpleUploadedFile("survey.csv", data, content_type="text/csv"))

    assert response.status_code == 200
    assert "NUL" in str(response.context["form"].errors["file"])
    assert not InitiativeImport.objects.exists()


# --- Accessibility and practical facts ------------------------------------------------------------------------------

FACTS = ("step_free_access", "hearing_loop", "childcare", "interpretation_available", "online_participation",
         "free_of_charge")  # fmt: skip


def facts_of(initiative):
    return {fact for fact in FACTS if getattr(initiative, fact)}


@pytest.mark.parametrize(
    ("cell", "holds"),
    [
        ("yes", True),
        ("YES", True),
        (" yes ", True),
        ("JĀ", True),
        ("ja", True),
        ("так", True),
        ("Так", True),
        ("да", True),
        ("ДА", True),
        ("TRUE", True),
        ("1", True),
        ("", False),
        ("   ", False),
        ("no", False),
        ("Nē", False),
        ("ні", False),
        ("нет", False),
        ("false", False),
        ("0", False),
    ],
)
def test_fact_cells_read_yes_and_no_in_every_interface_language(coordinator_client, cell, holds):
    # The initiative starts with the opposite, so that every cell has to be read to give the expected fact.
    InitiativeFactory(external_id="kisc-1", hearing_loop=not holds)
    header = ["external_id", "title_lv", "hearing_loop"]

    coordinator_client.post(upload(coordinator_client, csv_file([["kisc-1", "Klubs", cell]], header=header)).url)

    assert facts_of(Initiative.objects.get()) == ({"hearing_loop"} if holds else set())


def test_fact_cells_that_are_not_yes_or_no_are_row_errors_named_with_their_column(coordinator_client):
    header = ["external_id", "title_lv", "step_free_access", "childcare", "free_of_charge"]
    rows = [
        ["kisc-1", "Klubs", "maybe", "yes", ""],
        ["kisc-2", "Klubs", "yes", "jā?", "x"],
        ["kisc-3", "Klubs", "yes", "no", "yes"],
    ]

    response = coordinator_client.get(upload(coordinator_client, csv_file(rows, header=header)).url)

    first, second, third = (row["errors"] for row in response.context["rows"])
    hint = "is not yes or no: write yes when it holds, or leave the cell empty."
    assert first == [f"step_free_access: “maybe” {hint}"]
    assert second == [f"childcare: “jā?” {hint}", f"free_of_charge: “x” {hint}"]
    assert third == []
    assert "Import all rows" not in response.content.decode()
    # Confirming anyway writes nothing, not even the rows without errors.
    coordinator_client.post(response.wsgi_request.path)
    assert not Initiative.objects.exists()


def test_fact_errors_are_given_in_the_coordinators_language(coordinator_client):
    header = ["external_id", "title_lv", "online_participation"]
    file = csv_file([["kisc-1", "Klubs", "varbūt"]], header=header)

    response = coordinator_client.post(upload_url, {"file": file, "publish": "on"}, headers={"Accept-Language": "lv"})

    assert response.status_code == 302
    [error] = InitiativeImport.objects.get().rows[0]["errors"]
    assert error.startswith("online_participation: “varbūt” nav ne “jā”, ne “nē”")
    assert "šūnu tukšu" in error


def test_xlsx_checkbox_values_and_numbers_are_read(coordinator_client):
    header = ["external_id", "title_lv", "step_free_access", "hearing_loop", "childcare"]
    rows = [["kisc-1", "Klubs", True, False, 1], ["kisc-2", "Klubs", None, 0, 2.5]]

    response = coordinator_client.get(upload(coordinator_client, xlsx_file(rows, header=header)).url)

    first, second = (row["errors"] for row in response.context["rows"])
    assert first == []
    assert second == ["childcare: “2.5” is not yes or no: write yes when it holds, or leave the cell empty."]


def test_a_sheet_without_fact_columns_keeps_the_facts_of_what_it_updates(coordinator_client, ogre_library):
    InitiativeFactory(external_id="kisc-1", hearing_loop=True, free_of_charge=True)

    coordinator_client.post(upload(coordinator_client, csv_file(GOOD_ROWS)).url)

    assert facts_of(Initiative.objects.get(external_id="kisc-1")) == {"hearing_loop", "free_of_charge"}
    assert facts_of(Initiative.objects.get(external_id="kisc-2")) == set()
    assert Initiative.objects.get(external_id="kisc-1").city == "Ogre"


def test_an_empty_fact_cell_unticks_the_fact_and_yes_ticks_it(coordinator_client):
    InitiativeFactory(external_id="kisc-1", hearing_loop=True, childcare=True)
    header = ["external_id", "title_lv", "hearing_loop", "step_free_access"]

    coordinator_client.post(upload(coordinator_client, csv_file([["kisc-1", "Klubs", "", "yes"]], header=header)).url)

    # Childcare is not a column of this sheet, so it stays ticked.
    assert facts_of(Initiative.objects.get()) == {"step_free_access", "childcare"}


def exported_sheet(client):
    return SimpleUploadedFile("export.csv", b"".join(client.get(reverse("mapping:csv")).streaming_content))


def test_exported_facts_are_imported_again_as_they_were(coordinator_client, ogre_library):
    expected = {
        "kisc-1": {"step_free_access", "free_of_charge"},
        "kisc-2": {"hearing_loop", "childcare", "interpretation_available", "online_participation"},
        "kisc-3": set(FACTS),
        "kisc-4": set(),
    }
    for external_id, facts in expected.items():
        InitiativeFactory(external_id=external_id, host=ogre_library, **dict.fromkeys(facts, True))
    exported = exported_sheet(coordinator_client)
    Initiative.objects.all().delete()

    coordinator_client.post(upload(coordinator_client, exported).url)

    assert {initiative.external_id: facts_of(initiative) for initiative in Initiative.objects.all()} == expected


def test_importing_an_exported_sheet_puts_back_facts_changed_since(coordinator_client, ogre_library):
    InitiativeFactory(external_id="kisc-1", host=ogre_library, step_free_access=True, free_of_charge=True)
    exported = exported_sheet(coordinator_client)
    Initiative.objects.update(step_free_access=False, free_of_charge=False, hearing_loop=True)

    response = coordinator_client.get(upload(coordinator_client, exported).url)
    assert response.context["rows"][0]["errors"] == []
    coordinator_client.post(response.wsgi_request.path)

    assert facts_of(Initiative.objects.get()) == {"step_free_access", "free_of_charge"}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_names_the_fact_columns_and_its_example_imports_its_facts(coordinator_client, kind):
    response = coordinator_client.get(reverse("admin:mapping_initiative_import_template", kwargs={"kind": kind}))
    if kind == "xlsx":
        codes = load_workbook(io.BytesIO(response.content))["codes"]
        listed = {(column, code or "") for column, code, _meaning in codes.iter_rows(min_row=2, values_only=True)}
        assert {(fact, "yes") for fact in FACTS} | {(fact, "") for fact in FACTS} <= listed

    coordinator_client.post(upload(coordinator_client, SimpleUploadedFile(f"template.{kind}", response.content)).url)

    assert facts_of(Initiative.objects.get()) == {"step_free_access", "free_of_charge"}


def test_the_upload_page_explains_the_fact_columns(coordinator_client):
    content = coordinator_client.get(upload_url).content.decode()

    assert (
        "step_free_access, hearing_loop, childcare, interpretation_available, online_participation, free_of_charge"
        in content
    )
    assert "leave the cell empty" in content


def test_an_uploaded_sheet_is_never_served_from_the_media_address(coordinator_client, media_root, ogre_library):
    upload(coordinator_client, csv_file(GOOD_ROWS))
    address = InitiativeImport.objects.get().file.url
    assert address.startswith("/media/initiative-imports/")

    assert coordinator_client.get(address).status_code == 404
    assert Client().get(address).status_code == 404
    assert Client().get(address.replace("/media/", "/media/resources/../")).status_code == 404


# --- The header -----------------------------------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def nothing_was_written(media_root):
    return (
        not InitiativeImport.objects.exists()
        and not Initiative.objects.exists()
        and not [path for path in media_root.rglob("*") if path.is_file()]
    )


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_headers_in_another_case_with_spaces_or_other_separators_are_read(coordinator_client, make_file):
    header = [" External ID", "TITLE_LV", "title-en ", "Latitude", "LONGITUDE", "city\xa0", "Step free access"]
    rows = [["kisc-1", "Sarunu klubs", "Conversation club", "56,9496", "24,1052", "Rīga", "yes"]]

    response = coordinator_client.get(upload(coordinator_client, make_file(rows, header=header)).url)
    assert response.context["rows"][0]["errors"] == []
    coordinator_client.post(response.wsgi_request.path)

    club = Initiative.objects.get(external_id="kisc-1")
    assert (club.title_lv, club.title_en, club.city) == ("Sarunu klubs", "Conversation club", "Rīga")
    assert (club.latitude, club.longitude) == (Decimal("56.94960"), Decimal("24.10520"))
    assert club.step_free_access


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_an_unknown_column_stops_the_upload_before_anything_is_written(coordinator_client, media_root, make_file):
    header = ["external_id", "title_lv", "lattitude", "longitude", "Notes"]
    rows = [["kisc-1", "Sarunu klubs", "56.81620", "24.61401", "every Saturday"]]

    response = upload(coordinator_client, make_file(rows, header=header))

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The first row names columns the import does not know: “lattitude” (column C; did you mean “latitude”?); "
        "“Notes” (column E).",
        f"The import reads these columns: {', '.join(SHEET_COLUMNS)}.",
        "Nothing has been imported: correct the first row and upload the sheet again.",
    ]
    assert nothing_was_written(media_root)


def test_a_column_named_twice_stops_the_upload_before_anything_is_written(coordinator_client, media_root):
    header = ["external_id", "title_lv", "Latitude", "longitude", " latitude"]
    rows = [["kisc-1", "Sarunu klubs", "56.81620", "24.61401", "56.9"]]

    response = upload(coordinator_client, csv_file(rows, header=header))

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors[0] == "The first row names a column more than once: “latitude” (columns C, E)."
    assert errors[1] == f"The import reads these columns: {', '.join(SHEET_COLUMNS)}."
    assert nothing_was_written(media_root)


def test_values_in_a_column_without_a_name_stop_the_upload(coordinator_client, media_root):
    header = ["external_id", "", "title_lv"]
    rows = [["kisc-1", "", "Sarunu klubs"], ["kisc-2", "56.9", "Klubs", "", "24.1"]]

    response = upload(coordinator_client, csv_file(rows, header=header))

    assert response.status_code == 200
    assert response.context["form"].errors["file"][0] == "Columns B, E have values but no name in the first row."
    assert nothing_was_written(media_root)


def test_empty_columns_without_a_name_are_passed_over(coordinator_client):
    header = ["external_id", "title_lv", "", ""]
    rows = [["kisc-1", "Sarunu klubs", "", ""]]

    response = coordinator_client.get(upload(coordinator_client, csv_file(rows, header=header)).url)

    assert response.context["rows"][0]["errors"] == []


def test_a_misspelled_required_column_is_named_with_the_column_it_resembles(coordinator_client, media_root):
    response = upload(coordinator_client, csv_file([["kisc-1", "Klubs"]], header=["externalid", "title_lv"]))

    errors = response.context["form"].errors["file"]
    assert errors[0] == "The first row must name the columns; missing: external_id. Download the template sheet."
    assert errors[1] == (
        "The first row names a column the import does not know: “externalid” (column A; did you mean “external_id”?)."
    )
    assert nothing_was_written(media_root)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("lv", "Pirmajā rindā ir kolonna, ko imports neatpazīst: “lattitude” (kolonna C; vai domājāt “latitude”?)."),
        (
            "uk",
            "У першому рядку є стовпець, якого імпорт не розпізнає: «lattitude» (стовпець C; можливо, ви мали на "
            "увазі «latitude»?).",
        ),
        (
            "ru",
            "В первой строке есть столбец, который импорт не распознаёт: «lattitude» (столбец C; возможно, вы имели в "
            "виду «latitude»?).",
        ),
    ],
)
def test_an_unknown_column_is_explained_in_the_coordinators_language(coordinator_client, language, expected):
    file = csv_file([["kisc-1", "Klubs", "56.8"]], header=["external_id", "title_lv", "lattitude"])

    response = coordinator_client.post(upload_url, {"file": file}, headers={"Accept-Language": language})

    assert response.status_code == 200
    assert response.context["form"].errors["file"][0] == expected
    assert not InitiativeImport.objects.exists()


def test_the_public_export_imports_again_with_its_address_column(coordinator_client, ogre_library):
    InitiativeFactory(external_id="kisc-9", title="Klubs", host=ogre_library, latitude=Decimal("56.81620"),
                      longitude=Decimal("24.61401"))  # fmt: skip
    exported = exported_sheet(Client())
    assert exported.read().decode("utf-8-sig").startswith("url,external_id,")
    exported.seek(0)

    response = coordinator_client.get(upload(coordinator_client, exported).url)

    assert response.context["rows"][0]["errors"] == []
    assert response.context["rows"][0]["action"] == "update"
