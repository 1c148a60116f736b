"""What the open data publishes besides the data, shared by the API and the data files: the licence, and the API's
policies that `REST_FRAMEWORK` in the settings names (pagination, throttling, errors as problem documents).

Kept apart from `groundwork.api`, which builds on Django REST framework's views: the framework reads these
classes from its settings while its views are being defined, so they must not import the views themselves.

- `OpenDataPagination`: page numbers with `next`/`previous` links in the body and in a `Link` header, the data
  licence in every page, and a `page_size` that is checked rather than silently clamped.
- `ClientAddressThrottle`: requests per client address (the address the login lockout counts, so both follow one
  proxy configuration), counted in the cache; a cache that is down lets the request through.
- `problem_exception_handler`: every error as `application/problem+json` (RFC 9457).
"""

import hashlib
import json
import logging
from http import HTTPStatus

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.translation import gettext, gettext_noop
from rest_framework import exceptions, pagination, throttling
from rest_framework.response import Response

from groundwork.clients import client_network

logger = logging.getLogger(__name__)

# The largest value a primary key column holds (a signed 64-bit integer); a larger id names nothing.
MAX_ID = 2**63 - 1
PROBLEM_CONTENT_TYPE = "application/problem+json"
# The detail of every 404 that names no object (an unknown address, an unknown or unpublished id).
NOT_FOUND_DETAIL = gettext_noop("Nothing is published at this address.")


def is_api(request):
    """Whether the request is for the open data API (`/api/`), which answers as an API, not as a page."""
    return request.path.startswith("/api/")


def licence():
    """The licence of the published data: `{"name": …, "url": …}` from the settings."""
    return {"name": settings.OPEN_DATA_LICENCE_NAME, "url": settings.OPEN_DATA_LICENCE_URL}


def licence_text():
    """The licence in a sentence, for the files that have a place for it (the feeds' copyright)."""
    return gettext("Data licence: %(name)s (%(url)s)") % {
        "name": settings.OPEN_DATA_LICENCE_NAME,
        "url": settings.OPEN_DATA_LICENCE_URL,
    }


def licence_link_header():
    """An RFC 8288 `Link` value naming the data licence (relation `license`, RFC 4946)."""
    return f'<{settings.OPEN_DATA_LICENCE_URL}>; rel="license"'


# --- Pagination -----------------------------------------------------------------------------------------------


class OpenDataPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_query_description = "Page number, from 1."
    page_size_query_description = "Objects per page, from 1 to 200 (50 by default)."

    def check_parameters(self, request):
        """Refuse a malformed `page` (404, as for a page past the end) or `page_size` (400) before any query."""
        self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param, "1")
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_ID):
            raise exceptions.NotFound(gettext("page must be a whole number from 1."))

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            message = gettext("page_size must be a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return size

    def get_paginated_response(self, data):
        links = [
            f'<{url}>; rel="{relation}"'
            for url, relation in ((self.get_next_link(), "next"), (self.get_previous_link(), "prev"))
            if url
        ]
        response = Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "licence": licence(),
                "results": data,
            }
        )
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_paginated_response_schema(self, schema):
        page_link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "licence", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0},
                "next": page_link,
                "previous": page_link,
                "licence": {"$ref": "#/components/schemas/Licence"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_query_description),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_size_query_description),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


# --- Throttling -----------------------------------------------------------------------------------------------


class ClientAddressThrottle(throttling.SimpleRateThrottle):
    """`OPEN_DATA_API_RATE` requests per client address (an IPv6 one by its /64; e.g. `"120/minute"`), answered
    beyond with 429 and `Retry-After`. The rate is read at each request, so that a changed setting applies at once."""

    scope = "open-data"

    def get_rate(self):
        return settings.OPEN_DATA_API_RATE

    def get_cache_key(self, request, view):
        address = client_network(request._request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": hashlib.sha256(address.encode()).hexdigest()[:24]}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            # A cache that is down costs the limit, never the answer.
            logger.warning("API throttle skipped: the cache did not answer", exc_info=True)
            return True


# --- Errors ---------------------------------------------------------------------------------------------------


def _flatten(detail):
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [str(item) if not isinstance(item, dict | list) else _flatten(item) for item in detail]
    return [str(detail)]


def problem(status, *, detail, instance, errors=None):
    """An RFC 9457 problem document; `type` is left at its default, `about:blank`, whose title is the status."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return body


def problem_exception_handler(exc, context):
    """DRF's own handling (status, `Retry-After`, `WWW-Authenticate`), with the body as a problem document."""
    # Imported here: the framework's views read this module from the settings while they are defined.
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    instance = request.get_full_path() if request is not None else None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        body = problem(
            response.status_code,
            detail=gettext("Some parameters are not valid; see errors."),
            instance=instance,
            errors=errors,
        )
    elif isinstance(exc, Http404):
        # Django's own message names the model in English ("No Event matches the given query."): the API's 404s
        # say what the router's do, in the request's language.
        body = problem(response.status_code, detail=gettext(NOT_FOUND_DETAIL), instance=instance)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body = problem(response.status_code, detail=str(detail), instance=instance)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response_json(request, status, detail):
    """A problem document as a plain Django response, for errors raised before DRF is reached (404, 500)."""
    body = problem(status, detail=detail, instance=request.get_full_path())
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE)
