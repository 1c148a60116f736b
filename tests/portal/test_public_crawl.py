"""A property-based crawl of every public URL pattern and public form: no answer is a server error.

The patterns come from the URL configuration (everything outside the admin), so a page added later is crawled
without touching this file. For each pattern hypothesis draws the path arguments (existing slugs and ids, overlong,
odd and missing ones), query values for every filter the site's lists and feeds read (NUL, overlong, non-numeric,
dates and years out of range, boxes and zooms that are no numbers) and, for pages with a form, POSTs of odd values
with the form's own time stamp sent late enough to pass the time trap, so that the checks behind it are reached.
"""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from activities.filters import EventFilter
from activities.models import Event, Registration
from mapping.filters import InitiativeFilter
from mapping.models import Initiative
from partners.models import Agreement, Organisation
from partners.views import OrganisationFilter
from resources.filters import ResourceFilter
from resources.models import Resource, ResourceFile, Strategy

from .crawling import CRAWL_SETTINGS, ODD_YEARS, assert_no_server_error, query_pairs, send

pytestmark = pytest.mark.django_db

ROUTE_ARGUMENT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
ODD_SLUGS = ("x", "0", "-", "_", "a" * 300, "archive", "feed", "files", "strategies", "agreements", "list")
ODD_TOKENS = ("abc", "x:y", "abc:def:ghi", "é", "." * 80, "%", "1" * 500)
ODD_NUMBERS = ("0", "1", "99999", "9" * 30)
QUERY_NAMES = {
    *EventFilter.base_filters,
    *InitiativeFilter.base_filters,
    *ResourceFilter.base_filters,
    *OrganisationFilter.base_filters,
    "page",
    "q",
    "sort",
    "bbox",
    "zoom",
    "language",
    "library",
    "next",
    "format",
    "status",
    "requested_by",
    "date_from",
    "date_to",
}
FORM_NAMES = (
    "name",
    "email",
    "phone",
    "language",
    "needs",
    "consent",
    "action",
    "homepage",
    "title",
    "description",
    "category",
    "languages",
    "target_groups",
    "host",
    "website",
    "active_since",
    "active_until",
    "latitude",
    "longitude",
    "submitter_email",
    "contact_email",
    "period_from",
    "period_to",
    "countries",
    "libraries",
)
STARTED = re.compile(r'name="form_started" value="([^"]+)"')


def public_patterns(patterns=None, prefix=""):
    """(qualified name, the pattern) of every named URL pattern outside the admin."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            namespace = ":".join(part for part in (prefix, entry.namespace) if part)
            yield from public_patterns(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{prefix}:{entry.name}" if prefix else entry.name), entry


TARGETS = sorted(public_patterns(), key=lambda target: target[0])


def existing_values():
    """Slugs, ids and tokens of the crawl's data, so that the drawn paths reach real pages too."""
    registration = Registration.objects.first()
    return {
        "slug": [
            *Event.objects.values_list("slug", flat=True),
            *Initiative.objects.values_list("slug", flat=True),
            *Resource.objects.values_list("slug", flat=True),
            *Strategy.objects.values_list("slug", flat=True),
            *Organisation.objects.values_list("slug", flat=True),
            *Agreement.objects.values_list("slug", flat=True),
        ],
        "int": [str(pk) for pk in ResourceFile.objects.values_list("pk", flat=True)],
        "str": [registration.signed_token] if registration else [],
    }


def path_values(converter, existing):
    if converter == "slug":
        return [*existing["slug"], *ODD_SLUGS]
    if converter == "int":
        return [*existing["int"], *ODD_NUMBERS]
    if converter == "path":
        return ["x.pdf", "../settings.py", "a/b/c", *ODD_TOKENS]
    return [*existing["str"], *ODD_TOKENS]


def public_requests(name, pattern, existing):
    if isinstance(pattern.pattern, RoutePattern):
        found = list(ROUTE_ARGUMENT.finditer(str(pattern.pattern)))
        names = [match["name"] for match in found]
        pools = [path_values(match["converter"] or "str", existing) for match in found]
    else:
        # A regular expression (the API's routers): any value of any kind, those its groups take.
        names = list(pattern.pattern.regex.groupindex)
        every = [value for kind in ("int", "slug", "str") for value in path_values(kind, existing)]
        pools = [every] * len(names)

    def address(values):
        return reverse(name, kwargs=dict(zip(names, values, strict=True)) or None)

    def fits(position, value):
        values = [value if index == position else pool[0] for index, pool in enumerate(pools)]
        try:
            address(values)
        except NoReverseMatch:
            return False
        return True

    candidates = [[value for value in pool if fits(position, value)] for position, pool in enumerate(pools)]
    path = st.tuples(*(st.sampled_from(values) for values in candidates)).map(address)
    valid = [*existing["slug"][:3], *ODD_YEARS, "2026-03-29", "24.1,56.9,24.2,57", "all", "uk", "published"]
    get = st.tuples(st.just("GET"), path, query_pairs(QUERY_NAMES, valid, max_size=4))
    post = st.tuples(st.just("POST"), path, query_pairs(FORM_NAMES, valid, max_size=6))
    return st.one_of(get, post)


def form_stamp(client, url):
    """The time stamp of the form on the page at `url`, if it has one, as a visitor's browser would send it."""
    page = client.get(url)
    match = STARTED.search(page.content.decode()) if page.status_code == 200 and not page.streaming else None
    return [("form_started", match.group(1))] if match else []


@pytest.mark.parametrize("role", ["anonymous", "librarian"])
@pytest.mark.parametrize(("name", "pattern"), TARGETS, ids=[target[0] for target in TARGETS])
def test_no_public_url_answers_a_server_error_to_odd_input(crawl_world, role, name, pattern):
    client = Client(headers={"accept-language": "en"})
    if role != "anonymous":
        client.force_login(getattr(crawl_world, role))
    existing = existing_values()

    @CRAWL_SETTINGS
    @given(public_requests(name, pattern, existing))
    def probe(drawn):
        method, url, pairs = drawn
        if method == "POST":
            pairs = [*form_stamp(client, url), *pairs]
            # Later than the time trap's few seconds, within its hours: the checks behind it see the values.
            with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30)):
                response = send(client, method, url, pairs)
        else:
            response = send(client, method, url, pairs)
        assert_no_server_error(response, method, url, pairs)

    probe()


def test_the_crawl_reaches_every_public_page_and_form():
    names = {target[0] for target in TARGETS}

    assert {"activities:event_register", "mapping:suggest", "activities:registration_manage", "home"} <= names
    assert {"activities:event_ics", "mapping:geojson", "resources:file_download", "staff:report_create"} <= names
    assert not any(name.startswith("admin:") for name in names)
