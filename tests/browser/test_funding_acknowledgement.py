"""The grant's condition: every public page (and the embedded map and the posters, which are public pages too)
shows the EU emblem with "Co-funded by the European Union" in the page's language. Read through the test client
over the pages of `tests/browser/public_pages.py`, in every interface language."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.browser.public_pages import MISSING_PAGE, public_pages

pytestmark = pytest.mark.browser

EMBLEM = re.compile(
    r'<p class="eu-acknowledgement[^"]*">\s*<img src="/static/portal/eu-flag\.svg" alt=""[^>]*>\s*<span>([^<]+)</span>'
)


def test_every_public_page_shows_the_emblem_with_the_funding_statement(demo_data):
    pages, problems = public_pages()
    assert not problems
    pages["page not found (404)"] = MISSING_PAGE
    client = Client()

    missing = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            statement = translation.gettext("Co-funded by the European Union")
        for label, path in pages.items():
            content = client.get(f"/{language}/{path}").content.decode()
            found = EMBLEM.search(content)
            if not found or found[1].strip() != statement:
                missing.append(f"{label}: /{language}/{path}")

    assert any("mapping:embed" in label for label in pages) and any("event_poster" in label for label in pages)
    assert not missing, "pages without the emblem and the funding statement:\n" + "\n".join(missing)
