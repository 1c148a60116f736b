"""The A4 poster as a library prints it from Chromium: exactly one page, a QR code of at least 4 cm that a phone
decodes to the event page, the survey's smaller code, and the EU emblem with its statement, which the grant
requires, on the page. The PDF is turned into an image with poppler's pdftoppm and read by zxing-cpp."""

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

DPI = 150
# The printable area of A4 with the poster's 12 mm margins, in CSS pixels: what Chromium lays the page out in.
PRINTABLE_WIDTH, PRINTABLE_HEIGHT = round(186 / 25.4 * 96), round(272 / 25.4 * 96)
# Reflex Blue, the EU flag's field (static/portal/eu-flag.svg).
EU_BLUE = (0, 51, 153)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[3, 4], ids=["three languages", "four languages"])
def seminar(request):
    """A seminar with its title and summary in three or four languages, the longest posters libraries print."""
    soon = timezone.now() + datetime.timedelta(days=10)
    library = OrganisationFactory(
        name="Jelgavas pilsētas bibliotēka", street_address="Akadēmijas iela 26", postal_code="LV-3001", city="Jelgava"
    )
    languages = ["lv", "uk", "ru", "en"][: request.param]
    return EventFactory(
        organiser=library,
        slug="darba-tiesibas-latvija",
        title_lv="Seminārs: darbinieka tiesības Latvijā",
        title_uk="Семінар: права працівника в Латвії",
        title_ru="Семинар: права работника в Латвии",
        title_en="Seminar: employee rights in Latvia" if "en" in languages else "",
        summary_lv="Darba līgums, darba laiks, atalgojums un kur vērsties pēc palīdzības.",
        summary_uk="Трудовий договір, робочий час, оплата праці та куди звернутися по допомогу.",
        summary_ru="Трудовой договор, рабочее время, оплата труда и куда обратиться за помощью.",
        summary_en="Employment contract, working time, pay and where to turn for help." if "en" in languages else "",
        accessibility_lv="Ieeja bez pakāpieniem no Akadēmijas ielas; indukcijas cilpa zālē; bērnu stūrītis blakus.",
        step_free_access=True,
        hearing_loop=True,
        languages=languages,
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
    # The funding acknowledgement comes last: its emblem is printed in the page's lowest quarter.
    assert emblem_rows(image), "the EU emblem is not on the printed page"
    assert min(emblem_rows(image)) > image.height * 3 / 4


def emblem_rows(image):
    """The rows of the image where the EU flag's blue field is printed (runs of at least 5 mm of that blue)."""
    rgb = image.convert("RGB")
    run = round(5 / 25.4 * DPI)
    rows = []
    for y in range(0, rgb.height, 4):
        line = [rgb.getpixel((x, y)) for x in range(0, rgb.width, 2)]
        blue = "".join(
            "b" if all(abs(c - e) <= 24 for c, e in zip(pixel, EU_BLUE, strict=True)) else "." for pixel in line
        )
        if "b" * (run // 2) in blue:
            rows.append(y)
    return rows


def test_every_demo_poster_keeps_all_its_text_and_the_funding_acknowledgement_on_the_page(live_server, page, demo_data):
    # Laid out as Chromium prints it (print media, the page's printable width): nothing runs past the A4 page, no
    # language's block is cut, and the funding acknowledgement lies inside the page.
    page.set_viewport_size({"width": PRINTABLE_WIDTH, "height": PRINTABLE_HEIGHT})
    page.emulate_media(media="print")
    measured = cut = 0
    problems = []
    for event in Event.objects.published():
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                url = live_server.url + reverse("activities:event_poster", kwargs={"slug": event.slug})
            page.goto(url, wait_until="load")
            layout = page.evaluate(
                """() => {
                    const box = (selector) => document.querySelector(selector).getBoundingClientRect();
                    const poster = document.querySelector(".poster"), titles = document.querySelector(".poster-titles");
                    return {
                        height: box(".poster").height,
                        overflow: poster.scrollHeight - poster.clientHeight,
                        titlesCut: titles.scrollHeight - titles.clientHeight,
                        footerBottom: box(".poster-footer").bottom - box(".poster").top,
                        statement: box(".poster-footer .eu-acknowledgement span").height,
                    };
                }"""
            )
            measured += 1
            if (
                layout["overflow"] > 0
                or layout["titlesCut"] > 0
                or layout["footerBottom"] > layout["height"] + 0.5
                or not layout["statement"]
            ):
                cut += 1
                problems.append(f"{event.slug} ({language}): {layout}")
    assert abs(layout["height"] - PRINTABLE_HEIGHT) <= 1, "the poster is not laid out as the printed page"
    assert measured >= 40
    assert not problems, f"{cut} of {measured} posters lose text in print:\n" + "\n".join(problems)


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
