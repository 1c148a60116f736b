"""Early answers for the map data: a repeated request gets the response already built for it, before the rest of the
middleware runs.

Why: the map asks for its data on every move, and many requests repeat one already answered (the first view of the
page, views visitors come back to, other visitors' views). Once the body is cached, the view's own work is small and
most of the time goes to the middleware chain (sessions, locale, CSRF, authentication, two-step login, history,
messages, CSP, axes) and URL resolution. Placed right after WhiteNoise, this middleware answers such a repeat the way
WhiteNoise answers a static file: from memory, with the headers prepared beforehand.

What keeps it correct:

* It replays the final response that the full path built for the same request (status 200, the compressed body and
  every header the inner middleware set: Content-Security-Policy, X-Frame-Options, Vary, Cache-Control, ETag,
  Last-Modified, Access-Control-Allow-Origin, Content-Language), captured on its way out. SecurityMiddleware, outside
  this one, adds its headers to both alike.
* A stored response is keyed by all it depends on: scheme, host (validated as on the full path), path (which carries
  the language), the query string as sent and whether the client accepts gzip. It is served only while the map data
  version is the one its body was built from (`mapping.conditional`), so a change shows on the next request exactly
  as on the full path. The query string is not normalised: two spellings of one view are two entries, both right.
* Only GET requests without a session cookie: whatever is per person (staff sessions, messages, the two-step login
  step) keeps the full path. Staff get the same map data there (the endpoint shows published initiatives to
  everyone); they only do not get this shortcut.
* Conditional requests get 304 by the view's rules (`get_conditional_response`), with the 200's headers less the
  body's; anything else (HEAD, a failed If-Match) goes through the full path.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from portal.freshness import DERIVED_SECONDS

from .conditional import MAP_DATA

# The test Django's gzip_page applies: the stored response is compressed exactly when this matches.
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding"})


def _data_paths():
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yield reverse("mapping:geojson")


class MapDataMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = None

    def __call__(self, request):
        key = self.key(request)
        if key is None:
            return self.get_response(request)
        version, stored = MAP_DATA.get(key)
        if stored is not None and stored["version"] == version.token:
            answer = _replay(request, stored)
            if answer is not None:
                return answer
        response = self.get_response(request)
        built_for = getattr(response, "map_data_version", None)
        if built_for and response.status_code == 200 and not response.streaming and not response.cookies:
            stored = {
                "version": built_for,
                "headers": list(response.items()),
                "content": response.content,
                "etag": response.get("ETag"),
                "last_modified": parse_http_date_safe(response.get("Last-Modified", "")),
            }
            cache.set(key, stored, DERIVED_SECONDS)
        return response

    def key(self, request):
        """The cache key of the response to this request, or None when it is not one this middleware answers."""
        if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        if self.paths is None:
            self.paths = frozenset(_data_paths())
        if request.path not in self.paths:
            return None
        gzip = bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
        parts = (request.scheme, request.get_host(), request.path, request.META.get("QUERY_STRING", ""), str(gzip))
        return "mapping:answer:" + hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


def _replay(request, stored):
    """The stored 200, or a 304 with its headers; None when the full path must decide (a precondition failed)."""
    conditional = get_conditional_response(request, etag=stored["etag"], last_modified=stored["last_modified"])
    if conditional is None:
        response = HttpResponse(stored["content"])
        headers = stored["headers"]
    elif conditional.status_code == 304:
        response = HttpResponseNotModified()
        headers = [(name, value) for name, value in stored["headers"] if name.lower() not in _BODY_HEADERS]
    else:
        return None
    for name, value in headers:
        response.headers[name] = value
    return response
