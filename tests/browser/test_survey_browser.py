"""At the end of a seminar a participant opens the short address from the slide on her phone, answers with the
keyboard, and her phone remembers it: a second visit shows the thanks, not the form."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from activities.models import SurveyAnswer
from tests.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seminar(transactional_db):
    cache.clear()
    now = timezone.now()
    return EventFactory(
        slug="darba-tiesibas",
        title_uk="Семінар про трудові права",
        starts_at=now - datetime.timedelta(hours=2),
        ends_at=now - datetime.timedelta(minutes=5),
    )


def test_a_participant_answers_once_from_her_phone(live_server, page, seminar):
    page.set_viewport_size({"width": 320, "height": 720})
    page.set_extra_http_headers({"Accept-Language": "uk-UA,uk;q=0.9"})

    page.goto(f"{live_server.url}/s/{seminar.survey_code}/")
    assert page.url == f"{live_server.url}/uk/events/darba-tiesibas/helpful/"
    page.get_by_label("Так, допоміг").press("Space")
    page.get_by_label("Хочете щось сказати організаторові? (необов’язково)").fill("Дуже корисно, <b>дякую</b>!")
    # The form's time trap refuses answers sent within two seconds of opening it.
    time.sleep(2.5)
    page.get_by_role("button", name="Надіслати відповідь").press("Enter")

    page.get_by_text("Дякуємо: вашу відповідь збережено.").wait_for()
    page.goto(f"{live_server.url}/s/{seminar.survey_code}/")
    assert page.get_by_role("button", name="Надіслати відповідь").count() == 0
    assert page.get_by_text("Дякуємо: вашу відповідь збережено.").is_visible()
    [answer] = SurveyAnswer.objects.all()
    assert (answer.answer, answer.comment) == ("helpful", "Дуже корисно, дякую!")
    cookie = next(cookie for cookie in page.context.cookies() if cookie["name"] == "libri_answered")
    assert cookie["httpOnly"] and str(seminar.pk) in cookie["value"]
