"""Writes of personal data protection: consent records and their withdrawal, the requests of
the people concerned (one-time code, follow-ups, staff actions, each logged), erasure, the
office's privacy settings. The retention purge is in `retention.py`.

Deadline: UU 27/2022 gives the controller 3 × 24 hours to give access (Pasal 32), to
correct (Pasal 30) and to stop processing after a withdrawal (Pasal 40); the same deadline
is applied to erasure. It is `PRIVACY_REQUEST_DEADLINE_HOURS` (72 by default), counted from
the moment the person's identity is confirmed.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, require
from mitra.activities.models import Evidence
from mitra.checkin.models import CheckIn, Registration
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.personal_data import consent_purpose
from mitra.core.ratelimit import rate_limit_hit
from mitra.notifications import services as messaging
from mitra.notifications.models import Channel, Delivery, Status, VotingDaySignup
from mitra.offices.models import Office

from .models import (
    ConsentRecord,
    ConsentText,
    DataRequest,
    PrivacySettings,
    RequestEvent,
    RequestKind,
    RequestStatus,
)
from .retention import delete_files, office_settings
from .selectors import Subject, subject_find

CODE_MINUTES = 15
CODE_ATTEMPTS = 5
CODES_PER_REQUEST = 3
REQUESTS_PER_ADDRESS_PER_HOUR = 5


class PrivacyError(DomainError):
    """A rule of personal data protection refused the action."""


def _language() -> str:
    return "en" if (translation.get_language() or "id").startswith("en") else "id"


# --- Consent --------------------------------------------------------------------------------


def consent_text_current(*, purpose: str, language: str = "id") -> ConsentText:
    """The stored text of the purpose's current version in a language (stored on first use,
    so each record points at the exact words shown)."""
    declared = consent_purpose(purpose)
    with translation.override(language):
        words = str(declared.text)
    found = ConsentText.objects.filter(
        purpose=purpose, version=declared.version, language=language
    ).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return ConsentText.objects.create(
                purpose=purpose, version=declared.version, language=language, text=words
            )
    except IntegrityError:
        return ConsentText.objects.get(purpose=purpose, version=declared.version, language=language)


def consent_record(*, office_id: int, purpose: str, channel: str, subject: Any) -> ConsentRecord:
    """One record per consent: purpose, the text version shown, channel, time, and what it
    covers (a registration, a check-in or a voting-day sign-up)."""
    links: dict[str, Any] = {}
    if isinstance(subject, Registration):
        links["registration"] = subject
    elif isinstance(subject, CheckIn):
        links["checkin"] = subject
    elif isinstance(subject, VotingDaySignup):
        links["signup"] = subject
    else:
        raise TypeError(f"no consent subject: {type(subject).__name__}")
    existing = ConsentRecord.objects.active().filter(purpose=purpose, **links).first()
    if existing is not None:  # the same consent given again (a repeated sign-up)
        return existing
    return ConsentRecord.objects.create(
        office_id=office_id,
        purpose=purpose,
        text=consent_text_current(purpose=purpose, language=_language()),
        channel=channel,
        given_at=timezone.now(),
        **links,
    )


def _stop_messages(*, office_id: int, channel: str, address: str, reason: str) -> int:
    """Queued messages to an address go no further."""
    if not address:
        return 0
    return Delivery.objects.filter(
        office_id=office_id, channel=channel, recipient__iexact=address, status=Status.QUEUED
    ).update(status=Status.SKIPPED, reason=reason)


def _registration_contacts(registration: Registration) -> list[tuple[str, str]]:
    from mitra.notifications.audiences import registrant_recipients

    return [(r.channel, r.address) for r in registrant_recipients(registration, "id")]


def _anonymise_registrations(ids: list[int], now: datetime.datetime) -> int:
    for registration in Registration.objects.filter(pk__in=ids).select_related("activity"):
        for channel, address in _registration_contacts(registration):
            _stop_messages(
                office_id=registration.office_id,
                channel=channel,
                address=address,
                reason="consent_withdrawn",
            )
    CheckIn.objects.filter(registration_id__in=ids).update(name="")
    return Registration.objects.filter(pk__in=ids).update(
        name="", email="", phone="", consent=False, anonymised_at=now
    )


@transaction.atomic
def consent_withdraw(*, record: ConsentRecord, how: str) -> ConsentRecord:
    """Withdraw a consent: reminders stop at once and, where the purpose needs them, the name
    and contact it covered are removed (the rows, and so every count, stay)."""
    record = ConsentRecord.objects.select_for_update().get(pk=record.pk)
    if record.withdrawn_at is not None:
        return record
    now = timezone.now()
    declared = consent_purpose(record.purpose)
    if record.registration_id is not None and declared.removes_contact:
        _anonymise_registrations([record.registration_id], now)
    if record.checkin_id is not None:
        if declared.sensitive:
            CheckIn.objects.filter(pk=record.checkin_id).update(age_band="", disability=None)
        elif declared.removes_contact:
            CheckIn.objects.filter(pk=record.checkin_id).update(name="")
    if record.signup_id is not None:
        signup = VotingDaySignup.objects.filter(pk=record.signup_id).first()
        if signup is not None:
            _stop_messages(
                office_id=signup.office_id,
                channel=signup.channel,
                address=signup.address,
                reason="consent_withdrawn",
            )
            signup.delete()
    record.withdrawn_at = now
    record.withdrawn_how = how[:40]
    record.save(update_fields=["withdrawn_at", "withdrawn_how"])
    return record


# --- Requests of the people concerned ---------------------------------------------------------


def _code_hash(request_id: int, code: str) -> str:
    return salted_hmac("mitra.privacy.code", f"{request_id}:{code}", algorithm="sha256").hexdigest()


def _log(request: DataRequest, action: str, *, actor_id: int | None = None, note: str = "") -> None:
    RequestEvent.objects.create(request=request, action=action, actor_id=actor_id, note=note)


def normalise_address(*, channel: str, address: str) -> str:
    from django.core.exceptions import ValidationError

    from mitra.partners.phones import whatsapp_normalize

    address = address.strip()
    if channel == Channel.EMAIL:
        if "@" not in address:
            raise PrivacyError(_("Tulis alamat email yang lengkap."), code="address")
        return address.lower()
    if channel == Channel.WHATSAPP:
        try:
            return whatsapp_normalize(address)
        except ValidationError as exc:
            raise PrivacyError(exc.messages[0], code="address") from exc
    raise PrivacyError(_("Pilih email atau WhatsApp."), code="channel")


def request_start(
    *, office: Office, kind: str, channel: str, address: str, details: str = ""
) -> DataRequest:
    """Open a request and send a one-time code to the address, if we hold data under it.

    The answer is the same whether or not the address is on file (no one learns from it
    whether someone registered); without data, no code is sent.
    """
    if kind not in RequestKind.values:
        raise PrivacyError(_("Pilih jenis permintaan."), code="kind")
    address = normalise_address(channel=channel, address=address)
    if kind == RequestKind.CORRECT and not details.strip():
        raise PrivacyError(_("Tuliskan data mana yang perlu diperbaiki."), code="details")
    digest = messaging.address_hash(channel, address)
    if not rate_limit_hit(
        key=f"privacy:{digest[:24]}", limit=REQUESTS_PER_ADDRESS_PER_HOUR, period=3600
    ):
        raise PrivacyError(
            _("Terlalu banyak permintaan untuk alamat ini. Coba lagi satu jam lagi."),
            code="rate_limited",
        )
    with transaction.atomic():
        request = DataRequest.objects.create(
            office=office,
            kind=kind,
            channel=channel,
            address=address,
            details=details.strip()[:4000],
            language=_language(),
        )
        _log(request, "requested", note=request.get_kind_display())
        if subject_find(office_id=office.pk, channel=channel, address=address).is_empty:
            _log(request, "no_data")
        else:
            _code_send(request)
    return request


def _code_send(request: DataRequest) -> None:
    if request.codes_sent >= CODES_PER_REQUEST:
        raise PrivacyError(
            _("Kode sudah dikirim beberapa kali. Ajukan permintaan baru."), code="code_limit"
        )
    code = f"{secrets.randbelow(10**6):06d}"
    request.code_hash = _code_hash(request.pk, code)
    request.code_expires_at = timezone.now() + datetime.timedelta(minutes=CODE_MINUTES)
    request.code_attempts = 0
    request.codes_sent += 1
    request.save(update_fields=["code_hash", "code_expires_at", "code_attempts", "codes_sent"])
    office = request.office
    messaging.message_queue(
        office=office,
        kind="privacy_code",
        recipients=[
            messaging.Recipient(
                request.channel, request.address, None, request.language, f"q{request.pk}"
            )
        ],
        values={"office": office.display_name, "code": code, "minutes": CODE_MINUTES},
        key=f"privacy_code:{request.pk}:{request.codes_sent}",
    )
    _log(request, "code_sent", note=request.channel)


@transaction.atomic
def request_code_resend(*, token: str) -> DataRequest:
    request = _by_token_locked(token)
    if request.status != RequestStatus.UNVERIFIED:
        return request
    if not subject_find(
        office_id=request.office_id, channel=request.channel, address=request.address
    ).is_empty:
        _code_send(request)
    return request


def _by_token_locked(token: str) -> DataRequest:
    request = (
        DataRequest.objects.select_for_update().select_related("office").filter(token=token).first()
    )
    if request is None:
        raise NotFoundError(_("Permintaan tidak ditemukan."), code="not_found")
    return request


def _deadline(moment: datetime.datetime) -> datetime.datetime:
    return moment + datetime.timedelta(hours=settings.PRIVACY_REQUEST_DEADLINE_HOURS)


def request_verify(*, token: str, code: str) -> DataRequest:
    """Confirm the identity with the code: the request opens and its deadline starts."""
    with transaction.atomic():
        request = _by_token_locked(token)
        if request.status != RequestStatus.UNVERIFIED:
            return request
        now = timezone.now()
        expired = request.code_expires_at is None or request.code_expires_at < now
        if expired or request.code_attempts >= CODE_ATTEMPTS:
            error = PrivacyError(
                _("Kode sudah tidak berlaku. Minta kode baru."), code="code_expired"
            )
        elif not constant_time_compare(request.code_hash, _code_hash(request.pk, code.strip())):
            request.code_attempts += 1
            request.save(update_fields=["code_attempts"])
            _log(request, "code_wrong")
            error = PrivacyError(_("Kode tidak cocok."), code="code_wrong")
        else:
            error = None
            request.status = RequestStatus.OPEN
            request.verified_at = now
            request.due_at = _deadline(now)
            request.code_hash = ""
            request.save(update_fields=["status", "verified_at", "due_at", "code_hash"])
            _log(request, "verified")
            # The code has done its work: it leaves the delivery log.
            Delivery.objects.filter(key__startswith=f"privacy_code:{request.pk}:").update(
                body="", subject=""
            )
    if error is not None:  # raised after the commit, so the wrong attempt stays counted
        raise error
    return request


def request_answered(*, request: DataRequest, action: str) -> DataRequest:
    """The person saw or downloaded their data themselves: a request for access or a copy is
    answered by that; every view and download is logged."""
    with transaction.atomic():
        request = DataRequest.objects.select_for_update().get(pk=request.pk)
        _log(request, action)
        if request.status == RequestStatus.OPEN and request.kind in (
            RequestKind.ACCESS,
            RequestKind.EXPORT,
        ):
            request.status = RequestStatus.DONE
            request.closed_at = timezone.now()
            request.outcome = _("Dijawab langsung: data ditampilkan kepada pemohon.")
            request.save(update_fields=["status", "closed_at", "outcome"])
    return request


def request_follow_up(*, parent: DataRequest, kind: str, details: str = "") -> DataRequest:
    """A further request by a person whose identity the parent request confirmed (e.g. after
    seeing the data, ask for a correction or erasure): queued for staff with its deadline."""
    if parent.verified_at is None:
        raise PrivacyError(_("Identitas belum terkonfirmasi."), code="unverified")
    if kind not in (RequestKind.CORRECT, RequestKind.ERASE):
        raise PrivacyError(_("Pilih jenis permintaan."), code="kind")
    if kind == RequestKind.CORRECT and not details.strip():
        raise PrivacyError(_("Tuliskan data mana yang perlu diperbaiki."), code="details")
    now = timezone.now()
    with transaction.atomic():
        request = DataRequest.objects.create(
            office_id=parent.office_id,
            kind=kind,
            status=RequestStatus.OPEN,
            channel=parent.channel,
            address=parent.address,
            details=details.strip()[:4000],
            language=parent.language,
            verified_at=now,
            due_at=_deadline(now),
            parent=parent,
        )
        _log(request, "requested", note=request.get_kind_display())
        _log(request, "verified", note=_("melalui permintaan #%(pk)s") % {"pk": parent.pk})
    return request


def consent_withdraw_by_subject(*, request: DataRequest, record_id: int) -> ConsentRecord:
    """The person withdraws one of their consents from their data page."""
    subject = subject_find(
        office_id=request.office_id, channel=request.channel, address=request.address
    )
    record = next((r for r in subject.consents if r.pk == record_id), None)
    if record is None:
        raise NotFoundError(_("Persetujuan tidak ditemukan."), code="not_found")
    record = consent_withdraw(record=record, how="subject")
    _log(request, "consent_withdrawn", note=f"{record.purpose} #{record.pk}")
    return record


# --- Staff side --------------------------------------------------------------------------------


def _staff_request(*, membership: Membership, request_id: int) -> DataRequest:
    require(membership, Right.HANDLE_DATA_REQUESTS)
    request = (
        DataRequest.objects.select_for_update()
        .filter(pk=request_id, office_id=membership.office_id)
        .first()
    )
    if request is None:
        raise NotFoundError(_("Permintaan tidak ditemukan."), code="not_found")
    return request


def _require_open(request: DataRequest) -> None:
    if request.status != RequestStatus.OPEN:
        raise PrivacyError(_("Permintaan ini tidak sedang diproses."), code="not_open")


@transaction.atomic
def request_photos_flag(
    *, membership: Membership, request_id: int, evidence_ids: list[int]
) -> DataRequest:
    """Staff mark the activity photos the person pointed out (they are removed on erasure)."""
    request = _staff_request(membership=membership, request_id=request_id)
    _require_open(request)
    photos = list(
        Evidence.objects.filter(pk__in=evidence_ids, activity__office_id=membership.office_id)
    )
    request.photos.set(photos)
    _log(
        request,
        "photos_flagged",
        actor_id=membership.user_id,
        note=", ".join(str(p.pk) for p in photos),
    )
    return request


@transaction.atomic
def request_erase(*, membership: Membership, request_id: int) -> dict[str, int]:
    """Carry out an erasure: the person's records everywhere are emptied of their name,
    contact and texts; rows stay, so every count stays as it was."""
    request = _staff_request(membership=membership, request_id=request_id)
    _require_open(request)
    if request.kind != RequestKind.ERASE:
        raise PrivacyError(_("Ini bukan permintaan penghapusan."), code="kind")
    subject = subject_find(
        office_id=request.office_id, channel=request.channel, address=request.address
    )
    counts = subject_erase(subject=subject, photos=list(request.photos.all()))
    note = ", ".join(f"{k}: {v}" for k, v in counts.items())
    _log(request, "erased", actor_id=membership.user_id, note=note)
    _close(request, status=RequestStatus.DONE, outcome=_("Data dihapus (%(n)s).") % {"n": note})
    # The requests stay as the record that the law was followed, without the address.
    DataRequest.objects.filter(
        office_id=request.office_id, channel=request.channel, address=request.address
    ).update(address="")
    return counts


def subject_erase(*, subject: Subject, photos: list[Evidence]) -> dict[str, int]:
    now = timezone.now()
    registration_ids = [r.pk for r in subject.registrations]
    for record in subject.consents:
        if record.withdrawn_at is None:
            ConsentRecord.objects.filter(pk=record.pk).update(
                withdrawn_at=now, withdrawn_how="erased"
            )
    counts = {
        "registrations": _anonymise_registrations(registration_ids, now),
        "checkins": CheckIn.objects.filter(registration_id__in=registration_ids)
        .exclude(device_hash="")
        .update(device_hash=""),
        "messages": Delivery.objects.filter(pk__in=[d.pk for d in subject.deliveries]).update(
            recipient="", subject="", body="", link=""
        ),
        "signups": VotingDaySignup.objects.filter(pk__in=[s.pk for s in subject.signups]).delete()[
            0
        ],
        "photos": 0,
    }
    names = [photo.file.name for photo in photos if photo.file.name]
    deleted = Evidence.objects.filter(pk__in=[p.pk for p in photos]).delete()[1]
    counts["photos"] = deleted.get(Evidence._meta.label, 0)
    transaction.on_commit(lambda: delete_files(names))
    return counts


def _close(request: DataRequest, *, status: str, outcome: str) -> None:
    request.status = status
    request.closed_at = timezone.now()
    request.outcome = outcome
    request.save(update_fields=["status", "closed_at", "outcome"])


@transaction.atomic
def request_close(
    *, membership: Membership, request_id: int, refuse: bool, note: str
) -> DataRequest:
    """Staff close a request as done (e.g. the correction was made) or refuse it, with the
    reason the person will read."""
    request = _staff_request(membership=membership, request_id=request_id)
    _require_open(request)
    note = note.strip()
    if not note:
        raise PrivacyError(_("Tuliskan catatan untuk pemohon."), code="note")
    _log(request, "refused" if refuse else "done", actor_id=membership.user_id, note=note)
    _close(request, status=RequestStatus.REFUSED if refuse else RequestStatus.DONE, outcome=note)
    return request


@transaction.atomic
def request_note(*, membership: Membership, request_id: int, note: str) -> DataRequest:
    request = _staff_request(membership=membership, request_id=request_id)
    if not note.strip():
        raise PrivacyError(_("Catatan kosong."), code="note")
    _log(request, "note", actor_id=membership.user_id, note=note.strip())
    return request


# --- Settings -----------------------------------------------------------------------------


@transaction.atomic
def privacy_settings_save(*, membership: Membership, values: dict[str, Any]) -> PrivacySettings:
    require(membership, Right.MANAGE_USERS)
    current = office_settings(membership.office)
    for name, value in values.items():
        setattr(current, name, value)
    current.save()
    return current
