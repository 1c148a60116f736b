import datetime
import threading
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.utils import translation

from activities import services, tasks
from activities.models import Event, Registration, RegistrationTally
from tests.activities.helpers import NOW, riga
from tests.activities.registering import RegistrationFactory
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar():
    return EventFactory(
        title_lv="Seminārs par uzturēšanās atļaujām",
        title_uk="Семінар про дозволи на проживання",
        title_en="Seminar on residence permits",
        starts_at=riga(2025, 10, 14, 18),
        ends_at=riga(2025, 10, 14, 20),
        registration_required=True,
        capacity=2,
    )


def register(event, name, **kwargs):
    fields = {"email": f"{name.lower()}@example.org", "language": "uk", **kwargs}
    return services.registration_create(event=event, name=name, **fields)


def statuses(event):
    return dict(Registration.objects.filter(event=event).values_list("name", "status"))


def test_registrations_are_confirmed_up_to_the_capacity_then_wait_in_order(seminar):
    for name in ("Olena", "Iryna", "Oksana", "Daria"):
        register(seminar, name)

    assert statuses(seminar) == {
        "Olena": "confirmed",
        "Iryna": "confirmed",
        "Oksana": "waiting",
        "Daria": "waiting",
    }
    assert [r.name for r in Registration.objects.for_event(seminar).waiting()] == ["Oksana", "Daria"]
    assert Registration.objects.get(name="Daria").waiting_position == 2


def test_an_event_without_capacity_confirms_everybody():
    event = EventFactory(registration_required=True, capacity=None)

    for number in range(5):
        register(event, f"Person{number}")

    assert set(statuses(event).values()) == {"confirmed"}


@pytest.mark.parametrize(
    "change",
    [
        {"status": Event.Status.CANCELLED},
        {"status": Event.Status.DRAFT},
        {"registration_required": False},
        {"starts_at": NOW - datetime.timedelta(hours=1)},
    ],
)
def test_registration_is_refused_when_the_event_takes_none(seminar, change):
    Event.objects.filter(pk=seminar.pk).update(**change)

    with pytest.raises(ValidationError, match="does not take registrations"):
        register(seminar, "Olena")
    assert not Registration.objects.exists()


def test_a_registration_needs_an_email_or_a_phone(seminar):
    with pytest.raises(ValidationError, match="e-mail address or a phone number"):
        services.registration_create(event=seminar, name="Olena", email="", phone="", language="uk")

    phone_only = services.registration_create(event=seminar, name="Iryna", phone="+371 20000000", language="ru")
    assert phone_only.status == Registration.Status.CONFIRMED


def test_the_database_refuses_a_registration_without_contact(seminar):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=seminar, email="", phone="")


def test_the_same_email_registers_once_for_an_event_unless_cancelled(seminar, django_capture_on_commit_callbacks):
    first = register(seminar, "Olena")
    with django_capture_on_commit_callbacks(execute=True):
        assert register(seminar, "Olena", email=" OLENA@example.org ") is None

    assert list(Registration.objects.all()) == [first]
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["olena@example.org"], "Ви вже зареєстровані: Семінар про дозволи на проживання")
    ]
    services.registration_cancel(registration=first)
    assert register(seminar, "Olena").status == Registration.Status.CONFIRMED


def test_the_confirmation_email_is_sent_after_commit_in_the_registrants_language(
    seminar, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(seminar, "Olena", language="uk")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olena@example.org"]
    # The event's title and the link are in Ukrainian, the registrant's language, whatever the caller's.
    assert "Семінар про дозволи на проживання" in message.subject
    assert "Семінар про дозволи на проживання" in message.body
    with translation.override("uk"):
        assert settings.SITE_URL + registration.get_manage_url() in message.body
    assert "/uk/events/registration/" in message.body


def test_an_english_registrant_gets_the_english_text_and_link(seminar, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(seminar, "Anna", language="en")

    body = mail.outbox[0].body
    assert "Seminar on residence permits" in body
    assert "You are registered for this event. Your place is confirmed." in body
    assert "/en/events/registration/" in body
    assert "/uk/" not in body


def test_nobody_is_emailed_when_the_registration_is_rolled_back(seminar, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        register(seminar, "Olena")
        raise RuntimeError("rolled back")

    assert callbacks == []
    assert mail.outbox == []
    assert not Registration.objects.exists()


def test_a_cancellation_promotes_the_first_waiting_person_and_tells_her(seminar, django_capture_on_commit_callbacks):
    olena = register(seminar, "Olena")
    register(seminar, "Iryna")
    register(seminar, "Oksana", language="en")
    register(seminar, "Daria")

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=olena)

    assert statuses(seminar) == {
        "Olena": "cancelled",
        "Iryna": "confirmed",
        "Oksana": "confirmed",
        "Daria": "waiting",
    }
    assert [message.to for message in mail.outbox] == [["oksana@example.org"]]
    assert "A place is free for you" in mail.outbox[0].subject
    assert "a place has become free and it is yours now" in mail.outbox[0].body


def test_cancelling_a_waiting_registration_promotes_nobody(seminar, django_capture_on_commit_callbacks):
    register(seminar, "Olena")
    register(seminar, "Iryna")
    oksana = register(seminar, "Oksana")
    register(seminar, "Daria")

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=oksana)

    assert statuses(seminar)["Daria"] == "waiting"
    assert mail.outbox == []


def test_a_registration_cannot_be_cancelled_once_the_event_started(seminar):
    olena = register(seminar, "Olena")

    with (
        time_machine.travel(riga(2025, 10, 14, 18, 30), tick=False),
        pytest.raises(ValidationError, match="already started"),
    ):
        services.registration_cancel(registration=olena)


def test_erasure_deletes_the_person_and_keeps_the_counts(seminar, django_capture_on_commit_callbacks):
    olena = register(seminar, "Olena")
    register(seminar, "Iryna")
    register(seminar, "Oksana")

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_erase(registration=olena)

    assert not Registration.objects.filter(name="Olena").exists()
    assert statuses(seminar) == {"Iryna": "confirmed", "Oksana": "confirmed"}
    tally = RegistrationTally.objects.get(event=seminar)
    # Erased before the event: a cancellation, and the place went to the waiting list.
    assert (tally.confirmed, tally.waiting, tally.cancelled) == (0, 0, 1)
    counted = Event.objects.with_registration_counts().get(pk=seminar.pk)
    assert (counted.confirmed_count, counted.waiting_count, counted.erased_cancelled) == (2, 0, 1)
    assert [message.to for message in mail.outbox] == [["oksana@example.org"]]


def test_erasing_twice_is_harmless(seminar):
    olena = register(seminar, "Olena")
    services.registration_erase(registration=olena)
    services.registration_erase(registration=olena)

    assert RegistrationTally.objects.get(event=seminar).cancelled == 1


def test_personal_data_is_deleted_the_configured_days_after_the_event_keeping_counts(seminar, settings):
    settings.REGISTRATION_RETENTION_DAYS = 30
    for name in ("Olena", "Iryna", "Oksana"):
        register(seminar, name)
    services.registration_cancel(registration=Registration.objects.get(name="Olena"))
    other = EventFactory(registration_required=True, starts_at=riga(2025, 11, 20, 18), ends_at=riga(2025, 11, 20, 20))
    register(other, "Kateryna")

    # 29 days after the seminar ended: nothing is deleted yet.
    with time_machine.travel(riga(2025, 11, 12, 19), tick=False):
        assert tasks.erase_expired_registrations() == 0
    assert Registration.objects.filter(event=seminar).count() == 3

    with time_machine.travel(riga(2025, 11, 13, 21), tick=False):
        call_command("erase_expired_registrations", stdout=StringIO())

    assert not Registration.objects.filter(event=seminar).exists()
    assert Registration.objects.filter(event=other).count() == 1
    counted = Event.objects.with_registration_counts().get(pk=seminar.pk)
    assert (counted.erased_confirmed, counted.erased_waiting, counted.erased_cancelled) == (2, 0, 1)


def test_the_reminder_goes_out_once_the_day_before(seminar, django_capture_on_commit_callbacks):
    register(seminar, "Olena", language="en")
    register(seminar, "Iryna", email="", phone="+371 20000000")

    with time_machine.travel(riga(2025, 10, 13, 12), tick=False):
        assert tasks.remind_registrants() == 0  # more than a day before
    with time_machine.travel(riga(2025, 10, 13, 18, 15), tick=False):
        assert tasks.remind_registrants() == 1
        assert tasks.remind_registrants() == 0
        call_command("send_event_reminders", stdout=StringIO())

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["olena@example.org"]
    assert mail.outbox[0].subject == "Tomorrow: Seminar on residence permits"
    assert Registration.objects.get(name="Olena").reminder_sent_at == riga(2025, 10, 13, 18, 15)


def test_the_reminder_task_for_one_registration_is_idempotent(seminar):
    olena = register(seminar, "Olena")

    with time_machine.travel(riga(2025, 10, 13, 19), tick=False):
        assert tasks.send_registration_reminder(olena.pk) is True
        assert tasks.send_registration_reminder(olena.pk) is False

    assert len(mail.outbox) == 1


def test_someone_who_registered_within_the_last_day_gets_no_reminder(seminar):
    with time_machine.travel(riga(2025, 10, 14, 9), tick=False):
        register(seminar, "Olena")
        assert tasks.remind_registrants() == 0


def test_registrants_are_told_when_the_event_is_cancelled(seminar, django_capture_on_commit_callbacks):
    for name in ("Olena", "Iryna", "Oksana", "Daria"):
        register(seminar, name, language="en")
    services.registration_cancel(registration=Registration.objects.get(name="Iryna"))

    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=seminar)

    # The confirmed and the waiting hear of it; who cancelled before does not.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "daria@example.org",
        "oksana@example.org",
        "olena@example.org",
    ]
    assert all(message.subject == "Cancelled: Seminar on residence permits" for message in mail.outbox)


def test_registrants_are_told_when_the_event_moves_but_not_for_other_edits(seminar, django_capture_on_commit_callbacks):
    register(seminar, "Olena", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.event_registrations_update(event=seminar, changed_fields=["summary_en", "audience"])
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.event_registrations_update(event=seminar, changed_fields=["starts_at", "venue_name_uk"])
    assert [message.subject for message in mail.outbox] == ["New time or place: Seminar on residence permits"]


def test_a_larger_capacity_moves_the_waiting_list_up(seminar, django_capture_on_commit_callbacks):
    for name in ("Olena", "Iryna", "Oksana", "Daria"):
        register(seminar, name)
    Event.objects.filter(pk=seminar.pk).update(capacity=3)

    with django_capture_on_commit_callbacks(execute=True):
        services.event_registrations_update(event=seminar, changed_fields=["capacity"])

    assert statuses(seminar)["Oksana"] == "confirmed"
    assert statuses(seminar)["Daria"] == "waiting"
    assert [message.to for message in mail.outbox] == [["oksana@example.org"]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and parallel writers need PostgreSQL")
def test_parallel_registrations_never_overbook_on_postgresql(transactional_db):
    event = EventFactory(registration_required=True, capacity=3)
    people = 12
    start = threading.Barrier(people)
    errors = []

    def register_in_thread(number):
        try:
            start.wait()
            services.registration_create(
                event=event, name=f"Person {number}", email=f"person{number}@example.org", language="uk"
            )
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register_in_thread, args=(number,)) for number in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Registration.objects.filter(event=event, status="confirmed").count() == 3
    assert Registration.objects.filter(event=event, status="waiting").count() == people - 3
