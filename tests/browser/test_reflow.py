"""Reflow (WCAG 2.1, 1.4.10) at 320 px over every public page in every interface language.

Same pages as the axe check (`tests/browser/public_pages.py`), same browser session, and every object of the demo
data that a detail page shows (every organisation, event, initiative, guide and strategy): long names and web
addresses are what break a narrow layout, and without axe a page costs a fraction of a second. A page fails when
the document scrolls sideways or when a rendered element reaches past the viewport's right edge or is wider than
the viewport.
What WCAG lets scroll in two dimensions is left out: the inside of a map, and of a box that scrolls by itself
(`overflow: auto`, as wide tables in rich text do). An element moved out to the left on purpose (the skip link
until it gets focus, the honeypot field) neither scrolls the page nor counts.
"""

import pytest
from django.conf import settings

from tests.browser.public_pages import MISSING_PAGE, public_pages

pytestmark = pytest.mark.browser

WIDTH = 320

# Returns the document's scroll width and up to ten elements that stick out to the right, each with its width.
OVERFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (element) => {
    for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      if (node.classList.contains("leaflet-container")) return true;
      const style = getComputedStyle(node);
      if (["auto", "scroll", "hidden", "clip"].includes(style.overflowX)) return true;
    }
    return false;
  };
  const describe = (element) => {
    const classes = [...element.classList].slice(0, 3).map((name) => "." + name).join("");
    const text = (element.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
    return `<${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}${classes}> "${text}"`;
  };
  const offenders = [];
  for (const element of document.body.querySelectorAll("*")) {
    const rect = element.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    if (rect.right <= 0) continue;
    if (getComputedStyle(element).visibility === "hidden") continue;
    if (rect.right > width + 1 || rect.width > width + 1) {
      if (clipped(element)) continue;
      offenders.push(`${describe(element)} ${Math.round(rect.left)}..${Math.round(rect.right)} px`);
      if (offenders.length >= 10) break;
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, offenders};
}"""


def overflow_at(page):
    """(problem lines) of the page shown in the browser: sideways scrolling and the elements that cause it."""
    found = page.evaluate(OVERFLOW_SCRIPT)
    lines = []
    if found["scrollWidth"] > found["width"]:
        lines.append(f"  scrolls sideways: {found['scrollWidth']} px wide in a {found['width']} px viewport")
    lines.extend(f"  sticks out: {offender}" for offender in found["offenders"])
    return lines


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_public_page_reflows_at_320_px(demo_data, live_server, page, language):
    pages, problems = public_pages(every_object=True)
    assert not problems, "public pages could not be reached:\n" + "\n".join(problems)
    assert "home" in pages
    pages["page not found (404)"] = MISSING_PAGE
    page.set_viewport_size({"width": WIDTH, "height": 640})

    findings = {}
    for label, path in pages.items():
        url = f"{live_server.url}/{language}/{path}"
        page.goto(url, wait_until="load")
        lines = overflow_at(page)
        if lines:
            findings[f"{label}: {url}"] = "\n".join(lines)

    assert not findings, f"{len(findings)} of {len(pages)} pages in {language!r} do not reflow at {WIDTH} px:\n\n" + (
        "\n\n".join(f"{where}\n{text}" for where, text in findings.items())
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_suggestion_form_reflows_at_320_px_after_a_refused_post(live_server, page, language):
    # The crawl above sees forms only as they are first shown: an error that quotes what was typed (a long number
    # pasted as the latitude) must wrap within the form, not widen it.
    page.set_viewport_size({"width": WIDTH, "height": 640})
    page.goto(f"{live_server.url}/{language}/map/suggest/", wait_until="load")
    page.fill("#id_latitude", "56.95" * 12)
    page.fill("#id_website", "not a web address")

    with page.expect_navigation(wait_until="load"):
        page.locator("form.suggestion-form button[type=submit]").click()

    assert page.locator(".errorlist").count() >= 2, "the post was not refused with field errors"
    assert page.locator("#id_latitude").input_value() == "56.95" * 12
    assert overflow_at(page) == []


def test_reflow_check_finds_what_scrolls_sideways_and_spares_what_may(page):
    # Guards the test above: a wide grid column is found; a wide table inside a scrolling box is not.
    page.set_viewport_size({"width": WIDTH, "height": 640})
    page.set_content(
        "<html><body style='margin:0'>"
        "<dl style='display:grid;grid-template-columns:8rem max-content'><dt>Web</dt>"
        "<dd>https://www.example.org/a-very-long-address-that-does-not-wrap</dd></dl>"
        "<div style='overflow-x:auto'><table><tr><td style='white-space:nowrap'>"
        "a table cell far wider than three hundred and twenty pixels of a phone screen</td></tr></table></div>"
        "<a href='#main' style='position:absolute;left:-999px'>Skip</a>"
        "</body></html>"
    )

    lines = overflow_at(page)

    assert lines[0].startswith("  scrolls sideways:")
    assert any("<dd>" in line and "a-very-long-address" in line for line in lines)
    assert not any("<td>" in line or "<a>" in line for line in lines)
