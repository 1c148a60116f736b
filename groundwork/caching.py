"""Caching of public responses with Django's own mechanisms.

A view that answers every anonymous visitor alike (a list page, a feed, the map data) is decorated with
`public_cache`: it gets conditional GET (`django.views.decorators.http.condition`, validators from the data and the
release, so a new release or a change of the data gives new ones) and a `Cache-Control` header that lets browsers,
a reverse proxy or a CDN and the portal's own page cache keep it for `PUBLIC_CACHE_SECONDS`. The page cache is
Django's cache middleware on the `pages` cache alias (settings: `MIDDLEWARE`, `CACHE_MIDDLEWARE_ALIAS`); it stores
only responses marked public, keyed by the full URL and the headers they vary on.

What is per person never goes into a shared cache: a request with a session cookie (staff) or a message waiting in
the messages cookie gets `Cache-Control: private, no-cache` and skips the page cache both ways, so staff see their
changes at once. Anonymous visitors see a change within `PUBLIC_CACHE_SECONDS`.
"""

import functools
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.middleware.cache import FetchFromCacheMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string
from django.views.decorators.http import condition

from .middleware import request_language


def _message_cookie_names():
    """The cookies in which django.contrib.messages keeps messages waiting to be shown (the cookie storage, alone or
    first in the fallback storage; the session storage needs the session cookie)."""
    storage = import_string(settings.MESSAGE_STORAGE)
    return frozenset(
        cls.cookie_name for cls in getattr(storage, "storage_classes", (storage,)) if hasattr(cls, "cookie_name")
    )


@functools.cache
def _private_cookies():
    return frozenset({settings.SESSION_COOKIE_NAME, *_message_cookie_names()})


def is_personal(request) -> bool:
    """Whether the request may get something meant for one person: a session (staff) or a message waiting.

    Read from the cookies, without opening the session, so that asking does not make the response vary on them.
    """
    return not _private_cookies().isdisjoint(request.COOKIES)


class FetchPublicFromCacheMiddleware(FetchFromCacheMiddleware):
    """Django's page cache lookup, skipped (both ways) for personal requests (`is_personal`).

    It runs before the locale middleware, but the page cache keys a page by its language too: it looks under the
    language the locale middleware will choose for this request (`groundwork.middleware.request_language`: the one
    in the path; for the API, its Accept-Language), not under the language the worker last had active, which is the
    previous visitor's.

    A stored copy says how long it may still be kept (`max-age` down to the time left of its `Expires`): a proxy or
    a browser counts `max-age` from when it gets the copy, so the full lifetime again would let a change reach
    visitors behind the proxy only after twice PUBLIC_CACHE_SECONDS.
    """

    def process_request(self, request):
        if is_personal(request):
            request._cache_update_cache = False
            return None
        with translation.override(request_language(request)):
            response = super().process_request(request)
        expires = parse_http_date_safe(response.get("Expires", "")) if response is not None else None
        if expires is not None:
            # Expires is whole seconds, rounded down from the page's true end: up, the count stays within it.
            patch_cache_control(response, max_age=max(0, math.ceil(expires - time.time())))
        return response


def public_cache(*, etag_func=None, last_modified_func=None, max_age_func=None, parameters=None):
    """Conditional GET with these validators, and `Cache-Control` for what every anonymous visitor shares.

    `max_age_func(request, *args, **kwargs)` may shorten the lifetime (seconds; None keeps PUBLIC_CACHE_SECONDS):
    a list that changes when its next event ends is kept no longer than that. `parameters()` names the query
    parameters the view reads: a request with others (a tracking parameter in a shared link) is answered alike but
    kept by nobody (`no-cache`: revalidated with its ETag), so such links cannot fill the caches with copies. Only
    successful responses are marked public: an error page (a refused filter) is built each time.
    """

    def decorator(view):
        conditional = condition(etag_func=etag_func, last_modified_func=last_modified_func)(view)

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = conditional(request, *args, **kwargs)
            if is_personal(request):
                patch_cache_control(response, private=True, no_cache=True)
            elif parameters is not None and not set(request.GET) <= set(parameters()):
                patch_cache_control(response, public=True, no_cache=True)
            elif response.status_code in (200, 304):
                max_age = settings.PUBLIC_CACHE_SECONDS
                shorter = max_age_func(request, *args, **kwargs) if max_age_func else None
                max_age = max_age if shorter is None else min(max_age, shorter)
                if max_age > 0:
                    patch_cache_control(response, public=True, max_age=max_age)
                else:
                    patch_cache_control(response, no_cache=True)
            return response

        return wrapper

    return decorator


def cached_fragments(keys, render, *, seconds):
    """The HTML fragments named by `keys` (cache keys, in order): those stored in the fragments cache from there, the
    others made by `render(indexes)` (the fragments at those positions of `keys`, in that order) and stored for
    `seconds`. One round trip to the cache for them all; when the cache is down, every one is rendered. For parts
    of a page that many pages share (an event's card, a filter field with its choices), keyed by all they show."""
    fragments = caches["fragments"]
    stored = fragments.get_many(list(keys))
    missing = [index for index, key in enumerate(keys) if key not in stored]
    if missing:
        fresh = dict(zip((keys[index] for index in missing), render(missing), strict=True))
        fragments.set_many(fresh, seconds)
        stored.update(fresh)
    return [stored[key] for key in keys]
