import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partners.models import Organisation
from tests.factories import OrganisationFactory

FIVE_DECIMALS = re.compile(r"^\d{2}\.\d{5}$")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin_page(page, live_server, client, superuser):
    client.force_login(superuser)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_clicking_the_map_fills_both_coordinates_and_typing_moves_the_marker(admin_page, live_server):
    organisation = OrganisationFactory(latitude=None, longitude=None)
    admin_page.goto(live_server.url + reverse("admin:partners_organisation_change", args=[organisation.pk]))
    latitude, longitude = admin_page.get_by_label("Latitude"), admin_page.get_by_label("Longitude")
    expect(admin_page.locator(".leaflet-marker-icon")).to_have_count(0)

    admin_page.locator(".point-picker-map").click(position={"x": 100, "y": 80})

    expect(latitude).to_have_value(FIVE_DECIMALS)
    expect(longitude).to_have_value(FIVE_DECIMALS)
    expect(admin_page.locator(".leaflet-marker-icon")).to_have_count(1)
    marker_before = admin_page.locator(".leaflet-marker-icon").bounding_box()

    latitude.fill("56.65000")
    longitude.fill("23.72000")
    admin_page.wait_for_timeout(400)  # Leaflet pans with an animation
    assert admin_page.locator(".leaflet-marker-icon").bounding_box() != marker_before

    with admin_page.expect_navigation():
        admin_page.get_by_role("button", name="Save", exact=True).click()
    organisation = Organisation.objects.get(pk=organisation.pk)
    assert (organisation.latitude, organisation.longitude) == (Decimal("56.65000"), Decimal("23.72000"))
