"""The admin site's answers to input no form checks: NUL characters, selections that are not ids, dates out of range,
a series that would run past the calendar, an overlong invitation address. Each is a 4xx or the page again with a
message, never a server error (the crawl in test_admin_crawl.py probes the rest)."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from activities.models import Event
from tests.activities.registering import RegistrationFactory
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def admins_with_actions():
    return sorted(
        f"{model._meta.app_label}_{model._meta.model_name}"
        for model, model_admin in admin.site._registry.items()
        if model_admin.get_action_choices(_superuser_request())[1:]
    )


def _superuser_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    return request


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "\x00"},
        {"country__exact": "\x00"},
        {"language__exact": "a\x00"},
        {"q": "\x00"},
    ],
)
@pytest.mark.parametrize(
    "changelist", ["activities_event", "mapping_initiative", "activities_registration", "partners_organisation"]
)
def test_a_filter_value_with_a_nul_character_is_refused_as_a_bad_request(admin_client, changelist, query):
    response = admin_client.get(reverse(f"admin:{changelist}_changelist"), query)

    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_an_autocomplete_term_with_a_nul_character_is_refused_as_a_bad_request(admin_client):
    query = {"app_label": "activities", "model_name": "event", "field_name": "organiser", "term": "\x00"}

    assert admin_client.get(reverse("admin:autocomplete"), query).status_code == 400


def test_an_id_with_a_nul_character_in_an_admin_address_is_refused_as_a_bad_request(admin_client):
    assert admin_client.get("/admin/activities/event/%00/change/").status_code == 400


@pytest.mark.parametrize("changelist", admins_with_actions())
def test_an_action_on_a_selection_that_is_not_ids_changes_nothing_and_says_so(admin_client, changelist):
    event = EventFactory(status=Event.Status.DRAFT)
    url = reverse(f"admin:{changelist}_changelist")
    model_admin = next(
        ma for m, ma in admin.site._registry.items() if f"{m._meta.app_label}_{m._meta.model_name}" == changelist
    )
    action = model_admin.get_action_choices(_superuser_request())[1][0]

    selection = ["a", "1", "9" * 30]
    response = admin_client.post(url, {"action": action, ACTION_CHECKBOX_NAME: selection, "index": "0"}, follow=True)

    assert response.status_code == 200
    assert "Select the rows again" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


@pytest.mark.parametrize(
    "query",
    [
        {"created_at__year": "0"},
        {"created_at__year": "9999"},
        {"created_at__year": "abc"},
        {"created_at__year": "2026", "created_at__month": "13"},
        {"created_at__month": "1"},
    ],
)
def test_a_date_hierarchy_out_of_range_shows_every_date_saying_why(admin_client, query):
    url = reverse("admin:mapping_initiative_changelist")

    response = admin_client.get(url, {**query, "status__exact": "published"})
    page = admin_client.get(response.url)

    assert response.status_code == 302
    assert response.url == f"{url}?status__exact=published"
    assert page.status_code == 200
    assert "Dates from 2000 to 2100 only" in page.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"created_at__year": "0"},
        {"created_at__year": "99999"},
        {"created_at__year__gt": "99999999999"},
        {"created_at__iso_year": "0"},
    ],
)
def test_a_lookup_value_no_date_holds_shows_the_whole_list_saying_why(admin_client, query):
    url = reverse("admin:partners_organisation_changelist")

    response = admin_client.get(url, {**query, "kind__exact": "partner_library"})
    page = admin_client.get(response.url)

    assert response.status_code == 302
    assert response.url == f"{url}?e=1"
    assert page.status_code == 200
    assert "A filter or page in the address could not be read: showing the whole list." in page.content.decode()


def test_a_regular_expression_postgresql_cannot_read_shows_the_whole_list(admin_client):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads a regular expression with Python, which refuses it in another way")
    OrganisationFactory()
    url = reverse("admin:partners_organisation_changelist")

    response = admin_client.get(url, {"name__regex": "("})

    assert response.status_code == 302
    assert response.url == f"{url}?e=1"
    # The refused query left the transaction usable.
    assert admin_client.get(response.url).context["cl"].result_count == 1


def test_a_list_filtered_by_an_id_no_id_column_holds_is_empty(admin_client):
    event = EventFactory()
    RegistrationFactory(event=event)
    url = reverse("admin:activities_registration_changelist")

    for query in (
        {"event": "9" * 20},
        {"event__exact": "9" * 20},
        {"event_id": "9" * 20},
        {"event__in": f"{'9' * 20},-{'9' * 20}"},
        {"event__gt": "9" * 20},
        {"event__lt": f"-{'9' * 20}"},
    ):
        response = admin_client.get(url, query)
        assert response.status_code == 200, query
        assert response.context["cl"].result_count == 0, query
    for query in ({"event__in": f"{event.pk},{'9' * 20}"}, {"event__gt": f"-{'9' * 20}"}):
        assert admin_client.get(url, query).context["cl"].result_count == 1, query


@pytest.mark.parametrize("page", ["change", "delete"])
def test_an_empty_field_to_refer_to_opens_the_object_by_its_id(admin_client, page):
    event = EventFactory()

    response = admin_client.get(reverse(f"admin:activities_event_{page}", args=[event.pk]), {"_to_field": ""})

    assert response.status_code == 200
    assert response.context["original" if page == "change" else "object"] == event


def test_a_series_that_would_run_past_the_calendar_is_refused_with_a_message(admin_client):
    event = EventFactory()

    response = admin_client.post(
        reverse("admin:activities_event_series", args=[event.pk]),
        {"weekday": "0", "start": "9999-12-20", "interval_weeks": "8", "count": "52"},
    )

    assert response.status_code == 200
    assert "2100-12-31" in str(response.context["form"].errors["start"])
    assert Event.objects.count() == 1


def test_an_invitation_to_an_address_too_long_for_a_user_name_is_refused_with_a_message(admin_client):
    organisation = OrganisationFactory()
    email = f"{'a' * 300}@example.org"

    response = admin_client.post(
        reverse("admin:partners_staffmembership_invite"),
        {
            "email": email,
            "first_name": "Anna",
            "last_name": "Bērziņa",
            "organisation": organisation.pk,
            "role": "librarian",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not get_user_model().objects.filter(email=email).exists()
