"""A property-based crawl of every public URL pattern and public form: no answer is a server error.

The patterns come from the URL configuration (everything outside the admin), so a page added later is crawled
without touching this file. For each pattern hypothesis draws the path arguments (existing slugs and ids, overlong,
odd and missing ones), query values for every filter the site's lists and feeds read (NUL, overlong, non-numeric,
dates and years out of range, boxes and zooms that are no numbers) and, for pages with a form, POSTs of odd values
with the form's own time stamp sent late enough to pass the time trap, so that the checks behind it are reached.

A handful of drawn requests per pattern cannot be counted on to pair a date parameter with the first or last day
Python has (one name in forty, one value in thirty, and derandomized the same miss on every run): that was how
`?date_to=9999-12-31` answered 500 unseen. So each parameter draws values of its kind (dates for a date filter, ids
for a choice of objects), and every pattern is also sent, as explicit examples, one request with every date
parameter at each of those two days and one form with every date and id field at the edges.
"""

import datetime
import itertools
import re

import django_filters
import pytest
import time_machine
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from activities.api import EventApiFilter
from activities.filters import EventFilter
from activities.models import Event, Registration
from mapping.api import InitiativeApiFilter
from mapping.filters import InitiativeFilter
from mapping.models import Initiative
from partners.api import AgreementApiFilter, OrganisationApiFilter
from partners.models import Agreement, Organisation
from partners.views import OrganisationFilter
from portal.forms import ReportFilter
from resources.api import ResourceApiFilter, StrategyApiFilter
from resources.filters import ResourceFilter
from resources.models import Resource, ResourceFile, Strategy

from .crawling import (
    CRAWL_SETTINGS,
    EDGE_DATES,
    EDGE_IDS,
    ODD_DATES,
    ODD_IDS,
    ODD_YEARS,
    assert_no_server_error,
    odd_value,
    send,
)

pytestmark = pytest.mark.django_db

ROUTE_ARGUMENT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
ODD_SLUGS = ("x", "0", "-", "_", "a" * 300, "archive", "feed", "files", "strategies", "agreements", "list")
ODD_TOKENS = ("abc", "x:y", "abc:def:ghi", "é", "." * 80, "%", "1" * 500)
ODD_NUMBERS = ("0", "1", "99999", "9" * 30)
# Every filter set the public pages, feeds, map data and API read their query strings with.
FILTERSETS = (
    EventFilter,
    EventApiFilter,
    InitiativeFilter,
    InitiativeApiFilter,
    ResourceFilter,
    ResourceApiFilter,
    StrategyApiFilter,
    OrganisationFilter,
    OrganisationApiFilter,
    AgreementApiFilter,
    ReportFilter,
)
QUERY_NAMES = {
    *(name for filterset in FILTERSETS for name in filterset.base_filters),
    "page",
    "page_size",
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
# Parameters and form fields that hold a date (or a date and time), and form fields that choose objects by id.
DATE_NAMES = {
    *(
        name
        for filterset in FILTERSETS
        for name, query_filter in filterset.base_filters.items()
        if isinstance(query_filter, django_filters.DateFilter | django_filters.DateTimeFilter)
    ),
    "active_since",
    "active_until",
    "period_from",
    "period_to",
}
ID_NAMES = {"host", "libraries", "requested_by"}
# A valid address longer than the 254 characters an e-mail column holds (the standard allows 320).
LONG_EMAIL = "o" * 64 + "@" + ("a" * 60 + ".") * 3 + "example.org"
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
    valid = [*existing["slug"][:3], *ODD_YEARS, "2026-03-29", "24.1,56.9,24.2,57", "all", "uk", "published", LONG_EMAIL]
    get = st.tuples(st.just("GET"), path, typed_pairs(QUERY_NAMES, valid, max_size=4))
    post = st.tuples(st.just("POST"), path, typed_pairs(FORM_NAMES, valid, max_size=6))
    addresses = [address(values) for values in itertools.islice(itertools.product(*candidates), 12)]
    return st.one_of(get, post), addresses


def typed_pairs(names, valid, max_size):
    """(name, value) pairs, each value drawn from the odd values of the name's kind: dates for a date, ids for an
    id, anything for the rest."""

    def values(name):
        if name in DATE_NAMES:
            return st.sampled_from(ODD_DATES)
        if name in ID_NAMES:
            return st.sampled_from(ODD_IDS)
        return odd_value(valid)

    pair = st.sampled_from(sorted(names)).flatmap(lambda name: st.tuples(st.just(name), values(name)))
    return st.lists(pair, max_size=max_size)


def edge_requests(address):
    """The explicit examples for the page at `address`: every date parameter at the first, then the last day
    Python has, and a form with every date field and every id field at the edges."""
    requests = [("GET", address, [(name, day) for name in sorted(DATE_NAMES & QUERY_NAMES)]) for day in EDGE_DATES]
    for day, number in zip(EDGE_DATES, EDGE_IDS, strict=True):
        fields = [(name, day) for name in sorted(DATE_NAMES & set(FORM_NAMES))]
        requests.append(("POST", address, [*fields, *((name, number) for name in sorted(ID_NAMES & set(FORM_NAMES)))]))
    return requests


def first_page(client, addresses):
    """The first address that names a page (200), so that the explicit examples reach its filters and form."""
    return next((url for url in addresses if client.get(url).status_code == 200), addresses[0])


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
    drawn_requests, addresses = public_requests(name, pattern, existing)

    @CRAWL_SETTINGS
    @given(drawn_requests)
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

    for edge in edge_requests(first_page(client, addresses)):
        probe = example(edge)(probe)
    probe()


def test_the_crawl_reaches_every_public_page_and_form():
    names = {target[0] for target in TARGETS}

    assert {"activities:event_register", "mapping:suggest", "activities:registration_manage", "home"} <= names
    assert {"activities:event_ics", "mapping:geojson", "resources:file_download", "staff:report_create"} <= names
    assert not any(name.startswith("admin:") for name in names)
