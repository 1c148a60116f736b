"""Plumbing of the read-only open data API that every app's `api.py` stands on (Django REST framework).

- `TranslatedField`: a translated model field as one object with every content language, `{"lv": …, "en": …}`;
  a language without text is `null`, so a consumer applies the fallback it prefers.
- `PageUrlField` / `ApiUrlField`: the canonical public page of an object in each language, and its own API
  address, both absolute under `SITE_URL` so that they are the same whoever asks.
- `ReadOnlyOpenDataViewSet`: list and retrieve only, ids as path parameters, answered with `ETag` and
  `Last-Modified` through Django's own `condition()` so that a repeated request gets `304 Not Modified`. The
  validators come from the data: for each table the view draws on, the latest `updated_at` (or another
  timestamp) and the number of rows, each read through an index. They change with any write, including a
  deletion (the row count, and the audit trail's latest date), whatever filter the request uses.

The licence, pagination, throttling and problem documents live in `groundwork.opendata`.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import gettext
from django.views.decorators.http import condition
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response

from .opendata import MAX_ID, licence_link_header

# Bump when the shape of the responses changes, so that no client keeps an old answer under a still valid ETag.
FORMAT_VERSION = "1"
# Text parameters: anything but a NUL character, which no database stores (Django's forms refuse it with a 400).
SAFE_TEXT_PATTERN = "^[^\\x00]*$"


def content_languages():
    return list(settings.MODELTRANSLATION_LANGUAGES)


# --- Fields ---------------------------------------------------------------------------------------------------


def _translated_component():
    return inline_serializer(
        name="Translated",
        fields={code: serializers.CharField(allow_null=True) for code in content_languages()},
    )


@extend_schema_field(_translated_component())
class TranslatedField(serializers.Field):
    """Every language of a modeltranslation field: `TranslatedField()` reads `<name>_lv`, `<name>_en`, …"""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        name = self.source
        return {code: getattr(instance, f"{name}_{code}", None) or None for code in content_languages()}

    def to_representation(self, value):
        return value


def absolute(path):
    return settings.SITE_URL + path


def page_urls(instance):
    """The object's public page in each interface language."""
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls[code] = absolute(instance.get_absolute_url())
    return urls


@extend_schema_field(
    inline_serializer(
        name="PageUrls",
        fields={code: serializers.URLField() for code, _name in settings.LANGUAGES},
    )
)
class PageUrlField(serializers.Field):
    """The canonical public page of the object in every interface language (absolute, under `SITE_URL`)."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return page_urls(value)


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(serializers.Field):
    """The object's own address in the API, absolute under `SITE_URL`: `ApiUrlField("api:event-detail")`."""

    def __init__(self, view_name, **kwargs):
        self.view_name = view_name
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return absolute(reverse(self.view_name, kwargs={"pk": value.pk}))


@extend_schema_field(OpenApiTypes.URI)
class FileUrlField(serializers.Field):
    """An uploaded file's absolute address, or `null` without a file."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True, allow_null=True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return super().get_attribute(instance) or None

    def to_representation(self, value):
        return absolute(value.url) if value else None


# --- Conditional requests -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    """One table whose writes change an endpoint's answers: `model` with its change timestamp `changed` (or None)
    and whether its row count is read too (a deletion changes the count; an audit trail's latest date needs none)."""

    model: type
    changed: str | None = "updated_at"
    count: bool = True


def data_validators(sources: Iterable[Freshness]):
    """`(token, last_modified)` of the tables: a string that changes with any write, and the latest change."""
    parts, latest = [], None
    for source in sources:
        aggregates = {}
        if source.changed:
            aggregates["latest"] = Max(source.changed)
        if source.count:
            aggregates["count"] = Count("pk")
        values = source.model._default_manager.order_by().aggregate(**aggregates)
        changed = values.get("latest")
        parts.append(f"{source.model._meta.label}:{changed.isoformat() if changed else '-'}:{values.get('count', '')}")
        if changed and (latest is None or changed > latest):
            latest = changed
    return "|".join(parts), latest


def with_audit_trail(model, changed="updated_at"):
    """The model's own table and, when it keeps an audit trail (simple-history), the trail's latest date, which a
    deletion moves on even though no row is left to carry an `updated_at`."""
    sources = [Freshness(model, changed)]
    history = getattr(model, "history", None)
    if history is not None:
        sources.append(Freshness(history.model, "history_date", count=False))
    return sources


class ReadOnlyOpenDataViewSet(viewsets.ReadOnlyModelViewSet):
    """List and retrieve by id, with ETag/Last-Modified and 304 from the data validators of `freshness`.

    Subclasses set `queryset`, `serializer_class`, `filterset_class` and `freshness` (a list of `Freshness`), and
    may give `extra_validator()` for what else the answers depend on (the date, for what is published from a day).
    """

    lookup_value_regex = "[0-9]+"
    freshness: list = []

    def extra_validator(self):
        return ""

    def _validators(self, request):
        cached = getattr(request, "_open_data_validators", None)
        if cached is None:
            token, latest = data_validators(self.freshness)
            key = "|".join(
                (
                    FORMAT_VERSION,
                    settings.RELEASE,
                    settings.OPEN_DATA_LICENCE_URL,
                    settings.SITE_URL,
                    request.build_absolute_uri(),
                    self.extra_validator(),
                    token,
                )
            )
            cached = (quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32]), latest)
            request._open_data_validators = cached
        return cached

    def _conditional(self, handler, request, *args, **kwargs):
        conditional = condition(
            etag_func=lambda request, *args, **kwargs: self._validators(request)[0],
            last_modified_func=lambda request, *args, **kwargs: self._validators(request)[1],
        )(handler)
        response = conditional(request, *args, **kwargs)
        if set(request.query_params) <= self._parameters():
            # Kept as long as the site's other public answers (and by its page cache): after that, a 304 is cheap.
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        else:
            # A parameter the API does not read (a tracking one, a nonce) gets the same answer, revalidated by its
            # ETag and kept by nobody: such addresses cannot fill the proxy's and the page cache's copies.
            patch_cache_control(response, public=True, no_cache=True)
        return response

    def _parameters(self):
        """The query parameters the API reads: its filters and the pagination's."""
        filters = getattr(self, "filterset_class", None)
        paginator = self.paginator
        pages = (getattr(paginator, "page_query_param", None), getattr(paginator, "page_size_query_param", None))
        return {*(filters.base_filters if filters else ()), *filter(None, pages)}

    def list(self, request, *args, **kwargs):
        # Parameters are checked before the validators: a request that is not valid answers 400 (or 404 for a page
        # that cannot exist), never 304, whatever its If-None-Match.
        queryset = self.filter_queryset(self.get_queryset())
        self.paginator.check_parameters(request)

        def respond(request, *args, **kwargs):
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(self.get_serializer(page, many=True).data)

        return self._conditional(respond, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        # The object first: `If-None-Match: *` matches only an object that exists.
        instance = self.get_object()
        return self._conditional(
            lambda request, *args, **kwargs: Response(self.get_serializer(instance).data), request, *args, **kwargs
        )

    def get_object(self):
        # The path only takes digits; one beyond the id column's range names no object (and would overflow it).
        if int(self.kwargs[self.lookup_url_kwarg or self.lookup_field]) > MAX_ID:
            raise exceptions.NotFound()
        return super().get_object()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Link"] = ", ".join(filter(None, (response.get("Link"), licence_link_header())))
        return response


# --- Filters --------------------------------------------------------------------------------------------------


class InstantField(forms.DateTimeField):
    """An ISO 8601 / RFC 3339 date and time, kept within what the database stores: an instant that only exists
    beyond year 1 or 9999 once converted to UTC (`0001-01-01T00:00:00+05:00`) becomes the first or last one."""

    def to_python(self, value):
        instant = super().to_python(value)
        if instant is None or instant.tzinfo is None:
            return instant
        try:
            return instant.astimezone(UTC)
        except OverflowError:
            return (datetime.min if instant.year < 5000 else datetime.max).replace(tzinfo=UTC)


class InstantFilter(django_filters.DateTimeFilter):
    field_class = InstantField


@extend_schema_field({"type": "string", "pattern": SAFE_TEXT_PATTERN, "maxLength": 100})
class TextFilter(django_filters.CharFilter):
    """Free text or a name, up to 100 characters (a NUL character, which no database stores, is refused)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)


class StableOrderingFilter(django_filters.OrderingFilter):
    """django-filter's `ordering`, with the id last so that pages never share or skip a row on equal values."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


class OpenDataFilterSet(django_filters.FilterSet):
    """A filter set for the API: a parameter given empty is refused (a form would read it as "any"), except free
    text and sort keys, whose empty values are valid."""

    def is_valid(self):
        valid = super().is_valid()
        for name, field in self.filters.items():
            # Free text may be empty, and so may the list of sort keys (the default order).
            if isinstance(field, TextFilter | django_filters.OrderingFilter) or self.data.get(name) != "":
                continue
            if name in self.form.errors:
                continue
            self.form.add_error(name, gettext("Give a value, or leave the parameter out."))
            valid = False
        return valid
