"""Reads of the messaging: the office's delivery log with its filters and counts, the
failures, the templates as they stand, a person's inbox, the channels' state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Expression, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from mitra.accounts.models import Membership, User
from mitra.accounts.permissions import Right, require

from .channels import CHANNELS
from .kinds import KINDS, Kind
from .models import Channel, Delivery, MessageTemplate, Status


@dataclass(frozen=True)
class LogFilters:
    status: str = ""
    channel: str = ""
    kind: str = ""

    @classmethod
    def from_query(cls, query: dict[str, str]) -> LogFilters:
        return cls(
            status=query.get("status", "") if query.get("status") in Status.values else "",
            channel=query.get("channel", "") if query.get("channel") in Channel.values else "",
            kind=query.get("kind", "") if query.get("kind") in KINDS else "",
        )


def delivery_log(*, membership: Membership, filters: LogFilters) -> QuerySet[Delivery]:
    require(membership, Right.MANAGE_CONTENT)
    qs = Delivery.objects.filter(office=membership.office).select_related("user")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs


def status_counts(*, membership: Membership, filters: LogFilters) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, under the filters other than status."""
    rows = (
        delivery_log(
            membership=membership, filters=LogFilters(channel=filters.channel, kind=filters.kind)
        )
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    found = {row["status"]: row["n"] for row in rows}
    return [(value, str(label), found.get(value, 0)) for value, label in Status.choices]


def recent_failures(*, membership: Membership, limit: int = 10) -> QuerySet[Delivery]:
    return delivery_log(membership=membership, filters=LogFilters(status=Status.FAILED))[:limit]


@dataclass(frozen=True)
class ChannelState:
    code: str
    label: str
    off_reason: str


def channel_states() -> list[ChannelState]:
    return [
        ChannelState(value, str(label), CHANNELS[value].off_reason())
        for value, label in Channel.choices
    ]


@dataclass(frozen=True)
class TemplateRow:
    kind: Kind
    custom_languages: list[str]


def template_rows(*, membership: Membership) -> list[TemplateRow]:
    require(membership, Right.MANAGE_CONTENT)
    custom: dict[str, list[str]] = {}
    for kind, language in MessageTemplate.objects.filter(office=membership.office).values_list(
        "kind", "language"
    ):
        custom.setdefault(kind, []).append(language)
    return [TemplateRow(kind, sorted(custom.get(code, []))) for code, kind in KINDS.items()]


def template_current(*, membership: Membership, kind: str, language: str) -> tuple[str, str, bool]:
    """(subject, body, is_custom) of one kind in one language."""
    from .services import template_text

    require(membership, Right.MANAGE_CONTENT)
    spec = KINDS[kind]
    custom = MessageTemplate.objects.filter(
        office=membership.office, kind=kind, language=language
    ).exists()
    subject, body = template_text(office=membership.office, kind=spec, language=language)
    return subject, body, custom


def inbox(*, user: User, limit: int = 50) -> list[Delivery]:
    return list(
        Delivery.objects.filter(
            user=user, channel=Channel.INBOX, status__in=[Status.SENT, Status.DELIVERED]
        ).order_by("-created_at")[:limit]
    )


def _inbox_unread_of(user_id: Any) -> QuerySet[Delivery]:
    return Delivery.objects.filter(
        user_id=user_id,
        channel=Channel.INBOX,
        status__in=[Status.SENT, Status.DELIVERED],
        read_at__isnull=True,
    )


def inbox_unread(*, user: User) -> int:
    return _inbox_unread_of(user.pk).count()


def inbox_unread_figure(user_column: str) -> Expression:
    """`inbox_unread` as an expression of an outer query's user id column (read with the
    signed-in user: `accounts.backends.USER_FIGURES`)."""
    count = (
        _inbox_unread_of(OuterRef(user_column))
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count), 0)


def languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]
