"""The alert's own pages (change the filters, delete), their query counts, and who sees alerts in the admin."""

import re

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from activities.models import EventAlert
from partners.models import StaffMembership
from tests.activities.alerting import EventAlertFactory, sign_up, signup_url
from tests.factories import EventFactory, OrganisationFactory
from tests.partners.helpers import staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def jelgava():
    library = OrganisationFactory(name="Jelgavas bibliotēka", slug="jelgava", city="Jelgava")
    EventFactory(organiser=library, languages=["uk"])
    return library


def test_the_signed_link_changes_the_filters_how_often_and_the_language(client, jelgava):
    alert = EventAlertFactory(event_language="uk", language="uk")
    with_language = alert.get_manage_url().replace("/uk/", "/en/", 1) if "/uk/" in alert.get_manage_url() else None
    path = with_language or alert.get_manage_url()

    page = client.get(path)
    assert page.status_code == 200
    assert page.context["form"]["event_language"].value() == "uk"

    response = client.post(
        path,
        {"action": "save", "event_language": "ru", "city": "Jelgava", "library": "jelgava", "frequency": "weekly"},
    )

    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.event_language, alert.city, alert.library, alert.frequency, alert.language) == (
        "ru",
        "Jelgava",
        jelgava,
        "weekly",
        "en",
    )


def test_the_change_page_offers_the_accessibility_facts_and_saves_them(client, jelgava):
    alert = EventAlertFactory(access=["hearing_loop"])

    page = client.get(alert.get_manage_url())
    assert page.context["form"]["access"].value() == ["hearing_loop"]
    assert 'value="hearing_loop" id="id_access_1" checked' in page.content.decode()

    response = client.post(
        alert.get_manage_url(), {"action": "save", "access": ["childcare", "step_free"], "frequency": "immediate"}
    )

    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.access == ["step_free", "childcare"]
    assert "access=step_free&access=childcare" in alert.get_events_url()

    response = client.post(alert.get_manage_url(), {"action": "save", "access": ["teleport"], "frequency": "immediate"})
    assert response.status_code == 400
    alert.refresh_from_db()
    assert alert.access == ["step_free", "childcare"]


def test_changing_to_filters_the_address_has_already_says_so(client, jelgava):
    EventAlertFactory(email="olena@example.org", event_language="ru")
    alert = EventAlertFactory(email="olena@example.org", event_language="uk")

    response = client.post(alert.get_manage_url(), {"action": "save", "event_language": "ru", "frequency": "weekly"})

    assert response.status_code == 400
    alert.refresh_from_db()
    assert alert.event_language == "uk"


SAME_FILTERS = {
    "lv": "Jums jau ir paziņojums ar šiem filtriem.",
    "en": "You already have an alert with these filters.",
    "uk": "У вас уже є сповіщення з цими фільтрами.",
    "ru": "У вас уже есть оповещение с этими фильтрами.",
}


@pytest.mark.parametrize("language", SAME_FILTERS)
@pytest.mark.parametrize("with_library", [False, True], ids=["any-library", "one-library"])
def test_changing_to_filters_the_address_has_already_says_so_in_the_page_s_language(
    client, jelgava, language, with_library
):
    library = {"library": jelgava} if with_library else {}
    EventAlertFactory(email="olena@example.org", event_language="ru", **library)
    alert = EventAlertFactory(email="olena@example.org", event_language="uk", **library)
    with translation.override(language):
        url = alert.get_manage_url()

    response = client.post(
        url,
        {
            "action": "save",
            "event_language": "ru",
            "library": "jelgava" if with_library else "",
            "frequency": "immediate",
        },
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert SAME_FILTERS[language] in content
    assert "eventalert_one_per_filters" not in content and "Constraint" not in content
    alert.refresh_from_db()
    assert alert.event_language == "uk"


def test_a_bad_value_on_the_change_page_is_a_message_not_an_error(client, jelgava):
    alert = EventAlertFactory()

    response = client.post(alert.get_manage_url(), {"action": "save", "library": "nowhere", "frequency": "often"})

    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"library", "frequency"}


def test_deleting_one_alert_keeps_the_others_of_the_address(client, jelgava):
    alert = EventAlertFactory(email="olena@example.org", event_language="uk")
    other = EventAlertFactory(email="olena@example.org", event_language="ru")

    response = client.post(alert.get_manage_url(), {"action": "delete"})

    assert response.status_code == 302
    assert list(EventAlert.objects.values_list("pk", flat=True)) == [other.pk]
    assert client.get(alert.get_manage_url()).status_code == 404


def test_a_link_made_for_another_purpose_does_not_open_the_page(client, jelgava):
    alert = EventAlertFactory()
    token = alert.get_unsubscribe_url().rstrip("/").rsplit("/", 1)[1]

    assert client.get(reverse("activities:alert_manage", kwargs={"signed_token": token})).status_code == 400


@pytest.mark.parametrize("rows", [1, 40])
def test_public_alert_pages_run_the_same_queries_whatever_the_data(client, rows, django_assert_max_num_queries):
    libraries = OrganisationFactory.create_batch(rows)
    for library in libraries:
        EventFactory(organiser=library, city=f"Pilsēta {library.pk}")
        EventAlertFactory(library=library)
    alert = EventAlertFactory(library=libraries[-1])
    client.get(signup_url())  # the list's choices go into the cache once, as for the event list

    for path, most in (
        (signup_url(), 4),
        (reverse("activities:alert_sent"), 2),
        (alert.get_confirm_url(), 3),
        (alert.get_manage_url(), 4),
        (alert.get_unsubscribe_url(), 3),
    ):
        with django_assert_max_num_queries(most):
            assert client.get(path).status_code == 200


def test_signing_up_runs_the_same_queries_whatever_the_data(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    client.get(signup_url())  # the list's choices go into the cache once, as for the event list
    for rows, language in ((1, "uk"), (30, "ru")):
        EventAlertFactory.create_batch(rows)
        for number in range(rows):
            EventAlertFactory(email="olena@example.org", city=f"{rows}-{number}")
        with CaptureQueriesContext(connection) as queries:
            assert sign_up(client, email="olena@example.org", event_language=language).status_code == 302
        counts.append(len(queries))

    assert counts[0] == counts[1], "the page, the sign-up and its confirmation e-mail"


# --- Admin ----------------------------------------------------------------------------------------------------


@pytest.fixture
def ogre():
    return OrganisationFactory(name="Ogres bibliotēka", slug="ogre")


def changelist():
    return reverse("admin:activities_eventalert_changelist")


def test_librarians_see_no_alerts_in_the_admin(client, ogre):
    EventAlertFactory(library=ogre, email="olena@example.org")
    client.force_login(staff_member(ogre, StaffMembership.Role.LIBRARIAN, "ogre-librarian"))

    assert client.get(changelist()).status_code == 403
    assert "olena@example.org" not in client.get(reverse("admin:index")).content.decode()
    assert "eventalert" not in client.get(reverse("admin:index")).content.decode()


def test_coordinators_see_the_addresses_only_with_the_permission_to_manage_alerts(client, ogre):
    EventAlertFactory(email="olena@example.org")
    coordinator = staff_member(ogre, StaffMembership.Role.COORDINATOR, "coordinator")
    client.force_login(coordinator)
    assert not coordinator.has_perm("activities.manage_alerts"), "the role alone does not give it"
    assert client.get(changelist()).status_code == 403

    coordinator.user_permissions.add(Permission.objects.get(codename="manage_alerts"))
    client.force_login(coordinator)

    page = client.get(changelist())
    assert page.status_code == 200
    assert "olena@example.org" in page.content.decode()


def test_deleting_an_alert_in_the_admin_deletes_the_address(admin_client):
    alert = EventAlertFactory()

    admin_client.post(reverse("admin:activities_eventalert_delete", args=[alert.pk]), {"post": "yes"})

    assert not EventAlert.objects.exists()


def test_deleting_alerts_in_the_admin_leaves_no_address_in_its_log(admin_client):
    one, other = EventAlertFactory(email="olena@example.org"), EventAlertFactory(email="daria@example.org")

    admin_client.post(reverse("admin:activities_eventalert_delete", args=[one.pk]), {"post": "yes"})
    admin_client.post(
        reverse("admin:activities_eventalert_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )

    assert not EventAlert.objects.exists()
    assert LogEntry.objects.filter(action_flag=DELETION).count() == 2
    assert not LogEntry.objects.filter(object_repr__contains="@").exists()
    admin_client.get(reverse("admin:index"))  # the message of the deletion, shown once
    assert "Recent actions" in (recent := admin_client.get(reverse("admin:index")).content.decode())
    assert "@example.org" not in recent


def test_the_admin_shows_an_alert_s_facts_as_words_in_lowercase(admin_client):
    alert = EventAlertFactory(access=["step_free", "free"])
    empty = EventAlertFactory(email="any@example.org")

    def readonly_access(alert):
        page = admin_client.get(
            reverse("admin:activities_eventalert_change", args=[alert.pk]), HTTP_ACCEPT_LANGUAGE="uk"
        ).content.decode()
        return re.search(r'field-access_list">.*?<div class="readonly">(.*?)</div>', page, re.S).group(1)

    assert readonly_access(alert) == "безбар’єрний доступ, безкоштовно"
    assert readonly_access(empty) == "Нічого не вибрано"
