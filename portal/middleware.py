"""Early answers for public responses built from versioned data (`portal.freshness`): a repeated anonymous request
gets the response already built for it, before the rest of the middleware runs.

Why: the map asks for its data on every move, and most visitors of the event list come once, from a link, on a
phone; many of these requests repeat one already answered, and every anonymous visitor with the same address gets
the same bytes. Once a response is built, most of the time of a repeat goes to the middleware chain (sessions,
locale, CSRF, authentication, two-step login, history, messages, CSP, axes), URL resolution and the view. Placed
right after WhiteNoise, this middleware answers such a repeat the way WhiteNoise answers a static file: from the
cache, with the headers prepared beforehand.

Which responses: only those a view opts in, by marking them with the data version they were built from
(`DataVersion.mark`): the map data (`mapping.views`), the event list, its archive and the event feeds
(`activities.urls`). A view marks nothing that differs from one anonymous visitor to the next, and never a page
that uses a CSP nonce.

What keeps it correct:

* It replays the final response that the full path built for the same request (status 200, the body and every
  header the inner middleware set: Content-Security-Policy, X-Frame-Options, Vary, Cache-Control, ETag,
  Last-Modified, Access-Control-Allow-Origin, Content-Language), captured on its way out. SecurityMiddleware, outside
  this one, adds its headers to both alike.
* A stored response is keyed by all it depends on: scheme, host (validated as on the full path), path (which carries
  the language), the query string as sent and whether the client accepts gzip. It is stored with the name of its
  data version and the token it was built from, and served only while that data's version is the same, so a change
  shows on the next request exactly as on the full path. The query string is not normalised: two spellings of one
  view are two entries, both right.
* Only GET requests without a session cookie and without a message waiting in the messages cookie: whatever is per
  person (staff sessions, messages, the two-step login step) keeps the full path. Only responses with status 200,
  not streamed, setting no cookie (a page that uses the CSRF token sets one), not private, and whose
  Content-Security-Policy carries no nonce are stored.
* Conditional requests get 304 by the view's rules (`get_conditional_response`), with the 200's headers less the
  body's; anything else (HEAD, a failed If-Match) goes through the full path.
* Only paths that gave a marked response in this process are looked up, so other requests (the home page, an event)
  cost no cache round trip; the process remembers which data each such path was built from, so the lookup fetches
  that data's version with the stored response in one round trip. The opted-in views answer a bounded set of paths
  (languages, libraries); a path learnt once stays known.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string

from .freshness import DERIVED_SECONDS, DataVersion

# The test Django's gzip_page applies: a stored response may be compressed, so it is kept apart for each answer.
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding"})
_NONCE = "'nonce-"


def _message_cookie_names():
    """The cookies in which django.contrib.messages keeps messages waiting to be shown (the cookie storage, alone or
    first in the fallback storage; the session storage needs the session cookie, which keeps the full path anyway)."""
    storage = import_string(settings.MESSAGE_STORAGE)
    return frozenset(
        cls.cookie_name for cls in getattr(storage, "storage_classes", (storage,)) if hasattr(cls, "cookie_name")
    )


def _storable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control:
        return False
    policies = response.get("Content-Security-Policy", "") + response.get("Content-Security-Policy-Report-Only", "")
    return _NONCE not in policies


class PublicResponseMiddleware:
    # Paths that gave a marked response in this process, and the data it was built from: only these are looked up,
    # with the version of that data, in one cache round trip.
    paths = {}

    def __init__(self, get_response):
        self.get_response = get_response
        self.private_cookies = frozenset({settings.SESSION_COOKIE_NAME, *_message_cookie_names()})

    def __call__(self, request):
        if request.method != "GET" or not self.private_cookies.isdisjoint(request.COOKIES):
            return self.get_response(request)
        data = self.paths.get(request.path)
        if data is not None:
            version, stored = DataVersion.named(data).get(self.key(request))
            if stored is not None and stored["data"] == data and stored["version"] == version.token:
                answer = _replay(request, stored)
                if answer is not None:
                    return answer
        response = self.get_response(request)
        built_from = getattr(response, "data_version", None)
        if built_from and _storable(response):
            data, token = built_from
            stored = {
                "data": data,
                "version": token,
                "headers": list(response.items()),
                "content": response.content,
                "etag": response.get("ETag"),
                "last_modified": parse_http_date_safe(response.get("Last-Modified", "")),
            }
            cache.set(self.key(request), stored, DERIVED_SECONDS)
            self.paths[request.path] = data
        return response

    @staticmethod
    def key(request):
        """The cache key of the response to this request."""
        gzip = bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
        parts = (request.scheme, request.get_host(), request.path, request.META.get("QUERY_STRING", ""), str(gzip))
        return "public:answer:" + hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


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
