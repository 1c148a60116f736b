"""At the door: a librarian checks two registrants in by scanning the QR codes of their confirmations with the
phone's camera (Chromium's fake camera plays a video of the two codes), counts walk-ins, and after the event the
attendance form starts from 2 + walk-ins. A photo of a code is read too, and the page passes axe at 320 px."""

import datetime
import io
import re

import pytest
import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image
from playwright.sync_api import expect

from activities import services
from activities.models import Event, Registration
from partners.models import StaffMembership
from partners.roles import sync_user_groups
from tests.browser.helpers import AXE_OPTIONS, log_in, report
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import EventFactory, OrganisationFactory, StaffMembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRAME = 480  # pixels square
FRAMES_PER_CODE = 30  # three seconds at 10 frames a second, then the next code


@pytest.fixture
def door(transactional_db):
    """An Ogre librarian, a language café starting in an hour (the door is open) and two registrants."""
    ogre = OrganisationFactory(name="Ogres Centrālā bibliotēka", slug="ogre", city="Ogre")
    membership = StaffMembershipFactory(
        user__username="ogre-door", organisation=ogre, role=StaffMembership.Role.LIBRARIAN
    )
    sync_user_groups(membership.user)
    soon = timezone.now() + datetime.timedelta(hours=1)
    event = EventFactory(
        title_en="Language café",
        organiser=ogre,
        status=Event.Status.PUBLISHED,
        registration_required=True,
        capacity=10,
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=2),
    )
    anna = services.registration_create(event=event, name="Anna Bērziņa", email="anna@example.org", language="lv")
    olena = services.registration_create(event=event, name="Olena Kovalenko", phone="+371 20000000", language="uk")
    return membership.user, event, anna, olena


def confirmation_code(registration):
    """The QR code her confirmation page shows: the page's own address."""
    with translation.override(registration.language):
        return segno.make(settings.SITE_URL + registration.get_manage_url(), error="m")


def code_image(code):
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=8, border=4)
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    canvas = Image.new("RGB", (FRAME, FRAME), "white")
    image.thumbnail((FRAME - 40, FRAME - 40))
    canvas.paste(image, ((FRAME - image.width) // 2, (FRAME - image.height) // 2))
    return canvas


def y4m_video(path, images):
    """A YUV4MPEG2 video (what Chromium's fake camera plays, in a loop) showing each image for a while."""
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{FRAME} H{FRAME} F10:1 Ip A1:1 C420jpeg\n".encode())
        for image in images:
            y, cb, cr = image.convert("YCbCr").split()
            half = (FRAME // 2, FRAME // 2)
            planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
            for _ in range(FRAMES_PER_CODE):
                video.write(b"FRAME\n" + planes)


def check_in_url(live_server, event):
    return live_server.url + reverse("admin:activities_event_check_in", args=[event.pk])


def test_a_librarian_checks_in_two_registrants_by_scanning_their_codes(playwright, live_server, door, tmp_path):
    librarian, event, anna, olena = door
    video = tmp_path / "codes.y4m"
    y4m_video(video, [code_image(confirmation_code(anna)), code_image(confirmation_code(olena))])
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(20_000)
        log_in(page, live_server, librarian)
        page.goto(check_in_url(live_server, event))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Language café")

        page.get_by_role("button", name="Start the camera").click()
        # Both codes pass in front of the camera; each registrant is checked in once.
        expect(page.locator('[data-count="checked_in"]')).to_have_text("2")
        expect(page.locator(f"#registration-{anna.pk}")).to_contain_text("Checked in")
        expect(page.locator(f"#registration-{olena.pk}")).to_contain_text("Checked in")
        page.get_by_role("button", name="Stop the camera").click()

        page.get_by_role("button", name="One more walk-in").click()
        expect(page.locator('[data-count="walk_ins"]')).to_have_text("1")
        # The page reads its lists again after each post: the event is changed below only once that read is done
        # (the live server's SQLite refuses a write to a table another connection is still reading).
        with page.expect_response(lambda response: response.request.method == "GET" and response.url == page.url):
            page.get_by_role("button", name="One more walk-in").click()
        expect(page.locator('[data-count="present"]')).to_have_text("4")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"the check-in page scrolls sideways at 320 px ({width} px wide)"

        # The event is over: the attendance form starts from the two checked in plus the two walk-ins.
        Event.objects.filter(pk=event.pk).update(
            starts_at=timezone.now() - datetime.timedelta(hours=3), ends_at=timezone.now() - datetime.timedelta(hours=1)
        )
        page.goto(live_server.url + reverse("admin:activities_event_change", args=[event.pk]))
        expect(page.locator('input[name="attendance-0-total"]')).to_have_value("4")
        context.close()
    finally:
        browser.close()
    assert Registration.objects.filter(event=event, checked_in_at__isnull=False).count() == 2


def test_a_photo_of_a_code_checks_in_and_a_code_of_another_event_is_refused(page, live_server, door, tmp_path):
    librarian, event, anna, olena = door
    other = EventFactory(
        organiser=event.organiser,
        title_en="Job club",
        registration_required=True,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
    )
    stranger = services.registration_create(event=other, name="Daria", email="daria@example.org", language="uk")
    photo, wrong = tmp_path / "anna.png", tmp_path / "daria.png"
    code_image(confirmation_code(anna)).save(photo)
    code_image(confirmation_code(stranger)).save(wrong)
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, live_server, librarian)
    page.goto(check_in_url(live_server, event))

    page.get_by_label("Or read a photo of the code").set_input_files(photo)
    expect(page.locator("#check-in-status")).to_have_text("Anna Bērziņa is checked in.")
    page.get_by_label("Or read a photo of the code").set_input_files(wrong)
    expect(page.locator("#check-in-status")).to_contain_text("This confirmation is for another event: “Job club”")

    # The search filters as one types, folding diacritics.
    page.get_by_label("Search by name or reference").fill("berzina")
    expect(page.locator(f"#registration-{olena.pk}")).to_be_hidden()
    expect(page.locator(f"#registration-{anna.pk}")).to_be_visible()
    page.get_by_label("Search by name or reference").fill("")

    # Typing the reference works too (the way without a camera or without JavaScript).
    page.get_by_label("Reference or link of the confirmation").fill(olena.reference.lower())
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.locator("#check-in-status")).to_have_text("Olena Kovalenko is checked in.")
    stranger.refresh_from_db()
    assert not stranger.is_checked_in


def test_the_check_in_page_passes_axe_on_a_phone_and_a_desktop(page, live_server, door, axe, tmp_path):
    librarian, event, anna, _olena = door
    services.registration_check_in(event=event, registration=anna)
    services.walk_ins_change(event=event, change=1)
    log_in(page, live_server, librarian)

    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(check_in_url(live_server, event))
        page.screenshot(path=str(tmp_path / f"check-in-{width}.png"), full_page=True)
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        assert not violations, report(violations)
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_registrant_without_e_mail_keeps_a_page_with_her_code(page, live_server, door, tmp_path):
    *_others, olena = door
    with translation.override("uk"):
        url = live_server.url + olena.get_manage_url()

    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.screenshot(path=str(tmp_path / f"confirmation-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(page.locator(".door-pass .reference")).to_have_text(olena.reference)
    box = page.locator(".door-pass svg.qr-code").bounding_box()
    assert box["width"] >= 150
    assert re.search(olena.reference, page.content())
