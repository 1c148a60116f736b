import re
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from activities.models import Event
from tests.activities.helpers import riga
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def poster(client, event, language="en"):
    with translation.override(language):
        return client.get(reverse("activities:event_poster", kwargs={"slug": event.slug}))


def event_url(event, language="en"):
    with translation.override(language):
        return settings.SITE_URL + event.get_absolute_url()


@pytest.fixture
def language_cafe():
    return EventFactory(
        title_lv="Valodas kafejnīca",
        title_uk="Мовне кафе",
        title_ru="Языковое кафе",
        summary_uk="Розмовляємо латиською за чаєм.",
        summary_ru="Говорим по-латышски за чаем.",
        languages=["uk", "ru", "ar"],
        kind=Event.Kind.LANGUAGE_CAFE,
        starts_at=riga(2025, 10, 14, 18),
        ends_at=riga(2025, 10, 14, 19, 30),
        registration_required=True,
    )


def test_the_poster_is_a_page_of_its_own_with_one_h1_and_the_print_stylesheet(client, language_cafe):
    response = poster(client, language_cafe)

    assert response.status_code == 200
    content = response.content.decode()
    assert len(re.findall(r"<h1[ >]", content)) == 1
    assert re.search(r'<link rel="stylesheet" href="/static/activities/poster\.css">', content)
    assert "site-header" not in content and "site-footer" not in content
    assert "<main" in content and 'lang="en"' in content
    stylesheet = Path(finders.find("activities/poster.css")).read_text()
    assert re.search(r"@page\s*{\s*size:\s*A4;\s*margin:", stylesheet)
    assert "@media print" in stylesheet


def test_the_poster_shows_title_and_summary_in_each_language_of_delivery_the_site_has(client, language_cafe):
    content = poster(client, language_cafe).content.decode()

    sections = re.findall(r'<section class="poster-language" lang="(\w+)">', content)
    assert sections == ["uk", "ru"]  # Arabic is not a content language of the site
    assert re.search(r"<h1>Мовне кафе</h1>", content)
    assert re.search(r"<h2>Языковое кафе</h2>", content)
    assert "Розмовляємо латиською за чаєм." in content and "Говорим по-латышски за чаем." in content
    # Each language block gives the date in its own language, in Riga time.
    assert "14 жовтня 2025" in content and "18:00" in content
    assert "Brīvības iela 35, Ogre" in content


def test_a_poster_for_an_event_in_languages_the_site_has_no_text_in_uses_the_visitors_language(client):
    event = EventFactory(title_lv="Seminārs arābu valodā", languages=["ar"])

    content = poster(client, event, "lv").content.decode()

    assert re.findall(r'<section class="poster-language" lang="(\w+)">', content) == ["lv"]
    assert "<h1>Seminārs arābu valodā</h1>" in content


def test_the_qr_code_is_inline_svg_encoding_the_absolute_event_url(client, language_cafe):
    content = poster(client, language_cafe).content.decode()

    svg = re.search(r"<svg [^>]*>.*?</svg>", content, re.S).group(0)
    assert 'role="img"' in svg and "<title>" in svg
    expected = segno.make(event_url(language_cafe), error="m")
    path = re.search(r' d="([^"]+)"', svg).group(1)
    assert path == re.search(r' d="([^"]+)"', expected.svg_inline(scale=1, border=2)).group(1)
    other = segno.make(event_url(language_cafe) + "x", error="m")
    assert path != re.search(r' d="([^"]+)"', other.svg_inline(scale=1, border=2)).group(1)
    assert event_url(language_cafe) in content


def test_the_poster_passes_the_content_security_policy(client, language_cafe):
    response = poster(client, language_cafe)
    content = response.content.decode()

    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert " style=" not in content and "<style" not in content
    assert re.findall(r"<script(?![^>]*\bsrc=)", content) == []


def test_a_cancelled_event_poster_says_so(client, language_cafe):
    language_cafe.status = Event.Status.CANCELLED
    language_cafe.save()

    assert "This event has been cancelled." in poster(client, language_cafe).content.decode()


def test_a_drafts_poster_is_not_public(client):
    assert poster(client, EventFactory(status=Event.Status.DRAFT)).status_code == 404


def test_the_admin_change_page_links_to_the_poster(admin_client, language_cafe):
    content = admin_client.get(reverse("admin:activities_event_change", args=[language_cafe.pk])).content.decode()

    # The link follows the staff member's language (English here).
    assert reverse("activities:event_poster", kwargs={"slug": language_cafe.slug}) in content


def test_the_poster_says_scan_to_register_only_when_registration_is_needed(client, language_cafe):
    drop_in = EventFactory(title_lv="Lasītava", languages=["lv"], registration_required=False)

    with_registration = poster(client, language_cafe).content.decode()
    without = poster(client, drop_in).content.decode()

    assert "Scan to register" in with_registration
    assert "Scan to register" not in without and "Scan for the event page" in without
    assert "No registration needed: just come." in without


def test_the_poster_names_the_organiser_and_carries_the_emblem_and_funding_statement(client, language_cafe):
    content = poster(client, language_cafe).content.decode()

    header = content[content.index('<header class="poster-header">') : content.index("</header>")]
    assert language_cafe.organiser.name in header
    footer = content[content.index('<footer class="poster-footer">') :]
    assert re.search(r'<img src="/static/portal/eu-flag\.svg" alt=""', footer)
    assert "Co-funded by the European Union" in footer
