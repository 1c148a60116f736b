"""The events of the open data API, /api/v1/events/: filters, content, cancelled events and query counts."""

import datetime

import pytest
from django.utils import timezone

from activities.models import Event
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_every_translated_field_carries_all_four_languages_and_the_pages_of_the_event(client):
    event = EventFactory(title="Seminārs", summary="")
    event.title_uk = "Семінар"
    event.save()

    item = results(client.get("/api/v1/events/"))[0]

    assert item["id"] == event.pk
    assert item["title"] == {"lv": "Seminārs", "en": None, "uk": "Семінар", "ru": None}
    assert item["summary"] == {"lv": None, "en": None, "uk": None, "ru": None}
    assert item["page_url"]["uk"].endswith(f"/uk/events/{event.slug}/")
    assert item["page_url"]["lv"].endswith(f"/lv/events/{event.slug}/")
    assert item["api_url"].endswith(f"/api/v1/events/{event.pk}/")
    assert item["organiser"]["id"] == event.organiser_id
    assert item["place"]["organisation_id"] == event.organiser_id
    assert item["place"]["latitude"] == pytest.approx(56.8162)


def test_cancelled_events_are_listed_with_their_status_and_drafts_never(client):
    published = EventFactory()
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    EventFactory(status=Event.Status.DRAFT)

    listed = {item["id"]: item["status"] for item in results(client.get("/api/v1/events/"))}

    assert listed == {published.pk: "published", cancelled.pk: "cancelled"}
    only_cancelled = results(client.get("/api/v1/events/?status=cancelled"))
    assert [item["id"] for item in only_cancelled] == [cancelled.pk]


def test_a_draft_is_not_found_by_its_id(client):
    draft = EventFactory(status=Event.Status.DRAFT)

    response = client.get(f"/api/v1/events/{draft.pk}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_event_list_filters_apply(client):
    ogre = OrganisationFactory(slug="ogre", city="Ogre")
    jelgava = OrganisationFactory(slug="jelgava", city="Jelgava")
    soon = timezone.now() + datetime.timedelta(days=2)
    later = timezone.now() + datetime.timedelta(days=40)
    ukrainian = EventFactory(organiser=ogre, languages=["uk"], starts_at=soon, kind=Event.Kind.WORKSHOP)
    latvian = EventFactory(organiser=jelgava, languages=["lv"], starts_at=later, audience=["librarians"])

    def ids(query):
        return [item["id"] for item in results(client.get(f"/api/v1/events/?{query}"))]

    assert ids("language=uk") == [ukrainian.pk]
    assert ids("library=jelgava") == [latvian.pk]
    assert ids("city=OGRE") == [ukrainian.pk]
    assert ids("kind=workshop") == [ukrainian.pk]
    assert ids("audience=librarians") == [latvian.pk]
    assert ids(f"date_from={(later - datetime.timedelta(days=1)).date()}") == [latvian.pk]
    assert ids(f"date_to={(soon + datetime.timedelta(days=1)).date()}") == [ukrainian.pk]
    assert ids("library=nowhere") == []
    assert ids("ordering=-starts_at") == [latvian.pk, ukrainian.pk]


def test_updated_since_gives_only_what_changed_after_that_moment(client):
    old = EventFactory()
    Event.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    new = EventFactory()
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    response = client.get("/api/v1/events/", {"updated_since": since})

    assert [item["id"] for item in results(response)] == [new.pk]


@pytest.mark.parametrize(
    "query", ["language=xx", "kind=party", "date_from=tomorrow", "updated_since=yesterday", "kind="]
)
def test_a_parameter_that_is_not_valid_answers_400_naming_it(client, query):
    response = client.get(f"/api/v1/events/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    assert query.split("=")[0] in problem["errors"]


@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01", "date_to=2101-01-01"])
def test_a_day_outside_the_years_events_can_have_answers_400_for_the_list_and_an_event(client, query):
    event = EventFactory()

    for path in ("/api/v1/events/", f"/api/v1/events/{event.pk}/"):
        response = client.get(f"{path}?{query}", headers={"accept-language": "en"})

        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["detail"] == "Some parameters are not valid; see errors."
        assert problem["errors"] == {query.split("=")[0]: ["Give a date between 2000-01-01 and 2100-12-31."]}


def test_an_instant_beyond_the_first_year_in_utc_is_taken_as_the_earliest(client):
    event = EventFactory()

    response = client.get("/api/v1/events/", {"updated_since": "0001-01-01T00:30:00+05:00"})

    assert [item["id"] for item in results(response)] == [event.pk]


def test_the_event_list_runs_the_same_queries_for_3_and_30_events(count_queries, public_cache_lifetime_passes):
    for _ in range(3):
        EventFactory()
    _response, few = count_queries("/api/v1/events/?page_size=200")
    for _ in range(27):
        event = EventFactory()
        event.co_organisers.add(OrganisationFactory())
    public_cache_lifetime_passes()
    response, many = count_queries("/api/v1/events/?page_size=200")

    assert response.json()["count"] == 30
    assert few == many
