from decimal import Decimal

import pytest
from django.urls import reverse

from partners.models import Agreement, Organisation, StaffMembership
from tests.factories import AgreementFactory, OrganisationFactory, StaffMembershipFactory, UserFactory
from tests.partners.helpers import organisation_form

pytestmark = pytest.mark.django_db

LANGUAGES = ("lv", "en", "uk", "ru")


def agreement_form(parties, **overrides):
    data = {
        "kind": Agreement.Kind.MEMORANDUM,
        "slug": "nodomu-protokols-ogre",
        "parties": [party.pk for party in parties],
        "signed_on": "2025-02-14",
        "valid_until": "2027-02-14",
    }
    for code in LANGUAGES:
        data[f"title_{code}"] = f"Nodomu protokols ({code})"
        data[f"summary_{code}"] = f"Sadarbība ({code})."
    data.update(overrides)
    return data


def test_superuser_adds_an_organisation_in_every_language_with_a_point(admin_client):
    response = admin_client.post(reverse("admin:partners_organisation_add"), organisation_form())

    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="ogres-centrala-biblioteka")
    assert organisation.name_lv == "Ogres Centrālā bibliotēka"
    assert organisation.name_en == "Ogre Central Library"
    assert organisation.name_uk == "Центральна бібліотека Огре"
    assert organisation.short_name_ru == "Библиотека Огре"
    assert organisation.description_uk == "Міська бібліотека."
    assert (organisation.latitude, organisation.longitude) == (Decimal("56.81620"), Decimal("24.61401"))


@pytest.mark.parametrize(
    ("field", "value"),
    [("latitude", "95"), ("latitude", "-90.5"), ("longitude", "181"), ("latitude", "56.816201")],
)
def test_a_coordinate_out_of_range_or_too_precise_is_a_field_error(admin_client, field, value):
    response = admin_client.post(reverse("admin:partners_organisation_add"), organisation_form(**{field: value}))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Organisation.objects.exists()


def test_a_point_needs_both_coordinates(admin_client):
    response = admin_client.post(reverse("admin:partners_organisation_add"), organisation_form(longitude=""))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not Organisation.objects.exists()


def test_a_coordinator_types_the_point_with_a_decimal_comma(coordinator_client):
    response = coordinator_client.post(
        reverse("admin:partners_organisation_add"), organisation_form(latitude="56,81620", longitude=" 24,614 01 ")
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="ogres-centrala-biblioteka")
    assert (organisation.latitude, organisation.longitude) == (Decimal("56.81620"), Decimal("24.61401"))


def test_a_coordinator_moves_the_point_with_a_decimal_comma_on_the_change_page(coordinator_client):
    organisation = OrganisationFactory(latitude=Decimal("56.65000"), longitude=Decimal("23.72000"))
    data = organisation_form(slug=organisation.slug, latitude="56,9496", longitude="24,1052")

    response = coordinator_client.post(reverse("admin:partners_organisation_change", args=[organisation.pk]), data)

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.latitude, organisation.longitude) == (Decimal("56.94960"), Decimal("24.10520"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("latitude", "56,8,1", "“56,8,1” is not a latitude: give a number between -90 and 90, such as 56.95."),
        ("latitude", "north", "“north” is not a latitude: give a number between -90 and 90, such as 56.95."),
        ("latitude", "95,5", "“95,5” is not a latitude: give a number between -90 and 90, such as 56.95."),
        ("longitude", "NaN", "“NaN” is not a longitude: give a number between -180 and 180, such as 24.11."),
        (
            "longitude",
            "1e1000000",
            "“1e1000000” is not a longitude: give a number between -180 and 180, such as 24.11.",
        ),
    ],
)
def test_a_coordinate_that_is_no_number_of_the_globe_is_a_field_error_naming_it(
    coordinator_client, field, value, message
):
    response = coordinator_client.post(reverse("admin:partners_organisation_add"), organisation_form(**{field: value}))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [message]}
    assert not Organisation.objects.filter(slug="ogres-centrala-biblioteka").exists()


def test_a_bad_coordinate_is_explained_in_the_coordinators_language(coordinator_client):
    response = coordinator_client.post(
        reverse("admin:partners_organisation_add"),
        organisation_form(latitude="пів,на"),
        headers={"Accept-Language": "uk"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "latitude": ["«пів,на» не є широтою: вкажіть число від -90 до 90, наприклад 56,95."]
    }


def test_organisation_change_form_renders_the_point_picker_and_its_media(admin_client):
    organisation = OrganisationFactory(latitude=Decimal("56.65000"), longitude=Decimal("23.72000"))

    response = admin_client.get(reverse("admin:partners_organisation_change", args=[organisation.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    for asset in (
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "groundwork/point_picker.js",
        "groundwork/point_picker.css",
    ):
        assert f"/static/{asset}" in content
    assert 'data-point-picker-axis="latitude"' in content
    assert 'data-point-picker-axis="longitude"' in content
    assert 'data-latitude-field="latitude"' in content
    assert 'value="56.65000"' in content
    assert 'for="id_latitude"' in content
    assert 'for="id_longitude"' in content
    # The picker brings no inline script or style: the CSP forbids both.
    assert "<style" not in content
    assert ' style="' not in content.split('class="point-picker"', 1)[1].split("</div></div>", 1)[0]


def test_superuser_adds_an_agreement_between_two_parties(admin_client):
    ogre, kisc = OrganisationFactory(), OrganisationFactory()

    response = admin_client.post(reverse("admin:partners_agreement_add"), agreement_form([ogre, kisc]))

    assert response.status_code == 302
    agreement = Agreement.objects.get(slug="nodomu-protokols-ogre")
    assert set(agreement.parties.all()) == {ogre, kisc}
    assert agreement.title_uk == "Nodomu protokols (uk)"


def test_an_agreement_with_one_party_is_refused_with_a_clear_error(admin_client):
    response = admin_client.post(reverse("admin:partners_agreement_add"), agreement_form([OrganisationFactory()]))

    assert response.status_code == 200
    assert "parties" in response.context["adminform"].form.errors
    assert not Agreement.objects.exists()


def test_a_party_id_beyond_any_id_column_is_a_choice_not_offered_not_a_server_error(admin_client):
    data = agreement_form([OrganisationFactory()])
    data["parties"].append("99999999999999999999")

    response = admin_client.post(reverse("admin:partners_agreement_add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["parties"]
    assert errors == ["Select a valid choice. 99999999999999999999 is not one of the available choices."]
    assert not Agreement.objects.exists()


def test_an_agreement_cannot_expire_before_it_is_signed(admin_client):
    data = agreement_form([OrganisationFactory(), OrganisationFactory()], valid_until="2024-01-01")

    response = admin_client.post(reverse("admin:partners_agreement_add"), data)

    assert response.status_code == 200
    assert "valid_until" in response.context["adminform"].form.errors


def test_agreement_parties_autocomplete_searches_every_language(admin_client):
    OrganisationFactory(name_lv="Jelgavas pilsētas bibliotēka", name_en="Jelgava City Library")
    OrganisationFactory(name_lv="Ogres Centrālā bibliotēka", name_en="Ogre Central Library")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "partners", "model_name": "agreement", "field_name": "parties", "term": "Jelgavas pilsētas"},
    )

    # Found by its Latvian name, shown in the staff member's language.
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Jelgava City Library"]


def test_superuser_adds_a_staff_membership(admin_client):
    user, organisation = UserFactory(is_staff=True), OrganisationFactory()

    response = admin_client.post(
        reverse("admin:partners_staffmembership_add"),
        {"user": user.pk, "organisation": organisation.pk, "role": StaffMembership.Role.LIBRARIAN},
    )

    assert response.status_code == 302
    assert StaffMembership.objects.filter(user=user, organisation=organisation).exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_organisation_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_max_num_queries, rows):
    OrganisationFactory.create_batch(rows)

    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:partners_organisation_changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_agreement_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_max_num_queries, rows):
    AgreementFactory.create_batch(rows)

    with django_assert_max_num_queries(14):
        response = admin_client.get(reverse("admin:partners_agreement_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_membership_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_max_num_queries, rows):
    StaffMembershipFactory.create_batch(rows)

    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:partners_staffmembership_changelist"))

    assert response.status_code == 200


def test_an_organisation_cannot_take_the_agreement_registers_address(admin_client):
    response = admin_client.post(
        "/admin/partners/organisation/add/",
        {"kind": "ngo", "name_lv": "Biedrība", "slug": "agreements", "country": "LV"},
    )
    assert response.status_code == 200
    assert "This address is taken by a page of the site" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "header"), [("lv", "LIBRI darbinieku lapas"), ("uk", "Сторінки працівників LIBRI")]
)
def test_the_staff_pages_are_named_for_the_portal_not_for_django(admin_client, language, header):
    response = admin_client.get("/admin/", headers={"accept-language": language})

    content = response.content.decode()
    assert header in content
    assert "Django" not in content.split("<body", 1)[1].split("</header>", 1)[0]
