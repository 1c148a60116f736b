import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from mapping.models import Initiative
from tests.factories import InitiativeFactory, UserFactory
from tests.partners.helpers import force_login_with_code

pytestmark = pytest.mark.django_db


def csv_url(language="en"):
    with translation.override(language):
        return reverse("mapping:csv")


def read_csv(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_csv_holds_the_filtered_published_initiatives(client):
    InitiativeFactory(slug="uk-cafe", title="Kafejnīca", external_id="kisc-1", languages=["uk", "lv"])
    InitiativeFactory(slug="ru-aid", languages=["ru"])
    InitiativeFactory(slug="uk-pending", languages=["uk"], status=Initiative.Status.PENDING)

    response = client.get(csv_url(), {"language": "uk"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="libri-initiatives.csv"'
    rows = read_csv(response)
    assert [row["url"].rsplit("/", 2)[-2] for row in rows] == ["uk-cafe"]
    assert rows[0]["external_id"] == "kisc-1"
    assert rows[0]["title_lv"] == "Kafejnīca"
    assert rows[0]["languages"] == "uk, lv"
    assert rows[0]["latitude"] == "56.81620"


def test_contact_columns_are_given_to_staff_only(client):
    InitiativeFactory(contact_name="Anna", contact_email="anna@example.org", contact_phone="+371 6500")

    public = read_csv(client.get(csv_url()))
    force_login_with_code(client, UserFactory(is_staff=True))
    staff_response = client.get(csv_url())
    staff = read_csv(staff_response)

    assert "contact_email" not in public[0]
    assert "anna@example.org" not in str(public)
    assert staff[0]["contact_name"] == "Anna"
    assert staff[0]["contact_email"] == "anna@example.org"
    assert staff[0]["contact_phone"] == "'+371 6500"
    assert "private" in staff_response["Cache-Control"]


def test_staff_who_gave_only_the_password_get_no_contacts(client):
    InitiativeFactory(contact_email="anna@example.org")
    client.force_login(UserFactory(is_staff=True))

    rows = read_csv(client.get(csv_url()))

    assert "contact_email" not in rows[0]
    assert "anna@example.org" not in str(rows)


def test_logged_in_people_who_are_not_staff_get_no_contacts_even_with_a_one_time_password(client):
    InitiativeFactory(contact_email="anna@example.org")
    force_login_with_code(client, UserFactory(is_staff=False))

    assert "contact_email" not in read_csv(client.get(csv_url()))[0]


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped(client, trigger):
    InitiativeFactory(title=f'{trigger}HYPERLINK("http://evil.example","x")', city=f"{trigger}1+1")

    row = read_csv(client.get(csv_url()))[0]

    assert row["title_lv"] == f'\'{trigger}HYPERLINK("http://evil.example","x")'
    assert row["city"] == f"'{trigger}1+1"


def test_negative_coordinates_stay_numbers(client):
    InitiativeFactory(latitude=Decimal("-33.86882"), longitude=Decimal("-151.20930"))

    row = read_csv(client.get(csv_url()))[0]

    assert (row["latitude"], row["longitude"]) == ("-33.86882", "-151.20930")


def test_a_filter_that_cannot_be_understood_answers_400_with_the_reason(client):
    response = client.get(csv_url(), {"category": "nonsense"})

    assert response.status_code == 400
    assert "category" in response.content.decode()


def test_the_list_page_links_to_the_csv_of_its_filters(client):
    with translation.override("en"):
        list_url = reverse("mapping:initiative_list")

    content = client.get(list_url, {"language": "uk"}).content.decode()

    assert f'href="{csv_url()}?language=uk"' in content


def test_each_fact_has_a_column_written_yes_when_it_holds_and_empty_when_not_stated(client):
    InitiativeFactory(slug="ramp", step_free_access=True, free_of_charge=True)
    InitiativeFactory(slug="none")

    rows = {row["url"].rsplit("/", 2)[-2]: row for row in read_csv(client.get(csv_url("uk")))}

    facts = ("step_free_access", "hearing_loop", "childcare", "interpretation_available", "online_participation",
             "free_of_charge")  # fmt: skip
    assert {fact: rows["ramp"][fact] for fact in facts} == {
        "step_free_access": "yes",
        "hearing_loop": "",
        "childcare": "",
        "interpretation_available": "",
        "online_participation": "",
        "free_of_charge": "yes",
    }
    assert {rows["none"][fact] for fact in facts} == {""}


@pytest.mark.parametrize("count", [5, 50])
def test_the_csv_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, count):
    InitiativeFactory.create_batch(count, languages=["uk"], hearing_loop=True)
    client.force_login(UserFactory(is_staff=True))

    # The session, the user, the city choices with the map data version they are cached under, and the rows.
    with django_assert_max_num_queries(5):
        rows = read_csv(client.get(csv_url(), {"language": "uk", "city": "Ogre", "category": "language"}))

    assert len(rows) == count
    assert all(row["host"] for row in rows)
    assert all(row["hearing_loop"] == "yes" for row in rows)
