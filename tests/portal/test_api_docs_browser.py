"""The API documentation in a browser: Swagger UI from the static files, working under the strict CSP.

Swagger UI itself has axe findings (colour contrast of its grey labels, buttons inside buttons in its operation
headers, unlabelled selects in unfolded panels), which a stylesheet cannot mend; the README says so. This test
prints them, so that a new version of Swagger UI can be judged, and holds what the portal controls."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def test_the_docs_show_every_operation_and_try_one_without_csp_errors_or_outside_requests(live_server, page):
    EventFactory()
    outside = []
    page.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: (outside.append(route.request.url), route.fulfill(status=204, body="")),
    )
    console = []
    page.on("console", lambda message: console.append(message.text))

    page.goto(f"{live_server.url}/api/v1/docs/")
    operations = page.locator(".opblock")
    expect(operations).to_have_count(12)
    page.get_by_text("/api/v1/events/{id}/").wait_for()
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    print("Swagger UI axe findings:", sorted(violation["id"] for violation in violations))
    assert page.locator("html").get_attribute("lang") == "en"

    page.locator(".opblock-summary", has_text="/api/v1/events/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table .response .response-col_status").first).to_contain_text("200")
    assert not [text for text in console if "Content Security Policy" in text]
    assert outside == []
