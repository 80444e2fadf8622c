"""The client's address, the same for the login lockout, rate limits and logs.

Behind a reverse proxy every request arrives from the proxy's address, so keying the
lockout (django-axes) or a rate limit on REMOTE_ADDR would put every visitor in one
bucket. The proxy appends the address it saw to `X-Forwarded-For`; that header is believed
only when the connection comes from a proxy listed in TRUSTED_PROXIES (addresses or
networks), because anybody can send the header. The list is read from the right: each
trusted hop is skipped and the first address that is not a trusted proxy is the client.
With TRUSTED_PROXIES empty (the default) the header is ignored entirely.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    if address is None:
        return False
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The address of the client that made the request ("" if there is none, e.g. in a
    request built by a test or a management command: django-axes stores that as null)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _trusted(_parse(remote)):
        return remote
    hops = [h for h in request.META.get(settings.CLIENT_IP_HEADER, "").split(",") if h.strip()]
    client = remote
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # garbage a client wrote: the last hop a trusted proxy vouched for wins
        client = str(address)
        if not _trusted(address):
            break
    return client
