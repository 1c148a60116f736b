"""The address a request comes from: the one thing the login lockout, the public forms' rate limit and the API
throttle count by, so that all three follow one proxy configuration.

Without a reverse proxy (`BEHIND_TLS_PROXY` off) it is the connection's address; an `X-Forwarded-For` header is
then whatever the client wrote and is ignored. Behind the proxy every connection comes from the proxy, and the
client is read from `X-Forwarded-For`, counted from the right: each proxy appends the address it received the
request from, so the `TRUSTED_PROXY_HOPS`-th entry from the end was written by a proxy of ours, and everything to
its left may be forged. A header with fewer entries than that (a request that bypassed a proxy) gives the
connection's address.

django-ipware parses the header (IPv6, ports, `for=` tokens, junk entries); `AXES_CLIENT_IP_CALLABLE` points at
`client_network`.
"""

import ipaddress

from django.conf import settings
from ipware import get_client_ip


def client_address(request):
    """The client's address as a string, or `None` when the request carries none."""
    connection = request.META.get("REMOTE_ADDR") or None
    if not settings.BEHIND_TLS_PROXY:
        return connection
    # ipware counts the proxies *between* the client and the last proxy, whose address is the connection's, not
    # the header's; non-strict: a longer chain (a client behind a proxy of its own, or a forged start) is read from
    # the right, not refused.
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=settings.TRUSTED_PROXY_HOPS - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or connection


def client_network(request):
    """What the rate limits and the login lockout count by: the client's IPv4 address, or for an IPv6 address the
    first address of its /64 network (each customer of an IPv6 provider is given a /64, so a new address for every
    request is hers for the taking). An address itself, so that django-axes can store it as one. `None` when the
    request carries no address."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
