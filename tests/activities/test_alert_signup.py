"""Signing up for alerts: the form from the event list's filters, double opt-in, the links, and abuse."""

import datetime
import re
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.models import ALERT_CONFIRMATION_DAYS, EventAlert
from tests.activities.alerting import EventAlertFactory, link_in, sign_up, signup_url
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jelgava():
    library = OrganisationFactory(name="Jelgavas bibliotēka", slug="jelgava", city="Jelgava")
    EventFactory(organiser=library, languages=["uk"])
    return library


def test_the_event_list_links_to_an_alert_with_its_filters(client, jelgava):
    page = client.get(reverse("activities:event_list") + "?language=uk&city=Jelgava&kind=seminar")

    assert 'href="/en/events/alerts/?language=uk&amp;city=Jelgava&amp;kind=seminar"' in page.content.decode(), (
        "the list's filters go to the sign-up"
    )


def test_the_signup_form_starts_with_the_lists_filters(client, jelgava):
    page = client.get(signup_url(query="?language=uk&city=Jelgava&library=jelgava&kind=seminar&audience=tcn"))
    form = page.context["form"]

    assert page.status_code == 200
    assert form["event_language"].value() == "uk"
    assert form["city"].value() == "Jelgava"
    assert form["library"].value() == "jelgava"
    assert form["kind"].value() == "seminar"
    assert form["audience"].value() == "tcn"
    assert form["frequency"].value() == "immediate"
    assert "deleted after 7 days" in page.content.decode()


def test_without_a_language_the_alert_starts_with_the_pages_language_as_the_list_does(client, jelgava):
    assert client.get(signup_url("uk")).context["form"]["event_language"].value() == "uk"
    assert client.get(signup_url("uk", "?language=all")).context["form"]["event_language"].value() == ""


def test_filters_the_form_does_not_offer_are_left_out(client, jelgava):
    page = client.get(signup_url(query="?language=xx&city=Atlantis&kind=<script>"))

    assert page.status_code == 200
    assert "<script>" not in page.content.decode()


def test_the_event_list_links_to_an_alert_with_its_accessibility_facts(client, jelgava):
    page = client.get(reverse("activities:event_list") + "?language=uk&access=step_free&access=free")

    assert 'href="/en/events/alerts/?language=uk&amp;access=step_free&amp;access=free"' in page.content.decode()


def test_the_signup_form_starts_with_the_lists_accessibility_facts_and_saves_them(client, jelgava):
    page = client.get(signup_url(query="?language=uk&access=free&access=step_free&access=teleport"))

    assert page.context["form"]["access"].value() == ["free", "step_free"], "a code the form does not offer is left out"
    assert 'value="step_free" id="id_access_0" checked' in page.content.decode()

    response = sign_up(client, access=["free", "step_free"])

    assert response.status_code == 302
    alert = EventAlert.objects.get()
    assert alert.access == ["step_free", "free"], "in the facts' display order, so ticking in another order is the same"
    assert "access=step_free&access=free" in link_in(mail.outbox[0], "/events/?")
    page = client.get(link_in(mail.outbox[0], "/confirm/"))
    assert "<dd>step-free access, free of charge</dd>" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "in_text", "labels"),
    [
        ("uk", "безбар’єрний доступ, безкоштовно", ("Безбар’єрний доступ", "Безкоштовно")),
        ("ru", "доступ без ступенек, бесплатно", ("Доступ без ступенек", "Бесплатно")),
        ("lv", "piekļuve bez pakāpieniem, bez maksas", ("Piekļuve bez pakāpieniem", "Bez maksas")),
    ],
)
def test_the_confirmation_page_lists_the_facts_in_lowercase_and_the_form_s_boxes_keep_their_capital(
    client, jelgava, language, in_text, labels
):
    form = client.get(signup_url(language)).content.decode()
    for code, label in zip(("step_free", "free"), labels, strict=True):
        assert re.search(rf'<input[^>]*name="access" value="{code}"[^>]*>\s*{label}', form), label

    sign_up(client, language=language, access=["free", "step_free"])
    page = client.get(link_in(mail.outbox[0], "/confirm/"))

    assert f"<dd>{in_text}</dd>" in page.content.decode()


def test_the_same_filters_with_other_accessibility_facts_are_another_alert(client, jelgava):
    EventAlertFactory(email="olena@example.org", event_language="uk", access=["step_free"])

    sign_up(client, access=["step_free", "free"])
    sign_up(client)

    assert sorted(alert.access for alert in EventAlert.objects.all()) == [[], ["step_free"], ["step_free", "free"]]
    assert len(mail.outbox) == 2


def test_a_signup_sends_only_the_confirmation_in_the_pages_language(client, jelgava):
    response = sign_up(client, language="uk", city="Jelgava", library="jelgava")

    assert response.status_code == 302
    assert response["Location"] == reverse("activities:alert_sent")
    alert = EventAlert.objects.get()
    assert (alert.email, alert.language, alert.event_language, alert.city, alert.library) == (
        "olena@example.org",
        "uk",
        "uk",
        "Jelgava",
        jelgava,
    )
    assert not alert.is_confirmed
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["olena@example.org"]
    assert "/uk/events/alerts/confirm/" in mail.outbox[0].body
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers


def test_the_confirmation_link_asks_before_it_confirms_then_the_alert_is_on(client, jelgava):
    sign_up(client)
    confirm = link_in(mail.outbox[0], "/confirm/")

    page = client.get(confirm)
    assert page.status_code == 200
    assert "<dd>None chosen</dd>" in page.content.decode(), "no accessibility fact required"
    assert not EventAlert.objects.get().is_confirmed, "a mail program opening the link confirms nothing"

    response = client.post(confirm)
    alert = EventAlert.objects.get()
    assert alert.is_confirmed
    assert response["Location"] == alert.get_manage_url()
    assert len(mail.outbox) == 1


def test_a_changed_confirmation_link_answers_400_and_an_old_one_says_to_sign_up_again(client, jelgava):
    import time_machine
    from django.utils import timezone

    sign_up(client)
    confirm = link_in(mail.outbox[0], "/confirm/")

    assert client.get(confirm[:-3] + "xx/").status_code == 400
    with time_machine.travel(timezone.now() + timezone.timedelta(days=ALERT_CONFIRMATION_DAYS, hours=1)):
        old = client.get(confirm)
    assert old.status_code == 400
    assert "Sign up again" in old.content.decode()


def test_signing_up_someone_else_again_and_again_sends_three_confirmations_at_most(client, jelgava):
    for kind in ("", "seminar", "workshop", "other", "language_cafe"):
        cache.clear()  # beyond the rate limit of one connection: many connections
        response = sign_up(client, email="Victim@Example.org", kind=kind)
        assert response.status_code == 302, "the visitor is told the same every time"

    assert len(mail.outbox) == 3
    assert EventAlert.objects.count() == 3


def test_signing_up_an_address_that_has_the_alert_sends_nothing_and_says_the_same(client, jelgava):
    EventAlertFactory(email="olena@example.org", event_language="uk")

    response = sign_up(client, email="olena@example.org", event_language="uk")

    assert response.status_code == 302
    assert response["Location"] == reverse("activities:alert_sent")
    assert mail.outbox == []
    assert EventAlert.objects.count() == 1


def test_signing_up_again_unconfirmed_sends_the_link_again_within_the_limit(client, jelgava):
    sign_up(client)
    sign_up(client)

    assert len(mail.outbox) == 2
    assert EventAlert.objects.get().confirmations_sent == 2


def test_a_link_sent_again_works_for_its_seven_days_though_the_first_sign_up_is_older(client, jelgava):
    start = timezone.now()
    sign_up(client)
    with time_machine.travel(start + datetime.timedelta(days=6), tick=False):
        sign_up(client)

    with time_machine.travel(start + datetime.timedelta(days=8), tick=False):
        call_command("erase_expired_registrations", stdout=StringIO())
        response = client.post(link_in(mail.outbox[1], "/confirm/"))

    assert response.status_code == 302
    assert EventAlert.objects.get().is_confirmed


@pytest.mark.parametrize(
    ("fields", "code"),
    [({"homepage": "http://spam.example"}, 400), ({"form_started": "forged"}, 400), ({"email": "not an address"}, 400)],
)
def test_robots_and_bad_addresses_are_refused_with_a_message(client, jelgava, fields, code):
    response = sign_up(client, **fields)

    assert response.status_code == code
    assert EventAlert.objects.count() == 0
    assert mail.outbox == []


def test_too_many_signups_from_one_connection_answer_429(client, jelgava):
    for number in range(5):
        assert sign_up(client, email=f"person{number}@example.org").status_code == 302

    response = sign_up(client, email="person6@example.org")

    assert response.status_code == 429
    assert EventAlert.objects.count() == 5


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    email=st.text(max_size=300),
    event_language=st.text(max_size=12),
    city=st.text(max_size=120),
    library=st.text(max_size=90),
    kind=st.text(max_size=40),
    frequency=st.text(max_size=20),
    access=st.lists(st.one_of(st.sampled_from(["step_free", "free", "online"]), st.text(max_size=20)), max_size=8),
)
def test_odd_input_is_refused_with_a_message_or_signed_up_never_an_error(
    client, jelgava, email, event_language, city, library, kind, frequency, access
):
    cache.clear()
    mail.outbox = []
    before = EventAlert.objects.count()
    response = sign_up(
        client,
        email=email,
        event_language=event_language,
        city=city,
        library=library,
        kind=kind,
        frequency=frequency,
        access=access,
    )

    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert EventAlert.objects.count() == before
        assert mail.outbox == []
