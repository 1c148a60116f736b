"""A newcomer finds a seminar in her language and registers with the keyboard alone, then cancels by e-mail link."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from activities.models import Event, Registration
from tests.activities.registering import RegistrationFactory
from tests.factories import EventFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture
def events(transactional_db):
    cache.clear()
    jelgava = OrganisationFactory(name="Jelgavas pilsētas bibliotēka", slug="jelgava-library", city="Jelgava")
    soon = timezone.now() + datetime.timedelta(days=5)
    seminar = EventFactory(
        organiser=jelgava,
        title_lv="Seminārs par darba tiesībām",
        title_uk="Семінар про трудові права",
        slug="darba-tiesibas",
        kind=Event.Kind.SEMINAR,
        languages=["uk"],
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=2),
        registration_required=True,
        capacity=2,
    )
    RegistrationFactory(event=seminar, name="Iryna", email="iryna@example.org")
    EventFactory(
        organiser=jelgava,
        title_uk="Мовне кафе",
        slug="valodas-kafejnica",
        kind=Event.Kind.LANGUAGE_CAFE,
        languages=["uk"],
        starts_at=soon,
    )
    EventFactory(
        organiser=jelgava,
        title_lv="Seminārs latviešu valodā",
        slug="seminars-latviski",
        languages=["lv"],
        starts_at=soon,
    )
    return seminar


def tab_to(page, selector, limit=60):
    """Press Tab until the focused element matches `selector`; the honeypot must never take the focus."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") not in {"id_homepage", "id_form_started"}
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def assert_accessible(page):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert violations == [], [violation["id"] for violation in violations]


def test_a_visitor_registers_in_ukrainian_with_the_keyboard_and_cancels_through_the_email(live_server, page, events):
    seminar = events
    page.goto(f"{live_server.url}/lv/events/")

    # The site in Ukrainian; the list then shows events in Ukrainian first.
    page.locator(".language-switcher a[hreflang=uk]").click()
    page.wait_for_url(re.compile(r"/uk/events/"))
    assert page.evaluate("document.documentElement.lang") == "uk"

    # Narrow to seminars in Ukrainian.
    page.locator(".more-filters summary").click()
    page.select_option("#id_language", "uk")
    page.select_option("#id_kind", "seminar")
    page.locator(".event-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"kind=seminar"))
    results = page.locator(".event-list")
    assert results.get_by_role("link", name="Семінар про трудові права").count() == 1
    # The kind filter's own option reads "Мовне кафе / …": look only at the results.
    assert results.get_by_text("Мовне кафе").count() == 0
    assert results.get_by_text("Seminārs latviešu valodā").count() == 0

    page.get_by_role("link", name="Семінар про трудові права").click()
    page.wait_for_url(re.compile(r"/uk/events/darba-tiesibas/$"))
    assert "1" in page.locator(".event-action .places").inner_text()

    # From here on, the keyboard only.
    tab_to(page, "a[href$='/uk/events/darba-tiesibas/register/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/register/$"))
    assert_accessible(page)
    tab_to(page, "#id_name")
    page.keyboard.type("Олена", delay=120)
    tab_to(page, "#id_email")
    page.keyboard.type("olena@example.org", delay=120)
    assert page.evaluate("document.getElementById('id_language').value") == "uk"
    tab_to(page, "#id_needs_4")  # childcare
    page.keyboard.press("Space")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, ".registration-form button[type=submit]")
    page.keyboard.press("Enter")

    # The answer names nobody's registration: it says to look in the e-mail.
    page.wait_for_url(re.compile(r"/uk/events/darba-tiesibas/register/sent/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Дякуємо! Перевірте електронну пошту"
    assert_accessible(page)
    registration = Registration.objects.get(name="Олена")
    assert (registration.status, registration.language, registration.needs) == ("confirmed", "uk", ["childcare"])

    # The confirmation e-mail, in her language, carries the link to her page.
    assert [message.to for message in mail.outbox] == [["olena@example.org"]]
    body = mail.outbox[0].body
    assert "Семінар про трудові права" in body
    link = re.search(r"https?://\S+/uk/events/registration/\S+/", body).group(0)
    path = link[link.index("/uk/") :]

    page.goto(f"{live_server.url}{path}")
    assert page.locator(".registration-confirmed").count() == 1
    assert_accessible(page)
    tab_to(page, "button[value=cancel]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".registration-cancelled").count() == 1
    assert Registration.objects.get(name="Олена").status == "cancelled"

    # Her place is free again.
    page.goto(f"{live_server.url}/uk/events/darba-tiesibas/")
    assert "1" in page.locator(".event-action .places").inner_text()
    assert Event.objects.with_registration_counts().get(pk=seminar.pk).places_left == 1
