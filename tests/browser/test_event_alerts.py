"""A visitor asks to hear of new Ukrainian events in Jelgava, confirms through the e-mail, is told of the one a
librarian publishes, and unsubscribes with one click of her mail program."""

import datetime
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Event, EventAlert
from partners.models import StaffMembership
from tests.browser.helpers import log_in
from tests.factories import EventFactory, OrganisationFactory
from tests.partners.helpers import staff_member

from .test_event_registration import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def jelgava(transactional_db):
    cache.clear()
    library = OrganisationFactory(name="Jelgavas pilsētas bibliotēka", slug="jelgava-library", city="Jelgava")
    soon = timezone.now() + datetime.timedelta(days=5)
    EventFactory(organiser=library, title_uk="Мовне кафе", slug="valodas-kafejnica", languages=["uk"], starts_at=soon)
    return library


def alert_mails():
    return [message for message in mail.outbox if "List-Unsubscribe" in message.extra_headers]


def test_a_visitor_subscribes_confirms_gets_one_alert_and_unsubscribes_with_one_click(
    live_server, page, browser, jelgava
):
    soon = timezone.now() + datetime.timedelta(days=9)
    draft = EventFactory(
        organiser=jelgava,
        title_lv="Seminārs par darba tiesībām",
        title_uk="Семінар про трудові права",
        slug="darba-tiesibas",
        languages=["uk"],
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=2),
        status=Event.Status.DRAFT,
    )
    librarian = staff_member(jelgava, StaffMembership.Role.LIBRARIAN, "jelgava-librarian")

    # The list of Ukrainian events in Jelgava, and from it the alert.
    page.goto(f"{live_server.url}/uk/events/?language=uk&city=Jelgava")
    page.get_by_role("link", name="Повідомляти мене про нові подібні заходи").click()
    page.wait_for_url(re.compile(r"/uk/events/alerts/\?"))
    assert page.locator("#id_event_language").input_value() == "uk"
    assert page.locator("#id_city").input_value() == "Jelgava"
    assert page.locator("#id_frequency_0").is_checked(), "as soon as published, by default"
    assert_accessible(page)
    page.get_by_label("Електронна пошта").fill("olena@example.org")
    page.wait_for_timeout(3200)  # a person takes longer than the form's time trap
    page.get_by_role("button", name="Надіслати мені посилання для підтвердження").click()
    page.wait_for_url(re.compile(r"/uk/events/alerts/sent/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Перевірте електронну пошту")

    # The one e-mail before she confirms: the link, in Ukrainian.
    (confirmation,) = mail.outbox
    assert confirmation.to == ["olena@example.org"]
    link = re.search(r"https?://\S+(/uk/events/alerts/confirm/\S+/)", confirmation.body).group(1)
    page.goto(f"{live_server.url}{link}")
    assert_accessible(page)
    page.get_by_role("button", name="Так, увімкнути сповіщення").click()
    page.wait_for_url(re.compile(r"/uk/events/alerts/change/"))
    expect(page.get_by_role("status")).to_contain_text("Сповіщення увімкнено")
    assert EventAlert.objects.get().is_confirmed

    # A librarian publishes the seminar in the admin.
    staff = browser.new_context()
    staff_page = staff.new_page()
    log_in(staff_page, live_server, librarian)
    staff_page.goto(f"{live_server.url}/admin/activities/event/")
    staff_page.locator(f"input[name=_selected_action][value='{draft.pk}']").check()
    staff_page.select_option("select[name=action]", "publish_events")
    staff_page.get_by_role("button", name=re.compile("Go|Izpildīt")).click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    staff.close()
    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED

    # Exactly one alert, in Ukrainian, with the one-click unsubscribe.
    (alert,) = alert_mails()
    assert alert.to == ["olena@example.org"]
    assert "Семінар про трудові права" in alert.subject
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = alert.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/uk/events/alerts/unsubscribe/" in unsubscribe

    # Her mail program's one click: a POST without cookies or token.
    path = unsubscribe[unsubscribe.index("/uk/") :]
    response = page.request.post(
        f"{live_server.url}{path}",
        form={"List-Unsubscribe": "One-Click"},
        headers={"Cookie": ""},
    )
    assert response.status == 200
    assert not EventAlert.objects.exists(), "the address is deleted"

    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Сповіщення не знайдено")
    assert len(alert_mails()) == 1
