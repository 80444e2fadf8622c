"""Writes of the messaging: queue a message, send it (the worker's side), sweep, resend,
opt out, take provider status updates, edit templates and the office's quiet hours.

Queuing is idempotent by key; sending claims the row first (queued → sending in one
UPDATE), so a task run twice, or retried by the broker, sends a message once.

Past ~600 lines on purpose: queuing, sending, retries and opt-out share the claim-then-send
rules above and are read together; the channels and texts are already apart
(`channels.py`, `kinds.py`, `timeline.py`).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership, User
from mitra.accounts.permissions import Right, require
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.links import absolute_url
from mitra.core.personal_data import CHANNEL_FORM, consent_given
from mitra.elections.models import Programme
from mitra.offices.models import Office

from .channels import CHANNELS, PermanentError, TransientError
from .kinds import KINDS, Kind, placeholders_unknown, render
from .models import (
    Channel,
    Delivery,
    MessageTemplate,
    OfficeMessaging,
    OptOut,
    Status,
    VotingDaySignup,
)

log = logging.getLogger(__name__)

OPTOUT_SALT = "mitra.notifications.optout"


class MessagingError(DomainError):
    """A messaging rule refused the action."""


@dataclass(frozen=True)
class Recipient:
    """Whom a message goes to: an address on a channel, or a user's inbox."""

    channel: str
    address: str = ""
    user: User | None = None
    language: str = "id"
    ident: str = field(default="")

    @property
    def slot(self) -> str:
        """The recipient's part of an idempotency key (no address in clear)."""
        if self.ident:
            return self.ident
        if self.user is not None:
            return f"u{self.user.pk}"
        return address_hash(self.channel, self.address)[:16]


def user_recipients(
    user: User, channels: Iterable[str] = (Channel.EMAIL, Channel.INBOX)
) -> list[Recipient]:
    language = user.preferred_language or "id"
    found = []
    for channel in channels:
        if channel == Channel.EMAIL and user.email:
            found.append(Recipient(Channel.EMAIL, user.email, user, language))
        elif channel == Channel.INBOX:
            found.append(Recipient(Channel.INBOX, "", user, language))
    return found


def address_hash(channel: str, address: str) -> str:
    normal = address.strip().lower()
    return hashlib.sha256(f"{channel}:{normal}".encode()).hexdigest()


# --- Texts ---------------------------------------------------------------------------------


def template_text(*, office: Office, kind: Kind, language: str) -> tuple[str, str]:
    """(subject, body) as staff wrote them for this office and language, else the default."""
    custom = MessageTemplate.objects.filter(
        office=office, kind=kind.code, language=language
    ).first()
    if custom is not None:
        return custom.subject, custom.body
    with translation.override(language):
        return str(kind.subject), str(kind.body)


def optout_url(*, office_id: int, channel: str, address: str) -> str:
    """A signed link that carries the address's hash only (links end up in access logs)."""
    token = signing.dumps([office_id, channel, address_hash(channel, address)], salt=OPTOUT_SALT)
    return absolute_url(reverse("notifications:optout", args=[token]))  # sent in the background


class _Batch:
    """What every message of one queuing shares, read once: texts per language, the
    office's quiet hours and (for bulk queuing) its opted-out addresses."""

    def __init__(self, office: Office, kind: Kind, now: datetime.datetime, bulk: bool) -> None:
        self.office, self.kind, self.now = office, kind, now
        self.texts: dict[str, tuple[str, str]] = {}
        self.quiet: dict[str, datetime.datetime | None] = {}
        self.opted_out: set[tuple[str, str]] | None = None
        if bulk:
            self.opted_out = set(
                OptOut.objects.filter(office=office).values_list("channel", "address_hash")
            )

    def text(self, language: str) -> tuple[str, str]:
        if language not in self.texts:
            self.texts[language] = template_text(
                office=self.office, kind=self.kind, language=language
            )
        return self.texts[language]

    def quiet_until(self) -> datetime.datetime | None:
        if "whatsapp" not in self.quiet:
            self.quiet["whatsapp"] = quiet_until(self.office, self.now)
        return self.quiet["whatsapp"]

    def is_opted_out(self, channel: str, address: str) -> bool:
        digest = address_hash(channel, address)
        if self.opted_out is not None:
            return (channel, digest) in self.opted_out
        return OptOut.objects.filter(
            office=self.office, channel=channel, address_hash=digest
        ).exists()


def _compose(
    batch: _Batch, recipient: Recipient, values: Mapping[str, object]
) -> tuple[str, str, str]:
    office = batch.office
    subject, body = batch.text(recipient.language)
    subject = render(subject, values)[:250]
    body = render(body, values)
    link = ""
    if recipient.channel in (Channel.EMAIL, Channel.WHATSAPP):
        link = optout_url(office_id=office.pk, channel=recipient.channel, address=recipient.address)
        with translation.override(recipient.language):
            body += "\n\n" + _("Berhenti menerima pesan lewat saluran ini: %(url)s") % {"url": link}
    return subject, body, link


# --- Quiet hours ---------------------------------------------------------------------------


def office_messaging(office: Office) -> OfficeMessaging:
    found = OfficeMessaging.objects.filter(office=office).first()
    return found or OfficeMessaging(office=office)


def quiet_until(office: Office, now: datetime.datetime) -> datetime.datetime | None:
    """The end of the office's quiet hours if `now` falls in them, else None."""
    rules = office_messaging(office)
    start, end = rules.quiet_start, rules.quiet_end
    if start == end:
        return None
    local = timezone.localtime(now)
    t = local.time()
    quiet = (start <= t < end) if start < end else (t >= start or t < end)
    if not quiet:
        return None
    day = local.date() if t < end else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, end), local.tzinfo)


# --- Queuing -------------------------------------------------------------------------------


def channel_off_reason(channel: str) -> str:
    return CHANNELS[channel].off_reason()


def _new_delivery(
    *, batch: _Batch, recipient: Recipient, values: Mapping[str, object], key: str
) -> Delivery | None:
    if recipient.channel != Channel.INBOX and not recipient.address:
        return None
    if recipient.channel == Channel.INBOX and recipient.user is None:
        return None
    if channel_off_reason(recipient.channel):
        return None
    subject, body, link = _compose(batch, recipient, values)
    delivery = Delivery(
        office=batch.office,
        key=key[:200],
        kind=batch.kind.code,
        channel=recipient.channel,
        recipient=recipient.address,
        user=recipient.user,
        language=recipient.language,
        subject=subject,
        body=body,
        link=link,
        created_at=batch.now,
    )
    if recipient.channel != Channel.INBOX and batch.is_opted_out(
        recipient.channel, recipient.address
    ):
        delivery.status = Status.SKIPPED
        delivery.reason = "opted_out"
    elif recipient.channel == Channel.WHATSAPP:
        delivery.not_before = batch.quiet_until()
    return delivery


def message_queue(
    *,
    office: Office,
    kind: str,
    recipients: Iterable[Recipient],
    values: Mapping[str, object],
    key: str,
    now: datetime.datetime | None = None,
) -> list[Delivery]:
    """Queue one kind of message to each recipient; sent after the surrounding commit.

    `key` names the event (e.g. "transition:42"); with the recipient's slot and channel it
    is the delivery's idempotency key, so queuing the same event again adds nothing.
    """
    batch = _Batch(office, KINDS[kind], now or timezone.now(), bulk=False)
    queued = []
    for recipient in recipients:
        delivery = _new_delivery(
            batch=batch,
            recipient=recipient,
            values=values,
            key=f"{key}:{recipient.channel}:{recipient.slot}",
        )
        if delivery is None or Delivery.objects.filter(key=delivery.key).exists():
            continue
        try:
            with transaction.atomic():
                delivery.save()
        except IntegrityError:  # queued by a concurrent run of the same event
            continue
        queued.append(delivery)
        if delivery.status == Status.QUEUED:
            _enqueue_on_commit([delivery.pk], delivery.not_before)
    return queued


def messages_queue_bulk(
    *,
    office: Office,
    kind: str,
    items: Iterable[tuple[str, Recipient, Mapping[str, object]]],
    now: datetime.datetime | None = None,
    batch_size: int = 500,
) -> int:
    """Queue many messages of one kind ((event key, recipient, values) each) in bulk."""
    batch = _Batch(office, KINDS[kind], now or timezone.now(), bulk=True)
    rows: list[Delivery] = []
    count = 0

    def flush() -> int:
        keys = [row.key for row in rows]
        existing = set(Delivery.objects.filter(key__in=keys).values_list("key", flat=True))
        fresh = [row for row in rows if row.key not in existing]
        Delivery.objects.bulk_create(fresh, ignore_conflicts=True)
        ids = list(
            Delivery.objects.filter(
                key__in=[r.key for r in fresh], status=Status.QUEUED
            ).values_list("pk", "not_before")
        )
        by_time: dict[datetime.datetime | None, list[int]] = {}
        for pk, not_before in ids:
            by_time.setdefault(not_before, []).append(pk)
        for not_before, pks in by_time.items():
            _enqueue_on_commit(pks, not_before)
        rows.clear()
        return len(fresh)

    for key, recipient, values in items:
        delivery = _new_delivery(
            batch=batch,
            recipient=recipient,
            values=values,
            key=f"{key}:{recipient.channel}:{recipient.slot}",
        )
        if delivery is not None:
            rows.append(delivery)
        if len(rows) >= batch_size:
            count += flush()
    if rows:
        count += flush()
    return count


def _enqueue_on_commit(pks: list[int], not_before: datetime.datetime | None) -> None:
    transaction.on_commit(lambda: deliveries_enqueue(pks=pks, not_before=not_before))


def deliveries_enqueue(*, pks: list[int], not_before: datetime.datetime | None = None) -> None:
    """Hand deliveries to the workers (or, with no broker, send them now if they are due)."""
    from config.celery import app

    from .tasks import deliver

    if app.conf.task_always_eager:
        if not_before is not None and not_before > timezone.now():
            return  # the next sweep (send_timeline_messages) sends it when it is due
        for pk in pks:
            delivery_send(delivery_id=pk)
        return
    for pk in pks:
        deliver.apply_async(args=[pk], eta=not_before)


# --- Sending (the worker's side) -----------------------------------------------------------


def retry_delay(attempt: int, retry_after: float | None = None) -> float:
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS * (2 ** max(attempt - 1, 0))
    delay = min(base, settings.NOTIFICATIONS_RETRY_MAX_SECONDS)
    return max(delay, retry_after or 0.0)


def delivery_send(*, delivery_id: int, now: datetime.datetime | None = None) -> str:
    """Send one delivery if it is due and nobody else has claimed it; record the outcome.

    Returns what happened: "sent", "retry", "failed" or "not_due" (already sent, claimed
    by another worker, opted out, or waiting for quiet hours or back-off to end).
    """
    now = now or timezone.now()
    claimed = (
        Delivery.objects.due(now)
        .filter(pk=delivery_id)
        .update(status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    )
    if not claimed:
        return "not_due"
    delivery = Delivery.objects.get(pk=delivery_id)
    mine = Delivery.objects.filter(pk=delivery_id, status=Status.SENDING)
    channel = CHANNELS[delivery.channel]
    try:
        provider_id = channel.send(delivery)
    except PermanentError as exc:
        mine.update(status=Status.FAILED, reason=exc.reason, failed_at=timezone.now())
        log.warning("delivery %s gave up: %s", delivery_id, exc.reason)
        return "failed"
    except TransientError as exc:
        if delivery.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            reason = _("%(reason)s (menyerah setelah %(n)d percobaan)") % {
                "reason": exc.reason,
                "n": delivery.attempts,
            }
            mine.update(status=Status.FAILED, reason=reason[:300], failed_at=timezone.now())
            log.warning("delivery %s gave up after %s attempts", delivery_id, delivery.attempts)
            return "failed"
        later = timezone.now() + datetime.timedelta(
            seconds=retry_delay(delivery.attempts, exc.retry_after)
        )
        mine.update(status=Status.QUEUED, reason=exc.reason, not_before=later)
        log.info("delivery %s retries at %s: %s", delivery_id, later.isoformat(), exc.reason)
        deliveries_enqueue(pks=[delivery_id], not_before=later)
        return "retry"
    mine.update(status=Status.SENT, provider_id=provider_id, sent_at=timezone.now(), reason="")
    return "sent"


def deliveries_sweep(
    *, now: datetime.datetime | None = None, grace_seconds: int | None = None
) -> int:
    """Queue again what the broker may have lost: deliveries due for longer than the grace
    period but unsent (a worker died holding them, the broker lost them), and claims of
    workers that died mid-send. Safe to run any time: sending claims first, so a message
    that is also still in the broker is sent once.

    The grace defaults to NOTIFICATIONS_STALE_SECONDS with a broker (a long batch is not
    queued twice) and to nothing without one (the sweep is then what sends retries).
    """
    from config.celery import app

    now = now or timezone.now()
    if grace_seconds is None:
        grace_seconds = 0 if app.conf.task_always_eager else settings.NOTIFICATIONS_STALE_SECONDS
    stale = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_STALE_SECONDS)
    abandoned = Delivery.objects.filter(status=Status.SENDING, claimed_at__lt=stale)
    abandoned.update(status=Status.QUEUED, not_before=None, claimed_at=None)
    cut = now - datetime.timedelta(seconds=grace_seconds)
    pks = list(
        Delivery.objects.due(now)
        .filter(
            Q(not_before__isnull=True, created_at__lte=cut)
            | Q(not_before__lte=cut)
            | Q(claimed_at__isnull=True, attempts__gt=0)
        )
        .exclude(claimed_at__gt=cut)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    if pks:
        deliveries_enqueue(pks=pks)
    return len(pks)


# --- Staff actions -------------------------------------------------------------------------


def delivery_resend(*, membership: Membership, delivery_id: int) -> Delivery:
    """Send a failed (or skipped) message again, as a fresh first attempt."""
    require(membership, Right.MANAGE_CONTENT)
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .filter(pk=delivery_id, office=membership.office)
            .first()
        )
        if delivery is None:
            raise NotFoundError(_("Pesan tidak ditemukan."), code="not_found")
        if delivery.status not in (Status.FAILED, Status.SKIPPED):
            raise MessagingError(
                _("Hanya pesan yang gagal atau dilewati yang dapat dikirim ulang."),
                code="not_failed",
            )
        if delivery.channel != Channel.INBOX and channel_off_reason(delivery.channel):
            raise MessagingError(channel_off_reason(delivery.channel), code="channel_off")
        delivery.status = Status.QUEUED
        delivery.attempts = 0
        delivery.reason = ""
        delivery.not_before = None
        delivery.failed_at = None
        delivery.save(update_fields=["status", "attempts", "reason", "not_before", "failed_at"])
        _enqueue_on_commit([delivery.pk], None)
    return delivery


def template_save(
    *, membership: Membership, kind: str, language: str, subject: str, body: str
) -> MessageTemplate:
    require(membership, Right.MANAGE_CONTENT)
    spec = KINDS.get(kind)
    if spec is None or language not in dict(settings.LANGUAGES):
        raise NotFoundError(_("Templat tidak ditemukan."), code="not_found")
    unknown = placeholders_unknown(subject + body, spec)
    if unknown:
        raise MessagingError(
            _("Isian tidak dikenal: %(names)s. Yang tersedia: %(known)s.")
            % {
                "names": ", ".join("{" + n + "}" for n in unknown),
                "known": ", ".join("{" + n + "}" for n in spec.placeholders),
            },
            code="unknown_placeholder",
        )
    template, _created = MessageTemplate.objects.update_or_create(
        office=membership.office,
        kind=kind,
        language=language,
        defaults={"subject": subject.strip(), "body": body.strip(), "updated_by": membership.user},
    )
    return template


def template_reset(*, membership: Membership, kind: str, language: str) -> None:
    require(membership, Right.MANAGE_CONTENT)
    MessageTemplate.objects.filter(office=membership.office, kind=kind, language=language).delete()


def template_test_send(
    *, membership: Membership, kind: str, language: str, channel: str, phone: str = ""
) -> Delivery:
    """Send this kind's current text, with sample values, to the staff member themself."""
    from .samples import sample_values

    require(membership, Right.MANAGE_CONTENT)
    spec = KINDS.get(kind)
    if spec is None:
        raise NotFoundError(_("Templat tidak ditemukan."), code="not_found")
    user = membership.user
    if channel == Channel.WHATSAPP:
        off = channel_off_reason(channel)
        if off:
            raise MessagingError(off, code="channel_off")
        if not phone:
            raise MessagingError(_("Isi nomor WhatsApp untuk uji kirim."), code="phone_required")
        recipient = Recipient(Channel.WHATSAPP, phone, None, language)
    elif channel == Channel.EMAIL:
        recipient = Recipient(Channel.EMAIL, user.email, user, language)
    else:
        recipient = Recipient(Channel.INBOX, "", user, language)
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    queued = message_queue(
        office=membership.office,
        kind=kind,
        recipients=[recipient],
        values=sample_values(spec, office=membership.office),
        key=f"test:{kind}:{language}:{user.pk}:{stamp}",
    )
    if not queued:
        raise MessagingError(_("Uji kirim tidak dapat dibuat."), code="not_queued")
    return queued[0]


def office_messaging_save(
    *, membership: Membership, quiet_start: datetime.time, quiet_end: datetime.time
) -> OfficeMessaging:
    require(membership, Right.MANAGE_CONTENT)
    rules, _created = OfficeMessaging.objects.update_or_create(
        office=membership.office, defaults={"quiet_start": quiet_start, "quiet_end": quiet_end}
    )
    return rules


# --- People's actions ----------------------------------------------------------------------


@dataclass(frozen=True)
class OptOutTarget:
    office_id: int
    channel: str
    digest: str


def optout_read(*, token: str) -> OptOutTarget:
    try:
        office_id, channel, digest = signing.loads(token, salt=OPTOUT_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise NotFoundError(
            _("Tautan berhenti berlangganan tidak valid."), code="bad_token"
        ) from exc
    if channel not in Channel.values:
        raise NotFoundError(_("Tautan berhenti berlangganan tidak valid."), code="bad_token")
    return OptOutTarget(int(office_id), str(channel), str(digest))


def optout_record(*, token: str) -> OptOutTarget:
    """Stop every further message on that channel to that address (idempotent)."""
    target = optout_read(token=token)
    digest = target.digest
    with transaction.atomic():
        OptOut.objects.get_or_create(
            office_id=target.office_id, channel=target.channel, address_hash=digest
        )
        pending = [
            pk
            for pk, recipient in Delivery.objects.filter(
                office_id=target.office_id, channel=target.channel, status=Status.QUEUED
            ).values_list("pk", "recipient")
            if address_hash(target.channel, recipient) == digest
        ]
        Delivery.objects.filter(pk__in=pending, status=Status.QUEUED).update(
            status=Status.SKIPPED, reason="opted_out"
        )
    return target


def optout_undo(*, token: str) -> OptOutTarget:
    target = optout_read(token=token)
    OptOut.objects.filter(
        office_id=target.office_id, channel=target.channel, address_hash=target.digest
    ).delete()
    return target


@transaction.atomic
def voting_day_signup(
    *, programme: Programme, channel: str, address: str, language: str
) -> VotingDaySignup:
    """Ask for the voting-day reminder (idempotent per address; re-asking lifts an opt-out)."""
    if channel not in (Channel.EMAIL, Channel.WHATSAPP):
        raise MessagingError(_("Pilih email atau WhatsApp."), code="channel")
    address = address.strip().lower() if channel == Channel.EMAIL else address.strip()
    signup, created = VotingDaySignup.objects.get_or_create(
        programme=programme,
        channel=channel,
        address=address,
        defaults={"office_id": programme.office_id, "language": language},
    )
    if created:  # recorded by mitra.privacy (purpose, text version, channel, time)
        consent_given.send(
            sender=VotingDaySignup,
            office_id=programme.office_id,
            purpose="voting_day",
            channel=CHANNEL_FORM,
            subject=signup,
        )
    if not created and signup.language != language:
        signup.language = language
        signup.save(update_fields=["language"])
    OptOut.objects.filter(
        office_id=programme.office_id,
        channel=channel,
        address_hash=address_hash(channel, address),
    ).delete()
    return signup


def inbox_mark_read(*, user: User, delivery_ids: Iterable[int]) -> int:
    return Delivery.objects.filter(
        user=user, channel=Channel.INBOX, pk__in=list(delivery_ids), read_at__isnull=True
    ).update(read_at=timezone.now())


# --- Provider status updates ---------------------------------------------------------------

_PROVIDER_STATUS = {"sent": Status.SENT, "delivered": Status.DELIVERED, "read": Status.DELIVERED}


def whatsapp_statuses_apply(*, payload: Mapping[str, object]) -> int:
    """Apply the delivery statuses of a (signature-checked) WhatsApp webhook call."""
    changed = 0
    for entry in payload.get("entry") or []:  # type: ignore[attr-defined]
        for change in entry.get("changes") or []:
            for item in (change.get("value") or {}).get("statuses") or []:
                changed += _status_apply(item)
    return changed


def _status_apply(item: Mapping[str, object]) -> int:
    provider_id = str(item.get("id") or "")
    status = str(item.get("status") or "")
    if not provider_id:
        return 0
    try:
        at = datetime.datetime.fromtimestamp(int(str(item.get("timestamp"))), tz=datetime.UTC)
    except (TypeError, ValueError):
        at = timezone.now()
    rows = Delivery.objects.filter(provider_id=provider_id, channel=Channel.WHATSAPP)
    if status == "failed":
        errors = item.get("errors") or [{}]
        first = errors[0] if isinstance(errors, list) and errors else {}
        reason = f"WhatsApp {first.get('code', '')}: {first.get('title', '')}".strip()
        return rows.exclude(status=Status.FAILED).update(
            status=Status.FAILED, reason=reason[:300], failed_at=at
        )
    target = _PROVIDER_STATUS.get(status)
    if target == Status.DELIVERED:
        return rows.filter(status__in=[Status.SENDING, Status.SENT]).update(
            status=Status.DELIVERED, delivered_at=at
        )
    if target == Status.SENT:
        return rows.filter(status=Status.SENDING).update(status=Status.SENT, sent_at=at)
    return 0
