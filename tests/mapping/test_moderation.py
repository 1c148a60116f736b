import json

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from mapping.models import Initiative
from mapping.tasks import notify_submitter
from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db

changelist_url = reverse("admin:mapping_initiative_changelist")


@pytest.fixture
def suggestion():
    return InitiativeFactory(
        slug="rozmovnii-klub",
        title_uk="Розмовний клуб",
        title_lv="Sarunu klubs",
        status=Initiative.Status.PENDING,
        source=Initiative.Source.SUGGESTION,
        submitter_email="olena@example.org",
        submitter_language="uk",
    )


def run_action(client, action, initiatives, **extra):
    return client.post(
        changelist_url,
        {"action": action, "_selected_action": [initiative.pk for initiative in initiatives], **extra},
        follow=True,
    )


def test_approving_a_suggestion_publishes_it_and_tells_the_submitter_in_her_language(
    admin_client, suggestion, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "approve_initiatives", [suggestion])

    suggestion.refresh_from_db()
    assert suggestion.status == Initiative.Status.PUBLISHED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olena@example.org"]
    assert "Розмовний клуб" in message.body
    assert "http://127.0.0.1:8000/uk/map/rozmovnii-klub/" in message.body
    # Signed in her language too, not with the English name of the project.
    assert message.body.rstrip().endswith("LIBRI – Бібліотечні мости")
    # The address served its purpose and is gone.
    assert suggestion.submitter_email == ""


def test_a_suggestion_without_a_latvian_title_is_not_published(admin_client, suggestion):
    suggestion.title_lv = ""
    suggestion.save()

    response = run_action(admin_client, "approve_initiatives", [suggestion])

    suggestion.refresh_from_db()
    assert suggestion.status == Initiative.Status.PENDING
    assert any("Latvian title" in str(message) for message in get_messages(response.wsgi_request))
    assert mail.outbox == []


def test_rejecting_asks_for_a_reason_first(admin_client, suggestion):
    response = admin_client.post(changelist_url, {"action": "reject_suggestions", "_selected_action": [suggestion.pk]})

    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert "Розмовний клуб" in response.content.decode() or "Sarunu klubs" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == Initiative.Status.PENDING


def test_rejecting_archives_the_suggestion_keeps_the_reason_and_tells_the_submitter(
    admin_client, suggestion, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            admin_client, "reject_suggestions", [suggestion], reason="Šī iniciatīva vairs nedarbojas."
        )

    suggestion.refresh_from_db()
    assert suggestion.status == Initiative.Status.ARCHIVED
    assert suggestion.rejection_reason == "Šī iniciatīva vairs nedarbojas."
    assert suggestion.submitter_email == ""
    assert len(mail.outbox) == 1
    assert "Šī iniciatīva vairs nedarbojas." in mail.outbox[0].body
    assert any("1 suggestion rejected" in str(message) for message in get_messages(response.wsgi_request))


def test_a_rejection_needs_a_reason(admin_client, suggestion):
    response = admin_client.post(
        changelist_url, {"action": "reject_suggestions", "_selected_action": [suggestion.pk], "reason": "  "}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    suggestion.refresh_from_db()
    assert suggestion.status == Initiative.Status.PENDING


def test_only_pending_initiatives_can_be_rejected(admin_client):
    published = InitiativeFactory()

    response = run_action(admin_client, "reject_suggestions", [published], reason="Nē.")

    published.refresh_from_db()
    assert published.status == Initiative.Status.PUBLISHED
    assert any("Only initiatives pending review" in str(m) for m in get_messages(response.wsgi_request))


def test_no_email_when_the_submitter_left_none_or_staff_created_the_initiative(
    admin_client, suggestion, django_capture_on_commit_callbacks
):
    suggestion.submitter_email = ""
    suggestion.save()
    staff_made = InitiativeFactory(status=Initiative.Status.PENDING, submitter_email="someone@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "approve_initiatives", [suggestion, staff_made])

    assert mail.outbox == []


def test_nothing_is_sent_before_the_decision_is_committed(admin_client, suggestion, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_action(admin_client, "approve_initiatives", [suggestion])

    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_the_notification_task_is_harmless_for_a_deleted_or_undecided_suggestion(suggestion):
    assert notify_submitter(suggestion.pk) is False
    assert notify_submitter(0) is False
    assert mail.outbox == []


def test_the_change_form_shows_the_suggestion_details_read_only(admin_client, suggestion):
    content = admin_client.get(reverse("admin:mapping_initiative_change", args=[suggestion.pk])).content.decode()

    assert "olena@example.org" in content
    assert 'name="submitter_email"' not in content


def test_an_approved_suggestion_reaches_the_map_data_within_the_public_cache_lifetime(
    admin_client, suggestion, map_data, django_capture_on_commit_callbacks, public_cache_lifetime_passes
):
    first = map_data()
    assert json.loads(first.content)["features"] == []

    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "approve_initiatives", [suggestion])
    public_cache_lifetime_passes()
    again = map_data(first["ETag"])

    assert again.status_code == 200
    assert [feature["id"] for feature in json.loads(again.content)["features"]] == ["rozmovnii-klub"]


def test_a_suggestion_written_in_ukrainian_only_is_named_by_its_title_in_the_admin(admin_client):
    suggestion = InitiativeFactory(
        title="",
        title_lv="",
        title_uk="Тестова ініціатива в Огрі",
        status=Initiative.Status.PENDING,
        source=Initiative.Source.SUGGESTION,
        submitter_language="uk",
    )

    listed = admin_client.get(changelist_url, {"status__exact": Initiative.Status.PENDING}).content.decode()
    change = admin_client.get(reverse("admin:mapping_initiative_change", args=[suggestion.pk])).content.decode()

    assert "Тестова ініціатива в Огрі</a>" in listed
    assert "<title>" in change and "Тестова ініціатива в Огрі" in change.split("<title>", 1)[1].split("</title>")[0]
