"""The inbox's unread count on every page, for a signed-in person.

Read with the signed-in user in the same query (`accounts.backends.USER_FIGURES`); for a
user signed in otherwise (an API token), lazy: queried only when a template shows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from mitra.accounts.backends import preloaded_figure

from . import selectors


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    preloaded = preloaded_figure(user, "inbox_unread")  # read with the user this request
    if preloaded is not None:
        return {"inbox_unread": preloaded}
    return {"inbox_unread": SimpleLazyObject(lambda: selectors.inbox_unread(user=user))}
