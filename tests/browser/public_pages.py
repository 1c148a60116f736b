"""The public pages of the portal, found from the URL configuration and the demo data.

Shared by the browser checks that go over every public page in every language (axe, reflow at 320 px): the pages
come from the URL configuration, not from a list kept here. Every named pattern under the language prefix is
visited. A pattern with arguments is filled from the demo data: an object of the view's own queryset, else of any
project model, whose page answers with HTML; a template view that no object fills is reported. Pages behind
personal links (a registrant's own page) are made through the app's service, listed in PERSONAL_LINK_PAGES.
Patterns that answer with something other than HTML (GeoJSON, calendar files, downloads) and staff pages (a login
redirect or 403 for a visitor) are left out; admin and /healthz live outside the language prefix.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation
from django.views.generic.base import TemplateResponseMixin

from activities.alerts import alert_subscribe
from activities.models import Event, EventAlert, Registration
from activities.services import event_duplicate, registration_create

PROJECT_APPS = ("partners", "activities", "mapping", "resources", "portal")
CANDIDATES_PER_MODEL = 25
MISSING_PAGE = "this-page-does-not-exist/"


def registration_manage_path():
    """A registrant's own page is reached only through her personal link: register someone to get one. She gives
    a phone number only, so the page shows all it has: the QR code and reference to keep, her address, the forms."""
    event = next((event for event in Event.objects.published().upcoming() if event.accepts_registrations), None)
    assert event is not None, "the demo data has no upcoming event that takes registrations"
    registration = registration_create(event=event, name="Anna Bērziņa", phone="+371 20000000", language="lv")
    return registration.get_manage_url()


def alert(confirmed):
    """An alert signed up for through the service (confirmed or not), for the pages of its e-mails' links."""
    email = "confirmed@example.org" if confirmed else "new@example.org"
    if not EventAlert.objects.filter(email=email).exists():
        alert_subscribe(email=email, language="lv", event_language="uk", city="Jelgava", access=["step_free", "free"])
        if confirmed:
            EventAlert.objects.filter(email=email).update(confirmed_at=timezone.now())
    return EventAlert.objects.get(email=email)


def held_event():
    """An event that ended an hour ago, whose "was it helpful?" survey is open: the demo's events are all to come."""
    held = next((event for event in Event.objects.published() if event.survey_is_open), None)
    if held is None:
        held = event_duplicate(event=Event.objects.published().order_by("pk").first())
        now = timezone.now()
        Event.objects.filter(pk=held.pk).update(
            status=Event.Status.PUBLISHED,
            starts_at=now - datetime.timedelta(hours=3),
            ends_at=now - datetime.timedelta(hours=1),
        )
        held.refresh_from_db()
    return held


def survey_path():
    return reverse("activities:event_survey", kwargs={"slug": held_event().slug})


def survey_link_path():
    """The survey through a registrant's link in the follow-up e-mail."""
    event = held_event()
    registration = Registration.objects.create(
        event=event, name="Olena", email="olena@example.org", language="uk", consent_at=timezone.now()
    )
    return registration.get_survey_url()


# Pages behind personal links, or shown only at a moment the demo data does not reach (a survey opens when its
# event starts, and the demo's events are to come): URL name -> how to make one such page.
PERSONAL_LINK_PAGES = {
    "activities:registration_manage": registration_manage_path,
    "activities:alert_confirm": lambda: alert(confirmed=False).get_confirm_url(),
    "activities:alert_manage": lambda: alert(confirmed=True).get_manage_url(),
    "activities:alert_unsubscribe": lambda: alert(confirmed=True).get_unsubscribe_url(),
    "activities:event_survey": survey_path,
    "activities:event_survey_link": survey_link_path,
}


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


def public_pages(every_object=False):
    """({label: path-without-language}, [problems]) for every public HTML page, found through the test client.

    One page per pattern; with `every_object`, a pattern filled from its view's own queryset gives a page for each
    object of it (up to CANDIDATES_PER_MODEL), so that the longest names and addresses of the demo data are shown.
    """
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
                if every_object:
                    for candidate in view_objects(pattern)[1:]:
                        try:
                            path = reverse(name, kwargs={arg: getattr(candidate, arg) for arg in arguments})
                        except (AttributeError, NoReverseMatch):
                            continue
                        response = client.get(path)
                        if response.status_code == 200 and is_html(response):
                            pages[f"{name} ({path})"] = path
            elif found is None and renders_html(pattern):
                problems.append(f"{name}: no object in the demo data gives it a page")
    prefix = f"/{settings.LANGUAGE_CODE}/"
    return {label: path.removeprefix(prefix) for label, path in pages.items()}, problems
