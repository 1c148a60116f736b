"""A weekly series is one piece of news: its announcement (each event as it comes, and the weekly summary) names
the dates published together, and a date published later reaches each subscriber once, in an e-mail naming only
the dates she has not been told of; the cancellation of one date reaches those told of that date; each date's page
lists the others."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from activities import alerts, services, tasks
from activities.models import AlertDelivery, Event, EventAlert
from tests.activities.alerting import EventAlertFactory, alert_mails, committed
from tests.activities.helpers import riga
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:activities_event_changelist"
# A visitor's page of a date: the event with its registration counts, its co-organisers, the other dates.
QUERIES = 3


@pytest.fixture
def jelgava():
    return OrganisationFactory(name="Jelgavas bibliotēka", slug="jelgava", city="Jelgava")


@pytest.fixture
def language_cafe(jelgava):
    return EventFactory(
        slug="valodas-kafejnica",
        title_lv="Valodas kafejnīca",
        title_en="Language café",
        title_uk="Мовне кафе",
        organiser=jelgava,
        venue_organisation=jelgava,
        status=Event.Status.DRAFT,
        starts_at=riga(2025, 10, 14, 18),
        ends_at=riga(2025, 10, 14, 19, 30),
        languages=["lv", "uk"],
    )


def make_series(admin_client, event, *, publish, count=4):
    """The admin's series page: `count` Tuesdays from 21 October 2025, run to the end of the request's transaction."""
    data = {"weekday": "1", "start": "2025-10-15", "interval_weeks": "1", "count": str(count)}
    if publish:
        data["publish"] = "on"
    with committed():
        response = admin_client.post(reverse("admin:activities_event_series", args=[event.pk]), data)
    assert response.status_code == 302
    return list(Event.objects.filter(slug__startswith="valodas-kafejnica-2").order_by("starts_at"))


def date_url(event, language):
    with translation.override(language):
        return event.get_absolute_url()


def publish_in_admin(admin_client, events):
    with committed():
        admin_client.post(
            reverse(CHANGELIST), {"action": "publish_events", "_selected_action": [event.pk for event in events]}
        )


def cancel(event):
    with committed():
        services.event_cancel(event=Event.objects.get(pk=event.pk))


def test_a_series_published_at_once_is_one_email_naming_every_date_in_the_subscribers_language(
    admin_client, language_cafe
):
    ukrainian = EventAlertFactory(language="uk")
    english = EventAlertFactory(language="en")

    series = make_series(admin_client, language_cafe, publish=True)

    sent = {message.to[0]: message for message in alert_mails()}
    assert len(alert_mails()) == 2
    uk, en = sent[ukrainian.email], sent[english.email]
    assert uk.subject == "Новий захід: Мовне кафе"
    assert "Коли: 21 жовтня 2025 р., 18:00–19:30" in uk.body
    assert f"Подробиці: {settings.SITE_URL}{date_url(series[0], 'uk')}\n" in uk.body
    # Riga wall-clock time on both sides of the end of summer time (26 October).
    assert (
        "Також відбудеться:\n"
        f"- Вівторок, 28 жовтня 2025 р., 18:00: {settings.SITE_URL}{date_url(series[1], 'uk')}\n"
        f"- Вівторок, 4 листопада 2025 р., 18:00: {settings.SITE_URL}{date_url(series[2], 'uk')}\n"
        f"- Вівторок, 11 листопада 2025 р., 18:00: {settings.SITE_URL}{date_url(series[3], 'uk')}\n"
    ) in uk.body
    assert f"Also on:\n- Tuesday, Oct. 28, 2025, 6 p.m.: {settings.SITE_URL}{date_url(series[1], 'en')}\n" in en.body
    assert tasks.send_event_alerts(series[1].pk) == 0, "the other dates are the same news"


def test_dates_of_a_series_published_days_apart_reach_the_subscriber_once_each_and_only_the_new_ones_later(
    admin_client, language_cafe
):
    alert = EventAlertFactory(language="en")
    first, second, third, fourth = make_series(admin_client, language_cafe, publish=False)
    assert alert_mails() == []

    publish_in_admin(admin_client, [first, second])
    (message,) = alert_mails()
    assert message.subject == "New event: Language café"
    assert message.body.startswith("A new event that matches your alert has been published.")
    assert "When: Oct. 21, 2025" in message.body
    assert "Also on:\n- Tuesday, Oct. 28, 2025, 6 p.m.:" in message.body
    assert "Nov. 4" not in message.body, "a draft then"
    mail.outbox = []

    with time_machine.travel(riga(2025, 10, 9, 10), tick=False), committed():
        services.event_publish(event=third)
        services.event_publish(event=fourth)

    (later,) = alert_mails()
    assert later.to == [alert.email]
    assert later.subject == "New dates: Language café"
    assert later.body.startswith("New dates of an event we told you about have been published.")
    assert "When: Nov. 4, 2025, 6 p.m.–7:30 p.m." in later.body
    assert f"Also on:\n- Tuesday, Nov. 11, 2025, 6 p.m.: {settings.SITE_URL}{date_url(fourth, 'en')}\n" in later.body
    assert "Oct. 21" not in later.body and "Oct. 28" not in later.body, "told of in the first e-mail"
    assert later.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sum(tasks.send_event_alerts(date.pk) for date in (first, second, third, fourth)) == 0
    assert sorted(AlertDelivery.objects.filter(sent_at__isnull=False).values_list("event", flat=True)) == sorted(
        date.pk for date in (first, second, third, fourth)
    )


def test_a_date_published_alone_later_is_a_new_date_of_the_series_in_every_language(admin_client, language_cafe):
    ukrainian = EventAlertFactory(language="uk")
    first, _second, _third, fourth = make_series(admin_client, language_cafe, publish=False)
    with committed():
        services.event_publish(event=first)
    mail.outbox = []

    with committed():
        services.event_publish(event=fourth)

    (message,) = alert_mails()
    assert message.to == [ukrainian.email]
    assert message.subject == "Нова дата: Мовне кафе"
    assert message.body.startswith("Опубліковано нову дату заходу, про який ми вам повідомляли.")
    assert "Коли: 11 листопада 2025 р., 18:00–19:30" in message.body
    assert "Також відбудеться" not in message.body, "the first date was in the first e-mail"


def test_a_subscriber_who_signed_up_after_the_first_dates_hears_of_every_date_to_come_with_the_next_one(
    admin_client, language_cafe
):
    early = EventAlertFactory(language="en")
    first, second, third, _fourth = make_series(admin_client, language_cafe, publish=False)
    publish_in_admin(admin_client, [first, second])
    late = EventAlertFactory(language="en")
    mail.outbox = []

    with committed():
        services.event_publish(event=third)

    sent = {message.to[0]: message for message in alert_mails()}
    assert set(sent) == {early.email, late.email}
    assert sent[early.email].subject == "New date: Language café"
    assert "Oct. 21" not in sent[early.email].body and "When: Nov. 4, 2025" in sent[early.email].body
    assert sent[late.email].subject == "New event: Language café", "the series is news to her"
    assert "When: Oct. 21, 2025" in sent[late.email].body
    assert "- Tuesday, Oct. 28, 2025, 6 p.m.:" in sent[late.email].body
    assert "- Tuesday, Nov. 4, 2025, 6 p.m.:" in sent[late.email].body
    assert "Nov. 11" not in sent[late.email].body, "still a draft"


def test_dates_published_between_two_weekly_summaries_are_in_the_second_one_alone(admin_client, language_cafe):
    weekly = EventAlertFactory(frequency=EventAlert.Frequency.WEEKLY, language="en")
    first, second, third, fourth = make_series(admin_client, language_cafe, publish=False)
    with time_machine.travel(riga(2025, 10, 8, 12), tick=False), committed():
        services.event_publish(event=first)
        services.event_publish(event=second)
    with time_machine.travel(riga(2025, 10, 13, 8), tick=False):
        assert alerts.alert_digests_send() == 1
    with time_machine.travel(riga(2025, 10, 15, 12), tick=False), committed():
        services.event_publish(event=third)
        services.event_publish(event=fourth)
    assert len(alert_mails()) == 1, "weekly: nothing before Monday"

    with time_machine.travel(riga(2025, 10, 20, 8), tick=False):
        assert alerts.alert_digests_send() == 1
        assert alerts.alert_digests_send() == 0

    first_summary, second_summary = alert_mails()
    assert first_summary.to == second_summary.to == [weekly.email]
    assert "When: Oct. 21, 2025" in first_summary.body and "Nov. 4" not in first_summary.body
    assert second_summary.subject == "1 new event this week"
    assert "When: Nov. 4, 2025" in second_summary.body
    assert "Also on:\n- Tuesday, Nov. 11, 2025, 6 p.m.:" in second_summary.body
    assert "Oct. 21" not in second_summary.body and "Oct. 28" not in second_summary.body


def test_withdrawing_and_publishing_a_date_again_announces_nothing(admin_client, language_cafe):
    EventAlertFactory()
    _first, second, *_rest = make_series(admin_client, language_cafe, publish=True)
    mail.outbox = []

    with committed():
        Event.objects.filter(pk=second.pk).update(status=Event.Status.DRAFT)
        services.event_publish(event=Event.objects.get(pk=second.pk))

    assert alert_mails() == []


def test_cancelling_a_date_tells_those_told_of_it_and_names_the_dates_that_still_take_place(
    admin_client, language_cafe
):
    told = EventAlertFactory(language="en")
    first, second, third, fourth = make_series(admin_client, language_cafe, publish=False)
    publish_in_admin(admin_client, [first, second, third])
    with committed():
        services.event_publish(event=fourth)
    EventAlertFactory(language="en")  # confirmed after the announcements: told of no date
    mail.outbox = []

    cancel(second)

    (message,) = alert_mails()
    assert message.to == [told.email]
    assert message.subject == "Cancelled: Language café"
    assert "When: Oct. 28, 2025" in message.body
    assert (
        "The other dates of the series still take place:\n"
        f"- Tuesday, Oct. 21, 2025, 6 p.m.: {settings.SITE_URL}{date_url(first, 'en')}\n"
        f"- Tuesday, Nov. 4, 2025, 6 p.m.: {settings.SITE_URL}{date_url(third, 'en')}\n"
        f"- Tuesday, Nov. 11, 2025, 6 p.m.: {settings.SITE_URL}{date_url(fourth, 'en')}\n"
    ) in message.body
    assert tasks.send_alert_cancellations(second.pk) == 0, "told once"
    mail.outbox = []

    cancel(fourth)

    assert [message.to for message in alert_mails()] == [[told.email]], "told of it in its own e-mail"


def test_cancelling_a_date_published_after_the_first_email_tells_those_its_own_email_told(admin_client, language_cafe):
    told_of_both = EventAlertFactory()
    first, *_rest, fourth = make_series(admin_client, language_cafe, publish=False)
    with committed():
        services.event_publish(event=first)
    told_of_first = EventAlertFactory(event_language="lv")
    Event.objects.filter(pk=fourth.pk).update(languages=["uk"])
    with committed():
        services.event_publish(event=fourth)
    mail.outbox = []

    cancel(fourth)

    assert [message.to for message in alert_mails()] == [[told_of_both.email]]
    assert not AlertDelivery.objects.filter(event=fourth, alert=told_of_first).exists()


def test_the_weekly_summary_names_a_series_once_with_its_dates_still_to_come_on_monday(admin_client, language_cafe):
    weekly = EventAlertFactory(frequency=EventAlert.Frequency.WEEKLY, language="en")
    other = EventFactory(
        title_en="Seminar on residence permits",
        status=Event.Status.DRAFT,
        starts_at=riga(2025, 10, 16, 17),
        ends_at=riga(2025, 10, 16, 19),
    )
    first, _second, third, fourth = make_series(admin_client, language_cafe, publish=False)
    with committed():
        services.event_publish(event=other)
        services.event_publish(event=first)
        services.event_publish(event=third)
    assert alert_mails() == []
    cancel(first)
    with committed():
        services.event_publish(event=fourth)

    with time_machine.travel(riga(2025, 10, 13, 8), tick=False):
        assert alerts.alert_digests_send() == 1
        assert alerts.alert_digests_send() == 0

    (summary,) = alert_mails()
    assert summary.to == [weekly.email]
    assert summary.subject == "2 new events this week"
    body = summary.body
    assert body.index("Seminar on residence permits") < body.index("Language café")
    assert "When: Nov. 4, 2025, 6 p.m.–7:30 p.m." in body, "the first date was cancelled meanwhile"
    assert f"Also on:\n- Tuesday, Nov. 11, 2025, 6 p.m.: {settings.SITE_URL}{date_url(fourth, 'en')}\n" in body
    assert "Oct. 21" not in body and "Oct. 28" not in body
    mail.outbox = []

    cancel(fourth)

    assert [message.to for message in alert_mails()] == [[weekly.email]], "the summary told her of that date"


def test_an_address_told_of_a_series_is_not_told_again_by_a_later_run(admin_client, language_cafe):
    told = EventAlertFactory()
    series = make_series(admin_client, language_cafe, publish=True)
    later = EventAlertFactory()

    assert tasks.send_event_alerts(series[0].pk) == 1, "only the alert confirmed since"

    assert sorted(message.to[0] for message in alert_mails()) == sorted([told.email, later.email])
    assert set(AlertDelivery.objects.filter(sent_at__isnull=False).values_list("alert", "event")) == {
        (alert.pk, event.pk) for alert in (told, later) for event in series
    }


def test_a_duplicate_of_a_date_is_an_event_of_its_own_announced_on_its_own(admin_client, language_cafe):
    EventAlertFactory(language="en")
    first, *_rest = make_series(admin_client, language_cafe, publish=True)
    admin_client.post(reverse(CHANGELIST), {"action": "duplicate_events", "_selected_action": [first.pk]})
    copy = Event.objects.get(slug="valodas-kafejnica-copy")
    mail.outbox = []

    with committed():
        services.event_publish(event=copy)

    (message,) = alert_mails()
    assert "Also on:" not in message.body
    assert copy.series is None


def test_repeating_a_date_of_a_series_makes_a_new_series_announced_on_its_own(admin_client, language_cafe):
    EventAlertFactory(language="en")
    *_rest, last = make_series(admin_client, language_cafe, publish=True)
    mail.outbox = []

    with committed():
        services.event_series_create(
            event=last, weekday=1, start=datetime.date(2025, 11, 12), interval_weeks=1, count=2, publish=True
        )

    (message,) = alert_mails()
    assert "When: Nov. 18, 2025" in message.body
    assert "Also on:\n- Tuesday, Nov. 25, 2025, 6 p.m.:" in message.body
    assert "Nov. 11" not in message.body


# --- The page of a date ---------------------------------------------------------------------------------------


def other_dates(response):
    """The links of the page's "Other dates of this series"."""
    section = re.search(r'<section class="event-series".*?</section>', response.content.decode(), re.S)
    return re.findall(r'<li><a href="([^"]+)">', section[0]) if section else []


def test_a_dates_page_lists_the_other_dates_still_to_come_of_its_series(client, admin_client, language_cafe):
    first, second, third, fourth = make_series(admin_client, language_cafe, publish=True)
    cancel(third)
    Event.objects.filter(pk=fourth.pk).update(status=Event.Status.DRAFT)
    admin_client.post(reverse(CHANGELIST), {"action": "duplicate_events", "_selected_action": [first.pk]})
    Event.objects.filter(slug="valodas-kafejnica-copy").update(status=Event.Status.PUBLISHED)

    response = client.get(date_url(first, "en"))

    assert other_dates(response) == [date_url(second, "en")], "not itself, a cancelled date, a draft or a copy"
    content = response.content.decode()
    assert "Other dates of this series" in content
    assert '<time datetime="2025-10-28T18:00:00+02:00">Tuesday, Oct. 28, 2025, 6 p.m.</time>' in content
    assert other_dates(client.get(date_url(language_cafe, "en"))) == [], "the event repeated is in no series"
    assert "Інші дати цієї серії" in client.get(date_url(first, "uk")).content.decode()


def test_a_dates_page_runs_a_small_number_of_queries_however_long_its_series(
    client, admin_client, language_cafe, jelgava, django_assert_max_num_queries
):
    short = make_series(admin_client, language_cafe, publish=True, count=3)
    seminar = EventFactory(slug="seminars", organiser=jelgava, starts_at=riga(2025, 10, 15, 17))
    long = services.event_series_create(
        event=seminar, weekday=2, start=datetime.date(2025, 10, 16), interval_weeks=1, count=30, publish=True
    )

    with django_assert_max_num_queries(QUERIES) as short_page:
        assert len(other_dates(client.get(date_url(short[0], "en")))) == 2
    with django_assert_max_num_queries(len(short_page)):
        assert len(other_dates(client.get(date_url(long[0], "en")))) == 29


@pytest.mark.django_db(transaction=True)
def test_dates_published_together_with_the_admin_action_go_out_in_one_email(admin_client, language_cafe):
    # Committed for real, as in production: each date's e-mail task starts when its publication commits.
    alert = EventAlertFactory(language="en")
    first, second, _third, _fourth = make_series(admin_client, language_cafe, publish=False)

    admin_client.post(reverse(CHANGELIST), {"action": "publish_events", "_selected_action": [first.pk, second.pk]})

    (message,) = alert_mails()
    assert message.to == [alert.email]
    assert "When: Oct. 21, 2025" in message.body
    assert "Also on:\n- Tuesday, Oct. 28, 2025, 6 p.m.:" in message.body
