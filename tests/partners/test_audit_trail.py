"""The audit trail of events, initiatives and guides: who created, changed, published, cancelled or deleted what."""

import datetime
import itertools
import re

import pytest
import time_machine
from django.contrib.admin import helpers
from django.urls import reverse

from activities.models import Event
from mapping.models import Initiative
from resources.models import Resource
from tests.activities.helpers import event_form
from tests.factories import EventFactory, InitiativeFactory, ResourceFactory
from tests.mapping.helpers import initiative_form
from tests.resources.helpers import form_data as resource_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(datetime.datetime(2025, 10, 6, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def trail(model, pk):
    """The object's history, oldest first (by id: the clock is frozen, so the dates are all equal)."""
    return list(model.history.filter(id=pk).order_by("history_id"))


def changes(record, previous):
    return {change.field: (change.old, change.new) for change in record.diff_against(previous).changes}


def edits(records):
    """(changed fields, who) of each entry after the first that changed a field."""
    return [
        (found, record.history_user.username)
        for previous, record in itertools.pairwise(records)
        if record.history_type == "~" and (found := changes(record, previous))
    ]


def run_action(client, changelist, action, obj):
    return client.post(reverse(changelist), {"action": action, helpers.ACTION_CHECKBOX_NAME: [obj.pk], "index": 0})


def test_an_events_life_is_recorded_with_who_did_each_step(client, librarian, coordinator, ogre):
    client.force_login(librarian)
    client.post(reverse("admin:activities_event_add"), event_form(ogre))
    event = Event.objects.get(slug="valodas-kafejnica-ogre")
    client.post(
        reverse("admin:activities_event_change", args=[event.pk]),
        event_form(
            ogre, title_uk="Мовне кафе в Огре", **{"attendance-TOTAL_FORMS": "0", "attendance-INITIAL_FORMS": "0"}
        ),
    )
    run_action(client, "admin:activities_event_changelist", "publish_events", event)
    client.force_login(coordinator)
    run_action(client, "admin:activities_event_changelist", "cancel_events", event)
    client.post(reverse("admin:activities_event_delete", args=[event.pk]), {"post": "yes"})

    records = trail(Event, event.pk)
    assert (records[0].history_type, records[0].history_user) == ("+", librarian)
    assert (records[-1].history_type, records[-1].history_user) == ("-", coordinator)
    # Saving the co-organisers after the event adds entries without changes of their own.
    assert edits(records[:-1]) == [
        ({"title_uk": ("Мовне кафе", "Мовне кафе в Огре")}, "ogre-librarian"),
        ({"status": ("draft", "published")}, "ogre-librarian"),
        ({"status": ("published", "cancelled")}, "kisc-coordinator"),
    ]


def test_the_event_history_page_shows_the_steps_to_a_coordinator(client, librarian, coordinator, ogre):
    event = EventFactory(organiser=ogre, status=Event.Status.DRAFT)
    client.force_login(librarian)
    run_action(client, "admin:activities_event_changelist", "publish_events", event)
    client.force_login(coordinator)

    response = client.get(reverse("admin:activities_event_history", args=[event.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "ogre-librarian" in page
    assert re.search(r"<strong>Status:</strong>\s*Draft\s*&nbsp;&rarr;&nbsp;&nbsp;Published", page)


def test_co_organisers_are_part_of_the_event_history(coordinator_client, ogre, jelgava):
    event = EventFactory(organiser=ogre)

    event.co_organisers.add(jelgava)

    latest = Event.history.filter(id=event.pk).first()
    assert [row.organisation_id for row in latest.co_organisers.all()] == [jelgava.pk]


def test_an_initiatives_life_is_recorded_with_who_did_each_step(client, librarian, coordinator, ogre):
    client.force_login(librarian)
    client.post(
        reverse("admin:mapping_initiative_add"), initiative_form(host=ogre.pk, status=Initiative.Status.PENDING)
    )
    initiative = Initiative.objects.get(slug="valodas-kafejnica-ogre")
    client.force_login(coordinator)
    run_action(client, "admin:mapping_initiative_changelist", "approve_initiatives", initiative)
    run_action(client, "admin:mapping_initiative_changelist", "archive_initiatives", initiative)
    client.post(reverse("admin:mapping_initiative_delete", args=[initiative.pk]), {"post": "yes"})

    records = trail(Initiative, initiative.pk)
    assert [(record.history_type, record.history_user) for record in records] == [
        ("+", librarian),
        ("~", coordinator),
        ("~", coordinator),
        ("-", coordinator),
    ]
    assert edits(records[:-1]) == [
        ({"status": ("pending", "published")}, "kisc-coordinator"),
        ({"status": ("published", "archived")}, "kisc-coordinator"),
    ]


def test_a_suggestions_e_mail_address_stays_out_of_the_trail(ogre):
    initiative = InitiativeFactory(host=ogre, submitter_email="anna@example.org")

    assert not hasattr(initiative.history.get(), "submitter_email")


def test_a_guides_creation_publication_and_deletion_are_recorded(client, librarian, ogre):
    client.force_login(librarian)
    client.post(reverse("admin:resources_resource_add"), resource_form(owner=ogre.pk, published_on=""))
    resource = Resource.objects.get(slug="celvedis-bibliotekariem")
    client.post(
        reverse("admin:resources_resource_change", args=[resource.pk]),
        resource_form(owner=ogre.pk, published_on="2025-10-06"),
    )
    client.post(reverse("admin:resources_resource_delete", args=[resource.pk]), {"post": "yes"})

    records = trail(Resource, resource.pk)
    assert [record.history_type for record in records] == ["+", "~", "-"]
    assert {record.history_user for record in records} == {librarian}
    assert edits(records[:-1]) == [({"published_on": (None, datetime.date(2025, 10, 6))}, "ogre-librarian")]


def test_the_guide_history_page_lists_who_changed_it(coordinator_client, coordinator, ogre):
    coordinator_client.post(reverse("admin:resources_resource_add"), resource_form(owner=ogre.pk))
    resource = Resource.objects.get(slug="celvedis-bibliotekariem")

    response = coordinator_client.get(reverse("admin:resources_resource_history", args=[resource.pk]))

    assert response.status_code == 200
    assert coordinator.username in response.content.decode()


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("activities_event", lambda organisation: EventFactory(organiser=organisation)),
        ("mapping_initiative", lambda organisation: InitiativeFactory(host=organisation)),
        ("resources_resource", lambda organisation: ResourceFactory(owner=organisation)),
    ],
)
def test_a_librarian_cannot_read_another_librarys_history(librarian_client, ogre, jelgava, model, make):
    own, other = make(ogre), make(jelgava)
    version = other.history.get()

    assert librarian_client.get(reverse(f"admin:{model}_history", args=[own.pk])).status_code == 200
    assert librarian_client.get(reverse(f"admin:{model}_history", args=[other.pk])).status_code == 403
    version_page = reverse(f"admin:{model}_simple_history", args=[other.pk, version.history_id])
    assert librarian_client.get(version_page).status_code == 403
    other_pk = other.pk
    other.delete()
    assert librarian_client.get(reverse(f"admin:{model}_history", args=[other_pk])).status_code == 403


def test_a_librarian_reads_the_earlier_versions_of_an_event_that_came_to_her_library(client, librarian, ogre, jelgava):
    # The row as it is now decides: its first version names another library.
    event = EventFactory(organiser=jelgava)
    first = event.history.earliest()
    event.organiser = ogre
    event.save()
    client.force_login(librarian)

    page = client.get(reverse("admin:activities_event_simple_history", args=[event.pk, first.history_id]))

    assert page.status_code == 200
