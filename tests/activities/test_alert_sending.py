"""Announcing events to alerts: once per person when first published, cancellations to those told, the weekly
summary, the ledger that makes sending safe to repeat, and the headers every alert e-mail carries."""

import datetime
import os
import time

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities import alerts, services, tasks
from activities.models import AlertDelivery, Event, EventAlert
from tests.activities.alerting import EventAlertFactory, alert_mails, committed, link_in
from tests.activities.helpers import RIGA, riga
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jelgava():
    return OrganisationFactory(name="Jelgavas bibliotēka", slug="jelgava", city="Jelgava")


@pytest.fixture
def draft(jelgava):
    return EventFactory(
        organiser=jelgava,
        venue_organisation=jelgava,
        title_uk="Семінар про трудові права",
        title_lv="Seminārs par darba tiesībām",
        languages=["uk"],
        kind=Event.Kind.SEMINAR,
        audience=["tcn"],
        status=Event.Status.DRAFT,
        starts_at=riga(2025, 10, 14, 18),
        ends_at=riga(2025, 10, 14, 20),
    )


def publish(event):
    with committed():
        services.event_publish(event=event)


def test_publishing_announces_the_event_to_each_matching_alert_once_in_its_language(draft, jelgava):
    ukrainian_in_jelgava = EventAlertFactory(event_language="uk", city="Jelgava", language="uk")
    any_event = EventAlertFactory(language="en")
    at_the_library = EventAlertFactory(library=jelgava, kind="seminar", audience="tcn", language="lv")
    EventAlertFactory(event_language="ru")
    EventAlertFactory(city="Rīga")
    EventAlertFactory(kind="workshop")
    EventAlertFactory(library=OrganisationFactory())
    EventAlertFactory(audience="public")
    EventAlertFactory(confirmed_at=None)

    publish(draft)

    sent = {message.to[0]: message for message in alert_mails()}
    assert set(sent) == {ukrainian_in_jelgava.email, any_event.email, at_the_library.email}
    assert sent[ukrainian_in_jelgava.email].subject == "Новий захід: Семінар про трудові права"
    assert "Семінар про трудові права" in sent[ukrainian_in_jelgava.email].body
    assert sent[at_the_library.email].subject == "Jauns pasākums: Seminārs par darba tiesībām"
    assert "/uk/events/alerts/change/" in sent[ukrainian_in_jelgava.email].body


@pytest.mark.parametrize(
    ("facts", "told"),
    [
        ({"step_free_access": True, "free_of_charge": True}, {"any", "step_free", "both"}),
        ({"step_free_access": True}, {"any", "step_free"}),
        ({"free_of_charge": True}, {"any"}),
        ({}, {"any"}),
    ],
)
def test_an_alert_with_accessibility_facts_is_told_only_of_events_with_all_of_them(draft, facts, told):
    for name, value in facts.items():
        setattr(draft, name, value)
    draft.save()
    alerts_by_name = {
        "any": EventAlertFactory(),
        "step_free": EventAlertFactory(access=["step_free"]),
        "both": EventAlertFactory(access=["step_free", "free"]),
        "hearing_loop": EventAlertFactory(access=["hearing_loop"]),
    }

    publish(draft)

    emails = {message.to[0] for message in alert_mails()}
    assert emails == {alerts_by_name[name].email for name in told}


def test_an_online_event_can_be_followed_online_for_an_alert_too(draft):
    draft.venue = Event.Venue.ONLINE
    draft.venue_organisation = None
    draft.online_url = "https://meet.example.org/seminar"
    draft.save()
    online = EventAlertFactory(access=["online"])

    publish(draft)

    assert [message.to for message in alert_mails()] == [[online.email]]


def test_matching_is_one_query_whatever_facts_the_alerts_require(draft, django_assert_num_queries):
    EventAlertFactory(access=["step_free", "free", "childcare"])
    EventAlertFactory(access=["hearing_loop"])
    event = Event.objects.select_related("organiser", "venue_organisation").get(pk=draft.pk)

    with django_assert_num_queries(1):
        assert len(list(EventAlert.objects.confirmed().matching(event))) == 0


def test_the_alert_and_the_summary_name_the_event_s_languages_in_words(draft):
    draft.languages = ["uk", "lv"]
    draft.save()
    EventAlertFactory(language="uk")
    EventAlertFactory(language="lv")
    EventAlertFactory(language="en", frequency=EventAlert.Frequency.WEEKLY)

    publish(draft)
    with time_machine.travel(riga(2025, 10, 13, 8), tick=False):
        alerts.alert_digests_send()

    bodies = {message.subject: message.body for message in alert_mails()}
    assert "Мови: українська, латиська\n" in bodies["Новий захід: Семінар про трудові права"]
    assert "Valodas: ukraiņu, latviešu\n" in bodies["Jauns pasākums: Seminārs par darba tiesībām"]
    assert "Languages: Ukrainian, Latvian\n" in bodies["1 new event this week"]


def test_an_address_whose_alerts_overlap_is_told_of_the_event_once(draft, jelgava):
    EventAlertFactory(email="olena@example.org", frequency=EventAlert.Frequency.WEEKLY)
    each = EventAlertFactory(email="olena@example.org", event_language="uk", city="Jelgava")
    EventAlertFactory(email="olena@example.org", library=jelgava)

    publish(draft)
    tasks.send_event_alerts(draft.pk)
    with time_machine.travel(riga(2025, 10, 13, 8), tick=False):
        alerts.alert_digests_send()

    assert [message.to for message in alert_mails()] == [["olena@example.org"]]
    assert AlertDelivery.objects.get().alert == each, "as soon as published, since one of her alerts asks for it"


def test_every_alert_email_has_a_one_click_unsubscribe_and_a_signed_link_to_change_it(draft):
    alert = EventAlertFactory(language="en")

    publish(draft)

    (message,) = alert_mails()
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe == f"<{settings.SITE_URL}{alert.get_unsubscribe_url()}>"
    assert unsubscribe.startswith("<http") and unsubscribe.endswith(">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    raw = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    assert link_in(message, "/change/") == alert.get_manage_url()
    assert link_in(message, "/unsubscribe/") == alert.get_unsubscribe_url()


def test_https_site_gives_an_https_unsubscribe_link(draft, settings):
    settings.SITE_URL = "https://libri.example.org"
    EventAlertFactory()

    publish(draft)

    assert alert_mails()[0].extra_headers["List-Unsubscribe"].startswith("<https://libri.example.org/")


def test_the_mail_programs_one_click_post_unsubscribes_without_session_or_csrf_token(draft):
    alert = EventAlertFactory(email="olena@example.org")
    EventAlertFactory(email="olena@example.org", event_language="ru")
    publish(draft)
    address = alert_mails()[0].extra_headers["List-Unsubscribe"].strip("<>").removeprefix(settings.SITE_URL)

    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(address, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not EventAlert.objects.filter(email="olena@example.org").exists(), "the address is deleted"
    assert not AlertDelivery.objects.filter(alert=alert.pk).exists()
    assert mail_program.post(address, {"List-Unsubscribe": "One-Click"}).status_code == 200, "twice is fine"


def test_opening_the_unsubscribe_link_asks_first(client):
    alert = EventAlertFactory()

    page = client.get(alert.get_unsubscribe_url())

    assert page.status_code == 200
    assert EventAlert.objects.filter(pk=alert.pk).exists()
    assert 'method="post"' in page.content.decode()
    assert client.get(alert.get_unsubscribe_url()[:-4] + "abc/").status_code == 400


def test_editing_or_publishing_again_announces_nothing_more(draft, admin_client):
    EventAlertFactory()
    publish(draft)
    mail.outbox = []

    with committed():
        draft.status = Event.Status.DRAFT
        draft.save()
        services.event_publish(event=draft)
        services.event_record_revision(event=draft, changed_fields=["title_lv"])

    assert alert_mails() == []


def test_running_the_task_again_sends_nobody_the_event_twice(draft):
    first = EventAlertFactory()
    publish(draft)
    second = EventAlertFactory()

    assert tasks.send_event_alerts(draft.pk) == 1, "only the alert confirmed since"
    assert tasks.send_event_alerts(draft.pk) == 0
    assert sorted(message.to[0] for message in alert_mails()) == sorted([first.email, second.email])
    assert AlertDelivery.objects.filter(event=draft, sent_at__isnull=False).count() == 2


def test_a_send_that_failed_midway_goes_on_where_it_stopped(draft, monkeypatch):
    for _number in range(5):
        EventAlertFactory()
    draft.status = Event.Status.PUBLISHED
    draft.save()
    calls = []

    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages

    def fail_on_the_third_email(self, messages):
        calls.append(len(messages))
        if len(calls) == 3:
            raise ConnectionError("mail server gone")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", fail_on_the_third_email)
    with pytest.raises(ConnectionError):
        alerts.event_alerts_send(event_id=draft.pk, batch_size=2)
    assert calls == [1, 1, 1], "one e-mail at a time, each marked sent before the next goes"
    assert len(alert_mails()) == 2
    monkeypatch.setattr(EmailBackend, "send_messages", original)

    assert alerts.event_alerts_send(event_id=draft.pk, batch_size=2) == 3
    assert len(alert_mails()) == 5
    assert len({message.to[0] for message in alert_mails()}) == 5


def test_publishing_in_the_admin_announces_the_event(draft, admin_client):
    EventAlertFactory()

    with committed():
        response = admin_client.post(
            reverse("admin:activities_event_changelist"),
            {"action": "publish_events", "_selected_action": [draft.pk]},
        )

    assert response.status_code == 302
    assert len(alert_mails()) == 1


def test_adding_a_published_event_in_the_admin_announces_it_and_editing_it_does_not(admin_client, jelgava):
    from tests.activities.helpers import event_form

    EventAlertFactory(language="uk")
    with committed():
        response = admin_client.post(
            reverse("admin:activities_event_add"), event_form(jelgava, status=Event.Status.PUBLISHED)
        )
    assert response.status_code == 302
    event = Event.objects.get(slug="valodas-kafejnica-ogre")
    assert [message.subject for message in alert_mails()] == ["Новий захід: Мовне кафе"]

    with committed():
        admin_client.post(
            reverse("admin:activities_event_change", args=[event.pk]),
            event_form(jelgava, status=Event.Status.PUBLISHED, title_uk="Мовне кафе для всіх"),
        )
    assert Event.objects.get(pk=event.pk).title_uk == "Мовне кафе для всіх"
    assert len(alert_mails()) == 1

    with committed():
        admin_client.post(
            reverse("admin:activities_event_change", args=[event.pk]),
            event_form(jelgava, status=Event.Status.CANCELLED, title_uk="Мовне кафе для всіх"),
        )
    assert [message.subject for message in alert_mails()][1:] == ["Скасовано: Мовне кафе для всіх"]


def test_a_cancellation_is_told_to_those_who_were_told_of_the_event_only(draft):
    told = EventAlertFactory()
    publish(draft)
    EventAlertFactory()  # confirmed later: never told of the event
    weekly = EventAlertFactory(frequency=EventAlert.Frequency.WEEKLY)  # its summary has not gone yet
    mail.outbox = []

    with committed():
        services.event_cancel(event=draft)

    (message,) = alert_mails()
    assert message.to == [told.email]
    assert message.subject.startswith("Скасовано")
    assert "List-Unsubscribe" in message.extra_headers
    assert tasks.send_alert_cancellations(draft.pk) == 0, "told once"
    assert alerts.alert_digests_send() == 0, "the weekly summary leaves the cancelled event out"
    assert not AlertDelivery.objects.filter(alert=weekly, sent_at=None).exists()


def test_an_event_that_starts_in_the_past_or_is_not_published_is_not_announced(draft):
    EventAlertFactory()
    draft.starts_at = timezone.now() - datetime.timedelta(hours=1)

    assert alerts.event_alerts_send(event_id=draft.pk) == 0
    assert alert_mails() == []


# --- The weekly summary ---------------------------------------------------------------------------------------


def test_the_summary_goes_on_monday_at_eight_in_riga_across_the_change_of_summer_time():
    entry = settings.CELERY_BEAT_SCHEDULE["activities-send-alert-digests"]
    schedule = entry["schedule"]
    assert entry["task"] == "activities.tasks.send_alert_digests"
    assert isinstance(schedule, crontab)
    assert settings.CELERY_TIMEZONE == "Europe/Riga"

    # Saturday 25 October 2025 is summer time (UTC+3); the clocks go back that night, so Monday is UTC+2.
    for before, monday in (
        (riga(2025, 10, 25, 12), riga(2025, 10, 27, 8)),
        (riga(2025, 10, 5, 12), riga(2025, 10, 6, 8)),
    ):
        with time_machine.travel(before, tick=False):
            due_in = schedule.remaining_estimate(before)
            # Elapsed time, added in UTC: aware arithmetic in one zone would add wall-clock time.
            due = (before.astimezone(datetime.UTC) + due_in).astimezone(RIGA)
            assert (due, due.utcoffset()) == (monday, monday.utcoffset())


def test_weekly_alerts_get_one_summary_of_the_weeks_events_and_none_before(jelgava):
    weekly = EventAlertFactory(frequency=EventAlert.Frequency.WEEKLY, language="en")
    immediate = EventAlertFactory(language="en")
    events = []
    for day in (7, 8, 9):
        event = EventFactory(
            organiser=jelgava,
            title_en=f"Seminar {day}",
            status=Event.Status.DRAFT,
            starts_at=riga(2025, 10, 20 + day - 7, 18),
            ends_at=riga(2025, 10, 20 + day - 7, 20),
        )
        with time_machine.travel(riga(2025, 10, day, 12), tick=False):
            publish(event)
        events.append(event)

    assert [message.to for message in alert_mails()] == [[immediate.email]] * 3, "nothing to the weekly alert yet"
    mail.outbox = []

    with time_machine.travel(riga(2025, 10, 13, 8), tick=False):
        assert tasks.send_alert_digests() == 1
        assert tasks.send_alert_digests() == 0

    (summary,) = alert_mails()
    assert summary.to == [weekly.email]
    assert summary.subject == "3 new events this week"
    assert summary.body.index("Seminar 7") < summary.body.index("Seminar 8") < summary.body.index("Seminar 9")
    assert summary.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_alert_switched_from_weekly_to_each_event_gets_what_was_waiting_in_the_summary(draft):
    alert = EventAlertFactory(frequency=EventAlert.Frequency.WEEKLY, language="en")
    publish(draft)
    EventAlert.objects.filter(pk=alert.pk).update(frequency=EventAlert.Frequency.IMMEDIATE)

    with time_machine.travel(riga(2025, 10, 13, 8), tick=False):
        assert alerts.alert_digests_send() == 1

    (summary,) = alert_mails()
    assert summary.subject == "1 new event this week"


def test_the_ukrainian_summary_calls_events_as_every_other_ukrainian_e_mail_does(draft):
    EventAlertFactory(frequency=EventAlert.Frequency.WEEKLY, language="uk")
    publish(draft)

    with time_machine.travel(riga(2025, 10, 13, 8), tick=False):
        alerts.alert_digests_send()

    (summary,) = alert_mails()
    assert summary.subject == "1 новий захід цього тижня"


# --- Purge ----------------------------------------------------------------------------------------------------


def test_unconfirmed_signups_are_deleted_after_seven_days_by_the_registrations_purge(draft):
    from django.core.management import call_command

    old = EventAlertFactory(confirmed_at=None, created_at=timezone.now() - datetime.timedelta(days=7, minutes=1))
    recent = EventAlertFactory(confirmed_at=None, created_at=timezone.now() - datetime.timedelta(days=6))
    confirmed = EventAlertFactory(created_at=timezone.now() - datetime.timedelta(days=70))

    call_command("erase_expired_registrations", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert set(EventAlert.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
    assert not EventAlert.objects.filter(pk=old.pk).exists()
    assert settings.CELERY_BEAT_SCHEDULE["activities-erase-expired-alerts"]["task"] == (
        "activities.tasks.erase_expired_alerts"
    )


# --- Through a real broker and worker -------------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL and a Celery worker (see .ci/run)")
@pytest.mark.django_db(transaction=True)
def test_a_worker_announces_the_event_through_redis_once_to_each_alert(jelgava):
    """The worker of .ci/run reads the test database and keeps the clock of the machine: the event starts in 2030,
    in the future for both. Its mail backend is its own, so the ledger tells what it sent."""
    subscribers = EventAlertFactory.create_batch(3)
    event = EventFactory(
        organiser=jelgava, status=Event.Status.DRAFT, starts_at=riga(2030, 1, 15, 18), ends_at=riga(2030, 1, 15, 20)
    )

    services.event_publish(event=event)

    sent = AlertDelivery.objects.filter(event=event, sent_at__isnull=False)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sent.count() < len(subscribers):
        time.sleep(0.5)
    assert sorted(sent.values_list("alert", flat=True)) == sorted(alert.pk for alert in subscribers), (
        "is a worker running with REDIS_URL and the test database?"
    )
    assert alert_mails() == [], "sent by the worker, not inline"
