"""A registration the registrant can change and keep: her page (change name, language and needs; the waiting-list
position; the QR code and the reference), the calendar file and links of the confirmation e-mail and the event
page, and the references' uniqueness."""

import datetime
import email
import re
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
import segno
import zxingcpp
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from activities import services
from activities.models import REFERENCE_ALPHABET, Registration
from tests.activities.helpers import riga
from tests.activities.registering import RegistrationFactory, register
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar():
    return EventFactory(
        title_en="Seminar on residence permits",
        title_uk="Семінар про дозволи на проживання",
        slug="seminar-residence-permits",
        summary_en="What to bring & whom to ask",
        starts_at=riga(2025, 10, 14, 18),
        ends_at=riga(2025, 10, 14, 20),
        registration_required=True,
        capacity=2,
    )


def manage_url(registration, language="en"):
    with translation.override(language):
        return registration.get_manage_url()


def event_url(event, language="en"):
    with translation.override(language):
        return reverse("activities:event_detail", kwargs={"slug": event.slug})


def feed_uid(client, event):
    with translation.override("en"):
        response = client.get(reverse("activities:event_list_ics"), {"language": "all"})
    calendar = icalendar.Calendar.from_ical(response.content)
    return [
        str(component["UID"]) for component in calendar.walk("VEVENT") if component["URL"].endswith(event.slug + "/")
    ]


# --- Changing her registration ----------------------------------------------------------------------------------


def test_she_changes_her_name_language_and_needs(client, seminar):
    registration = RegistrationFactory(event=seminar, name="Olena", language="uk", needs=["wheelchair"])

    response = client.post(
        manage_url(registration),
        {"action": "change", "name": "  Olena K.  ", "language": "en", "needs": ["hearing_loop", "large_print"]},
        follow=True,
    )

    registration.refresh_from_db()
    assert (registration.name, registration.language) == ("Olena K.", "en")
    assert registration.needs == ["hearing_loop", "large_print"]
    assert "Your registration has been changed." in response.content.decode()
    # What she cannot change through the link: her contact and her place.
    assert registration.email.startswith("olena") and registration.status == Registration.Status.CONFIRMED


def test_a_changed_name_loses_its_control_and_bidi_override_characters(client, seminar):
    registration = RegistrationFactory(event=seminar, name="Olena", language="uk")

    client.post(manage_url(registration), {"action": "change", "name": "Iryna\u202e\x1b[31m K.", "language": "uk"})
    registration.refresh_from_db()
    assert registration.name == "Iryna[31m K."

    response = client.post(manage_url(registration), {"action": "change", "name": "\u2066\x07\u2069", "language": "uk"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    registration.refresh_from_db()
    assert registration.name == "Iryna[31m K."


def test_the_page_offers_the_change_form_filled_with_her_answers(client, seminar):
    registration = RegistrationFactory(event=seminar, name="Olena", language="ru", needs=["childcare"])

    content = client.get(manage_url(registration)).content.decode()

    assert re.search(r'<input[^>]*name="name"[^>]*value="Olena"', content)
    assert re.search(r'<option value="ru" selected>', content)
    assert re.search(r'<input[^>]*name="needs"[^>]*value="childcare"[^>]*checked', content)


@pytest.mark.parametrize(
    ("language", "in_text", "labels"),
    [
        (
            "uk",
            "доступ без сходів (для візка), індукційна петля",
            ("Доступ без сходів (для візка)", "Індукційна петля"),
        ),
        (
            "ru",
            "доступ без ступенек (для инвалидной коляски), индукционная петля",
            ("Доступ без ступенек", "Индукционная петля"),
        ),
        ("lv", "piekļuve bez pakāpieniem (ratiņkrēslam), dzirdes cilpa", ("Piekļuve bez pakāpieniem", "Dzirdes cilpa")),
        ("en", "step-free (wheelchair) access, hearing loop", ("Step-free (wheelchair) access", "Hearing loop")),
    ],
)
def test_her_needs_are_listed_in_lowercase_and_each_box_of_the_form_keeps_its_capital(
    client, seminar, language, in_text, labels
):
    registration = RegistrationFactory(event=seminar, language=language, needs=["wheelchair", "hearing_loop"])

    content = client.get(manage_url(registration, language)).content.decode()

    assert f"<dd>{in_text}</dd>" in content
    for code, label in zip(("wheelchair", "hearing_loop"), labels, strict=True):
        assert re.search(rf'<input[^>]*name="needs"[^>]*value="{code}"[^>]*>\s*{re.escape(label)}', content), label


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "language": "uk"}, "This field is required."),
        ({"name": "x" * 101, "language": "uk"}, "Ensure this value has at most 100 characters"),
        ({"name": "Olena", "language": "xx"}, "Select a valid choice."),
        ({"name": "Olena", "language": "uk", "needs": ["jetpack"]}, "Select a valid choice."),
    ],
)
def test_a_change_that_is_not_valid_is_refused_and_nothing_is_saved(client, seminar, data, message):
    registration = RegistrationFactory(event=seminar, name="Olena", language="uk")

    response = client.post(manage_url(registration), {"action": "change", **data})

    assert response.status_code == 400
    assert message in response.content.decode()
    registration.refresh_from_db()
    assert (registration.name, registration.language) == ("Olena", "uk")


def test_a_cancelled_registration_or_a_started_event_cannot_be_changed(client, seminar):
    cancelled = RegistrationFactory(event=seminar, name="Olena", status=Registration.Status.CANCELLED)
    started = RegistrationFactory(event=EventFactory(starts_at=riga(2025, 10, 6, 8)), name="Iryna")

    for registration in (cancelled, started):
        assert "Change your details" not in client.get(manage_url(registration)).content.decode()
        response = client.post(manage_url(registration), {"action": "change", "name": "New", "language": "en"})
        assert response.status_code == 400
        assert "This registration can no longer be changed." in response.content.decode()
        registration.refresh_from_db()
        assert registration.name != "New"


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(max_size=150),
    language=st.one_of(st.sampled_from(["lv", "en", "uk", "ru"]), st.text(max_size=5)),
    needs=st.lists(st.one_of(st.sampled_from(list(Registration.Need.values)), st.text(max_size=12)), max_size=8),
)
def test_odd_changes_get_a_4xx_or_are_saved_valid(seminar, name, language, needs):
    registration = RegistrationFactory(event=seminar, name="Olena", language="uk")
    client = Client()

    response = client.post(
        manage_url(registration), {"action": "change", "name": name, "language": language, "needs": needs}
    )

    assert response.status_code in (302, 400)
    registration.refresh_from_db()
    registration.full_clean()
    if response.status_code == 400:
        assert (registration.name, registration.language) == ("Olena", "uk")


def test_her_waiting_list_position_is_counted_again_on_each_view(client, seminar):
    RegistrationFactory.create_batch(2, event=seminar)
    first = RegistrationFactory(event=seminar, status=Registration.Status.WAITING, created_at=riga(2025, 10, 1, 9))
    second = RegistrationFactory(event=seminar, status=Registration.Status.WAITING, created_at=riga(2025, 10, 2, 9))
    assert "You are on the waiting list, number 2." in client.get(manage_url(second)).content.decode()

    client.post(manage_url(first), {"action": "cancel"})

    assert "You are on the waiting list, number 1." in client.get(manage_url(second)).content.decode()


# --- A confirmation worth keeping -------------------------------------------------------------------------------


def test_a_registrant_without_e_mail_gets_a_qr_code_of_her_page_and_a_reference(client, seminar):
    registration = RegistrationFactory(event=seminar, email="", phone="+371 20000000")

    content = client.get(manage_url(registration, "uk")).content.decode()

    svg = re.search(r'<svg role="img".*?</svg>', content, re.S)[0]
    assert 'class="qr-code"' in svg and "style=" not in svg
    assert registration.reference in content
    # The code is the page's address: segno gives the same drawing for the same text.
    expected = segno.make(settings.SITE_URL + manage_url(registration, "uk"), error="m")
    assert (
        expected.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr-code", lineclass=None).split("<path")[1]
        in svg
    )
    assert "quote your reference" in client.get(manage_url(registration)).content.decode()


def test_the_qr_code_is_read_back_to_her_page(client, seminar, tmp_path):
    registration = RegistrationFactory(event=seminar, email="", phone="+371 20000000")
    url = settings.SITE_URL + manage_url(registration)
    segno.make(url, error="m").save(tmp_path / "code.png", scale=8)

    assert zxingcpp.read_barcode(Image.open(tmp_path / "code.png")).text == url
    assert Registration.objects.for_code(url).get() == registration


def test_a_cancelled_registration_shows_no_code_for_the_door(client, seminar):
    registration = RegistrationFactory(event=seminar, status=Registration.Status.CANCELLED)

    content = client.get(manage_url(registration)).content.decode()

    assert "qr-code" not in content


@pytest.mark.parametrize("rows", [3, 30])
def test_her_page_runs_the_same_queries_whatever_the_registrations(
    client, seminar, rows, django_assert_max_num_queries
):
    seminar.capacity = 1
    seminar.save()
    RegistrationFactory.create_batch(rows, event=seminar, status=Registration.Status.WAITING)
    registration = Registration.objects.waiting().last()
    client.get(manage_url(registration))

    with django_assert_max_num_queries(6):
        response = client.get(manage_url(registration))

    assert f"number {rows}." in response.content.decode()


def test_references_are_short_unambiguous_and_unique(seminar):
    references = set()
    event = EventFactory(registration_required=True, starts_at=riga(2025, 10, 20, 18))
    for number in range(60):
        registration = services.registration_create(
            event=event, name=f"Person {number}", email=f"p{number}@example.org", language="uk"
        )
        references.add(registration.reference)
        assert len(registration.reference) == 6
        assert set(registration.reference) <= set(REFERENCE_ALPHABET)
        assert not set(registration.reference) & set("01OIL")
    assert len(references) == 60


def test_a_reference_drawn_twice_is_drawn_again(seminar, monkeypatch):
    taken = RegistrationFactory(event=seminar)
    draws = iter([taken.reference, taken.reference, "QWERTY"])
    monkeypatch.setattr(services, "new_registration_reference", lambda: next(draws))

    registration = services.registration_create(event=seminar, name="Olena", email="o@example.org", language="uk")

    assert registration.reference == "QWERTY"


def test_a_reference_taken_between_the_draw_and_the_save_is_drawn_again(seminar, monkeypatch):
    taken = RegistrationFactory(event=seminar)
    draws = iter([taken.reference, "QWERTY"])
    monkeypatch.setattr(services, "_free_reference", lambda: next(draws))

    registration = services.registration_create(event=seminar, name="Olena", email="o@example.org", language="uk")

    assert registration.reference == "QWERTY"
    assert Registration.objects.filter(event=seminar).count() == 2


def test_the_database_refuses_a_second_registration_with_the_same_reference(seminar):
    taken = RegistrationFactory(event=seminar)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=seminar, reference=taken.reference)


def test_the_reference_is_in_the_admin_and_found_by_its_search(admin_client, seminar):
    registration = RegistrationFactory(event=seminar, name="Olena")
    RegistrationFactory(event=seminar, name="Iryna")

    listing = admin_client.get(reverse("admin:activities_registration_changelist"), {"q": registration.reference})

    content = listing.content.decode()
    assert registration.reference in content
    assert "Olena" in content and "Iryna" not in content
    change = admin_client.get(reverse("admin:activities_registration_change", args=[registration.pk]))
    assert registration.reference in change.content.decode()


# --- The calendar: e-mail attachment and links ------------------------------------------------------------------


def calendar_part(message):
    parsed = email.message_from_bytes(message.message().as_bytes())
    parts = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def test_the_confirmation_e_mail_carries_the_event_with_the_feeds_uid(
    client, seminar, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, seminar, language="uk")

    (message,) = mail.outbox
    part = calendar_part(message)
    assert part.get_param("method") == "PUBLISH"
    assert part.get_filename() == f"{seminar.slug}.ics"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert [str(event["UID"])] == feed_uid(client, seminar)
    assert str(event["SUMMARY"]) == "Семінар про дозволи на проживання"
    assert event.decoded("DTSTART") == riga(2025, 10, 14, 18)
    assert event.decoded("DTSTAMP") == datetime.datetime(2025, 10, 6, 6, 0, tzinfo=datetime.UTC)
    assert int(event["SEQUENCE"]) == seminar.sequence
    registration = Registration.objects.get()
    assert registration.reference in message.body
    assert "https://calendar.google.com/calendar/render?" in message.body
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in message.body


def test_the_waiting_list_notice_carries_no_calendar_file(client, seminar, django_capture_on_commit_callbacks):
    RegistrationFactory.create_batch(2, event=seminar)

    with django_capture_on_commit_callbacks(execute=True):
        register(client, seminar)

    (message,) = mail.outbox
    assert not [part for part in message.message().walk() if part.get_content_type() == "text/calendar"]
    assert "calendar.google.com" not in message.body


def test_a_cancellation_e_mail_updates_her_calendar_copy(client, seminar, django_capture_on_commit_callbacks):
    RegistrationFactory(event=seminar, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=seminar)

    (message,) = mail.outbox
    (event,) = icalendar.Calendar.from_ical(calendar_part(message).get_payload(decode=True)).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1


def links(content):
    google = re.search(r'href="(https://calendar\.google\.com/[^"]+)"', content)[1].replace("&amp;", "&")
    outlook = re.search(r'href="(https://outlook\.live\.com/[^"]+)"', content)[1].replace("&amp;", "&")
    return parse_qs(urlsplit(google).query), parse_qs(urlsplit(outlook).query)


def test_the_event_page_offers_google_and_outlook_links_in_utc(client, seminar):
    google, outlook = links(client.get(event_url(seminar)).content.decode())

    # 18:00–20:00 in Riga on 14 October (summer time, UTC+03:00) is 15:00–17:00 UTC.
    assert google["action"] == ["TEMPLATE"]
    assert google["text"] == ["Seminar on residence permits"]
    assert google["dates"] == ["20251014T150000Z/20251014T170000Z"]
    assert google["details"][0].startswith("What to bring & whom to ask")
    assert google["details"][0].endswith(settings.SITE_URL + event_url(seminar, "lv").replace("/lv/", "/en/"))
    assert google["location"][0]
    assert outlook["subject"] == ["Seminar on residence permits"]
    assert (outlook["startdt"], outlook["enddt"]) == (["2025-10-14T15:00:00Z"], ["2025-10-14T17:00:00Z"])
    assert outlook["rru"] == ["addevent"] and outlook["path"] == ["/calendar/action/compose"]


def test_calendar_links_follow_winter_time(client):
    winter = EventFactory(title_en="Winter evening", starts_at=riga(2025, 12, 1, 18), ends_at=riga(2025, 12, 1, 19))

    google, outlook = links(client.get(event_url(winter)).content.decode())

    assert google["dates"] == ["20251201T160000Z/20251201T170000Z"]
    assert outlook["startdt"] == ["2025-12-01T16:00:00Z"]


def test_a_past_or_cancelled_event_offers_no_calendar_links(client, seminar):
    past = EventFactory(starts_at=riga(2025, 9, 1, 18), ends_at=riga(2025, 9, 1, 19))
    services.event_cancel(event=seminar)

    for event in (past, seminar):
        assert "calendar.google.com" not in client.get(event_url(event)).content.decode()
