import datetime
import re
import time

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from activities.models import Registration, RegistrationTally
from tests.activities.helpers import NOW, riga
from tests.activities.registering import RegistrationFactory, form_data, register, register_url, stamp_of
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    # The rate limit counts in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seminar():
    return EventFactory(
        title_en="Seminar on residence permits",
        title_uk="Семінар про дозволи на проживання",
        slug="seminar-residence-permits",
        starts_at=riga(2025, 10, 14, 18),
        ends_at=riga(2025, 10, 14, 20),
        registration_required=True,
        capacity=2,
    )


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"activities:{name}", kwargs=kwargs)


def manage_url(registration, language="en"):
    with translation.override(language):
        return registration.get_manage_url()


def refusal_codes(response):
    return [error.code for error in response.context["form"].errors.as_data().get("__all__", [])]


def test_the_event_page_shows_places_left_and_links_to_the_form(client, seminar):
    RegistrationFactory(event=seminar)

    content = client.get(url("event_detail", slug=seminar.slug)).content.decode()

    assert "1 place left" in content
    assert f'href="{register_url(seminar)}"' in content


def test_a_full_event_offers_the_waiting_list(client, seminar):
    RegistrationFactory.create_batch(2, event=seminar)

    content = client.get(url("event_detail", slug=seminar.slug)).content.decode()

    assert "Full: you can join the waiting list." in content
    assert "Join the waiting list" in content


@pytest.mark.parametrize("rows", [5, 50])
def test_the_event_page_runs_the_same_queries_whatever_the_registrations(
    client, seminar, rows, django_assert_max_num_queries
):
    RegistrationFactory.create_batch(rows, event=seminar, status=Registration.Status.WAITING)
    RegistrationTally.objects.create(event=seminar, confirmed=3)

    with django_assert_max_num_queries(6):
        response = client.get(url("event_detail", slug=seminar.slug))
    assert "2 places left" in response.content.decode()


def test_the_form_asks_only_for_what_is_needed_and_says_why(client, seminar):
    response = client.get(register_url(seminar, "uk"))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == ["name", "email", "phone", "language", "needs", "consent", "homepage", "form_started"]
    assert form.initial["language"] == "uk"
    content = response.content.decode()
    assert 'href="/uk/privacy/"' in content
    assert "nationality" not in content.lower()
    # The honeypot is out of people's way: hidden from assistive technology and outside the tab order.
    trap = re.search(r'<div class="trap-field" aria-hidden="true">.*?</div>', content, re.S).group(0)
    honeypot = re.search(r"<input [^>]*name=\"homepage\"[^>]*>", trap).group(0)
    assert 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot
    assert '<label for="id_homepage">' in trap
    assert 'type="hidden" name="form_started"' in trap


def test_a_person_registers_and_finds_her_own_page_through_the_e_mail(
    client, seminar, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, seminar, language="uk", needs=["wheelchair", "childcare"])

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("event_register_sent", "uk", slug=seminar.slug)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.needs == ["wheelchair", "childcare"]
    assert registration.consent_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Дякуємо! Перевірте електронну пошту" in page
    assert "Семінар про дозволи на проживання" in page
    assert [message.to for message in mail.outbox] == [["olena@example.org"]]
    assert settings.SITE_URL + manage_url(registration, "uk") in mail.outbox[0].body
    assert "Ваше місце підтверджено." in client.get(manage_url(registration, "uk")).content.decode()


def test_a_person_who_gave_only_a_phone_number_lands_on_her_own_page(client, seminar):
    response = register(client, seminar, language="uk", email="", phone="+371 20000000")

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == manage_url(registration, "uk")
    page = client.get(response["Location"]).content.decode()
    assert "Дякуємо: ви зареєстровані, і ваше місце підтверджено." in page
    assert "Ваше місце підтверджено." in page


# --- Nobody learns from the form whether an address is registered -------------------------------------------------


def answer_and_page(event, email, *, remote_addr="10.0.0.1"):
    """A stranger's registration with `email`, from a new browser: the form's answer and the page it leads to."""
    visitor = Client(REMOTE_ADDR=remote_addr)
    answer = register(visitor, event, language="lv", email=email, name="Someone")
    page = visitor.get(answer["Location"]) if answer.status_code == 302 else None
    return answer, page


def looks(answer, page):
    """All a script sees of an answer and of the page after it."""
    return {
        "status": answer.status_code,
        "location": answer.get("Location"),
        "cookies": sorted(answer.cookies),
        "page status": page and page.status_code,
        "page": page and page.content,
    }


@pytest.mark.parametrize(
    ("others", "hers"),
    [
        (0, Registration.Status.CONFIRMED),
        (1, Registration.Status.WAITING),
        (2, Registration.Status.CONFIRMED),
    ],
    ids=["places free", "full, she waits", "full, she has a place"],
)
def test_the_answer_is_the_same_for_a_registered_and_a_new_address(
    seminar, others, hers, django_capture_on_commit_callbacks
):
    RegistrationFactory.create_batch(others, event=seminar)
    RegistrationFactory(event=seminar, email="olena@example.org", status=hers)

    with django_capture_on_commit_callbacks(execute=True):
        registered = looks(*answer_and_page(seminar, "Olena@Example.ORG"))
        new = looks(*answer_and_page(seminar, "iryna@example.org"))

    assert registered == new
    assert new["status"] == 302 and new["page status"] == 200
    assert "Paldies! Pārbaudiet savu e-pastu" in new["page"].decode()


def test_the_registered_person_gets_one_e_mail_that_she_is_registered_already_with_her_link(
    seminar, django_capture_on_commit_callbacks
):
    olena = RegistrationFactory(event=seminar, name="Olena", email="olena@example.org", language="uk")

    with django_capture_on_commit_callbacks(execute=True):
        answer, _page = answer_and_page(seminar, "OLENA@example.org")

    assert answer.status_code == 302
    assert list(Registration.objects.values_list("pk", "name", "email")) == [(olena.pk, "Olena", "olena@example.org")]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # In her language, not the stranger's (the form was sent from the Latvian page).
    assert message.to == ["olena@example.org"]
    assert message.subject == "Ви вже зареєстровані: Семінар про дозволи на проживання"
    assert "Вітаємо, Olena!" in message.body
    assert "Ви вже зареєстровані, тож нічого не змінилося" in message.body
    assert "Ваше місце підтверджено." in message.body
    assert settings.SITE_URL + manage_url(olena, "uk") in message.body
    assert olena.reference in message.body
    assert "Someone" not in message.body


def test_the_already_registered_e_mail_goes_out_once_a_day_however_often_the_form_is_sent(
    seminar, django_capture_on_commit_callbacks
):
    RegistrationFactory(event=seminar, email="olena@example.org")

    outbox_after = []
    for hours, address in ((0, "10.0.0.1"), (1, "10.0.0.2"), (23, "10.0.0.3"), (24, "10.0.0.4")):
        with (
            time_machine.travel(NOW + datetime.timedelta(hours=hours), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            answer_and_page(seminar, "olena@example.org", remote_addr=address)
        outbox_after.append(len(mail.outbox))

    assert outbox_after == [1, 1, 1, 2]
    assert {message.to[0] for message in mail.outbox} == {"olena@example.org"}


def test_an_attempt_that_sends_no_e_mail_is_answered_as_a_new_address_is(seminar, django_capture_on_commit_callbacks):
    RegistrationFactory(event=seminar, email="olena@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        answer_and_page(seminar, "olena@example.org", remote_addr="10.0.0.1")

        told_already = looks(*answer_and_page(seminar, "olena@example.org", remote_addr="10.0.0.2"))
        new = looks(*answer_and_page(seminar, "iryna@example.org", remote_addr="10.0.0.3"))

    assert told_already == new
    assert [message.to for message in mail.outbox] == [["olena@example.org"], ["iryna@example.org"]]


def test_how_often_she_is_told_is_the_setting(seminar, settings, django_capture_on_commit_callbacks):
    settings.ALREADY_REGISTERED_EMAIL_EVERY = datetime.timedelta(hours=1)
    RegistrationFactory(event=seminar, email="olena@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        for minutes, address in ((0, "10.0.0.1"), (59, "10.0.0.2"), (60, "10.0.0.3")):
            with time_machine.travel(NOW + datetime.timedelta(minutes=minutes), tick=False):
                answer_and_page(seminar, "olena@example.org", remote_addr=address)

    assert len(mail.outbox) == 2


def test_a_registrant_on_the_waiting_list_is_told_her_place_on_it(seminar, django_capture_on_commit_callbacks):
    RegistrationFactory.create_batch(2, event=seminar)
    RegistrationFactory(event=seminar, status=Registration.Status.WAITING)
    daria = RegistrationFactory(
        event=seminar, email="daria@example.org", language="en", status=Registration.Status.WAITING
    )

    with django_capture_on_commit_callbacks(execute=True):
        answer_and_page(seminar, "daria@example.org")

    [message] = mail.outbox
    assert message.subject == "You are already registered: Seminar on residence permits"
    assert "You are on the waiting list, number 2." in message.body
    assert settings.SITE_URL + manage_url(daria, "en") in message.body
    assert Registration.objects.count() == 4


def test_both_answers_queue_one_e_mail_through_the_task_queue(seminar, django_capture_on_commit_callbacks):
    RegistrationFactory(event=seminar, email="olena@example.org")
    queued = apps.get_model(settings.TASK_QUEUE_MODEL).objects

    tasks = []
    for email in ("olena@example.org", "iryna@example.org"):
        before = set(queued.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            answer_and_page(seminar, email)
        tasks.append(list(queued.exclude(pk__in=before).values_list("task", flat=True)))

    assert tasks == [["activities.tasks.send_registration_email"]] * 2
    assert len(mail.outbox) == 2


def test_a_registered_address_counts_towards_the_rate_limit_like_any_other(client, seminar):
    RegistrationFactory(event=seminar, email="olena@example.org")

    for _attempt in range(10):
        assert register(client, seminar, email="olena@example.org").status_code == 302

    response = register(client, seminar, email="new@example.org")
    assert response.status_code == 429
    assert Registration.objects.count() == 1


def send_twice(event, **overrides):
    """One page opened, the same form sent twice, each time from a new connection (as a proxy retrying the post
    on another web node after the first died, or a second tap on a slow phone)."""
    stamp = stamp_of(Client().get(register_url(event)))
    with time_machine.travel(time.time() + 60, tick=False):
        return [Client().post(register_url(event), form_data(form_started=stamp, **overrides)) for _ in range(2)]


@pytest.mark.parametrize(
    "contact", [{"email": "olena@example.org"}, {"email": "", "phone": "+371 20000000"}], ids=["e-mail", "phone only"]
)
def test_the_same_submission_received_twice_registers_once(seminar, contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = send_twice(seminar, **contact)

    registration = Registration.objects.get()
    assert first.status_code == second.status_code == 302
    # The page she was sent to the first time: the e-mail's, or her own when she gave no address.
    landing = url("event_register_sent", slug=seminar.slug) if contact["email"] else manage_url(registration)
    assert first["Location"] == second["Location"] == landing
    assert len(mail.outbox) == (1 if contact["email"] else 0)


def test_two_people_sending_the_form_from_the_same_page_are_both_registered(client, seminar):
    stamp = stamp_of(client.get(register_url(seminar)))
    with time_machine.travel(time.time() + 60, tick=False):
        for name in ("Olena", "Iryna"):
            response = client.post(
                register_url(seminar), form_data(form_started=stamp, name=name, email="", phone="+371 20000000")
            )
            assert response.status_code == 302

    assert sorted(Registration.objects.values_list("name", flat=True)) == ["Iryna", "Olena"]


def test_a_person_registering_for_a_full_event_joins_the_waiting_list(client, seminar):
    RegistrationFactory.create_batch(2, event=seminar)

    response = register(client, seminar, email="", phone="+371 20000000", follow=True)

    assert Registration.objects.get(name="Olena").status == Registration.Status.WAITING
    content = response.content.decode()
    assert "the event is full, so you are on the waiting list" in content
    assert "You are on the waiting list, number 1." in content


def test_a_form_without_contact_is_refused_with_a_clear_message(client, seminar):
    response = register(client, seminar, email="", phone="")

    assert response.status_code == 400
    assert "Give an e-mail address or a phone number" in response.content.decode()
    assert not Registration.objects.exists()


def test_without_consent_nobody_is_registered(client, seminar):
    response = register(client, seminar, consent="")

    assert response.status_code == 400
    assert "Please agree, or we cannot register you." in response.content.decode()
    assert not Registration.objects.exists()


def test_a_filled_honeypot_is_refused_as_a_bot(client, seminar):
    response = register(client, seminar, homepage="https://spam.example")

    assert response.status_code == 400
    assert refusal_codes(response) == ["honeypot"]
    assert "Your submission could not be accepted." in response.content.decode()
    assert not Registration.objects.exists()


def test_a_form_sent_too_fast_is_refused_and_can_be_sent_again(client, seminar, time_machine):
    response = register(client, seminar, after=1)

    assert response.status_code == 400
    assert refusal_codes(response) == ["too_fast"]
    content = response.content.decode()
    assert "The form was sent too quickly." in content
    assert not Registration.objects.exists()
    # The answers stay in the form, which carries a new stamp: sent again a little later, it passes.
    assert 'value="Olena"' in content
    time_machine.move_to(time.time() + 10, tick=False)
    assert client.post(register_url(seminar), form_data(form_started=stamp_of(response))).status_code == 302


def test_a_page_opened_the_day_before_still_registers_but_not_one_older_than_a_day(client, seminar):
    # Longer than the six hours of the other public forms: people open an event's page and register later.
    stale = register(client, seminar, after=24 * 60 * 60 + 60)
    assert stale.status_code == 400
    assert refusal_codes(stale) == ["expired"]
    assert "The form was open for too long." in stale.content.decode()

    assert register(client, seminar, after=23 * 60 * 60).status_code == 302


@pytest.mark.parametrize("started", ["", "forged"])
def test_a_missing_or_forged_time_stamp_is_refused(client, seminar, started):
    response = client.post(register_url(seminar), form_data(form_started=started))

    assert response.status_code == 400
    assert refusal_codes(response) == ["time_trap_invalid"]
    assert "The form could not be checked" in response.content.decode()
    assert not Registration.objects.exists()


def test_the_time_stamp_of_another_events_page_is_refused(client, seminar):
    other = EventFactory(registration_required=True, starts_at=seminar.starts_at)

    response = register(client, seminar, opened_on=other)

    assert response.status_code == 400
    assert refusal_codes(response) == ["time_trap_invalid"]
    assert not Registration.objects.exists()
    assert register(client, other).status_code == 302


def test_too_many_registrations_from_one_address_are_refused(client, seminar):
    for number in range(10):
        assert register(client, seminar, email=f"person{number}@example.org").status_code == 302

    response = register(client, seminar, email="eleventh@example.org")

    assert response.status_code == 429
    assert refusal_codes(response) == ["rate_limited"]
    assert "Too many submissions from your connection." in response.content.decode()
    assert Registration.objects.count() == 10
    neighbour = register(Client(REMOTE_ADDR="10.0.0.2"), seminar, email="neighbour@example.org")
    assert neighbour.status_code == 302


def test_a_person_correcting_mistakes_is_not_locked_out(client, seminar):
    for _attempt in range(12):
        assert register(client, seminar, consent="").status_code == 400

    assert register(client, seminar).status_code == 302


def test_a_cancelled_event_takes_no_registrations(client, seminar):
    seminar.status = seminar.Status.CANCELLED
    seminar.save()

    assert "it takes no registrations" in client.get(register_url(seminar)).content.decode()
    response = client.post(register_url(seminar), form_data())
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_a_draft_has_no_registration_page(client, seminar):
    seminar.status = seminar.Status.DRAFT
    seminar.save()

    assert client.get(register_url(seminar)).status_code == 404


def test_the_signed_link_shows_the_registration(client, seminar):
    registration = RegistrationFactory(event=seminar, name="Olena", needs=["hearing_loop"])

    response = client.get(manage_url(registration, "en"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Your place is confirmed." in content
    assert "Hearing loop" in content
    assert '<meta name="robots" content="noindex">' in content
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_cancelling_through_the_link_frees_the_place_for_the_waiting_list(
    client, seminar, django_capture_on_commit_callbacks
):
    olena = RegistrationFactory(event=seminar)
    RegistrationFactory(event=seminar)
    daria = RegistrationFactory(event=seminar, status=Registration.Status.WAITING, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage_url(olena), {"action": "cancel"}, follow=True)

    assert "Your registration is cancelled. Thank you for telling us." in response.content.decode()
    olena.refresh_from_db()
    daria.refresh_from_db()
    assert olena.status == Registration.Status.CANCELLED
    assert daria.status == Registration.Status.CONFIRMED
    assert [message.to for message in mail.outbox] == [[daria.email]]


def test_erasing_through_the_link_deletes_the_data_at_once(client, seminar):
    olena = RegistrationFactory(event=seminar)

    response = client.post(manage_url(olena), {"action": "erase"}, follow=True)

    assert response.redirect_chain[-1][0] == url("event_detail", slug=seminar.slug)
    assert "Your registration and your personal data have been deleted." in response.content.decode()
    assert not Registration.objects.exists()
    assert RegistrationTally.objects.get(event=seminar).cancelled == 1
    gone = client.get(manage_url(olena))
    assert gone.status_code == 404
    assert "This registration no longer exists" in gone.content.decode()


def test_a_tampered_link_is_refused_with_a_clear_message(client, seminar):
    registration = RegistrationFactory(event=seminar)
    link = manage_url(registration)
    token, signature = link.rstrip("/").rsplit("/", 1)[1].split(":")

    for forged in (f"{token}:{signature[:-1]}x", f"{token}x:{signature}", token):
        response = client.get(url("registration_manage", signed_token=forged))
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert client.post(url("registration_manage", signed_token=token), {"action": "erase"}).status_code == 400
    assert Registration.objects.exists()


def test_an_unknown_action_is_refused(client, seminar):
    registration = RegistrationFactory(event=seminar)

    response = client.post(manage_url(registration), {"action": "delete-everything"})

    assert response.status_code == 400
    assert "Choose whether to change, cancel or delete your registration." in response.content.decode()


def test_actions_need_the_csrf_token(seminar):
    registration = RegistrationFactory(event=seminar)
    client = Client(enforce_csrf_checks=True)

    assert client.post(manage_url(registration), {"action": "erase"}).status_code == 403
    assert register(client, seminar).status_code == 403
    assert Registration.objects.count() == 1


def test_cancelling_after_the_start_is_refused_but_erasing_works(client, seminar, time_machine):
    registration = RegistrationFactory(event=seminar)
    time_machine.move_to(riga(2025, 10, 14, 18, 30), tick=False)

    page = client.get(manage_url(registration)).content.decode()
    assert 'value="cancel"' not in page
    response = client.post(manage_url(registration), {"action": "cancel"})
    assert response.status_code == 400
    assert "can no longer be cancelled" in response.content.decode()
    client.post(manage_url(registration), {"action": "erase"})
    assert not Registration.objects.exists()
    assert RegistrationTally.objects.get(event=seminar).confirmed == 1


def test_the_form_marks_its_required_fields_and_says_what_the_mark_means(client, seminar):
    content = client.get(register_url(seminar)).content.decode()

    assert "Fields marked with * are required." in content
    required = set(
        re.findall(r'<label class="required" for="id_(\w+)"|<label for="id_(\w+)" class="required"', content)
    )
    assert {name for pair in required for name in pair if name} == {"name", "language", "consent"}


def test_a_registrant_without_e_mail_is_told_to_keep_the_page_address_she_has(client, seminar):
    page = register(client, seminar, email="", phone="+371 20000000", follow=True)
    content = page.content.decode()

    assert page.status_code == 200
    assert "also in your e-mail" not in content
    assert "it is the only way back to your registration" in content
    address = re.search(r'id="page-address" class="page-address" value="([^"]+)"', content)[1]
    assert address.endswith(page.request["PATH_INFO"]) and address.startswith("http")


def test_a_registrant_with_e_mail_is_reminded_the_link_is_in_her_e_mail(client, seminar):
    register(client, seminar)
    content = client.get(manage_url(Registration.objects.get())).content.decode()

    assert "it is also in your e-mail" in content
    assert 'id="page-address"' not in content


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("a\x07b\x1bc", "abc"),
        ("Olena\u202eanelO", "OlenaanelO"),
        ("\u2067Олена\u2069 Коваленко\x85", "Олена Коваленко"),
        ("Olena\tKovalenko", "Olena Kovalenko"),
    ],
    ids=["C0 controls", "right-to-left override", "isolates and a C1 control", "tab"],
)
def test_control_and_bidi_override_characters_are_left_out_of_her_name_wherever_it_is_shown(
    admin_client, seminar, typed, kept, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(Client(), seminar, name=typed)

    assert Registration.objects.get().name == kept
    assert mail.outbox[0].body.startswith(f"Вітаємо, {kept}!")
    export = admin_client.post(
        reverse("admin:activities_registration_changelist"),
        {"action": "export_csv", "_selected_action": [Registration.objects.get().pk]},
    )
    assert export.content.decode("utf-8").splitlines()[1].split(",")[2] == kept
    door = admin_client.get(reverse("admin:activities_event_check_in", args=[seminar.pk])).content.decode()
    assert kept in door and typed not in door


def test_a_name_of_nothing_but_control_characters_is_missing(client, seminar):
    response = register(client, seminar, name="\u202e\x07 \u2066")

    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert not Registration.objects.exists()
