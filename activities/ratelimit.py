"""A fixed-window rate limit in the cache (Redis in production, so it holds across processes).

django-ratelimit would give the same as a decorator; this is the one limit the portal needs, so a small function:
a view calls `rate_limit_exceeded(...)` at the start of the POST it protects, which is where
`@ratelimit(key="ip", rate="10/10m", method="POST", block=False)` and `request.limited` would go instead.
"""

import time

from django.core.cache import cache


def client_ip(request) -> str:
    """The address the request came from. Behind a reverse proxy, the proxy must set REMOTE_ADDR to the client's
    (for example uwsgi/gunicorn with the proxy's forwarded header); a forwarded header alone is not trusted."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limit_exceeded(key: str, *, limit: int, period: int) -> bool:
    """Count one hit for `key` in the current `period`-second window; True once there were more than `limit`."""
    window = int(time.time() // period)
    cache_key = f"ratelimit:{key}:{window}"
    if cache.add(cache_key, 1, timeout=period):
        return False
    try:
        hits = cache.incr(cache_key)
    except ValueError:
        # The window expired between add() and incr(): this hit opens a new one.
        cache.add(cache_key, 1, timeout=period)
        return False
    return hits > limit
