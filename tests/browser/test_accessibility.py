"""axe-core (WCAG 2.0 and 2.1, levels A and AA) over every public page in every interface language.

The pages come from `tests/browser/public_pages.py`: the URL configuration, filled from the demo data.
"""

import pytest
from django.conf import settings

from tests.browser.helpers import AXE_OPTIONS, report
from tests.browser.public_pages import MISSING_PAGE, public_pages

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_public_page_passes_axe_wcag_a_and_aa(demo_data, live_server, page, axe, language):
    pages, problems = public_pages()
    assert not problems, "public pages could not be reached:\n" + "\n".join(problems)
    assert "home" in pages
    pages["page not found (404)"] = MISSING_PAGE
    csp_errors = []
    page.on("console", lambda message: "Content Security Policy" in message.text and csp_errors.append(message.text))

    findings = {}
    for label, path in pages.items():
        url = f"{live_server.url}/{language}/{path}"
        response = page.goto(url, wait_until="load")
        expected_status = 404 if path == MISSING_PAGE else 200
        if response.status != expected_status:
            findings[url] = f"  answered {response.status}, expected {expected_status}"
            continue
        declared = page.evaluate("document.documentElement.lang")
        results = axe.run(page, options=AXE_OPTIONS)
        text = report(results.response["violations"])
        if declared != language:
            text = f"  <html lang> is {declared!r}\n{text}"
        if csp_errors:
            text = "\n".join(f"  CSP: {error}" for error in csp_errors) + "\n" + text
            csp_errors.clear()
        if text.strip():
            findings[f"{label}: {url}"] = text

    assert not findings, f"{len(findings)} of {len(pages)} pages in {language!r} fail:\n\n" + "\n\n".join(
        f"{where}\n{text}" for where, text in findings.items()
    )


def test_axe_check_reports_violations_readably(page, axe):
    # Guards the test above: with these options axe does find and describe WCAG failures.
    page.set_content('<html><head><title>t</title></head><body><main><img src="x.png"></main></body></html>')

    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]

    assert {"html-has-lang", "image-alt"} <= {violation["id"] for violation in violations}
    assert "[critical] image-alt: Images must have alternative text" in report(violations)
