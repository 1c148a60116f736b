"""A property-based crawl of every admin URL pattern, as a superuser and as a librarian: no answer is a server error.

The patterns come from `admin.site.get_urls()`, which holds every registered ModelAdmin's own `get_urls()`, so an
admin or an admin view added later is crawled without touching this file. For each pattern hypothesis draws the
path arguments (existing ids, ids that are not integers, do not exist or hold a NUL character), query values for
the list filters, the date hierarchy, the search and the autocomplete (NUL, overlong, non-numeric, years out of
range) and POSTs of actions and forms with such values.

Besides the draws, every change list is sent, as a superuser, a librarian and a coordinator, a year no calendar
holds in each year lookup on each of its dates and an id no id column holds in each lookup on each of its relations
(those the list does not filter by answer 400); and every page of an object is asked for with its id written in
other digits than the portal writes.
"""

import re
from urllib.parse import quote, unquote

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from hypothesis import given
from hypothesis import strategies as st

from activities.models import Event

from .crawling import (
    CRAWL_SETTINGS,
    EDGE_IDS,
    ODD_IDS,
    ODD_YEARS,
    OTHER_DIGITS,
    assert_no_server_error,
    other_spellings,
    query_pairs,
    send,
    signed_in,
)

pytestmark = pytest.mark.django_db

COMMON_QUERY_NAMES = ("q", "o", "p", "e", "all", "_to_field", "_popup", "_changelist_filters", "next", "page")
COMMON_POST_NAMES = (
    "action",
    ACTION_CHECKBOX_NAME,
    "select_across",
    "index",
    "post",
    "_save",
    "_continue",
    "_saveasnew",
    "token",
    "weekday",
    "start",
    "interval_weeks",
    "count",
    "publish",
    "reason",
    "email",
    "first_name",
    "last_name",
    "organisation",
    "role",
    "new_password1",
    "new_password2",
)
ROUTE_ARGUMENT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def admin_targets():
    """(URL name, the pattern, its ModelAdmin or None) for every named admin URL pattern."""
    by_prefix = {
        f"{model._meta.app_label}/{model._meta.model_name}/": model_admin
        for model, model_admin in admin.site._registry.items()
    }
    targets = []
    for entry in admin.site.get_urls():
        if isinstance(entry, URLResolver):
            model_admin = by_prefix.get(str(entry.pattern))
            targets += [(p.name, p, model_admin) for p in entry.url_patterns if isinstance(p, URLPattern) and p.name]
        elif isinstance(entry, URLPattern) and entry.name:
            targets.append((entry.name, entry, None))
    return targets


TARGETS = admin_targets()


def argument_count(pattern):
    if isinstance(pattern.pattern, RoutePattern):
        return len(ROUTE_ARGUMENT.findall(str(pattern.pattern)))
    return pattern.pattern.regex.groups


def valid_ids(model_admin):
    if model_admin is None:
        return []
    model = model_admin.model
    ids = [str(pk) for pk in model._default_manager.order_by("pk").values_list("pk", flat=True)[:3]]
    history = getattr(model, "history", None)
    if history is not None:
        ids += [str(pk) for pk in history.order_by("history_id").values_list("history_id", flat=True)[:2]]
    return ids


def site_ids():
    """Ids that the site-wide views take: content types for view-on-site, app labels for the app index."""
    from django.contrib.contenttypes.models import ContentType

    return [str(pk) for pk in ContentType.objects.values_list("pk", flat=True)] + sorted(
        {model._meta.app_label for model in admin.site._registry}
    )


def argument_candidates(name, count, pool):
    """Per argument, the values of `pool` that fit its converter (the others could not even be routed)."""
    candidates = []
    for position in range(count):
        fitting = []
        for value in pool:
            args = [value if index == position else pool[0] for index in range(count)]
            try:
                reverse(f"admin:{name}", args=args)
            except NoReverseMatch:
                continue
            fitting.append(value)
        candidates.append(fitting or [pool[0]])
    return candidates


def filter_parameters(model_admin, user):
    """The query parameters the changelist's filters and date hierarchy read."""
    request = RequestFactory().get("/")
    request.user = user
    names = set()
    try:
        changelist = model_admin.get_changelist_instance(request)
    except Exception:  # a changelist the role may not open has no parameters to offer
        return names
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        names.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return names


def autocomplete_sources():
    return sorted(
        (model._meta.app_label, model._meta.model_name, field)
        for model, model_admin in admin.site._registry.items()
        for field in model_admin.autocomplete_fields
    )


def admin_requests(name, pattern, model_admin, user):
    ids = valid_ids(model_admin) or site_ids()
    pool = [*ids, *ODD_IDS]
    count = argument_count(pattern)
    candidates = argument_candidates(name, count, pool) if count else []
    path = st.tuples(*(st.sampled_from(values) for values in candidates)).map(
        lambda args: reverse(f"admin:{name}", args=list(args))
    )
    query_names = set(COMMON_QUERY_NAMES)
    post_names = set(COMMON_POST_NAMES)
    valid_values = [*ids, *ODD_YEARS]
    if model_admin is not None:
        query_names |= filter_parameters(model_admin, user)
        fields = {
            field.name for field in (*model_admin.model._meta.concrete_fields, *model_admin.model._meta.many_to_many)
        }
        post_names |= fields
        # An add page takes its initial values from the query (`?event=<id>`).
        query_names |= fields
    query = query_pairs(query_names, valid_values)
    if name == "autocomplete":
        source = st.sampled_from(autocomplete_sources()).map(
            lambda s: [("app_label", s[0]), ("model_name", s[1]), ("field_name", s[2])]
        )
        query = st.tuples(source, query_pairs({"term", "page"}, valid_values)).map(lambda parts: parts[0] + parts[1])
    form = query_pairs(post_names, valid_values, max_size=5)
    if name.endswith("_changelist") and model_admin is not None:
        # An action always, on a selection drawn from real and odd ids.
        actions = ["delete_selected", *(a if isinstance(a, str) else a.__name__ for a in model_admin.actions)]
        chosen = st.tuples(
            st.sampled_from([*actions, "", "no_such_action"]), st.lists(st.sampled_from(pool), max_size=3)
        )
        form = st.tuples(chosen, form).map(
            lambda parts: [("action", parts[0][0]), *((ACTION_CHECKBOX_NAME, pk) for pk in parts[0][1]), *parts[1]]
        )
    get = st.tuples(st.just("GET"), path, query)
    post = st.tuples(st.just("POST"), path, form)
    return st.one_of(get, post)


@pytest.mark.parametrize("role", ["superuser", "librarian"])
@pytest.mark.parametrize(("name", "pattern", "model_admin"), TARGETS, ids=[target[0] for target in TARGETS])
def test_no_admin_url_answers_a_server_error_to_odd_input(crawl_world, role, name, pattern, model_admin):
    user = getattr(crawl_world, role)
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)

    @CRAWL_SETTINGS
    @given(admin_requests(name, pattern, model_admin, user))
    def probe(drawn):
        method, url, pairs = drawn
        assert_no_server_error(send(client, method, url, pairs), method, url, pairs)

    probe()


def test_the_crawl_reaches_every_admin_and_the_site_views():
    names = {target[0] for target in TARGETS}
    registered = {f"{model._meta.app_label}_{model._meta.model_name}_changelist" for model in admin.site._registry}

    assert registered <= names
    assert {"index", "autocomplete", "view_on_site", "activities_event_series", "otp_totp_totpdevice_config"} <= names
    assert "activities_event_simple_history" in names


def relation_fields():
    return sorted(
        (model._meta.app_label, model._meta.model_name, field.name)
        for model in admin.site._registry
        for field in (*model._meta.concrete_fields, *model._meta.many_to_many)
        if field.is_relation
    )


@pytest.mark.parametrize(("app_label", "model_name", "field"), relation_fields())
def test_an_add_page_given_odd_initial_ids_for_a_relation_starts_without_them(
    crawl_world, app_label, model_name, field
):
    client = Client(headers={"accept-language": "en"})
    client.force_login(crawl_world.superuser)
    url = reverse(f"admin:{app_label}_{model_name}_add")

    for value in ODD_IDS:
        response = client.get(url, {field: value})
        assert response.status_code < 500, (url, field, value)


ROLES = ("superuser", "librarian", "coordinator")
CHANGELISTS = sorted(
    (f"{model._meta.app_label}_{model._meta.model_name}", model_admin)
    for model, model_admin in admin.site._registry.items()
)
# Years Python's dates do not hold, in each form a year lookup takes.
YEAR_LOOKUPS = (("year", "0"), ("year", "99999"), ("year__gt", "99999999999"), ("iso_year", "0"))


def date_paths(model_admin):
    """Every date and time field of the admin's model, and its date hierarchy (which may lie across a relation)."""
    paths = {field.name for field in model_admin.model._meta.concrete_fields if isinstance(field, models.DateField)}
    if model_admin.date_hierarchy:
        paths.add(model_admin.date_hierarchy)
    return sorted(paths)


def relation_lookups(model_admin):
    """The ways an address filters the admin's list by each of its relations: `event`, `event__exact`, `event_id`
    and `event__in`."""
    opts = model_admin.model._meta
    names = []
    for field in (*opts.concrete_fields, *opts.many_to_many):
        if field.is_relation:
            names += [field.name, f"{field.name}__exact", f"{field.name}__in"]
            if field.attname != field.name:
                names.append(field.attname)
    return names


def offered_fields(model_admin, user):
    """The fields of the list's filters for `user` and of its date hierarchy: what an address may filter it by."""
    request = RequestFactory().get("/")
    request.user = user
    entries = [
        entry[0] if isinstance(entry, (list, tuple)) else entry for entry in model_admin.get_list_filter(request)
    ]
    return {entry for entry in entries if isinstance(entry, str)} | {model_admin.date_hierarchy}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("changelist", "model_admin"), CHANGELISTS, ids=[name for name, _ in CHANGELISTS])
def test_a_year_no_calendar_holds_shows_the_whole_list(crawl_world, role, changelist, model_admin):
    user = getattr(crawl_world, role)
    client = signed_in(user)
    url = reverse(f"admin:{changelist}_changelist")
    plain = client.get(url)
    offered = offered_fields(model_admin, user)

    for path in date_paths(model_admin):
        for lookup, year in YEAR_LOOKUPS:
            query = {f"{path}__{lookup}": year}
            response = client.get(url, query)
            if plain.status_code != 200:
                assert response.status_code == plain.status_code, (url, query)
                continue
            if path not in offered:
                # A date the list does not filter by is no filter of the address either (test_admin_lookups.py).
                assert response.status_code == 400, (url, query, response.status_code)
                continue
            # Django's answer to a lookup it cannot read (`?e=1`), or the date hierarchy's own, without its dates.
            assert response.status_code == 302, (url, query, response.status_code)
            assert response.url in (f"{url}?e=1", url), (url, query)
            assert client.get(response.url).status_code == 200, (url, query)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("changelist", "model_admin"), CHANGELISTS, ids=[name for name, _ in CHANGELISTS])
def test_an_id_no_id_column_holds_filters_a_list_by_a_relation_to_no_row(crawl_world, role, changelist, model_admin):
    user = getattr(crawl_world, role)
    client = signed_in(user)
    url = reverse(f"admin:{changelist}_changelist")
    plain = client.get(url)
    offered = offered_fields(model_admin, user)

    for name in relation_lookups(model_admin):
        for value in EDGE_IDS:
            response = client.get(url, {name: value})
            if plain.status_code != 200:
                assert response.status_code == plain.status_code, (url, name, value)
                continue
            if model_admin.model._meta.get_field(name.split("__")[0]).name not in offered:
                assert response.status_code == 400, (url, name, value, response.status_code)
                continue
            assert response.status_code == 200, (url, name, value, response.status_code)
            assert response.context["cl"].result_count == 0, (url, name, value)


def integer_column(field):
    """Whether the column of `field` (for a relation, of the field it refers to) holds integers."""
    while field.is_relation:
        field = field.target_field
    return isinstance(field, models.IntegerField)


def id_lookups(model_admin):
    """The ways an address filters the admin's list by an id: each of its relations to an integer id
    (`relation_lookups`), and its own id (`pk`, `id__exact`, `id__in`, `id__gt`)."""
    opts = model_admin.model._meta
    names = [
        name
        for name in relation_lookups(model_admin)
        if integer_column(opts.get_field(name.removesuffix("__exact").removesuffix("__in")))
    ]
    if integer_column(opts.pk):
        names += ["pk", f"{opts.pk.name}__exact", f"{opts.pk.name}__in", f"{opts.pk.name}__gt"]
    return names


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("changelist", "model_admin"), CHANGELISTS, ids=[name for name, _ in CHANGELISTS])
def test_an_id_written_in_other_digits_in_a_list_filter_shows_the_whole_list(
    crawl_world, role, changelist, model_admin
):
    user = getattr(crawl_world, role)
    client = signed_in(user)
    url = reverse(f"admin:{changelist}_changelist")
    plain = client.get(url)
    opts = model_admin.model._meta
    offered = offered_fields(model_admin, user) | {opts.pk.name}

    for index, name in enumerate(id_lookups(model_admin)):
        # The id 1, in each of the other digits in turn: int() reads every one of them as 1.
        value = other_spellings("1")[index % len(OTHER_DIGITS)]
        response = client.get(url, {name: value})
        if plain.status_code != 200:
            assert response.status_code == plain.status_code, (url, name, value)
            continue
        field = opts.pk if name == "pk" else opts.get_field(name.split("__")[0])
        if field.name not in offered:
            assert response.status_code == 400, (url, name, value, response.status_code)
            continue
        # Django's answer to a lookup value it cannot read, as for `abc`: the whole list, with `?e=1`.
        assert response.status_code == 302, (url, name, value, response.status_code)
        assert response.url == f"{url}?e=1", (url, name, value)


# A value that fits every converter of the admin's URL patterns and is the id of no row.
NO_ROW = "987654321"


def object_pages():
    """(URL name, pattern, its ModelAdmin) for every admin page that takes the id of an object in its address."""
    return [
        (name, pattern, model_admin)
        for name, pattern, model_admin in TARGETS
        if name == "view_on_site"
        or name.endswith("_simple_history")
        or (model_admin is not None and argument_count(pattern) == 1)
    ]


OBJECT_PAGES = object_pages()


def object_arguments(name, model_admin):
    """The arguments under which the page shows an existing object."""
    if name == "view_on_site":
        event = Event.objects.order_by("pk").first()
        return [str(ContentType.objects.get_for_model(Event).pk), str(event.pk)]
    model = model_admin.model
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the crawl's data has no {model._meta.verbose_name}"
    if name.endswith("_simple_history"):
        record = model.history.filter(**{model._meta.pk.attname: obj.pk}).order_by("history_id").first()
        return [str(obj.pk), str(record.history_id)]
    return [str(obj.pk)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "pattern", "model_admin"), OBJECT_PAGES, ids=[page[0] for page in OBJECT_PAGES])
def test_an_id_written_in_other_digits_names_no_object(crawl_world, role, name, pattern, model_admin):
    client = signed_in(getattr(crawl_world, role))
    arguments = object_arguments(name, model_admin)

    for position, argument in enumerate(arguments):
        # Where the page leads for an id of no row, and for the same address with the object's id written otherwise.
        missing = reverse(
            f"admin:{name}", args=[NO_ROW if index == position else value for index, value in enumerate(arguments)]
        )
        unknown = landing(client, missing)
        for spelling in other_spellings(argument):
            url = missing.replace(NO_ROW, quote(spelling))
            if resolve(unquote(url)).url_name != name:
                continue  # an `int` converter takes ASCII digits only: the address is not the page's
            status, end = landing(client, url)
            # Not found, or as for an id of no row: the change and delete pages lead to the admin's start page,
            # saying the object does not exist.
            assert status == 404 or (status, end.replace(quote(spelling), NO_ROW)) == unknown, (url, status, end)


def landing(client, url):
    """The status of the page a GET of `url` ends at, redirects followed, and that page's address."""
    response = client.get(url, follow=True)
    return response.status_code, response.redirect_chain[-1][0] if response.redirect_chain else url


def test_deleting_an_account_under_its_id_in_other_digits_deletes_nothing(crawl_world):
    client = signed_in(crawl_world.superuser)
    account = crawl_world.librarian
    url = reverse("admin:auth_user_delete", args=[other_spellings(str(account.pk))[0]])

    response = client.post(url, {"post": "yes"})

    assert response.status_code in (302, 404)
    assert response.get("Location") != reverse("admin:auth_user_changelist")
    assert get_user_model().objects.filter(pk=account.pk).exists()
