"""Moderation of the public's suggestions by role, through the admin: only coordinators decide on a suggestion and
see who sent it; every way of deciding tells the submitter once, in her language, and then erases her address."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mapping.models import Initiative
from partners.models import StaffMembership
from tests.factories import InitiativeFactory, OrganisationFactory
from tests.mapping.helpers import initiative_form
from tests.partners.helpers import force_login_with_code, staff_member

pytestmark = pytest.mark.django_db

changelist_url = reverse("admin:mapping_initiative_changelist")
ADDRESS = "olena@example.org"
PUBLISHED_SUBJECT_UK = "Ваша пропозиція — на карті LIBRI"
DECLINED_SUBJECT_UK = "Ваша пропозиція для карти LIBRI"


def change_url(initiative):
    return reverse("admin:mapping_initiative_change", args=[initiative.pk])


def history_url(initiative):
    return reverse("admin:mapping_initiative_history", args=[initiative.pk])


def version_url(initiative, version):
    return reverse("admin:mapping_initiative_simple_history", args=[initiative.pk, version.pk])


@pytest.fixture(autouse=True)
def two_step_login(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


@pytest.fixture
def ogre():
    return OrganisationFactory(slug="ogre", name="Ogres Centrālā bibliotēka")


@pytest.fixture
def librarian_client(ogre):
    librarian = staff_member(ogre, StaffMembership.Role.LIBRARIAN, "ogre-librarian")
    return force_login_with_code(Client(headers={"Accept-Language": "en"}), librarian)


@pytest.fixture
def coordinator_client():
    kisc = OrganisationFactory(slug="kisc")
    coordinator = staff_member(kisc, StaffMembership.Role.COORDINATOR, "kisc-coordinator")
    return force_login_with_code(Client(headers={"Accept-Language": "en"}), coordinator)


def suggestion_for(host, **overrides):
    """A suggestion from the public, written in Ukrainian, that names `host` as the organisation behind it."""
    values = {
        "slug": "rozmovnii-klub",
        "title_lv": "Sarunu klubs",
        "title_uk": "Розмовний клуб",
        "host": host,
        "status": Initiative.Status.PENDING,
        "source": Initiative.Source.SUGGESTION,
        "submitter_email": ADDRESS,
        "submitter_language": "uk",
        **overrides,
    }
    return InitiativeFactory(**values)


@pytest.fixture
def suggestion(ogre):
    return suggestion_for(ogre)


@pytest.fixture
def published_suggestion(ogre):
    """A suggestion a coordinator published, whose submitter has not been told yet (the e-mail waits for the
    worker): the address is still stored, and the initiative is now the host library's."""
    return suggestion_for(ogre, status=Initiative.Status.PUBLISHED)


def suggestion_form(initiative, **overrides):
    values = {
        "host": initiative.host_id,
        "slug": initiative.slug,
        "title_lv": initiative.title_lv,
        "title_uk": initiative.title_uk,
        "status": initiative.status,
        **overrides,
    }
    return initiative_form(**values)


def run_action(client, action, initiatives, **extra):
    return client.post(
        changelist_url,
        {"action": action, "_selected_action": [initiative.pk for initiative in initiatives], **extra},
        follow=True,
    )


def listed(response):
    return [initiative.pk for initiative in response.context["cl"].result_list]


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- What a librarian sees -------------------------------------------------------------------------------------


def test_a_librarian_does_not_see_a_suggestion_naming_her_library_until_a_coordinator_publishes_it(
    librarian_client, coordinator_client, ogre
):
    own = InitiativeFactory(host=ogre, status=Initiative.Status.PENDING)
    pending = suggestion_for(ogre)
    rejected = suggestion_for(ogre, slug="rejected", status=Initiative.Status.ARCHIVED, rejection_reason="Nē.")
    published = suggestion_for(ogre, slug="published", status=Initiative.Status.PUBLISHED)

    for_librarian = librarian_client.get(changelist_url)
    pending_for_librarian = librarian_client.get(changelist_url, {"status__exact": Initiative.Status.PENDING})
    for_coordinator = coordinator_client.get(changelist_url)

    assert set(listed(for_librarian)) == {own.pk, published.pk}
    assert listed(pending_for_librarian) == [own.pk]
    assert "Sarunu klubs" not in pending_for_librarian.content.decode()
    assert set(listed(for_coordinator)) == {own.pk, pending.pk, rejected.pk, published.pk}


def test_searching_finds_no_suggestion_for_a_librarian(librarian_client, coordinator_client, suggestion):
    for term in ("Розмовний", "Sarunu klubs", ADDRESS, "olena"):
        assert listed(librarian_client.get(changelist_url, {"q": term})) == [], term
    assert listed(coordinator_client.get(changelist_url, {"q": "Sarunu klubs"})) == [suggestion.pk]


@pytest.mark.parametrize(
    "lookup",
    [
        {"submitter_email": ADDRESS},
        {"submitter_email__startswith": "o"},
        {"submitter_email__icontains": "example"},
        {"submitter_language": "uk"},
        {"submitter_language__exact": "uk"},
    ],
)
def test_the_list_takes_no_filter_on_the_submitter_which_would_read_her_address_letter_by_letter(
    librarian_client, coordinator_client, published_suggestion, lookup
):
    for client in (librarian_client, coordinator_client):
        response = client.get(changelist_url, lookup)
        assert response.status_code == 400
        assert ADDRESS not in response.content.decode()


def test_a_librarian_cannot_open_a_suggestion_its_history_or_its_preview(librarian_client, suggestion):
    suggestion.title_en = "Conversation club"
    suggestion.save()
    version = suggestion.history.earliest()

    for url in (change_url(suggestion), history_url(suggestion), version_url(suggestion, version)):
        response = librarian_client.get(url)
        assert response.status_code == 403, url
        assert ADDRESS not in response.content.decode()
    preview = librarian_client.get(suggestion.get_absolute_url())
    assert preview.status_code == 404


def test_a_librarian_cannot_publish_a_suggestion_through_its_change_form(librarian_client, suggestion, mailoutbox):
    response = librarian_client.post(change_url(suggestion), suggestion_form(suggestion, status="published"))

    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == Initiative.Status.PENDING
    assert suggestion.submitter_email == ADDRESS
    assert mailoutbox == []


@pytest.mark.parametrize("action", ["approve_initiatives", "archive_initiatives", "reject_suggestions"])
def test_a_librarian_cannot_decide_on_a_suggestion_with_an_action(
    librarian_client, suggestion, action, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_action(librarian_client, action, [suggestion], reason="Nav vajadzīgs.")

    suggestion.refresh_from_db()
    assert suggestion.status == Initiative.Status.PENDING
    assert suggestion.rejection_reason == ""
    assert suggestion.submitter_email == ADDRESS
    assert mailoutbox == []


def test_a_librarian_is_not_offered_the_rejection_of_suggestions(librarian_client, coordinator_client, ogre):
    InitiativeFactory(host=ogre, status=Initiative.Status.PENDING)

    def actions(client):
        return [name for name, _label in client.get(changelist_url).context["action_form"].fields["action"].choices]

    assert "reject_suggestions" not in actions(librarian_client)
    assert "approve_initiatives" in actions(librarian_client)
    assert "reject_suggestions" in actions(coordinator_client)


def test_a_librarian_does_not_reject_her_own_pending_initiative_either(librarian_client, ogre):
    own = InitiativeFactory(host=ogre, status=Initiative.Status.PENDING)

    run_action(librarian_client, "reject_suggestions", [own], reason="Nav vajadzīgs.")

    own.refresh_from_db()
    assert (own.status, own.rejection_reason) == (Initiative.Status.PENDING, "")


def test_a_published_suggestion_is_the_host_library_s_without_the_submitter_s_data(
    librarian_client, coordinator_client, published_suggestion
):
    librarian_page = librarian_client.get(change_url(published_suggestion))
    coordinator_page = coordinator_client.get(change_url(published_suggestion)).content.decode()

    assert librarian_page.status_code == 200
    content = librarian_page.content.decode()
    assert ADDRESS not in content
    assert "submitter" not in content.lower()
    assert "field-submitter_language" not in content
    assert ADDRESS in coordinator_page
    assert "field-submitter_language" in coordinator_page
    listed_page = librarian_client.get(changelist_url).content.decode()
    assert "Sarunu klubs" in listed_page and ADDRESS not in listed_page


def test_a_librarian_edits_a_published_suggestion_and_the_address_is_left_as_stored(
    librarian_client, published_suggestion, mailoutbox, django_capture_on_commit_callbacks
):
    data = suggestion_form(published_suggestion, title_en="Conversation club", submitter_email="x@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = librarian_client.post(change_url(published_suggestion), data)

    assert response.status_code == 302
    published_suggestion.refresh_from_db()
    assert published_suggestion.title_en == "Conversation club"
    assert published_suggestion.source == Initiative.Source.SUGGESTION
    assert published_suggestion.submitter_email == ADDRESS
    assert mailoutbox == []


def test_the_history_shows_the_submitter_s_language_to_coordinators_only(
    librarian_client, coordinator_client, published_suggestion
):
    # The language of a suggestion never changes in the admin; a change made elsewhere is in the trail all the same.
    published_suggestion.submitter_language = "ru"
    published_suggestion.save()
    versions = published_suggestion.history.order_by("history_date")

    librarian_history = librarian_client.get(history_url(published_suggestion))
    coordinator_history = coordinator_client.get(history_url(published_suggestion)).content.decode()

    assert librarian_history.status_code == 200
    assert "Submitter" not in librarian_history.content.decode()
    assert "<strong>Submitter&#x27;s language:</strong>" in coordinator_history
    for version in versions:
        librarian_version = librarian_client.get(version_url(published_suggestion, version))
        assert librarian_version.status_code == 200
        assert ADDRESS not in librarian_version.content.decode()
        assert "field-submitter_language" not in librarian_version.content.decode()
        assert ADDRESS in coordinator_client.get(version_url(published_suggestion, version)).content.decode()


def test_the_csv_never_holds_the_submitter_s_address(librarian_client, coordinator_client, published_suggestion):
    with translation.override("en"):
        url = reverse("mapping:csv")

    for client in (librarian_client, coordinator_client):
        response = client.get(url)
        text = b"".join(response.streaming_content).decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text[1:])))
        assert [row["title_lv"] for row in rows] == ["Sarunu klubs"]
        assert "contact_email" in rows[0]
        assert ADDRESS not in text
        assert not any("submitter" in column for column in rows[0])


# --- Every decision tells the submitter once -------------------------------------------------------------------


def assert_told_once_in_ukrainian(mailoutbox, subject):
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [ADDRESS]
    assert message.subject == subject
    assert "Дякуємо, що запропонували «Розмовний клуб»" in message.body
    return message


def test_a_coordinator_publishes_a_suggestion_through_its_change_form_and_the_submitter_is_told_once(
    coordinator_client, suggestion, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(change_url(suggestion), suggestion_form(suggestion, status="published"))

    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Initiative.Status.PUBLISHED
    message = assert_told_once_in_ukrainian(mailoutbox, PUBLISHED_SUBJECT_UK)
    assert "http://127.0.0.1:8000/uk/map/rozmovnii-klub/" in message.body
    assert suggestion.submitter_email == ""

    # Saved again: the decision was told already, and nobody is left to tell.
    with django_capture_on_commit_callbacks(execute=True):
        again = coordinator_client.post(change_url(suggestion), suggestion_form(suggestion, title_en="Club"))
        run_action(coordinator_client, "approve_initiatives", [suggestion])
    assert again.status_code == 302
    assert len(mailoutbox) == 1


def test_nothing_is_sent_before_a_decision_in_the_change_form_is_committed(
    coordinator_client, suggestion, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        coordinator_client.post(change_url(suggestion), suggestion_form(suggestion, status="published"))

    assert mailoutbox == []
    suggestion.refresh_from_db()
    assert suggestion.submitter_email == ADDRESS
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


def test_a_coordinator_archives_a_suggestion_through_its_change_form_and_the_submitter_is_told_once(
    coordinator_client, suggestion, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(change_url(suggestion), suggestion_form(suggestion, status="archived"))

    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Initiative.Status.ARCHIVED
    message = assert_told_once_in_ukrainian(mailoutbox, DECLINED_SUBJECT_UK)
    # No reason was given, so none is announced.
    assert "вирішив не публікувати її." in message.body
    assert "з такої причини" not in message.body
    assert suggestion.submitter_email == ""


def test_archiving_a_suggestion_with_the_action_tells_the_submitter_once(
    coordinator_client, suggestion, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_action(coordinator_client, "archive_initiatives", [suggestion])
        run_action(coordinator_client, "archive_initiatives", [suggestion])

    suggestion.refresh_from_db()
    assert suggestion.status == Initiative.Status.ARCHIVED
    assert_told_once_in_ukrainian(mailoutbox, DECLINED_SUBJECT_UK)
    assert suggestion.submitter_email == ""


def test_the_reject_action_tells_the_reason_once(
    coordinator_client, suggestion, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_action(coordinator_client, "reject_suggestions", [suggestion], reason="Šī iniciatīva vairs nedarbojas.")
        run_action(coordinator_client, "archive_initiatives", [suggestion])

    message = assert_told_once_in_ukrainian(mailoutbox, DECLINED_SUBJECT_UK)
    assert "з такої причини:\n\nŠī iniciatīva vairs nedarbojas." in message.body
    suggestion.refresh_from_db()
    assert suggestion.submitter_email == ""


def test_two_decisions_before_the_first_e_mail_went_out_send_one_e_mail_with_the_last_decision(
    coordinator_client, suggestion, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        coordinator_client.post(change_url(suggestion), suggestion_form(suggestion, status="published"))
        run_action(coordinator_client, "archive_initiatives", [suggestion])
    for callback in callbacks:
        callback()

    assert_told_once_in_ukrainian(mailoutbox, DECLINED_SUBJECT_UK)
    suggestion.refresh_from_db()
    assert suggestion.submitter_email == ""


def test_editing_a_pending_suggestion_without_deciding_tells_nobody_and_keeps_the_address(
    coordinator_client, suggestion, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(change_url(suggestion), suggestion_form(suggestion, title_en="Club"))

    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.title_en, suggestion.submitter_email) == ("pending", "Club", ADDRESS)
    assert mailoutbox == []


def test_the_change_form_does_not_turn_a_suggestion_into_a_staff_initiative(
    coordinator_client, suggestion, mailoutbox, django_capture_on_commit_callbacks
):
    data = suggestion_form(suggestion, status="published", source=Initiative.Source.STAFF)

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(change_url(suggestion), data)

    suggestion.refresh_from_db()
    assert suggestion.source == Initiative.Source.SUGGESTION
    assert_told_once_in_ukrainian(mailoutbox, PUBLISHED_SUBJECT_UK)
