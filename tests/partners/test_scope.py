"""Row-level scope of OrganisationScopedAdminMixin, on an admin site of the tests' own (tests/partners/scope_site)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from activities.models import Event
from partners.models import Organisation, StaffMembership
from partners.roles import sync_user_groups
from tests.factories import EventFactory, InitiativeFactory, StaffMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.partners.scope_site")]


def url(name, *args):
    return reverse(f"scopetest:{name}", args=args)


@pytest.fixture
def events(ogre, jelgava):
    return EventFactory(title="Ogres seminārs", organiser=ogre), EventFactory(
        title="Jelgavas seminārs", organiser=jelgava
    )


def event_form(organiser, **overrides):
    starts_at = timezone.now() + datetime.timedelta(days=3)
    data = {
        "title": "Valodas kafejnīca",
        "slug": "valodas-kafejnica-ogre",
        "organiser": organiser.pk if organiser else "",
        "starts_at_0": starts_at.strftime("%Y-%m-%d"),
        "starts_at_1": "17:00:00",
        "ends_at_0": starts_at.strftime("%Y-%m-%d"),
        "ends_at_1": "19:00:00",
        "languages": ["lv", "uk"],
        "status": Event.Status.DRAFT,
    }
    data.update(overrides)
    return data


def test_librarian_changelist_lists_only_her_organisations_events(librarian_client, events):
    response = librarian_client.get(url("activities_event_changelist"))

    assert response.status_code == 200
    assert [event.title for event in response.context["cl"].result_list] == ["Ogres seminārs"]


def test_coordinator_changelist_lists_every_organisations_events(coordinator_client, events):
    response = coordinator_client.get(url("activities_event_changelist"))

    assert {event.title for event in response.context["cl"].result_list} == {"Ogres seminārs", "Jelgavas seminārs"}


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_another_librarys_object_by_url_is_refused(librarian_client, events, view):
    _own, other = events

    response = librarian_client.get(url(f"activities_event_{view}", other.pk))

    assert response.status_code == 403


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_her_own_object_opens(librarian_client, events, view):
    own, _other = events

    response = librarian_client.get(url(f"activities_event_{view}", own.pk))

    assert response.status_code == 200


def test_posting_to_another_librarys_object_changes_nothing(librarian_client, events, ogre):
    _own, other = events

    response = librarian_client.post(url("activities_event_change", other.pk), event_form(ogre, title="Pārņemts"))

    assert response.status_code == 403
    other.refresh_from_db()
    assert other.title == "Jelgavas seminārs"


def test_bulk_delete_removes_only_her_rows(librarian_client, events):
    own, other = events

    response = librarian_client.post(
        url("activities_event_changelist"),
        {"action": "delete_selected", "_selected_action": [own.pk, other.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert list(Event.objects.values_list("title", flat=True)) == ["Jelgavas seminārs"]


def test_organiser_choices_are_her_organisations_and_another_is_refused(librarian_client, ogre, jelgava):
    response = librarian_client.post(url("activities_event_add"), event_form(jelgava))

    assert response.status_code == 200
    assert "organiser" in response.context["adminform"].form.errors
    assert not Event.objects.exists()
    assert list(response.context["adminform"].form.fields["organiser"].queryset) == [ogre]


def test_her_organisation_is_preselected_and_an_event_is_saved_for_it(librarian_client, ogre):
    form = librarian_client.get(url("activities_event_add")).context["adminform"].form
    assert form.initial["organiser"] == ogre.pk

    response = librarian_client.post(url("activities_event_add"), event_form(ogre))

    assert response.status_code == 302
    assert Event.objects.get().organiser == ogre


def test_a_nullable_owner_is_required_for_a_librarian(librarian_client):
    form = librarian_client.get(url("mapping_initiative_add")).context["adminform"].form

    assert form.fields["host"].required


def test_a_librarian_of_two_libraries_chooses_between_them(client, ogre, jelgava, kisc):
    user = StaffMembershipFactory(user__username="two-libraries", organisation=ogre).user
    StaffMembershipFactory(user=user, organisation=jelgava)
    sync_user_groups(user)
    client.force_login(user)

    form = client.get(url("activities_event_add")).context["adminform"].form

    assert set(form.fields["organiser"].queryset) == {ogre, jelgava}
    assert "organiser" not in form.initial


def autocomplete(client, field_name, term=""):
    response = client.get(
        url("autocomplete"),
        {"app_label": "activities", "model_name": "event", "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return {result["text"] for result in response.json()["results"]}


def test_organiser_autocomplete_offers_only_her_organisations(librarian_client, ogre, jelgava):
    assert autocomplete(librarian_client, "organiser") == {str(ogre)}


def test_co_organiser_autocomplete_offers_every_organisation(librarian_client, ogre, jelgava):
    assert autocomplete(librarian_client, "co_organisers") == {str(ogre), str(jelgava)}


def test_coordinator_organiser_autocomplete_offers_every_organisation(coordinator_client, ogre, jelgava, kisc):
    assert autocomplete(coordinator_client, "organiser") == {str(ogre), str(jelgava), str(kisc)}


def test_list_filter_offers_only_organisations_in_her_rows(client, ogre, jelgava, kisc):
    user = StaffMembershipFactory(user__username="two-libraries", organisation=ogre).user
    StaffMembershipFactory(user=user, organisation=jelgava)
    sync_user_groups(user)
    for organiser in (ogre, jelgava, kisc):
        EventFactory(organiser=organiser)
    client.force_login(user)

    response = client.get(url("activities_event_changelist"))

    organiser_filter = next(f for f in response.context["cl"].filter_specs if f.field_path == "organiser")
    assert {label for _pk, label in organiser_filter.lookup_choices} == {str(ogre), str(jelgava)}


def test_librarian_search_stays_in_scope(librarian_client, events):
    response = librarian_client.get(url("activities_event_changelist"), {"q": "seminārs"})

    assert [event.title for event in response.context["cl"].result_list] == ["Ogres seminārs"]


def test_scope_follows_the_configured_path_for_initiatives(librarian_client, ogre, jelgava):
    InitiativeFactory(title="Ogres kafejnīca", host=ogre)
    other = InitiativeFactory(title="Jelgavas kafejnīca", host=jelgava)

    listing = librarian_client.get(url("mapping_initiative_changelist"))
    refused = librarian_client.get(url("mapping_initiative_change", other.pk))

    assert [i.title for i in listing.context["cl"].result_list] == ["Ogres kafejnīca"]
    assert refused.status_code == 403


def test_a_missing_object_is_not_mistaken_for_another_librarys(librarian_client):
    response = librarian_client.get(url("activities_event_change", 999999))

    assert response.status_code == 302


def test_a_staff_user_without_membership_sees_nothing(client, events):
    user = StaffMembershipFactory(user__username="former", role=StaffMembership.Role.LIBRARIAN).user
    sync_user_groups(user)
    user.memberships.all().delete()
    client.force_login(user)

    response = client.get(url("activities_event_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


ROLE_VIEW_EXPECTATIONS = [
    # (view, object, librarian status, coordinator status)
    ("changelist", None, 200, 200),
    ("add", None, 200, 200),
    ("change", "own", 200, 200),
    ("change", "other", 403, 200),
    ("delete", "own", 200, 200),
    ("delete", "other", 403, 200),
    ("history", "own", 200, 200),
    ("history", "other", 403, 200),
]


@pytest.mark.parametrize("role", ["librarian", "coordinator"])
@pytest.mark.parametrize(("view", "target", "as_librarian", "as_coordinator"), ROLE_VIEW_EXPECTATIONS)
def test_every_admin_view_answers_each_role(client, request, events, role, view, target, as_librarian, as_coordinator):
    client.force_login(request.getfixturevalue(role))
    args = () if target is None else (events[0 if target == "own" else 1].pk,)

    response = client.get(url(f"activities_event_{view}", *args))

    assert response.status_code == (as_librarian if role == "librarian" else as_coordinator)


@pytest.mark.parametrize("rows", [5, 50])
def test_scoped_changelist_queries_do_not_grow_with_rows(
    librarian_client, django_assert_max_num_queries, ogre, jelgava, rows
):
    EventFactory.create_batch(rows, organiser=ogre)
    EventFactory.create_batch(rows, organiser=jelgava)

    with django_assert_max_num_queries(16):
        response = librarian_client.get(url("activities_event_changelist"))

    assert response.context["cl"].result_count == rows


def test_organisations_stay_readable_for_a_librarian_but_not_writable(librarian_client, ogre):
    assert Organisation.objects.filter(pk=ogre.pk).exists()
    assert librarian_client.get(url("partners_organisation_changelist")).status_code == 200
    assert librarian_client.get(url("partners_organisation_add")).status_code == 403
    assert librarian_client.get(url("partners_organisation_delete", ogre.pk)).status_code == 403


def test_her_organisation_is_forced_even_when_the_admin_saves_through_a_service(librarian, ogre, jelgava, rf):
    """An admin whose save_model() calls a service still gets the owner forced (save_form runs first)."""
    from tests.partners.scope_site import EventAdmin, site

    request = rf.post("/")
    request.user = librarian
    model_admin = EventAdmin(Event, site)
    form_class = model_admin.get_form(request)
    form = form_class(data=event_form(ogre))
    assert form.is_valid(), form.errors
    form.cleaned_data["organiser"] = jelgava
    form.instance.organiser = jelgava

    event = model_admin.save_form(request, form, change=False)

    assert event.organiser == ogre


@pytest.fixture
def may_read_memberships(librarian):
    # In the real admin memberships are for coordinators; here they stand in for any model with an audit trail.
    librarian.user_permissions.add(Permission.objects.get(codename="view_staffmembership"))


@pytest.mark.usefixtures("may_read_memberships")
def test_the_audit_trail_of_another_librarys_row_is_refused(librarian_client, librarian, jelgava):
    other = StaffMembershipFactory(organisation=jelgava)
    version = other.history.get()
    own = librarian.memberships.get()

    assert librarian_client.get(url("partners_staffmembership_history", own.pk)).status_code == 200
    assert librarian_client.get(url("partners_staffmembership_history", other.pk)).status_code == 403
    assert (
        librarian_client.get(url("partners_staffmembership_simple_history", other.pk, version.history_id)).status_code
        == 403
    )


@pytest.mark.usefixtures("may_read_memberships")
def test_the_audit_trail_of_a_deleted_row_of_another_library_stays_refused(librarian_client, jelgava):
    other = StaffMembershipFactory(organisation=jelgava)
    pk = other.pk
    other.delete()

    assert librarian_client.get(url("partners_staffmembership_history", pk)).status_code == 403
