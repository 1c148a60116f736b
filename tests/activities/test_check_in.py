"""Check-in at the door: the staff page per event, its scope, its actions and odd input, the attendance it
prefills and the counts it leaves after the registrations' personal data is erased."""

import datetime
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities import services
from activities.models import CheckInCount, Event, Registration
from partners.models import StaffMembership
from partners.roles import sync_user_groups
from tests.activities.helpers import riga
from tests.activities.registering import RegistrationFactory
from tests.factories import EventFactory, OrganisationFactory, StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def staff(organisation, role):
    membership = StaffMembershipFactory(organisation=organisation, role=role)
    sync_user_groups(membership.user)
    return membership.user


@pytest.fixture
def ogre():
    return OrganisationFactory(name="Ogres Centrālā bibliotēka", slug="ogre")


@pytest.fixture
def jelgava():
    return OrganisationFactory(name="Jelgavas pilsētas bibliotēka", slug="jelgava")


@pytest.fixture
def librarian(ogre):
    return staff(ogre, StaffMembership.Role.LIBRARIAN)


@pytest.fixture
def other_librarian(jelgava):
    return staff(jelgava, StaffMembership.Role.LIBRARIAN)


@pytest.fixture
def coordinator():
    return staff(OrganisationFactory(name="KISC", slug="kisc"), StaffMembership.Role.COORDINATOR)


@pytest.fixture
def language_cafe(ogre):
    """Today (NOW is 6 October 2025, 09:00 in Riga) at 10:00: the door is open."""
    return EventFactory(
        title_en="Language café",
        slug="language-cafe",
        organiser=ogre,
        status=Event.Status.PUBLISHED,
        registration_required=True,
        capacity=3,
        starts_at=riga(2025, 10, 6, 10),
        ends_at=riga(2025, 10, 6, 12),
    )


@pytest.fixture
def anna(language_cafe):
    return RegistrationFactory(event=language_cafe, name="Anna Bērziņa", needs=["wheelchair"])


@pytest.fixture
def olena(language_cafe):
    return RegistrationFactory(event=language_cafe, name="Olena Kovalenko")


def check_in_url(event, **query):
    url = reverse("admin:activities_event_check_in", args=[event.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def logged_in(user):
    # The admin speaks the browser's language: English here, as the messages checked are.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# --- Who may open it --------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login(client, language_cafe):
    response = client.get(check_in_url(language_cafe))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.post(check_in_url(language_cafe), {"action": "walk_in", "change": "add"}).status_code == 302
    assert not CheckInCount.objects.exists()


def test_the_librarian_of_the_event_s_library_sees_its_registrants(librarian, language_cafe, anna, olena):
    RegistrationFactory(event=language_cafe, name="Iryna Cancelled", status=Registration.Status.CANCELLED)

    content = logged_in(librarian).get(check_in_url(language_cafe)).content.decode()

    assert "Anna Bērziņa" in content and "Olena Kovalenko" in content
    assert anna.reference in content
    assert f"{anna.reference} · step-free (wheelchair) access" in content
    assert "Iryna Cancelled" not in content
    # Anna's e-mail address is not needed at the door.
    assert anna.email not in content


def test_a_librarian_of_another_library_is_refused(other_librarian, language_cafe, anna):
    client = logged_in(other_librarian)

    assert client.get(check_in_url(language_cafe)).status_code == 403
    response = client.post(check_in_url(language_cafe), {"action": "check_in", "registration": anna.pk})
    assert response.status_code == 403
    anna.refresh_from_db()
    assert not anna.is_checked_in


def test_a_coordinator_checks_in_at_any_library_s_event(coordinator, language_cafe, anna):
    response = logged_in(coordinator).post(
        check_in_url(language_cafe), {"action": "check_in", "registration": anna.pk}, **JSON
    )

    assert response.status_code == 200
    assert response.json()["registration"]["checked_in"] is True


def test_a_signed_in_person_without_a_staff_role_gets_no_page(language_cafe):
    user = UserFactory(is_staff=False)

    response = logged_in(user).get(check_in_url(language_cafe))

    assert response.status_code == 302  # the admin's login, which tells her she has no access
    assert "check-in" not in response.get("Location", "").split("?")[0]


def test_an_event_that_does_not_exist_is_404(librarian):
    assert logged_in(librarian).get("/admin/activities/event/999999/check-in/").status_code == 404
    assert logged_in(librarian).get("/admin/activities/event/x/check-in/").status_code == 404


def test_the_event_s_admin_page_links_to_the_check_in(librarian, language_cafe):
    content = logged_in(librarian).get(reverse("admin:activities_event_change", args=[language_cafe.pk])).content

    assert f'href="{check_in_url(language_cafe)}"'.encode() in content


# --- Checking in ------------------------------------------------------------------------------------------------


def test_one_tap_checks_in_without_javascript_and_shows_the_mark(librarian, language_cafe, anna):
    client = logged_in(librarian)

    response = client.post(check_in_url(language_cafe), {"action": "check_in", "registration": anna.pk}, follow=True)

    anna.refresh_from_db()
    assert anna.checked_in_at is not None
    content = response.content.decode()
    assert "Anna Bērziņa is checked in." in content
    assert re.search(rf'id="registration-{anna.pk}"[^>]*>', content)
    assert 'class="registrant is-checked-in"' in content


def test_a_check_in_asked_for_by_the_script_is_answered_with_json_and_counts(librarian, language_cafe, anna, olena):
    client = logged_in(librarian)

    answer = client.post(check_in_url(language_cafe), {"action": "check_in", "registration": olena.pk}, **JSON).json()
    again = client.post(check_in_url(language_cafe), {"action": "check_in", "registration": olena.pk}, **JSON).json()

    assert answer["ok"] and answer["message"] == "Olena Kovalenko is checked in."
    assert answer["counts"] == {"confirmed": 2, "checked_in": 1, "waiting": 0, "walk_ins": 0, "present": 1}
    assert again["ok"] and again["message"] == "Olena Kovalenko was already checked in."


def test_a_check_in_can_be_taken_back(librarian, language_cafe, anna):
    client = logged_in(librarian)
    client.post(check_in_url(language_cafe), {"action": "check_in", "registration": anna.pk})

    client.post(check_in_url(language_cafe), {"action": "undo", "registration": anna.pk})

    anna.refresh_from_db()
    assert anna.checked_in_at is None
    assert anna.status == Registration.Status.CONFIRMED


NOT_CHECKED_IN = {
    "en": "Anna Bērziņa is not checked in: there is no check-in to take back.",
    "lv": "Anna Bērziņa: ierašanās nav atzīmēta, nav ko atsaukt.",
    "uk": "Anna Bērziņa — присутність не відмічено, скасовувати нічого.",
    "ru": "Anna Bērziņa — присутствие не отмечено, отменять нечего.",
}


@pytest.mark.parametrize("language", NOT_CHECKED_IN)
def test_taking_back_a_check_in_nobody_made_is_refused_and_changes_nothing(librarian, language_cafe, anna, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(librarian)
    before = Registration.objects.values().get(pk=anna.pk)

    page = client.post(check_in_url(language_cafe), {"action": "undo", "registration": anna.pk})
    answer = client.post(check_in_url(language_cafe), {"action": "undo", "registration": anna.pk}, **JSON)

    assert page.status_code == answer.status_code == 409
    assert NOT_CHECKED_IN[language] in page.content.decode()
    assert answer.json() == {"ok": False, "message": NOT_CHECKED_IN[language]}
    assert Registration.objects.values().get(pk=anna.pk) == before


def test_taking_back_the_check_in_of_a_cancelled_registration_is_refused(librarian, language_cafe):
    cancelled = RegistrationFactory(event=language_cafe, status=Registration.Status.CANCELLED)
    before = Registration.objects.values().get(pk=cancelled.pk)

    response = logged_in(librarian).post(
        check_in_url(language_cafe), {"action": "undo", "registration": cancelled.pk}, **JSON
    )

    assert response.status_code == 409
    assert response.json() == {"ok": False, "message": "This registration was cancelled."}
    assert Registration.objects.values().get(pk=cancelled.pk) == before


def test_a_tap_on_someone_already_checked_in_says_so_as_a_warning_not_a_success(librarian, language_cafe, anna):
    client = logged_in(librarian)
    client.post(check_in_url(language_cafe), {"action": "check_in", "registration": anna.pk}, follow=True)
    checked_in_at = Registration.objects.get(pk=anna.pk).checked_in_at

    page = client.post(check_in_url(language_cafe), {"action": "check_in", "registration": anna.pk}, follow=True)

    messages = [(message.level_tag, message.message) for message in page.context["messages"]]
    assert messages == [("warning", "Anna Bērziņa was already checked in.")]
    assert Registration.objects.get(pk=anna.pk).checked_in_at == checked_in_at


def test_a_cancelled_registration_cannot_be_checked_in_with_a_tap(librarian, language_cafe):
    cancelled = RegistrationFactory(event=language_cafe, status=Registration.Status.CANCELLED)

    response = logged_in(librarian).post(
        check_in_url(language_cafe), {"action": "check_in", "registration": cancelled.pk}
    )

    assert response.status_code == 409
    assert "This registration was cancelled." in response.content.decode()
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.checked_in_at) == (Registration.Status.CANCELLED, None)


def test_letting_in_someone_from_the_waiting_list_confirms_her(librarian, language_cafe):
    waiting = RegistrationFactory(event=language_cafe, name="Daria", status=Registration.Status.WAITING)
    client = logged_in(librarian)
    assert "Let in" in client.get(check_in_url(language_cafe)).content.decode()

    client.post(check_in_url(language_cafe), {"action": "check_in", "registration": waiting.pk})

    waiting.refresh_from_db()
    assert (waiting.status, waiting.is_checked_in) == (Registration.Status.CONFIRMED, True)


def test_walk_ins_are_counted_with_a_tap_and_never_below_zero(librarian, language_cafe):
    client = logged_in(librarian)
    url = check_in_url(language_cafe)

    for _ in range(3):
        client.post(url, {"action": "walk_in", "change": "add"})
    client.post(url, {"action": "walk_in", "change": "remove"})
    assert CheckInCount.objects.get(event=language_cafe).walk_ins == 2

    client.post(url, {"action": "walk_in", "change": "remove"})
    client.post(url, {"action": "walk_in", "change": "remove"})
    refused = client.post(url, {"action": "walk_in", "change": "remove"}, **JSON)
    assert refused.status_code == 400
    assert refused.json() == {"ok": False, "message": "There are no walk-ins to take away."}
    assert CheckInCount.objects.get(event=language_cafe).walk_ins == 0


def test_the_search_finds_names_with_or_without_diacritics_and_references(librarian, language_cafe, anna, olena):
    client = logged_in(librarian)

    by_name = client.get(check_in_url(language_cafe, q="berzina")).content.decode()
    by_reference = client.get(check_in_url(language_cafe, q=olena.reference.lower())).content.decode()

    assert "Anna Bērziņa" in by_name and "Olena Kovalenko" not in by_name
    assert "Olena Kovalenko" in by_reference and "Anna Bērziņa" not in by_reference


def test_the_door_is_closed_for_a_draft_and_more_than_twelve_hours_before(librarian, ogre):
    tomorrow = EventFactory(organiser=ogre, status=Event.Status.PUBLISHED, starts_at=riga(2025, 10, 7, 18))
    draft = EventFactory(organiser=ogre, status=Event.Status.DRAFT, starts_at=riga(2025, 10, 6, 10))
    client = logged_in(librarian)

    for event in (tomorrow, draft):
        registration = RegistrationFactory(event=event)
        response = client.post(check_in_url(event), {"action": "check_in", "registration": registration.pk}, **JSON)
        assert response.status_code == 409
        assert response.json()["message"] == "Check-in for this event is not open."
        registration.refresh_from_db()
        assert not registration.is_checked_in


# --- Codes read by the scanner or typed ------------------------------------------------------------------------


def manage_link(registration, language="uk"):
    from django.conf import settings as django_settings

    with translation.override(language):
        return django_settings.SITE_URL + registration.get_manage_url()


@pytest.mark.parametrize("as_read", ["link", "reference", "reference typed loosely"])
def test_the_code_on_a_confirmation_checks_its_registrant_in(librarian, language_cafe, anna, as_read):
    code = {
        "link": manage_link(anna),
        "reference": anna.reference,
        "reference typed loosely": f" {anna.reference[:3].lower()}-{anna.reference[3:].lower()} ",
    }[as_read]

    answer = logged_in(librarian).post(check_in_url(language_cafe), {"action": "code", "code": code}, **JSON)

    assert answer.status_code == 200
    assert answer.json()["registration"]["id"] == anna.pk
    anna.refresh_from_db()
    assert anna.is_checked_in


def test_a_code_of_another_event_of_the_library_is_refused_with_its_name(librarian, ogre, language_cafe):
    other = EventFactory(title_en="Job club", organiser=ogre, starts_at=riga(2025, 10, 20, 18))
    elsewhere = RegistrationFactory(event=other)

    response = logged_in(librarian).post(
        check_in_url(language_cafe), {"action": "code", "code": manage_link(elsewhere)}, **JSON
    )

    assert response.status_code == 409
    assert response.json()["message"].startswith("This confirmation is for another event: “Job club”")
    elsewhere.refresh_from_db()
    assert not elsewhere.is_checked_in


def test_a_code_of_another_library_is_refused_without_telling_its_event(librarian, jelgava, language_cafe):
    other = EventFactory(title_en="Jelgava secret", organiser=jelgava, starts_at=riga(2025, 10, 6, 10))
    elsewhere = RegistrationFactory(event=other)

    response = logged_in(librarian).post(
        check_in_url(language_cafe), {"action": "code", "code": elsewhere.reference}, **JSON
    )

    assert response.status_code == 409
    assert response.json()["message"] == "This confirmation is for an event of another library, not for this one."
    assert "Jelgava" not in response.content.decode()


def test_a_cancelled_registration_s_code_is_refused(librarian, language_cafe):
    cancelled = RegistrationFactory(event=language_cafe, status=Registration.Status.CANCELLED)

    response = logged_in(librarian).post(
        check_in_url(language_cafe), {"action": "code", "code": cancelled.reference}, **JSON
    )

    assert response.status_code == 409
    assert response.json()["message"] == "This registration was cancelled."


def test_a_changed_link_or_unknown_reference_is_not_found_and_shown_without_javascript(librarian, language_cafe, anna):
    client = logged_in(librarian)
    forged = manage_link(anna).replace(anna.token, "x" + anna.token[1:])

    for code in (forged, "ZZZZZZ"):
        response = client.post(check_in_url(language_cafe), {"action": "code", "code": code})
        assert response.status_code == 404
        assert "No registration has this code." in response.content.decode()
    anna.refresh_from_db()
    assert not anna.is_checked_in


def test_a_registration_s_id_written_in_other_digits_is_refused(librarian, language_cafe, anna):
    client = logged_in(librarian)
    # Arabic-Indic digits, which int() reads as the ASCII ones.
    written_otherwise = str(anna.pk).translate(
        str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
    )

    response = client.post(check_in_url(language_cafe), {"action": "check_in", "registration": written_otherwise})

    assert response.status_code == 400
    assert "Choose a registration from the list." in response.content.decode()
    anna.refresh_from_db()
    assert not anna.is_checked_in


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    action=st.sampled_from(["check_in", "undo", "code", "walk_in", "", "other"]),
    value=st.one_of(st.text(max_size=600), st.integers().map(str), st.sampled_from(["", "-1", "1e9", "NaN"])),
    change=st.one_of(st.text(max_size=10), st.sampled_from(["add", "remove"])),
    as_json=st.booleans(),
)
def test_odd_input_is_answered_below_500_and_writes_nothing_odd(
    librarian, language_cafe, anna, action, value, change, as_json
):
    client = logged_in(librarian)
    data = {"action": action, "registration": value, "code": value, "change": change, "q": value}
    # A NUL character is refused by the middleware (400) before the view.
    headers = JSON if as_json else {}

    response = client.post(check_in_url(language_cafe), data, **headers)
    listing = client.get(check_in_url(language_cafe), {"q": value})

    assert response.status_code < 500
    assert listing.status_code in (200, 400)
    door = CheckInCount.objects.filter(event=language_cafe).first()
    assert door is None or door.walk_ins >= 0


# --- Queries -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_the_check_in_page_runs_the_same_queries_whatever_the_registrations(
    librarian, language_cafe, rows, django_assert_max_num_queries
):
    language_cafe.capacity = None
    language_cafe.save()
    RegistrationFactory.create_batch(rows, event=language_cafe, needs=["wheelchair", "hearing_loop"])
    RegistrationFactory.create_batch(rows, event=language_cafe, status=Registration.Status.WAITING)
    client = logged_in(librarian)
    for registration in Registration.objects.filter(event=language_cafe).confirmed()[:2]:
        services.registration_check_in(event=language_cafe, registration=registration)
    client.get(check_in_url(language_cafe))

    with django_assert_max_num_queries(13):
        response = client.get(check_in_url(language_cafe))

    assert response.content.decode().count('<li class="registrant') == 2 * rows


# --- After the event: attendance, no-shows and the purge --------------------------------------------------------


def test_the_attendance_form_starts_from_check_ins_plus_walk_ins_and_stays_editable(
    librarian, language_cafe, anna, olena
):
    client = logged_in(librarian)
    client.post(check_in_url(language_cafe), {"action": "code", "code": anna.reference})
    client.post(check_in_url(language_cafe), {"action": "code", "code": olena.reference})
    for _ in range(3):
        client.post(check_in_url(language_cafe), {"action": "walk_in", "change": "add"})

    with time_machine.travel(riga(2025, 10, 6, 13), tick=False):
        page = client.get(reverse("admin:activities_event_change", args=[language_cafe.pk])).content.decode()
    total = re.search(r'<input[^>]*name="attendance-0-total"[^>]*>', page)[0]
    assert 'value="5"' in total


def test_adding_attendance_for_a_chosen_event_starts_from_its_door_counts(librarian, other_librarian, language_cafe):
    services.registration_check_in(event=language_cafe, registration=RegistrationFactory(event=language_cafe))
    services.walk_ins_change(event=language_cafe, change=1)
    url = reverse("admin:activities_attendance_add") + f"?event={language_cafe.pk}"

    with time_machine.travel(riga(2025, 10, 6, 13), tick=False):
        own = logged_in(librarian).get(url).content.decode()
        other = logged_in(other_librarian).get(url).content.decode()

    assert 'value="2"' in re.search(r'<input[^>]*name="total"[^>]*>', own)[0]
    assert "value=" not in re.search(r'<input[^>]*name="total"[^>]*>', other)[0]


def test_an_event_without_check_in_gets_an_empty_attendance_form(librarian, ogre):
    event = EventFactory(organiser=ogre, starts_at=riga(2025, 10, 1, 10), ends_at=riga(2025, 10, 1, 12))
    RegistrationFactory(event=event)

    page = logged_in(librarian).get(reverse("admin:activities_event_change", args=[event.pk])).content.decode()

    total = re.search(r'<input[^>]*name="attendance-0-total"[^>]*>', page)[0]
    assert "value=" not in total


def test_the_purge_erases_check_in_marks_and_keeps_the_counts(librarian, language_cafe, anna, olena):
    third = RegistrationFactory(event=language_cafe, name="No-show")
    services.registration_check_in(event=language_cafe, registration=anna)
    services.registration_check_in(event=language_cafe, registration=olena)
    services.walk_ins_change(event=language_cafe, change=1)
    before = Event.objects.with_check_in_counts().get(pk=language_cafe.pk)

    with time_machine.travel(riga(2025, 11, 6, 13), tick=False):
        call_command("erase_expired_registrations", stdout=StringIO())
        page = logged_in(librarian).get(reverse("admin:activities_event_change", args=[language_cafe.pk]))

    assert not Registration.objects.filter(pk__in=[anna.pk, olena.pk, third.pk]).exists()
    after = Event.objects.with_check_in_counts().with_registration_counts().get(pk=language_cafe.pk)
    assert (before.checked_in_count, before.walk_ins) == (2, 1)
    assert (after.checked_in_count, after.walk_ins, after.uses_check_in) == (2, 1, True)
    assert after.erased_confirmed == 3
    total = re.search(r'<input[^>]*name="attendance-0-total"[^>]*>', page.content.decode())[0]
    assert 'value="3"' in total


def test_erasing_her_registration_herself_after_check_in_keeps_her_counted(language_cafe, anna):
    services.registration_check_in(event=language_cafe, registration=anna)

    with time_machine.travel(riga(2025, 10, 6, 14), tick=False):
        services.registration_erase(registration=anna)

    assert Event.objects.with_check_in_counts().get(pk=language_cafe.pk).checked_in_count == 1


def test_cancelling_after_an_early_check_in_takes_the_check_in_back(language_cafe, anna):
    services.registration_check_in(event=language_cafe, registration=anna)

    services.registration_cancel(registration=anna)

    anna.refresh_from_db()
    assert (anna.status, anna.checked_in_at) == (Registration.Status.CANCELLED, None)
    assert Event.objects.with_check_in_counts().get(pk=language_cafe.pk).checked_in_count == 0


def test_a_check_in_mark_on_an_unconfirmed_registration_is_refused_by_the_database(anna):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=anna.pk).update(
            status=Registration.Status.WAITING, checked_in_at=datetime.datetime(2025, 10, 6, tzinfo=datetime.UTC)
        )
