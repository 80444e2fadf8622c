"""One way to guard a view: `@member_required(Right.X)` (pretix's `event_permission_required`
is the model).

It sits directly above the view function (under `login_required` and the method checks), so
the order of refusals stays: sign in, then the method, then the role and the right. The
view receives a `MemberRequest`, whose `membership` is typed and never None.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, require
from mitra.accounts.selectors import request_membership

P = ParamSpec("P")


class MemberRequest(HttpRequest):
    """A request of someone with a role in an office (set by `MembershipMiddleware`)."""

    membership: Membership


def member_required(
    right: Right | None = None,
) -> Callable[
    [Callable[Concatenate[MemberRequest, P], HttpResponseBase]],
    Callable[Concatenate[HttpRequest, P], Any],
]:
    """Refuse (403, in the user's language) anyone without a role in an office, or without
    `right` when one is named; otherwise call the view with a `MemberRequest`."""

    def decorator(
        view: Callable[Concatenate[MemberRequest, P], HttpResponseBase],
    ) -> Callable[Concatenate[HttpRequest, P], Any]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> Any:
            membership = request_membership(request)
            if right is not None:
                require(membership, right)
            return view(cast(MemberRequest, request), *args, **kwargs)

        return guarded

    return decorator
