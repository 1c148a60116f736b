"""Which statuses an event may take: only an event that has been published can be cancelled, through the admin's
form, its action and the services alike, each answering with a message on the status."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities import services
from activities.models import Event
from tests.activities.helpers import change_form, event_form
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NOT_PUBLISHED = "An event that has not been published cannot be cancelled: nobody has been told of it."


def test_a_new_event_cannot_be_saved_as_cancelled(admin_client):
    library = OrganisationFactory()

    response = admin_client.post(
        reverse("admin:activities_event_add"), event_form(library, status=Event.Status.CANCELLED)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert NOT_PUBLISHED in errors["status"][0]
    assert NOT_PUBLISHED in response.content.decode()
    assert not Event.objects.exists()


def test_a_draft_cannot_be_saved_as_cancelled_on_its_change_page(admin_client):
    draft = EventFactory(status=Event.Status.DRAFT)

    response = admin_client.post(
        reverse("admin:activities_event_change", args=[draft.pk]),
        change_form(draft, status=Event.Status.CANCELLED, title_en="Never announced"),
    )

    assert response.status_code == 200
    assert NOT_PUBLISHED in response.context["adminform"].form.errors["status"][0]
    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT
    assert draft.title_en != "Never announced"


def test_a_published_event_is_cancelled_on_its_change_page_and_stays_editable(admin_client):
    event = EventFactory(status=Event.Status.PUBLISHED)
    url = reverse("admin:activities_event_change", args=[event.pk])

    cancelled = admin_client.post(url, change_form(event, status=Event.Status.CANCELLED))
    edited = admin_client.post(url, change_form(event, status=Event.Status.CANCELLED, title_en="Cancelled: rain"))

    assert (cancelled.status_code, edited.status_code) == (302, 302)
    event.refresh_from_db()
    assert (event.status, event.title_en) == (Event.Status.CANCELLED, "Cancelled: rain")


def test_a_published_event_taken_back_to_draft_cannot_be_cancelled_until_published_again(admin_client):
    event = EventFactory(status=Event.Status.PUBLISHED)
    url = reverse("admin:activities_event_change", args=[event.pk])

    withdrawn = admin_client.post(url, change_form(event, status=Event.Status.DRAFT))
    refused = admin_client.post(url, change_form(event, status=Event.Status.CANCELLED))

    assert withdrawn.status_code == 302
    assert refused.status_code == 200
    assert "status" in refused.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_cancelling_a_draft_through_the_service_raises_a_validation_error_on_the_status():
    draft = EventFactory(status=Event.Status.DRAFT)

    with pytest.raises(ValidationError) as refused:
        services.event_cancel(event=draft)

    assert NOT_PUBLISHED in refused.value.message_dict["status"][0]
    assert Event.objects.get(pk=draft.pk).status == Event.Status.DRAFT


def test_cancelling_through_the_service_takes_a_published_or_cancelled_event():
    published = EventFactory(status=Event.Status.PUBLISHED)
    cancelled = EventFactory(status=Event.Status.CANCELLED)

    services.event_cancel(event=published)
    services.event_cancel(event=cancelled)

    assert set(Event.objects.values_list("status", flat=True)) == {Event.Status.CANCELLED}


def test_a_cancelled_event_published_again_can_be_cancelled_again():
    event = EventFactory(status=Event.Status.CANCELLED)

    services.event_publish(event=event)
    services.event_cancel(event=event)

    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED


def test_the_cancel_action_names_the_draft_it_leaves_and_why(admin_client):
    draft = EventFactory(status=Event.Status.DRAFT, title_en="Draft seminar")

    response = admin_client.post(
        reverse("admin:activities_event_changelist"),
        {"action": "cancel_events", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert NOT_PUBLISHED in response.content.decode()
    assert Event.objects.get(pk=draft.pk).status == Event.Status.DRAFT
