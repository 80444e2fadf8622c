"""Absolute links (share buttons, canonical addresses, QR codes, tickets, invitations, mails):
the one place that decides which scheme and host they start with.

- Development (`ABSOLUTE_URLS_FROM_REQUEST`, on when DEBUG is): the host the request came
  by, so links work on whatever address and port `make run` serves.
- Production: `SITE_URL`, never the request's Host header (a client chooses that header;
  a password-reset mail built on it could send the link elsewhere).
- No request at hand (Celery tasks, reminders, digests, commands): `SITE_URL`. `make run`
  sets it to the port it serves, so mails sent in the background work there too.
- A public site per office on its own host name (`mitra.offices.sites`, host mode): the
  office's host as configured, which the site middleware leaves on the request
  (`SITE_ROOT_ATTR`); in path mode the office's prefix comes with every `reverse()`.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

# Where the public-site middleware puts the root of the request's site (host mode).
SITE_ROOT_ATTR = "mitra_site_root"


def site_root(request: HttpRequest | None = None) -> str:
    """Scheme and host that absolute links start with, without a trailing slash."""
    if request is not None:
        if settings.ABSOLUTE_URLS_FROM_REQUEST:
            return f"{request.scheme}://{request.get_host()}"
        own = getattr(request, SITE_ROOT_ATTR, "")
        if own:
            return str(own)
    return str(settings.SITE_URL).rstrip("/")


def absolute_url(path: str, *, request: HttpRequest | None = None, root: str = "") -> str:
    """`path` (from `reverse`, starting with "/") as an absolute link; `root` is a
    `site_root()` a caller already has (services take it from their view)."""
    return (root or site_root(request)).rstrip("/") + path
