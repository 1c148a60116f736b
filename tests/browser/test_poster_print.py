"""The A4 poster as a library prints it from Chromium: exactly one page, and a QR code of at least 4 cm that a phone
decodes to the event page. The PDF is turned into an image with poppler's pdftoppm and read by zxing-cpp."""

import datetime
import subprocess

import pytest
import segno
import zxingcpp
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from activities.models import Event
from tests.factories import EventFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DPI = 150


@pytest.fixture
def seminar():
    soon = timezone.now() + datetime.timedelta(days=10)
    library = OrganisationFactory(
        name="Jelgavas pilsētas bibliotēka", street_address="Akadēmijas iela 26", postal_code="LV-3001", city="Jelgava"
    )
    return EventFactory(
        organiser=library,
        slug="darba-tiesibas-latvija",
        title_lv="Seminārs: darbinieka tiesības Latvijā",
        title_uk="Семінар: права працівника в Латвії",
        title_ru="Семинар: права работника в Латвии",
        summary_lv="Darba līgums, darba laiks, atalgojums un kur vērsties pēc palīdzības.",
        summary_uk="Трудовий договір, робочий час, оплата праці та куди звернутися по допомогу.",
        summary_ru="Трудовой договор, рабочее время, оплата труда и куда обратиться за помощью.",
        accessibility_lv="Ieeja bez pakāpieniem; indukcijas cilpa zālē.",
        languages=["lv", "uk", "ru"],
        kind=Event.Kind.SEMINAR,
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=2),
        registration_required=True,
        capacity=40,
    )


def printed(page, url, tmp_path):
    """The pages of the poster printed to PDF as Chromium prints it, as images."""
    page.goto(url, wait_until="load")
    pdf = tmp_path / "poster.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page*.png"))


def side_cm(code):
    corners = code.position
    return min(corners.top_right.x - corners.top_left.x, corners.bottom_left.y - corners.top_left.y) / DPI * 2.54


def test_the_poster_prints_on_one_a4_page_with_a_qr_code_of_4_cm_to_the_event_page(
    live_server, page, seminar, tmp_path
):
    with translation.override("uk"):
        poster_url = live_server.url + reverse("activities:event_poster", kwargs={"slug": seminar.slug})
        event_url = settings.SITE_URL + seminar.get_absolute_url()
    survey_url = f"{settings.SITE_URL}/s/{seminar.survey_code}/"

    pages = printed(page, poster_url, tmp_path)

    assert len(pages) == 1, f"the poster prints on {len(pages)} pages"
    image = Image.open(pages[0])
    width_mm, height_mm = (side / DPI * 25.4 for side in image.size)
    assert round(width_mm) == 210 and round(height_mm) == 297
    codes = {code.text: code for code in zxingcpp.read_barcodes(image)}
    # The event page's code, and a smaller one for the survey after the event.
    assert sorted(codes) == sorted([event_url, survey_url])
    assert side_cm(codes[event_url]) >= 4.0
    assert 2.5 <= side_cm(codes[survey_url]) < side_cm(codes[event_url])


def test_the_slide_prints_on_one_landscape_a4_page_with_a_large_code_of_the_survey(
    live_server, page, seminar, tmp_path
):
    with translation.override("lv"):
        slide_url = live_server.url + reverse("activities:event_survey_slide", kwargs={"slug": seminar.slug})
    survey_url = f"{settings.SITE_URL}/s/{seminar.survey_code}/"

    pages = printed(page, slide_url, tmp_path)

    assert len(pages) == 1, f"the slide prints on {len(pages)} pages"
    image = Image.open(pages[0])
    width_mm, height_mm = (side / DPI * 25.4 for side in image.size)
    assert round(width_mm) == 297 and round(height_mm) == 210
    [code] = zxingcpp.read_barcodes(image)
    assert code.text == survey_url
    assert side_cm(code) >= 10.0


def test_a_qr_code_of_another_address_would_not_pass(page, tmp_path):
    # Guards the test above: the decoder reads what is printed, so a code of another address is told apart.
    page.set_content(
        "<html><body>" + segno.make("https://example.org/other/", error="m").svg_inline(scale=12) + "</body></html>"
    )
    page.pdf(path=str(tmp_path / "other.pdf"))
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(tmp_path / "other.pdf"), str(tmp_path / "o")], check=True)

    codes = zxingcpp.read_barcodes(Image.open(sorted(tmp_path.glob("o*.png"))[0]))

    assert [code.text for code in codes] == ["https://example.org/other/"]
