"""Reads of personal data protection: a person's records found by their address, their
export, the staff queue, the record of processing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right
from mitra.activities.models import Evidence
from mitra.checkin.models import Registration
from mitra.core.exporters import Exporter
from mitra.core.personal_data import BASES, DataKind, data_kinds, retention_kinds
from mitra.notifications.models import Channel, Delivery, VotingDaySignup
from mitra.partners.phones import whatsapp_normalize

from .models import ConsentRecord, DataRequest, PrivacySettings, PurgeRun, RequestStatus


@dataclass
class Subject:
    """Everything held under one email address or WhatsApp number in one office."""

    registrations: list[Registration] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    signups: list[VotingDaySignup] = field(default_factory=list)
    consents: list[ConsentRecord] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.registrations or self.deliveries or self.signups)


def _same_number(raw: str, number: str) -> bool:
    try:
        return whatsapp_normalize(raw) == number
    except ValidationError:
        return False


def subject_find(*, office_id: int, channel: str, address: str) -> Subject:
    """The person's registrations, messages, voting-day sign-ups and consents, matched by the
    address they gave (email in any case; a phone number in any notation)."""
    if not address:
        return Subject()
    registrations = Registration.objects.filter(office_id=office_id).select_related("activity")
    if channel == Channel.EMAIL:
        regs = list(registrations.filter(email__iexact=address))
    else:
        digits = address[-8:]
        candidates = registrations.exclude(phone="").filter(phone__contains=digits[-4:])
        regs = [r for r in candidates if _same_number(r.phone, address)]
    deliveries = list(
        Delivery.objects.filter(
            office_id=office_id, channel=channel, recipient__iexact=address
        ).order_by("-created_at")
    )
    signups = list(
        VotingDaySignup.objects.filter(
            office_id=office_id, channel=channel, address__iexact=address
        ).select_related("programme")
    )
    consents = list(
        ConsentRecord.objects.filter(office_id=office_id)
        .filter(
            Q(registration_id__in=[r.pk for r in regs]) | Q(signup_id__in=[s.pk for s in signups])
        )
        .select_related("text")
    )
    return Subject(regs, deliveries, signups, consents)


def subject_rows(subject: Subject) -> Iterable[tuple[str, str, str, str]]:
    """The person's data as (record, field, value, time) rows: the export and the page."""
    for r in subject.registrations:
        when = timezone.localtime(r.created_at).isoformat()
        label = _("Pendaftaran: %(title)s") % {"title": r.activity.title}
        for name, value in (
            (_("nama"), r.name),
            (_("email"), r.email),
            (_("telepon"), r.phone),
            (_("status"), r.get_status_display()),
        ):
            yield str(label), str(name), str(value), when
    for s in subject.signups:
        when = timezone.localtime(s.created_at).isoformat()
        yield str(_("Pengingat hari pemungutan suara")), s.get_channel_display(), s.address, when
    for d in subject.deliveries:
        when = timezone.localtime(d.created_at).isoformat()
        yield str(_("Pesan terkirim")), d.kind, d.subject or d.body[:120], when
    for c in subject.consents:
        when = timezone.localtime(c.given_at).isoformat()
        state = (
            _("ditarik %(when)s") % {"when": timezone.localtime(c.withdrawn_at).isoformat()}
            if c.withdrawn_at
            else _("masih berlaku")
        )
        yield (
            str(_("Persetujuan")),
            f"{c.purpose} v{c.text.version}",
            f"{c.text.text} ({state})",
            when,
        )


def subject_json(subject: Subject) -> dict[str, Any]:
    return {
        "registrations": [
            {
                "activity": r.activity.title,
                "name": r.name,
                "email": r.email,
                "phone": r.phone,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in subject.registrations
        ],
        "voting_day_signups": [
            {"channel": s.channel, "address": s.address, "created_at": s.created_at.isoformat()}
            for s in subject.signups
        ],
        "messages": [
            {
                "kind": d.kind,
                "channel": d.channel,
                "status": d.status,
                "subject": d.subject,
                "body": d.body,
                "created_at": d.created_at.isoformat(),
            }
            for d in subject.deliveries
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "version": c.text.version,
                "text": c.text.text,
                "channel": c.channel,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in subject.consents
        ],
    }


class SubjectExporter(Exporter):
    """A person's own data as a table (CSV or XLSX)."""

    sheet_title = "Data"

    def __init__(self, *, subject: Subject) -> None:
        self.subject = subject

    def columns(self) -> Sequence[str]:
        return [_("Catatan"), _("Isian"), _("Nilai"), _("Waktu")]

    def rows(self) -> Iterable[Sequence[Any]]:
        return subject_rows(self.subject)


def photos_of(*, subject: Subject) -> QuerySet[Evidence]:
    """Photos of the activities the person registered for (staff pick the ones they flag)."""
    return Evidence.objects.filter(
        activity_id__in=[r.activity_id for r in subject.registrations]
    ).select_related("activity")


# --- Staff queue ---------------------------------------------------------------------------


def requests_queue(*, membership: Membership | None, closed: bool = False) -> QuerySet[DataRequest]:
    """The office's requests for staff who handle them: open first, by deadline."""
    if not has_right(membership, Right.HANDLE_DATA_REQUESTS):
        return DataRequest.objects.none()
    assert membership is not None
    qs = DataRequest.objects.filter(office_id=membership.office_id)
    if closed:
        return qs.filter(status__in=[RequestStatus.DONE, RequestStatus.REFUSED]).order_by(
            "-closed_at", "-pk"
        )
    return qs.filter(status=RequestStatus.OPEN).order_by("due_at", "pk")


def request_for_staff(*, membership: Membership | None, request_id: int) -> DataRequest | None:
    if not has_right(membership, Right.HANDLE_DATA_REQUESTS):
        return None
    assert membership is not None
    return (
        DataRequest.objects.filter(pk=request_id, office_id=membership.office_id)
        .prefetch_related("events__actor", "photos")
        .first()
    )


def hours_left(request: DataRequest, now: datetime.datetime | None = None) -> int | None:
    if request.due_at is None:
        return None
    return int((request.due_at - (now or timezone.now())).total_seconds() // 3600)


# --- Record of processing ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessingRow:
    kind: DataKind
    basis: str
    retention: str


def processing_record(*, settings_row: PrivacySettings) -> list[ProcessingRow]:
    """Each declared kind of personal data with its basis and the office's retention, from
    the apps' own declarations (`core.personal_data`)."""
    kinds = {k.code: k for k in retention_kinds()}
    rows = []
    for kind in data_kinds():
        if kind.retention in kinds:
            retention = _("%(days)s hari — %(what)s") % {
                "days": settings_row.days(kind.retention),
                "what": kinds[kind.retention].what,
            }
        elif kind.kept is not None:
            retention = str(kind.kept)
        else:
            retention = _("Selama hubungan kerja atau akun masih aktif, lalu dihapus oleh admin")
        rows.append(ProcessingRow(kind, str(BASES[kind.basis]), retention))
    return rows


def last_purge() -> PurgeRun | None:
    return PurgeRun.objects.order_by("-at").first()
