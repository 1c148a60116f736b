"""axe-core (WCAG 2.0 and 2.1, levels A and AA) over every public page in every interface language.

The pages come from the URL configuration, not from a list kept here: every named pattern under the language
prefix is visited. A pattern with arguments is filled from the demo data: an object of the view's own queryset,
else of any project model, whose page answers with HTML; a template view that no object fills is reported.
Pages behind personal links (a registrant's own page) are made through the app's service, listed in
PERSONAL_LINK_PAGES. Patterns that answer with something other than HTML (GeoJSON, calendar files, downloads)
and staff pages (a login redirect or 403 for a visitor) are left out; admin and /healthz live outside the
language prefix.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from django.views.generic.base import TemplateResponseMixin

from activities.models import Event
from activities.services import registration_create
from tests.browser.helpers import AXE_OPTIONS, report

pytestmark = pytest.mark.browser

PROJECT_APPS = ("partners", "activities", "mapping", "resources", "portal")
CANDIDATES_PER_MODEL = 25
MISSING_PAGE = "this-page-does-not-exist/"


def registration_manage_path():
    """A registrant's own page is reached only through her personal link: register someone to get one."""
    event = next((event for event in Event.objects.published().upcoming() if event.accepts_registrations), None)
    assert event is not None, "the demo data has no upcoming event that takes registrations"
    registration = registration_create(event=event, name="Anna Bērziņa", email="anna@example.org", language="lv")
    return registration.get_manage_url()


# Pages behind personal links, which no object of the demo data fills: URL name -> how to make one such link.
PERSONAL_LINK_PAGES = {"activities:registration_manage": registration_manage_path}


def arguments_of(entry):
    regex = getattr(entry.pattern, "regex", None)
    return set(regex.groupindex) if regex is not None else set()


def localised_patterns(patterns, namespace=None, localised=False, arguments=frozenset()):
    """(qualified name, pattern, keyword arguments) of every named URL pattern under the language prefix."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part) or None
            yield from localised_patterns(
                entry.url_patterns,
                inner,
                localised or isinstance(entry.pattern, LocalePrefixPattern),
                arguments | arguments_of(entry),
            )
        elif isinstance(entry, URLPattern) and entry.name and localised:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, entry, arguments | arguments_of(entry)


def view_objects(pattern):
    """The objects the view itself would show: its get_queryset(), called on a plain GET request."""
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None or not hasattr(view_class, "get_queryset"):
        return []
    view = view_class(**pattern.callback.view_initkwargs)
    view.setup(RequestFactory().get("/"))
    try:
        return list(view.get_queryset()[:CANDIDATES_PER_MODEL])
    except (AttributeError, KeyError, TypeError, ImproperlyConfigured):
        # A queryset that depends on URL arguments or request state: fall back to the models below.
        return []


def candidate_objects(pattern):
    """Objects whose attributes may fill the pattern: the view's own first, then those of every project model."""
    yield from view_objects(pattern)
    for model in (model for app in PROJECT_APPS for model in apps.get_app_config(app).get_models()):
        objects = model._default_manager.all()
        if hasattr(objects, "published"):
            objects = objects.published()
        yield from objects.order_by("pk")[:CANDIDATES_PER_MODEL]


def renders_html(pattern):
    """Whether the view renders a template (a page), as opposed to a download, a feed or JSON."""
    return issubclass(getattr(pattern.callback, "view_class", object), TemplateResponseMixin)


def is_html(response):
    return response["Content-Type"].startswith("text/html")


def public_pages():
    """({label: path-without-language}, [problems]) for every public HTML page, found through the test client."""
    client = Client(raise_request_exception=False)
    pages, problems = {}, []
    with translation.override(settings.LANGUAGE_CODE):
        for name, pattern, arguments in localised_patterns(get_resolver().url_patterns):
            if not arguments:
                path = reverse(name)
                response = client.get(path)
                if response.status_code == 200 and is_html(response):
                    pages[name] = path
                elif response.status_code not in (200, 301, 302, 405):
                    problems.append(f"{name} ({path}) answered {response.status_code}")
                continue
            found = None
            if name in PERSONAL_LINK_PAGES:
                path = PERSONAL_LINK_PAGES[name]()
                response = client.get(path)
                if response.status_code == 200 and is_html(response):
                    pages[name] = path
                else:
                    problems.append(f"{name} ({path}) answered {response.status_code}")
                continue
            for candidate in candidate_objects(pattern):
                try:
                    path = reverse(name, kwargs={arg: getattr(candidate, arg) for arg in arguments})
                except (AttributeError, NoReverseMatch):
                    continue
                response = client.get(path)
                if response.status_code in (301, 302, 401, 403):
                    found = ""  # for staff only (a login redirect or a refusal): not a public page
                    break
                if response.status_code == 200:
                    found = path if is_html(response) else ""
                    break
            if found:
                pages[f"{name} ({found})"] = found
            elif found is None and renders_html(pattern):
                problems.append(f"{name}: no object in the demo data gives it a page")
    prefix = f"/{settings.LANGUAGE_CODE}/"
    return {label: path.removeprefix(prefix) for label, path in pages.items()}, problems


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
