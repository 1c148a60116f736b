import json
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from mapping.models import Initiative
from partners.models import StaffMembership
from partners.roles import sync_user_groups
from tests.factories import InitiativeFactory, OrganisationFactory, StaffMembershipFactory
from tests.mapping.helpers import initiative_form

pytestmark = pytest.mark.django_db

LANGUAGES = ("lv", "en", "uk", "ru")
add_url = reverse("admin:mapping_initiative_add")
changelist_url = reverse("admin:mapping_initiative_changelist")


def test_the_add_form_has_a_tab_per_language_and_the_point_picker(admin_client):
    content = admin_client.get(add_url).content.decode()

    for code in LANGUAGES:
        assert f'name="title_{code}"' in content
        assert f'name="description_{code}"' in content
    assert "data-point-picker-axis" in content
    assert "autocomplete" in content


def test_superuser_adds_an_initiative_in_every_language(admin_client):
    host = OrganisationFactory()

    response = admin_client.post(add_url, initiative_form(host=host.pk))

    assert response.status_code == 302
    initiative = Initiative.objects.get(slug="valodas-kafejnica-ogre")
    assert initiative.title_lv == "Valodas kafejnīca"
    assert initiative.title_uk == "Мовне кафе"
    assert initiative.description_ru == "Беседы на латышском."
    assert initiative.languages == ["lv", "uk"]
    assert initiative.target_groups == ["adults", "women"]
    assert initiative.host == host
    assert (initiative.latitude, initiative.longitude) == (Decimal("56.81620"), Decimal("24.61401"))


@pytest.mark.parametrize(
    ("field", "value"),
    [("latitude", "91"), ("longitude", "-180.5"), ("latitude", "north"), ("longitude", "24.614011")],
)
def test_bad_coordinates_are_a_field_error(admin_client, field, value):
    response = admin_client.post(add_url, initiative_form(**{field: value}))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Initiative.objects.exists()


@pytest.fixture
def host():
    return OrganisationFactory(slug="ogres-biblioteka")


@pytest.fixture
def librarian_client(host):
    client = Client(headers={"Accept-Language": "en"})
    membership = StaffMembershipFactory(organisation=host, role=StaffMembership.Role.LIBRARIAN)
    sync_user_groups(membership.user)
    client.force_login(membership.user)
    return client


def test_a_librarian_types_the_point_of_her_initiative_with_a_decimal_comma(librarian_client, host):
    response = librarian_client.post(add_url, initiative_form(host=host.pk, latitude="56,81620", longitude="24,61401"))

    assert response.status_code == 302
    initiative = Initiative.objects.get(slug="valodas-kafejnica-ogre")
    assert (initiative.latitude, initiative.longitude) == (Decimal("56.81620"), Decimal("24.61401"))


def test_a_librarian_moves_the_point_with_a_decimal_comma_on_the_change_page(librarian_client, host):
    initiative = InitiativeFactory(host=host, latitude=Decimal("56.81620"), longitude=Decimal("24.61401"))
    data = initiative_form(host=host.pk, slug=initiative.slug, latitude="56,9496", longitude="24,1052")

    response = librarian_client.post(reverse("admin:mapping_initiative_change", args=[initiative.pk]), data)

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert (initiative.latitude, initiative.longitude) == (Decimal("56.94960"), Decimal("24.10520"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("latitude", "56,9,4", "“56,9,4” is not a latitude: give a number between -90 and 90, such as 56.95."),
        ("longitude", "-180,5", "“-180,5” is not a longitude: give a number between -180 and 180, such as 24.11."),
    ],
)
def test_a_coordinate_that_is_no_number_of_the_globe_is_a_field_error_naming_it(
    librarian_client, host, field, value, message
):
    response = librarian_client.post(add_url, initiative_form(host=host.pk, **{field: value}))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [message]}
    assert not Initiative.objects.exists()


def test_half_a_point_is_an_error_not_a_crash(admin_client):
    response = admin_client.post(add_url, initiative_form(longitude=""))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Initiative.objects.exists()


def test_an_active_period_ending_before_it_starts_is_a_field_error(admin_client):
    response = admin_client.post(add_url, initiative_form(active_since="2025-03-01", active_until="2025-02-01"))

    assert response.status_code == 200
    assert "active_until" in response.context["adminform"].form.errors


def test_the_changelist_filters_and_searches(admin_client):
    InitiativeFactory(title="Valodas kafejnīca", status=Initiative.Status.PENDING)
    InitiativeFactory(title="Juridiskā palīdzība", category=Initiative.Category.COUNSELLING)

    pending = admin_client.get(changelist_url, {"status__exact": "pending"})
    found = admin_client.get(changelist_url, {"q": "Juridiskā"})

    assert [str(i) for i in pending.context["cl"].result_list] == ["Valodas kafejnīca"]
    assert [str(i) for i in found.context["cl"].result_list] == ["Juridiskā palīdzība"]


def test_approving_publishes_pending_initiatives(admin_client):
    pending = InitiativeFactory.create_batch(2, status=Initiative.Status.PENDING, source=Initiative.Source.SUGGESTION)

    response = admin_client.post(
        changelist_url,
        {"action": "approve_initiatives", "_selected_action": [initiative.pk for initiative in pending]},
    )

    assert response.status_code == 302
    assert set(Initiative.objects.values_list("status", flat=True)) == {Initiative.Status.PUBLISHED}
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["2 initiatives published."]


def test_archiving_takes_initiatives_off_the_public_map(admin_client):
    initiative = InitiativeFactory()

    admin_client.post(changelist_url, {"action": "archive_initiatives", "_selected_action": [initiative.pk]})

    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.ARCHIVED
    # The public does not see it; staff who may edit it still preview it (partners.previews).
    assert Client().get(initiative.get_absolute_url()).status_code == 404


def test_an_invalid_record_is_reported_and_left_pending(admin_client):
    broken = InitiativeFactory(status=Initiative.Status.PENDING, languages=["xx"])
    fine = InitiativeFactory(status=Initiative.Status.PENDING)

    response = admin_client.post(
        changelist_url, {"action": "approve_initiatives", "_selected_action": [broken.pk, fine.pk]}
    )

    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.status == Initiative.Status.PENDING
    assert fine.status == Initiative.Status.PUBLISHED
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(message.startswith(f"{broken}: ") and "xx" in message for message in messages)
    assert "1 initiative published." in messages


def titles_on_the_map(response):
    return [feature["properties"]["title"] for feature in json.loads(response.content)["features"]]


def test_an_initiative_changed_in_the_admin_reaches_the_map_data_within_the_public_cache_lifetime(
    admin_client, map_data, django_capture_on_commit_callbacks, public_cache_lifetime_passes
):
    initiative = InitiativeFactory(title_en="Old title")
    first = map_data()
    assert map_data(first["ETag"]).status_code == 304

    change_url = reverse("admin:mapping_initiative_change", args=[initiative.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change_url, initiative_form(slug=initiative.slug))
    public_cache_lifetime_passes()
    again = map_data(first["ETag"])

    assert response.status_code == 302
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert titles_on_the_map(again) == ["Language café"]


def test_initiatives_deleted_in_the_admin_leave_the_map_within_the_public_cache_lifetime(
    admin_client, map_data, django_capture_on_commit_callbacks, public_cache_lifetime_passes
):
    staying, leaving = InitiativeFactory(title_en="Staying"), InitiativeFactory(title_en="Leaving")
    first = map_data()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            changelist_url, {"action": "delete_selected", "_selected_action": [leaving.pk], "post": "yes"}
        )
    public_cache_lifetime_passes()
    again = map_data(first["ETag"])

    assert not Initiative.objects.filter(pk=leaving.pk).exists()
    assert again.status_code == 200
    assert titles_on_the_map(again) == [staying.title_en]
