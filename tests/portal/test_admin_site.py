"""The admin site's answers to input no form checks: NUL characters, selections that are not ids, dates out of range,
a series that would run past the calendar, an overlong invitation address. Each is a 4xx or the page again with a
message, never a server error (the crawl in test_admin_crawl.py probes the rest)."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from activities.models import Event
from mapping.models import Initiative
from partners.models import StaffMembership
from tests.activities.registering import RegistrationFactory
from tests.factories import EventFactory, InitiativeFactory, OrganisationFactory
from tests.portal.crawling import CRAWL_SETTINGS, other_spellings, signed_in

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
        {"created_at__year": "\u0662\u0660\u0662\u0666"},
        {"created_at__year": "2026", "created_at__month": "\uff11"},
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
        {"confirmed_at__year": "0"},
        {"confirmed_at__year": "99999"},
        {"confirmed_at__year__gt": "99999999999"},
        {"confirmed_at__iso_year": "0"},
    ],
)
def test_a_lookup_value_no_date_holds_shows_the_whole_list_saying_why(admin_client, query):
    # The alerts' list filters by whether and when an alert was confirmed.
    url = reverse("admin:activities_eventalert_changelist")

    response = admin_client.get(url, {**query, "frequency__exact": "weekly"})
    page = admin_client.get(response.url)

    assert response.status_code == 302
    assert response.url == f"{url}?e=1"
    assert page.status_code == 200
    assert "A filter or page in the address could not be read: showing the whole list." in page.content.decode()


@pytest.fixture
def a_row_of_each():
    """An organisation, an event and an initiative with text in every language, so that a list filtering by a
    regular expression compares it with text (a database skips the expression for an empty column). The lists
    filter by the kind, country, status, category and source with any lookup; by a name or title with none."""
    titles = {f"title_{code}": f"Seminārs ({code})" for code in ("lv", "en", "uk", "ru")}
    ogre = OrganisationFactory(**{f"name_{code}": f"Ogres bibliotēka ({code})" for code in ("lv", "en", "uk", "ru")})
    EventFactory(organiser=ogre, slug="seminars", **titles)
    InitiativeFactory(host=ogre, slug="seminars", **titles)


@pytest.mark.parametrize(
    ("changelist", "query"),
    [
        ("partners_organisation", {"kind__regex": "("}),
        ("partners_organisation", {"country__iregex": "["}),
        ("activities_event", {"kind__regex": "["}),
        ("activities_event", {"status__iregex": "(?P<"}),
        ("mapping_initiative", {"category__iregex": "*"}),
        ("mapping_initiative", {"source__regex": "a{2,1}"}),
    ],
)
def test_a_regular_expression_the_database_cannot_read_shows_the_whole_list_saying_why(
    admin_client, a_row_of_each, changelist, query
):
    url = reverse(f"admin:{changelist}_changelist")

    response = admin_client.get(url, query)

    assert response.status_code == 302
    assert response.url == f"{url}?e=1"
    page = admin_client.get(response.url)
    assert "A filter or page in the address could not be read: showing the whole list." in page.content.decode()
    # The refused query left the transaction usable (PostgreSQL refuses it while running it).
    assert page.context["cl"].result_count == 1


@pytest.mark.parametrize(
    ("changelist", "query"),
    [
        ("partners_organisation", {"kind__regex": "^partner_"}),
        ("partners_organisation", {"country__iregex": "^l"}),
        ("activities_event", {"kind__regex": "^sem"}),
        ("mapping_initiative", {"source__iregex": "(?s)S.A"}),
    ],
)
def test_a_regular_expression_the_database_reads_filters_the_list(admin_client, a_row_of_each, changelist, query):
    response = admin_client.get(reverse(f"admin:{changelist}_changelist"), query)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


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


def id_filters(world):
    """(change list, lookup, the id it filters by, rows with that id) of the lists a coordinator works in, by the
    relations their filters offer and by their own ids."""
    event = Event.objects.filter(organiser=world.ogre).order_by("pk").first()
    initiative = Initiative.objects.filter(host=world.ogre).get()
    memberships = StaffMembership.objects.filter(organisation=world.ogre).count()
    return [
        ("activities_event", "organiser__id__exact", world.ogre.pk, Event.objects.filter(organiser=world.ogre).count()),
        ("activities_event", "organiser", world.ogre.pk, Event.objects.filter(organiser=world.ogre).count()),
        ("activities_event", "id__exact", event.pk, 1),
        ("activities_event", "id__in", event.pk, 1),
        ("mapping_initiative", "id__exact", initiative.pk, 1),
        ("partners_staffmembership", "organisation__id__exact", world.ogre.pk, memberships),
        ("partners_staffmembership", "organisation", world.ogre.pk, memberships),
        ("partners_organisation", "id__exact", world.ogre.pk, 1),
    ]


@pytest.mark.parametrize("role", ["superuser", "coordinator"])
def test_an_id_in_a_list_filter_written_otherwise_than_the_portal_writes_it_shows_the_whole_list(crawl_world, role):
    client = signed_in(getattr(crawl_world, role))

    for changelist, lookup, pk, rows in id_filters(crawl_world):
        url = reverse(f"admin:{changelist}_changelist")
        as_written = client.get(url, {lookup: str(pk)})
        assert as_written.status_code == 200, (changelist, lookup)
        assert as_written.context["cl"].result_count == rows, (changelist, lookup)
        for spelling in [*other_spellings(str(pk)), f" {pk}", f"0{pk}", f"+{pk}", f"{pk}\t"]:
            response = client.get(url, {lookup: spelling})
            assert response.status_code == 302, (changelist, lookup, spelling)
            assert response.url == f"{url}?e=1", (changelist, lookup, spelling)
    page = client.get(f"{url}?e=1")
    assert "A filter or page in the address could not be read: showing the whole list." in page.content.decode()


@settings(CRAWL_SETTINGS, max_examples=25)
@given(
    digits=st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=6).filter(
        lambda text: not text.isascii()
    ),
    changelist_and_lookup=st.sampled_from(
        [
            ("activities_event", "organiser__id__exact"),
            ("activities_event", "id__in"),
            ("partners_staffmembership", "organisation"),
            ("partners_organisation", "id__gt"),
        ]
    ),
)
def test_a_number_in_any_other_digits_in_a_list_filter_is_refused_like_any_value_no_id(
    crawl_world, digits, changelist_and_lookup
):
    changelist, lookup = changelist_and_lookup
    client = signed_in(crawl_world.coordinator)
    url = reverse(f"admin:{changelist}_changelist")

    response = client.get(url, {lookup: digits})

    assert int(digits) >= 0, "int() reads it as a number"
    assert response.status_code == 302, (lookup, digits)
    assert response.url == f"{url}?e=1", (lookup, digits)
