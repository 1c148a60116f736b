"""Every admin list filters only by what it offers the person looking at it (`portal.admin_site.OfferedLookupsMixin`):
the fields of its filters for her role, its date hierarchy and the primary key. Any other lookup in the address
answers 400, so that nobody reads what a list does not show her letter by letter (`?email__startswith=o`), nor
reaches other libraries' rows through a relation (`?event__organiser__id__exact=`).

The fields come from the models themselves: a field or an admin added later is checked without touching this file.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import strategies as st

from activities.models import Event, Registration
from mapping.models import Initiative
from partners.models import StaffMembership
from partners.roles import sync_user_groups
from tests.factories import EventFactory, InitiativeFactory, OrganisationFactory, StaffMembershipFactory

from .crawling import CRAWL_SETTINGS, signed_in

pytestmark = pytest.mark.django_db

ROLES = ("librarian", "coordinator", "superuser")
ADMINS = sorted(
    (
        (f"{model._meta.app_label}_{model._meta.model_name}", model_admin)
        for model, model_admin in admin.site._registry.items()
    ),
    key=lambda entry: entry[0],
)


def lookup_names(model):
    """The names a lookup can start with on `model`: its fields, many-to-many fields and reverse relations."""
    return sorted(
        field.name for field in model._meta.get_fields() if not (field.is_relation and field.related_model is None)
    )


def related_field_paths(model):
    """One step along each relation to a field of the row it leads to (`event__title`, `registrations__email`)."""
    paths = []
    for field in model._meta.get_fields():
        if field.is_relation and field.related_model is not None:
            paths += [
                f"{field.name}__{further.name}"
                for further in field.related_model._meta.get_fields()
                if further.concrete and not further.is_relation and not further.primary_key
            ]
    return sorted(paths)


def probe(model, path):
    """A lookup on `path` that reads a value (`__startswith` on text), or `__isnull` where no text is stored."""
    field = model._meta.get_field(path.split("__")[0])
    if "__" in path:
        field = field.related_model._meta.get_field(path.split("__")[1])
    if isinstance(field, (models.CharField, models.TextField)):
        return {f"{path}__startswith": "a"}
    return {f"{path}__isnull": "False"}


def offered(model_admin, user):
    """What the list offers `user` to filter by, as the admin declares it: the fields of its filters for her, its
    date hierarchy and the primary key."""
    request = RequestFactory().get("/")
    request.user = user
    entries = [
        entry[0] if isinstance(entry, (list, tuple)) else entry for entry in model_admin.get_list_filter(request)
    ]
    names = {entry for entry in entries if isinstance(entry, str)}
    return names | {model_admin.date_hierarchy, model_admin.model._meta.pk.name}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("changelist", "model_admin"), ADMINS, ids=[name for name, _ in ADMINS])
def test_a_list_takes_a_lookup_only_on_the_fields_it_offers(crawl_world, role, changelist, model_admin):
    user = getattr(crawl_world, role)
    client = signed_in(user)
    url = reverse(f"admin:{changelist}_changelist")
    plain = client.get(url).status_code
    model = model_admin.model
    filterable = offered(model_admin, user)

    answers = {name: client.get(url, probe(model, name)).status_code for name in lookup_names(model)}

    if plain != 200:
        # A list she may not open tells her no more than that, whatever the address asks for.
        assert set(answers.values()) == {plain}
        return
    refused = {name for name, status in answers.items() if status == 400}
    assert refused == set(answers) - filterable
    assert all(status in (200, 302) for name, status in answers.items() if name in filterable), answers


@CRAWL_SETTINGS
@given(data=st.data())
def test_a_list_takes_no_lookup_along_a_relation_to_a_field_it_does_not_offer(crawl_world, data):
    changelist, model_admin = data.draw(st.sampled_from(ADMINS), label="list")
    role = data.draw(st.sampled_from(ROLES), label="role")
    user = getattr(crawl_world, role)
    client = signed_in(user)
    url = reverse(f"admin:{changelist}_changelist")
    paths = [path for path in related_field_paths(model_admin.model) if path not in offered(model_admin, user)]
    path = data.draw(st.sampled_from(paths), label="path")
    plain = client.get(url)

    response = client.get(url, probe(model_admin.model, path))

    assert response.status_code == (400 if plain.status_code == 200 else plain.status_code)


# --- What that keeps from each role -----------------------------------------------------------------------------


@pytest.fixture
def jelgava_registration(crawl_world):
    jelgava = OrganisationFactory(slug="jelgava-centrs", name="Jelgavas centrs")
    event = EventFactory(organiser=jelgava, registration_required=True, title="Jelgavas sarunu vakars")
    return Registration.objects.create(
        event=event,
        name="Oksana",
        email="oksana@example.org",
        phone="+371 20000001",
        language="uk",
        consent_at=event.starts_at,
    )


@pytest.mark.parametrize(
    "lookup",
    [
        "event__organiser__id__exact",
        "event__organiser",
        "event__co_organisers__id__exact",
        "event__venue_organisation__id__exact",
    ],
)
def test_a_librarian_reaches_no_other_librarys_registrations_through_the_event(
    crawl_world, jelgava_registration, lookup
):
    client = signed_in(crawl_world.librarian)
    url = reverse("admin:activities_registration_changelist")

    response = client.get(url, {lookup: jelgava_registration.event.organiser_id})

    assert response.status_code == 400
    assert "Oksana" not in response.content.decode()
    assert "oksana@example.org" not in response.content.decode()


def test_the_event_filter_of_the_registrations_shows_her_events_list_and_nothing_of_another_librarys(
    crawl_world, jelgava_registration
):
    client = signed_in(crawl_world.librarian)
    url = reverse("admin:activities_registration_changelist")

    own = client.get(url, {"event__id__exact": crawl_world.upcoming_event.pk})
    other = client.get(url, {"event__id__exact": jelgava_registration.event_id})

    assert [registration.name for registration in own.context["cl"].result_list] == ["Anna"]
    assert other.status_code == 200
    assert list(other.context["cl"].result_list) == []


@pytest.mark.parametrize("role", ["librarian", "coordinator"])
@pytest.mark.parametrize(
    "lookup",
    [
        {"email__startswith": "a"},
        {"phone__startswith": "+371"},
        {"name__startswith": "A"},
        {"needs__contains": "wheelchair"},
        # The secret of her own page's link, which the list never shows.
        {"token__startswith": "a"},
    ],
)
def test_registrants_are_searched_not_filtered_letter_by_letter(crawl_world, role, lookup):
    client = signed_in(getattr(crawl_world, role))
    url = reverse("admin:activities_registration_changelist")

    refused = client.get(url, lookup)
    found = client.get(url, {"q": "anna@example.org"})

    assert refused.status_code == 400
    assert [registration.name for registration in found.context["cl"].result_list] == ["Anna"]


@pytest.mark.parametrize("role", ["librarian", "coordinator"])
@pytest.mark.parametrize(
    "lookup",
    [
        {"registrations__email__startswith": "a"},
        {"registrations__name": "Anna"},
        {"registrations__id__exact": "1"},
        {"registrations__isnull": "False"},
        # A count the list's query adds: the list shows it, but filters by none.
        {"confirmed_count__gte": "1"},
    ],
)
def test_the_event_list_takes_no_lookup_on_its_registrations(crawl_world, role, lookup):
    client = signed_in(getattr(crawl_world, role))

    response = client.get(reverse("admin:activities_event_changelist"), lookup)

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("changelist", "lookup"),
    [
        ("auth_user", {"password__startswith": "md5$"}),
        ("auth_user", {"email__startswith": "a"}),
        ("auth_user", {"memberships__organisation__id__exact": "1"}),
        ("otp_totp_totpdevice", {"key__startswith": "a"}),
        ("otp_static_staticdevice", {"token_set__token__startswith": "a"}),
        ("partners_staffmembership", {"user__password__startswith": "md5$"}),
        ("activities_eventalert", {"email__startswith": "o"}),
    ],
)
def test_a_coordinator_reads_no_secret_or_address_letter_by_letter(crawl_world, changelist, lookup):
    manager = StaffMembershipFactory(
        user__username="alert-manager", organisation=crawl_world.ogre, role=StaffMembership.Role.COORDINATOR
    ).user
    sync_user_groups(manager)
    manager.user_permissions.add(Permission.objects.get(codename="manage_alerts"))
    TOTPDevice.objects.create(user=crawl_world.superuser, name="Phone", confirmed=True)
    client = signed_in(get_user_model().objects.get(pk=manager.pk))
    url = reverse(f"admin:{changelist}_changelist")
    assert client.get(url).status_code == 200

    response = client.get(url, lookup)

    assert response.status_code == 400
    assert "crawl-admin" not in response.content.decode()


def test_the_alert_addresses_are_found_by_searching_for_them(crawl_world):
    manager = crawl_world.coordinator
    manager.user_permissions.add(Permission.objects.get(codename="manage_alerts"))
    client = signed_in(get_user_model().objects.get(pk=manager.pk))

    found = client.get(reverse("admin:activities_eventalert_changelist"), {"q": "olena@example.org"})

    assert [alert.email for alert in found.context["cl"].result_list] == ["olena@example.org"]


@pytest.mark.parametrize("lookup", [{"contact_email__startswith": "a"}, {"contact_phone__startswith": "+"}])
def test_the_initiatives_take_no_lookup_on_their_contacts(crawl_world, lookup):
    InitiativeFactory(host=crawl_world.ogre, contact_email="anna@example.org", contact_phone="+371 20000002")

    for role in ROLES:
        response = signed_in(getattr(crawl_world, role)).get(reverse("admin:mapping_initiative_changelist"), lookup)
        assert response.status_code == 400, role


@pytest.mark.parametrize(
    ("changelist", "query"),
    [
        # The links the admin writes itself: an event's registrations and its survey answers, the imported rows.
        ("activities_registration", lambda world: {"event__id__exact": world.upcoming_event.pk}),
        ("activities_surveyanswer", lambda world: {"event__id__exact": world.upcoming_event.pk}),
        ("mapping_initiative", lambda world: {"source__exact": Initiative.Source.IMPORT}),
        # The filters beside the lists and the date hierarchy.
        ("activities_event", lambda world: {"status__exact": Event.Status.PUBLISHED, "starts_at__year": "2026"}),
        ("activities_event", lambda world: {"organiser__id__exact": world.ogre.pk}),
        ("resources_resource", lambda world: {"published": "yes", "kind__exact": "guide"}),
    ],
)
@pytest.mark.parametrize("role", ["librarian", "coordinator"])
def test_the_filters_a_list_offers_and_the_admins_own_links_still_filter(crawl_world, role, changelist, query):
    client = signed_in(getattr(crawl_world, role))

    response = client.get(reverse(f"admin:{changelist}_changelist"), query(crawl_world))

    assert response.status_code == 200
