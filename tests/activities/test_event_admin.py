import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from activities.models import Event
from partners.models import StaffMembership
from partners.roles import sync_user_groups
from tests.activities.helpers import LANGUAGES, event_form
from tests.factories import EventFactory, OrganisationFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    return OrganisationFactory(name="Ogres Centrālā bibliotēka", slug="ogre-library")


def test_the_add_form_has_a_tab_per_language_and_the_point_picker(admin_client):
    response = admin_client.get(reverse("admin:activities_event_add"))

    assert response.status_code == 200
    content = response.content.decode()
    for code in LANGUAGES:
        assert f'name="title_{code}"' in content
        assert f'name="description_{code}"' in content
    assert "tabbed_translation_fields.js" in content
    assert 'name="latitude"' in content and 'name="longitude"' in content
    assert str(response.context["adminform"].form.fields["longitude"].widget.__class__.__name__) == "PointPickerWidget"


def test_superuser_creates_an_event_in_every_language(admin_client, library):
    response = admin_client.post(reverse("admin:activities_event_add"), event_form(library))

    assert response.status_code == 302
    event = Event.objects.get(slug="valodas-kafejnica-ogre")
    assert (event.title_lv, event.title_uk, event.title_ru) == ("Valodas kafejnīca", "Мовне кафе", "Языковое кафе")
    assert event.languages == ["lv", "uk"]
    assert event.starts_at.isoformat() == "2025-10-14T15:00:00+00:00"
    assert event.status == Event.Status.DRAFT


def test_the_venue_defaults_to_the_organisers_premises(admin_client, library):
    admin_client.post(reverse("admin:activities_event_add"), event_form(library))

    assert Event.objects.get().venue_organisation == library


@pytest.fixture
def librarian_client(client, library):
    membership = StaffMembershipFactory(organisation=library, role=StaffMembership.Role.LIBRARIAN)
    sync_user_groups(membership.user)
    client.force_login(membership.user)
    return client


def test_a_librarian_gets_her_library_as_organiser_and_venue(librarian_client, library):
    form = librarian_client.get(reverse("admin:activities_event_add")).context["adminform"].form

    assert form.initial["organiser"] == library.pk
    assert form.initial["venue_organisation"] == library.pk


def test_a_librarian_creates_an_event_of_her_library_and_sees_only_hers(librarian_client, library):
    EventFactory(title_lv="Citas bibliotēkas seminārs")

    response = librarian_client.post(reverse("admin:activities_event_add"), event_form(library))
    changelist = librarian_client.get(reverse("admin:activities_event_changelist"))

    assert response.status_code == 302
    assert Event.objects.get(slug="valodas-kafejnica-ogre").organiser == library
    assert [event.slug for event in changelist.context["cl"].result_list] == ["valodas-kafejnica-ogre"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at_1": "17:00"}, "ends_at"),
        ({"venue": Event.Venue.ONLINE}, "online_url"),
        ({"venue": Event.Venue.ADDRESS}, "street_address"),
        ({"languages": []}, "languages"),
        ({"languages": ["xx"]}, "languages"),
        ({"capacity": "-1"}, "capacity"),
        ({"latitude": "56.8"}, None),
        ({"starts_at_0": "14.13.2025"}, "starts_at"),
        ({"starts_at_0": "0001-01-01", "starts_at_1": "00:00", "ends_at_0": "0001-01-01"}, "starts_at"),
        ({"starts_at_0": "9999-12-31", "starts_at_1": "23:59", "ends_at_0": "9999-12-31"}, "starts_at"),
        ({"ends_at_0": "2101-01-01"}, "ends_at"),
        # Organisations are chosen by id in autocomplete fields, which show the error with nothing chosen.
        ({"venue_organisation": "abc"}, "venue_organisation"),
        ({"venue_organisation": "\uff11"}, "venue_organisation"),
        ({"co_organisers": ["\u0661"]}, "co_organisers"),
        ({"co_organisers": ["abc"]}, "co_organisers"),
    ],
)
def test_bad_input_is_a_field_error_not_a_500(admin_client, library, overrides, field):
    response = admin_client.post(reverse("admin:activities_event_add"), event_form(library, **overrides))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert (field in errors) if field else ("__all__" in errors)
    assert not Event.objects.exists()


def test_the_list_shows_the_columns_staff_need_and_searches_titles_in_any_language(admin_client):
    EventFactory(title_lv="Seminārs", title_uk="Семінар про роботу", languages=["uk", "ru"])
    EventFactory(title_lv="Darbnīca")

    response = admin_client.get(reverse("admin:activities_event_changelist"), {"q": "роботу"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "UK, RU" in response.content.decode()


def test_publish_action_publishes_drafts(admin_client):
    drafts = EventFactory.create_batch(2, status=Event.Status.DRAFT)

    response = admin_client.post(
        reverse("admin:activities_event_changelist"),
        {"action": "publish_events", "_selected_action": [event.pk for event in drafts]},
        follow=True,
    )

    assert "2 events published." in response.content.decode()
    assert set(Event.objects.values_list("status", flat=True)) == {Event.Status.PUBLISHED}


def test_publish_action_refuses_an_incomplete_event_with_a_message(admin_client):
    incomplete = EventFactory(status=Event.Status.DRAFT, languages=[])

    response = admin_client.post(
        reverse("admin:activities_event_changelist"),
        {"action": "publish_events", "_selected_action": [incomplete.pk]},
        follow=True,
    )

    assert "Choose at least one language of delivery." in response.content.decode()
    incomplete.refresh_from_db()
    assert incomplete.status == Event.Status.DRAFT


def test_cancel_action_cancels_published_events_and_leaves_drafts(admin_client):
    published = EventFactory(status=Event.Status.PUBLISHED)
    draft = EventFactory(status=Event.Status.DRAFT)

    response = admin_client.post(
        reverse("admin:activities_event_changelist"),
        {"action": "cancel_events", "_selected_action": [published.pk, draft.pk]},
        follow=True,
    )

    content = response.content.decode()
    assert "1 event cancelled." in content
    assert "cannot be cancelled" in content
    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.status == Event.Status.CANCELLED
    assert draft.status == Event.Status.DRAFT


def test_view_on_site_leads_to_the_public_event_page(admin_client):
    event = EventFactory()

    change_page = admin_client.get(reverse("admin:activities_event_change", args=[event.pk]))
    view_on_site = re.search(r'href="(/admin/r/[^"]+)"', change_page.content.decode()).group(1)
    response = admin_client.get(view_on_site, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith(f"/events/{event.slug}/")


def test_an_event_cannot_take_the_archive_pages_address(admin_client, library):
    response = admin_client.post(reverse("admin:activities_event_add"), event_form(library, slug="archive"))

    assert response.context["adminform"].form.has_error("slug", code="reserved_slug")
    assert not Event.objects.exists()


def test_an_event_far_outside_the_years_the_portal_keeps_is_refused_and_the_list_keeps_working(admin_client, library):
    response = admin_client.post(
        reverse("admin:activities_event_add"),
        event_form(library, starts_at_0="0001-01-01", starts_at_1="00:00", ends_at_0="0001-01-01", ends_at_1="01:00"),
    )

    assert "2000-01-01" in str(response.context["adminform"].form.errors["starts_at"])
    assert admin_client.get(reverse("admin:activities_event_changelist")).status_code == 200


# The night the clocks go back in Riga: 2027-10-31, 04:00 summer time (UTC+3) becomes 03:00 winter time (UTC+2).
@pytest.mark.parametrize(("which", "utc_hour"), [("first", 0), ("second", 1)])
def test_a_time_that_happens_twice_is_saved_as_the_one_the_librarian_chooses(admin_client, library, which, utc_hour):
    form = event_form(library, starts_at_0="2027-10-31", starts_at_1="03:30", starts_at_2=which, ends_at_0="2027-10-31")

    response = admin_client.post(reverse("admin:activities_event_add"), form)

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.starts_at == datetime.datetime(2027, 10, 31, utc_hour, 30, tzinfo=datetime.UTC)
    page = admin_client.get(reverse("admin:activities_event_change", args=[event.pk])).content.decode()
    assert re.search(rf'<option value="{which}" selected>', page)


def test_a_time_that_happens_twice_without_a_choice_is_refused_saying_why(admin_client, library):
    form = event_form(library, starts_at_0="2027-10-31", starts_at_1="03:30", ends_at_0="2027-10-31")

    response = admin_client.post(reverse("admin:activities_event_add"), form)

    (message,) = response.context["adminform"].form.errors["starts_at"]
    assert "the clocks go back, so 03:30 happens twice" in message
    assert "UTC+03:00" in message and "UTC+02:00" in message
    assert not Event.objects.exists()


def test_a_time_the_clocks_skip_is_refused_saying_so(admin_client, library):
    form = event_form(library, starts_at_0="2027-03-28", starts_at_1="03:30", ends_at_0="2027-03-28")

    response = admin_client.post(reverse("admin:activities_event_add"), form)

    (message,) = response.context["adminform"].form.errors["starts_at"]
    assert "the clocks go forward and skip 03:30" in message


def test_a_librarian_gives_the_address_point_with_a_decimal_comma(librarian_client, library):
    data = event_form(
        library,
        venue=Event.Venue.ADDRESS,
        street_address="Brīvības iela 33",
        city="Ogre",
        latitude="56,81620",
        longitude="24,61401",
    )

    response = librarian_client.post(reverse("admin:activities_event_add"), data)

    assert response.status_code == 302
    event = Event.objects.get(slug="valodas-kafejnica-ogre")
    assert (event.latitude, event.longitude) == (Decimal("56.81620"), Decimal("24.61401"))


def test_a_librarian_moves_the_point_of_her_event_with_a_decimal_comma(librarian_client, library):
    event = EventFactory(organiser=library, venue=Event.Venue.ADDRESS, street_address="Brīvības iela 33", city="Ogre")
    data = event_form(
        library,
        slug=event.slug,
        venue=Event.Venue.ADDRESS,
        street_address="Brīvības iela 33",
        city="Ogre",
        latitude="56,9496",
        longitude="24,1052",
    )

    response = librarian_client.post(reverse("admin:activities_event_change", args=[event.pk]), data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.latitude, event.longitude) == (Decimal("56.94960"), Decimal("24.10520"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("latitude", "56,8,1", "“56,8,1” is not a latitude: give a number between -90 and 90, such as 56.95."),
        (
            "longitude",
            "24.1052 E",
            "“24.1052 E” is not a longitude: give a number between -180 and 180, such as 24.11.",
        ),
        ("longitude", "-inf", "“-inf” is not a longitude: give a number between -180 and 180, such as 24.11."),
    ],
)
def test_a_coordinate_that_is_no_number_of_the_globe_is_a_field_error_naming_it(
    librarian_client, library, field, value, message
):
    data = event_form(
        library,
        venue=Event.Venue.ADDRESS,
        street_address="Brīvības iela 33",
        city="Ogre",
        **{"latitude": "56.81620", "longitude": "24.61401", field: value},
    )

    response = librarian_client.post(reverse("admin:activities_event_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [message]}
    assert not Event.objects.exists()
