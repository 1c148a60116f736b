import csv
import io

import pytest
from django.contrib.admin import helpers
from django.contrib.admin.models import DELETION, LogEntry
from django.core import mail
from django.urls import reverse

from activities.models import Event, Registration, RegistrationTally
from groundwork.spreadsheets import spreadsheet_safe
from partners.roles import sync_user_groups
from tests.activities.helpers import riga
from tests.activities.registering import RegistrationFactory
from tests.factories import EventFactory, OrganisationFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:activities_registration_changelist"


@pytest.fixture
def library():
    return OrganisationFactory(name="Ogres Centrālā bibliotēka", slug="ogre-library")


@pytest.fixture
def seminar(library):
    return EventFactory(
        organiser=library,
        title_en="Seminar on residence permits",
        slug="seminar-ogre",
        starts_at=riga(2025, 10, 14, 18),
        ends_at=riga(2025, 10, 14, 20),
        registration_required=True,
        capacity=2,
    )


@pytest.fixture
def librarian_client(client, library):
    membership = StaffMembershipFactory(organisation=library)
    sync_user_groups(membership.user)
    client.force_login(membership.user)
    return client


def action(client, name, registrations, url=CHANGELIST):
    return client.post(
        reverse(url),
        {"action": name, helpers.ACTION_CHECKBOX_NAME: [registration.pk for registration in registrations]},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_event_list_counts_registrations_by_status_erased_ones_included(admin_client, seminar):
    RegistrationFactory.create_batch(2, event=seminar)
    RegistrationFactory(event=seminar, status=Registration.Status.WAITING)
    RegistrationFactory(event=seminar, status=Registration.Status.CANCELLED)
    RegistrationTally.objects.create(event=seminar, confirmed=1, cancelled=2)

    response = admin_client.get(reverse("admin:activities_event_changelist"))

    content = response.content.decode()
    link = reverse(CHANGELIST) + f"?event__id__exact={seminar.pk}"
    assert f'<a href="{link}">3 / 2</a>' in content
    assert '<td class="field-registrations_waiting">1</td>' in content
    assert '<td class="field-registrations_cancelled">3</td>' in content


@pytest.mark.parametrize("rows", [5, 50])
def test_the_event_list_runs_the_same_queries_whatever_the_registrations(
    admin_client, rows, django_assert_max_num_queries
):
    for _number in range(rows):
        RegistrationFactory(event=EventFactory(registration_required=True))

    with django_assert_max_num_queries(12):
        admin_client.get(reverse("admin:activities_event_changelist"))


def test_a_librarian_sees_only_the_registrations_of_her_librarys_events(librarian_client, seminar):
    ours = RegistrationFactory(event=seminar, name="Olena")
    theirs = RegistrationFactory(event=EventFactory(), name="Someone elsewhere")

    response = librarian_client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [ours]
    change = reverse("admin:activities_registration_change", args=[theirs.pk])
    assert librarian_client.get(change).status_code == 403
    assert librarian_client.get(reverse("admin:activities_registration_add")).status_code == 403


def test_the_registration_list_filters_by_event(admin_client, seminar):
    RegistrationFactory(event=seminar, name="Olena")
    RegistrationFactory(name="Someone elsewhere")

    response = admin_client.get(reverse(CHANGELIST) + f"?event__id__exact={seminar.pk}")

    assert [registration.name for registration in response.context["cl"].result_list] == ["Olena"]


def test_the_link_to_an_events_registrations_lists_that_events_alone_for_her(librarian_client, library, seminar):
    # Her rows hold one event only: Django would leave out the filter of a single choice, and with it the event.
    RegistrationFactory(event=seminar, name="Olena")
    quiet = EventFactory(organiser=library, registration_required=True)

    listed = librarian_client.get(reverse(CHANGELIST), {"event__id__exact": quiet.pk})
    elsewhere = librarian_client.get(reverse(CHANGELIST), {"event__id__exact": EventFactory().pk})

    assert list(listed.context["cl"].result_list) == []
    assert list(elsewhere.context["cl"].result_list) == []


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+371 20000000", "'+371 20000000"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Olena", "Olena"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_a_cell_that_would_start_a_formula_stays_text(value, safe):
    assert spreadsheet_safe(value) == safe


def test_the_organiser_exports_registrations_as_csv_with_formulas_escaped(librarian_client, seminar):
    registrations = [
        RegistrationFactory(event=seminar, name="=cmd|'/c calc'!A1", phone="+371 20000000", needs=["childcare"]),
        RegistrationFactory(event=seminar, name="Олена", language="uk", status=Registration.Status.WAITING),
    ]

    response = action(librarian_client, "export_csv", registrations)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="registrations-seminar-ogre.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["Event", "Starts at", "Name or nickname"]
    assert rows[1][1:] == [
        "2025-10-14 18:00",
        "'=cmd|'/c calc'!A1",
        registrations[0].email,
        "'+371 20000000",
        "Ukrainian",
        "childcare during the event",
        "Confirmed",
        "2025-10-06 09:00",
        registrations[0].reference,
    ]
    assert rows[2][2] == "Олена"
    assert rows[2][7] == "On the waiting list"


def test_cancelling_in_the_admin_moves_the_waiting_list_up(librarian_client, seminar):
    olena = RegistrationFactory(event=seminar)
    RegistrationFactory(event=seminar)
    daria = RegistrationFactory(event=seminar, status=Registration.Status.WAITING)

    response = action(librarian_client, "cancel_registrations", [olena])

    assert response.status_code == 302
    olena.refresh_from_db()
    daria.refresh_from_db()
    assert (olena.status, daria.status) == ("cancelled", "confirmed")


def test_deleting_in_the_admin_erases_and_keeps_the_counts(admin_client, seminar):
    registration = RegistrationFactory(event=seminar)

    admin_client.post(reverse("admin:activities_registration_delete", args=[registration.pk]), {"post": "yes"})

    assert not Registration.objects.exists()
    assert RegistrationTally.objects.get(event=seminar).cancelled == 1


def test_deleting_in_the_admin_leaves_no_name_in_its_log(admin_client, seminar):
    registration = RegistrationFactory(event=seminar, name="Olena Kovalenko")

    admin_client.post(reverse("admin:activities_registration_delete", args=[registration.pk]), {"post": "yes"})

    assert LogEntry.objects.filter(action_flag=DELETION).count() == 1
    assert not LogEntry.objects.filter(object_repr__contains="Olena").exists()
    admin_client.get(reverse("admin:index"))  # the message of the deletion, shown once
    assert "Recent actions" in (recent := admin_client.get(reverse("admin:index")).content.decode())
    assert "Olena" not in recent


def test_moving_an_event_in_the_admin_tells_its_registrants(admin_client, seminar, django_capture_on_commit_callbacks):
    RegistrationFactory(event=seminar, language="en", email="olena@example.org")
    change_url = reverse("admin:activities_event_change", args=[seminar.pk])
    form = admin_client.get(change_url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or name == "image":
            continue
        if hasattr(field.widget, "widgets") and isinstance(value, list | tuple):
            data.update({f"{name}_{index}": part for index, part in enumerate(value)})
        else:
            data[name] = value
    data.update(
        {
            "starts_at_0": "2025-10-15",
            "starts_at_1": "18:00",
            "ends_at_0": "2025-10-15",
            "ends_at_1": "20:00",
            "attendance-TOTAL_FORMS": "0",
            "attendance-INITIAL_FORMS": "0",
        }
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Event.objects.get(pk=seminar.pk).starts_at == riga(2025, 10, 15, 18)
    assert [message.subject for message in mail.outbox] == ["New time or place: Seminar on residence permits"]
    assert "15" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("language", "needs"),
    [
        ("uk", "доступ без сходів (для візка), індукційна петля"),
        ("ru", "доступ без ступенек (для инвалидной коляски), индукционная петля"),
        ("lv", "piekļuve bez pakāpieniem (ratiņkrēslam), dzirdes cilpa"),
        ("en", "step-free (wheelchair) access, hearing loop"),
    ],
)
def test_the_admin_lists_the_needs_as_words_in_lowercase_in_the_list_the_form_the_door_and_the_file(
    admin_client, seminar, language, needs
):
    registration = RegistrationFactory(event=seminar, needs=["wheelchair", "hearing_loop"])
    speaking = {"HTTP_ACCEPT_LANGUAGE": language}

    changelist = admin_client.get(reverse(CHANGELIST), **speaking).content.decode()
    change = admin_client.get(
        reverse("admin:activities_registration_change", args=[registration.pk]), **speaking
    ).content.decode()
    door = admin_client.get(reverse("admin:activities_event_check_in", args=[seminar.pk]), **speaking).content.decode()
    exported = admin_client.post(
        reverse(CHANGELIST),
        {"action": "export_csv", helpers.ACTION_CHECKBOX_NAME: [registration.pk]},
        **speaking,
    ).content.decode("utf-8")

    assert f'<td class="field-need_list">{needs}</td>' in changelist
    assert f'<div class="readonly">{needs}</div>' in change
    assert "&quot;wheelchair&quot;" not in change
    assert f"{registration.reference} · {needs}" in door
    assert list(csv.reader(io.StringIO(exported.removeprefix("\ufeff"))))[1][6] == needs.replace(", ", "; ")
