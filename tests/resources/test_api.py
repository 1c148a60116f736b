"""Resources with their files, and strategies with their action plans, in the open data API."""

import datetime

import pytest
from django.utils import timezone

from resources.models import ActionItem
from tests.factories import ActionItemFactory, EventFactory, ResourceFactory, ResourceFileFactory, StrategyFactory

pytestmark = pytest.mark.django_db


def test_a_resource_lists_its_files_with_language_format_size_and_download_address(client):
    resource = ResourceFactory(topics=["language", "rights"])
    resource_file = ResourceFileFactory(resource=resource, language="uk", format="pdf", size=2048)
    ResourceFactory(published_on=timezone.localdate() + datetime.timedelta(days=3))

    items = client.get("/api/v1/resources/").json()["results"]

    assert [item["id"] for item in items] == [resource.pk]
    assert items[0]["topics"] == ["language", "rights"]
    assert items[0]["files"] == [
        {
            "id": resource_file.pk,
            "language": "uk",
            "title": "",
            "format": "pdf",
            "size": 2048,
            "download_url": items[0]["files"][0]["download_url"],
        }
    ]
    assert items[0]["files"][0]["download_url"].endswith(f"/uk/resources/files/{resource_file.pk}/")


def test_resources_are_filtered_by_topic_and_language(client):
    language = ResourceFactory(topics=["language"])
    ResourceFileFactory(resource=language, language="uk")
    ResourceFactory(topics=["rights"])

    response = client.get("/api/v1/resources/?topic=language&language=uk")

    assert [item["id"] for item in response.json()["results"]] == [language.pk]


def test_a_strategy_gives_the_status_of_each_action_item_and_its_progress(client):
    strategy = StrategyFactory()
    event = EventFactory()
    done = ActionItemFactory(strategy=strategy, status=ActionItem.Status.DONE, position=1)
    done.events.add(event)
    ActionItemFactory(strategy=strategy, status=ActionItem.Status.IN_PROGRESS, position=2)

    item = client.get(f"/api/v1/strategies/{strategy.pk}/").json()

    assert [(entry["status"], len(entry["events"])) for entry in item["action_items"]] == [
        ("done", 1),
        ("in_progress", 0),
    ]
    assert item["progress"] == {"total": 2, "done": 1, "in_progress": 1, "planned": 0}


@pytest.mark.parametrize("path", ["/api/v1/resources/", "/api/v1/strategies/"])
def test_the_lists_run_the_same_queries_at_two_sizes(count_queries, public_cache_lifetime_passes, path):
    def add():
        resource = ResourceFactory()
        ResourceFileFactory(resource=resource)
        item = ActionItemFactory()
        item.events.add(EventFactory())

    add()
    _response, few = count_queries(f"{path}?page_size=200")
    for _ in range(10):
        add()
    public_cache_lifetime_passes()
    response, many = count_queries(f"{path}?page_size=200")

    assert response.json()["count"] == 11
    assert few == many
