import datetime
import re
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import translation

from mapping.models import Initiative
from partners.models import StaffMembership
from tests.factories import OrganisationFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 5, 5, 10, 0, tzinfo=datetime.UTC)


def suggest_url(language="en"):
    with translation.override(language):
        return reverse("mapping:suggest")


def suggestion(**overrides):
    data = {
        "title": "Розмовний клуб",
        "description": "Щосуботи розмовляємо латиською.",
        "category": Initiative.Category.LANGUAGE,
        "languages": ["uk", "lv"],
        "target_groups": ["adults"],
        "host": "",
        "website": "https://club.example.org",
        "active_since": "2025-03-01",
        "active_until": "",
        "street_address": "Brīvības iela 33",
        "postal_code": "LV-5001",
        "city": "Ogre",
        "country": "LV",
        "latitude": "56.81620",
        "longitude": "24.61401",
        "contact_name": "Olena",
        "contact_email": "club@example.org",
        "contact_phone": "",
        "submitter_email": "olena@example.org",
        "homepage": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def refusal_codes(response):
    return [error.code for error in response.context["form"].errors.as_data().get("__all__", [])]


def post_after(client, traveller, data, *, seconds=20, language="uk"):
    """Open the form, wait like a person, send it."""
    page = client.get(suggest_url(language))
    token = re.search(r'name="form_started" value="([^"]+)"', page.content.decode())[1]
    traveller.shift(datetime.timedelta(seconds=seconds))
    return client.post(suggest_url(language), {**data, "form_started": token})


def test_the_form_offers_the_public_fields_the_point_picker_and_says_why_it_asks_for_an_email(client):
    content = client.get(suggest_url()).content.decode()

    for name in ("title", "description", "category", "languages", "street_address", "contact_email"):
        assert f'name="{name}"' in content
    for name in ("status", "source", "slug", "external_id", "is_sample"):
        assert f'name="{name}"' not in content
    assert "data-point-picker" in content
    assert "groundwork/point_picker.js" in content
    assert "Only to tell you whether the initiative was published" in content
    assert '<div class="form-trap">' in content


def test_a_suggestion_is_stored_pending_and_never_shown_publicly(client, traveller):
    response = post_after(client, traveller, suggestion())

    with translation.override("uk"):
        assert response.url == reverse("mapping:suggest_thanks")
    initiative = Initiative.objects.get()
    assert initiative.status == Initiative.Status.PENDING
    assert initiative.source == Initiative.Source.SUGGESTION
    assert initiative.title_uk == "Розмовний клуб"
    assert initiative.title_lv in ("", None)
    assert initiative.submitter_email == "olena@example.org"
    assert initiative.submitter_language == "uk"
    assert initiative.slug == "rozmovnii-klub"
    assert client.get(initiative.get_absolute_url()).status_code == 404
    assert list(client.get(reverse("mapping:initiative_list")).context["initiative_list"]) == []
    assert client.get(reverse("mapping:geojson")).json()["features"] == []


def test_a_suggestion_cannot_set_its_own_status_or_source(client, traveller):
    post_after(client, traveller, suggestion(status="published", source="staff", external_id="x", is_sample="on"))

    initiative = Initiative.objects.get()
    assert (initiative.status, initiative.source, initiative.external_id) == ("pending", "suggestion", None)


def test_the_submitter_email_is_optional(client, traveller):
    post_after(client, traveller, suggestion(submitter_email=""))

    assert Initiative.objects.get().submitter_email == ""


def test_a_suggestion_may_name_its_host(client, traveller):
    library = OrganisationFactory(slug="ogres-biblioteka")

    post_after(client, traveller, suggestion(host=library.pk))

    assert Initiative.objects.get().host == library


def test_the_suggested_text_loses_control_and_bidi_override_characters_and_keeps_its_lines(client, traveller):
    post_after(
        client,
        traveller,
        suggestion(
            title="Розмовний\u202e клуб\x07",
            description="Щосуботи.\r\nПриходьте\x1b[2J\u2067!\u2069",
            street_address="Brīvības\x85iela 33",
            city="Og\u202dre",
            contact_name="\u2066Olena\u2069\x9b",
        ),
    )

    initiative = Initiative.objects.get()
    assert initiative.title_uk == "Розмовний клуб"
    assert initiative.description_uk == "Щосуботи.\nПриходьте[2J!"
    assert (initiative.street_address, initiative.city) == ("Brīvības iela 33", "Ogre")
    assert initiative.contact_name == "Olena"


def test_a_title_of_nothing_but_control_characters_is_missing(client, traveller):
    response = post_after(client, traveller, suggestion(title="\u202e\x07"), language="en")

    assert response.status_code == 400
    assert response.context["form"].errors["title"] == ["This field is required."]
    assert not Initiative.objects.exists()


def test_invalid_fields_are_explained_and_nothing_is_stored(client, traveller):
    response = post_after(client, traveller, suggestion(title="", latitude="95", longitude="", website="nonsense"))

    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"title", "latitude", "website"}
    assert 'role="alert"' in response.content.decode()
    assert not Initiative.objects.exists()


def test_an_email_longer_than_the_model_keeps_is_explained_next_to_the_field_and_nothing_is_stored(client, traveller):
    # A valid address of 259 characters: the standard allows 320, the column holds 254.
    address = "o" * 64 + "@" + ("a" * 60 + ".") * 3 + "example.org"

    response = post_after(client, traveller, suggestion(submitter_email=address))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["submitter_email"]
    assert "не більше ніж 254 символи (зараз 259)" in response.content.decode()
    assert not Initiative.objects.exists()


def test_a_refusal_when_the_suggestion_is_stored_is_shown_on_the_form_and_nothing_is_stored(client, traveller):
    def refuse_stored_suggestions(initiative):
        # The form checks an initiative of its own; only the one the service stores is a suggestion.
        if initiative.source == Initiative.Source.SUGGESTION:
            raise ValidationError({"title_uk": "Назва вже є на мапі.", NON_FIELD_ERRORS: "Спробуйте пізніше."})

    with mock.patch.object(Initiative, "clean", autospec=True, side_effect=refuse_stored_suggestions):
        response = post_after(client, traveller, suggestion())

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["title"] == ["Назва вже є на мапі."]
    assert errors[NON_FIELD_ERRORS] == ["Спробуйте пізніше."]
    assert not Initiative.objects.exists()


def test_a_latitude_without_a_longitude_is_explained_once_in_plain_words(client, traveller):
    response = post_after(client, traveller, suggestion(latitude="56.8", longitude=""))

    assert response.status_code == 400
    assert response.context["form"].errors == {NON_FIELD_ERRORS: ["Вкажіть і широту, і довготу або жодної з них."]}
    content = response.content.decode()
    assert content.count("Вкажіть і широту, і довготу або жодної з них.") == 1
    assert "point_complete" not in content
    assert not Initiative.objects.exists()


@pytest.mark.parametrize("latitude", ["NaN", "1e400", "-inf", "1e1000000", "north"])
def test_a_latitude_that_is_no_number_of_the_globe_says_so_and_nothing_else(client, traveller, latitude):
    response = post_after(client, traveller, suggestion(latitude=latitude, longitude="24.61401"))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "latitude": [f"«{latitude}» не є широтою: вкажіть число від -90 до 90, наприклад 56,95."]
    }
    assert not Initiative.objects.exists()


def test_coordinates_with_a_decimal_comma_are_read_as_a_phone_keyboard_gives_them(client, traveller):
    response = post_after(client, traveller, suggestion(latitude="56,816204", longitude="24,61401"))

    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert (initiative.latitude, initiative.longitude) == (Decimal("56.81620"), Decimal("24.61401"))


def test_coordinators_are_told_of_a_suggestion_by_its_title_in_the_language_it_was_written_in(
    client, traveller, django_capture_on_commit_callbacks
):
    StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR, user__email="koordinatore@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        post_after(client, traveller, suggestion(title="Розмовний клуб", city="Ogre"), language="uk")

    (message,) = mail.outbox
    assert message.to == ["koordinatore@example.org"]
    assert "“Розмовний клуб” (Ogre)" in message.body


def test_a_filled_honeypot_is_refused(client, traveller):
    response = post_after(client, traveller, suggestion(homepage="https://spam.example"))

    assert response.status_code == 400
    assert refusal_codes(response) == ["honeypot"]
    assert not Initiative.objects.exists()


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused(client, traveller):
    response = post_after(client, traveller, suggestion(), seconds=1)

    assert refusal_codes(response) == ["too_fast"]
    assert not Initiative.objects.exists()


def test_a_stale_or_forged_time_stamp_is_refused(client, traveller):
    stale = post_after(client, traveller, suggestion(), seconds=7 * 60 * 60)
    forged = client.post(suggest_url("uk"), {**suggestion(), "form_started": "1700000000.0:forged"})
    missing = client.post(suggest_url("uk"), suggestion())

    assert refusal_codes(stale) == ["expired"]
    assert refusal_codes(forged) == ["time_trap_invalid"]
    assert refusal_codes(missing) == ["time_trap_invalid"]
    assert not Initiative.objects.exists()


def test_a_form_shown_again_after_an_error_carries_a_new_time_stamp(client, traveller):
    first = post_after(client, traveller, suggestion(title=""))
    token = re.search(r'name="form_started" value="([^"]+)"', first.content.decode())[1]

    traveller.shift(datetime.timedelta(seconds=30))
    response = client.post(suggest_url("uk"), {**suggestion(), "form_started": token})

    assert response.status_code == 302


def test_one_connection_may_send_only_a_few_suggestions_an_hour(client, traveller):
    for number in range(5):
        assert post_after(client, traveller, suggestion(title=f"Klubs {number}")).status_code == 302

    refused = post_after(client, traveller, suggestion(title="Klubs 6"))
    other_client = client.__class__(REMOTE_ADDR="10.0.0.9")
    other = post_after(other_client, traveller, suggestion(title="Klubs 7"))
    traveller.shift(datetime.timedelta(hours=1))
    later = post_after(client, traveller, suggestion(title="Klubs 8"))

    assert refused.status_code == 429 and refusal_codes(refused) == ["rate_limited"]
    assert other.status_code == 302
    assert later.status_code == 302
    assert Initiative.objects.count() == 7


def test_the_thank_you_page_says_what_happens_next(client):
    with translation.override("en"):
        content = client.get(reverse("mapping:suggest_thanks")).content.decode()

    assert "A coordinator will check it" in content


def test_the_map_page_invites_suggestions(client):
    with translation.override("en"):
        content = client.get(reverse("mapping:map")).content.decode()

    assert f'href="{suggest_url()}"' in content


def test_no_email_is_sent_when_a_suggestion_arrives(client, traveller):
    post_after(client, traveller, suggestion())

    assert mail.outbox == []
