"""Writes of attendance: self check-in, registration with a waiting list, ticket scans, tallies.

Concurrency, the way pretix does it:
- a scan locks the ticket's registration row (`select_for_update`), so two scanners at two
  doors cannot both admit one ticket; a conditional unique constraint backs it up;
- every scan and tally carries a client nonce, unique per activity in both `CheckIn` and
  `RefusedScan`; a retry (or a parallel duplicate) of the same nonce returns the original
  result instead of recording a second one (get-or-create under IntegrityError handling);
- registration locks the activity row, so capacity is never exceeded and the waiting list
  moves up in order when someone cancels;
- counts are COUNTs over rows, never counters that a race could lose or double.

Past ~600 lines on purpose: the concurrency rules above (row locks, nonces, windows) hold
for every write here and are easier to check in one place.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, has_right, require
from mitra.activities.models import APPROVED_OR_LATER, Activity
from mitra.activities.selectors import activities_visible
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.links import absolute_url
from mitra.core.personal_data import CHANNEL_FORM, consent_given
from mitra.core.ratelimit import rate_limit_hit
from mitra.partners.phones import whatsapp_normalize
from mitra.regions.models import Region

from .models import (
    PENDING_HOURS,
    CheckIn,
    CheckinPoint,
    Gender,
    How,
    RefusalReason,
    RefusedScan,
    Registration,
    RegistrationStatus,
)

# Activities that may take attendance (approved and later; never drafts or cancelled ones).
CHECKIN_STATUSES = APPROVED_OR_LATER
# A scan time this far ahead of the server's clock is taken as the server's time.
CLOCK_SKEW = datetime.timedelta(minutes=5)
# Self check-in and registration posts per IP address, activity and minute.
RATE_LIMIT_PER_MINUTE = 30
# Registrations one client address may make for one activity in a day (a school or office
# behind one address registers a group; a script cannot take every seat).
REGISTRATIONS_PER_ADDRESS_PER_DAY = 10

# Headcount mode: one button per segment; each tap records one CheckIn(how=tally).
TALLY_SEGMENTS: dict[str, dict[str, Any]] = {
    "women": {"gender": Gender.FEMALE},
    "men": {"gender": Gender.MALE},
    "first_time": {"first_time_voter": True},
    "disability": {"disability": True},
    "general": {},
}


class CheckinError(DomainError):
    """A check-in rule refused the action."""


class RateLimitedError(DomainError):
    status_code = 429


class ConfirmLinkError(DomainError):
    """A confirmation link that is forged, expired or no longer usable."""

    status_code = 410


# --- Points (poster token, window, registration settings) -----------------------------------


def checkin_point_ensure(*, activity: Activity) -> CheckinPoint:
    """The activity's check-in point, created (with a fresh random token) if it has none: by
    the approval (`signals`) or by a write that needs it; pages only read (`selectors.point_of`)."""
    point = CheckinPoint.objects.filter(activity_id=activity.pk).first()
    if point is not None:
        return point
    try:
        with transaction.atomic():
            point = CheckinPoint.objects.create(activity=activity, office_id=activity.office_id)
    except IntegrityError:
        point = CheckinPoint.objects.get(activity_id=activity.pk)
    return point


def _managed_activity(*, membership: Membership | None, activity_id: int) -> Activity:
    """An activity the member may manage attendance of (404 for other offices/partners)."""
    activity = (
        activities_visible(membership=membership)
        .select_related("office", "programme", "partner")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise NotFoundError(_("Kegiatan tidak ditemukan."), code="not_found")
    return activity


@transaction.atomic
def checkin_point_update(
    *,
    membership: Membership,
    activity_id: int,
    self_checkin: bool,
    opens_before_minutes: int,
    closes_after_minutes: int,
    requires_registration: bool,
    capacity: int | None,
    confirm_by_message: bool = False,
) -> CheckinPoint:
    require(membership, Right.SCAN_TICKETS)
    activity = _managed_activity(membership=membership, activity_id=activity_id)
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    point = checkin_point_ensure(activity=activity)
    point.self_checkin = self_checkin
    point.opens_before_minutes = opens_before_minutes
    point.closes_after_minutes = closes_after_minutes
    point.requires_registration = requires_registration
    point.capacity = capacity
    point.confirm_by_message = confirm_by_message
    point.save(
        update_fields=[
            "self_checkin",
            "opens_before_minutes",
            "closes_after_minutes",
            "requires_registration",
            "capacity",
            "confirm_by_message",
        ]
    )
    point.activity = activity
    _promote_waiting(point)
    return point


# --- Rate limit -----------------------------------------------------------------------------


def rate_limit(*, key: str, limit: int = RATE_LIMIT_PER_MINUTE, period: int = 60) -> None:
    """Refuse past `limit` hits per `period` seconds for `key` (the project's sliding window)."""
    if not rate_limit_hit(key=f"checkin:{key}", limit=limit, period=period):
        raise RateLimitedError(
            _(
                "Terlalu banyak percobaan dari jaringan Anda. Silakan tunggu satu menit lalu coba lagi."  # noqa: E501
            ),
            code="rate_limited",
        )


# --- Self check-in --------------------------------------------------------------------------


def device_hash(device_id: str) -> str:
    """A keyed hash of the device's cookie: the raw id is never stored."""
    if not device_id:
        return ""
    return salted_hmac("mitra.checkin.device", device_id, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class SelfAnswers:
    age_band: str
    gender: str
    kelurahan: Region | None
    outside_city: bool
    first_time_voter: bool | None
    disability: bool | None
    pledge: bool
    name: str = ""
    consent: bool = False
    sensitive_consent: bool = False


def consent_check(
    *, name: str = "", email: str = "", phone: str = "", consent: bool, asks_contact: bool
) -> None:
    """A name or contact is kept only with the person's consent. The forms that ask for them
    call this in their `clean` (so the page and the API answer alike); `registration_create`
    checks again."""
    if (name or email or phone) and not consent:
        if asks_contact:
            message = _("Centang persetujuan bila Anda mengisi nama atau kontak.")
        else:
            message = _("Centang persetujuan bila Anda mengisi nama.")
        raise CheckinError(message, code="consent")


def device_checked_in(*, activity_id: int, device_id: str) -> bool:
    """Whether this device has already checked itself in to the activity (one per device)."""
    dev = device_hash(device_id)
    return bool(dev) and _device_checkins(activity_id, dev).exists()


def _device_checkins(activity_id: int, dev: str) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(how=How.SELF, device_hash=dev, activity_id=activity_id)


def _require_open(point: CheckinPoint, at: datetime.datetime) -> None:
    if point.activity.status not in CHECKIN_STATUSES:
        raise CheckinError(_("Daftar hadir kegiatan ini tidak dibuka."), code="closed")
    if not point.is_open(at):
        opens, _closes = point.window()
        if at < opens:
            raise CheckinError(
                _("Daftar hadir belum dibuka. Dibuka mulai %(time)s.")
                % {"time": timezone.localtime(opens).strftime("%d-%m-%Y %H:%M")},
                code="outside_window",
            )
        raise CheckinError(_("Daftar hadir sudah ditutup."), code="outside_window")


def self_checkin(
    *,
    point: CheckinPoint,
    answers: SelfAnswers,
    device_id: str,
    nonce: str,
    now: datetime.datetime | None = None,
    channel: str = CHANNEL_FORM,
) -> tuple[CheckIn, bool]:
    """Record a self check-in; one per device per activity. Returns (check-in, created).

    A name is kept only with its consent, age band and disability only with their own
    (specific) consent; each consent is announced for `mitra.privacy` to record."""
    now = now or timezone.now()
    if not point.self_checkin:
        raise CheckinError(_("Daftar hadir mandiri tidak dibuka."), code="closed")
    _require_open(point, now)
    dev = device_hash(device_id)
    previous = CheckIn.objects.filter(
        Q(how=How.SELF, device_hash=dev) if dev else Q(nonce=nonce),
        activity_id=point.activity_id,
    ).first()
    if previous is not None:
        return previous, False
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                office_id=point.office_id,
                activity_id=point.activity_id,
                how=How.SELF,
                age_band=answers.age_band if answers.sensitive_consent else "",
                gender=answers.gender,
                kelurahan=None if answers.outside_city else answers.kelurahan,
                outside_city=answers.outside_city,
                first_time_voter=answers.first_time_voter,
                disability=answers.disability if answers.sensitive_consent else None,
                pledge=answers.pledge,
                name=answers.name.strip()[:120] if answers.consent else "",
                scanned_at=now,
                received_at=now,
                nonce=nonce[:64],
                device_hash=dev,
            )
            for purpose, given in (
                ("checkin_name", answers.consent and bool(checkin.name)),
                ("checkin_sensitive", answers.sensitive_consent),
            ):
                if given:
                    consent_given.send(
                        sender=CheckIn,
                        office_id=point.office_id,
                        purpose=purpose,
                        channel=channel,
                        subject=checkin,
                    )
    except IntegrityError:
        previous = CheckIn.objects.filter(
            Q(how=How.SELF, device_hash=dev) | Q(nonce=nonce), activity_id=point.activity_id
        ).first()
        if previous is None:  # pragma: no cover - the constraint names one of the two
            raise
        return previous, False
    return checkin, True


# --- Registration and waiting list ----------------------------------------------------------


def ticket_url(registration: Registration, *, root: str = "") -> str:
    """The ticket's link; `root`: the view's `site_root(request)` (else SITE_URL)."""
    return absolute_url(reverse("checkin:ticket", args=[registration.secret]), root=root)


def confirmed_count(activity_id: int) -> int:
    """Confirmed registrations (the waiting list not included), as capacity counts them."""
    return Registration.objects.filter(
        activity_id=activity_id, status=RegistrationStatus.CONFIRMED
    ).count()


def registration_create(
    *,
    point: CheckinPoint,
    name: str = "",
    email: str = "",
    phone: str = "",
    consent: bool = False,
    now: datetime.datetime | None = None,
    channel: str = CHANNEL_FORM,
) -> Registration:
    """Register for an activity: confirmed while there is room, else on the waiting list.

    When the activity asks for a confirmation by message, the registration is `pending`:
    it holds no seat until its link is opened (`registration_confirm`)."""
    now = now or timezone.now()
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=point.activity_id)
        _check_open(point, activity, now)
        consent_check(name=name, email=email, phone=phone, consent=consent, asks_contact=True)
        if point.confirm_by_message:
            _check_reachable(email=email, phone=phone)
        _check_contact_not_registered(activity_id=activity.pk, email=email, phone=phone, now=now)
        status: str
        position: int | None
        if point.confirm_by_message:
            status, position = RegistrationStatus.PENDING, None
        else:
            status, position = _seat_or_queue(point)
        registration = Registration.objects.create(
            office_id=activity.office_id,
            activity=activity,
            name=name.strip()[:120],
            email=email.strip().lower(),
            phone=phone.strip()[:32],
            consent=consent,
            status=status,
            position=position,
            created_at=now,
        )
        if consent:  # recorded by mitra.privacy (purpose, text version, channel, time)
            consent_given.send(
                sender=Registration,
                office_id=activity.office_id,
                purpose="registration",
                channel=channel,
                subject=registration,
            )
    # The ticket message, the confirmation link (and the later reminders) are sent by
    # mitra.notifications, which hears the new registration.
    return registration


def _check_open(point: CheckinPoint, activity: Activity, now: datetime.datetime) -> None:
    if not point.requires_registration or activity.status not in CHECKIN_STATUSES:
        raise CheckinError(_("Kegiatan ini tidak membuka pendaftaran."), code="closed")
    if now > point.window()[1]:
        raise CheckinError(_("Pendaftaran sudah ditutup."), code="closed")


def _check_reachable(*, email: str, phone: str) -> None:
    """A confirmation link needs an email address or a WhatsApp number to go to."""
    if email.strip():
        return
    try:
        if phone.strip() and whatsapp_normalize(phone):
            return
    except ValidationError:
        pass
    raise CheckinError(
        _(
            "Isi email atau nomor WhatsApp yang benar: pendaftaran kegiatan ini baru berlaku "
            "setelah Anda membuka tautan konfirmasi yang kami kirim."
        ),
        code="contact_needed",
    )


def _seat_or_queue(point: CheckinPoint) -> tuple[str, int | None]:
    """A seat while there is room, else the next place on the waiting list (the caller
    holds the activity's lock, so two people cannot take the last seat)."""
    if point.capacity is None or confirmed_count(point.activity_id) < point.capacity:
        return RegistrationStatus.CONFIRMED, None
    last = Registration.objects.filter(
        activity_id=point.activity_id, status=RegistrationStatus.WAITING
    ).aggregate(m=Max("position"))["m"]
    return RegistrationStatus.WAITING, (last or 0) + 1


_CONFIRM_SALT = "mitra.checkin.registration-confirm"


def registration_confirm_token(registration: Registration) -> str:
    """The signed, timestamped token of a pending registration's confirmation link."""
    return signing.dumps({"r": registration.pk, "s": registration.secret[:8]}, salt=_CONFIRM_SALT)


def registration_confirm_url(registration: Registration) -> str:
    # Sent from the background (no request): SITE_URL, through the one link helper.
    return absolute_url(reverse("checkin:confirm", args=[registration_confirm_token(registration)]))


def _pending_cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(hours=PENDING_HOURS)


def registration_by_confirm_token(*, token: str) -> Registration:
    """The registration a link names; refused (4xx) when forged or older than the limit."""
    try:
        payload = signing.loads(token, salt=_CONFIRM_SALT, max_age=PENDING_HOURS * 3600)
    except signing.SignatureExpired as exc:
        raise ConfirmLinkError(
            _(
                "Tautan konfirmasi ini sudah kedaluwarsa (berlaku %(hours)s jam) dan tempat "
                "tidak dipegang. Silakan daftar lagi."
            )
            % {"hours": PENDING_HOURS},
            code="expired",
        ) from exc
    except signing.BadSignature as exc:
        raise NotFoundError(_("Tautan konfirmasi tidak dikenal."), code="not_found") from exc
    registration = (
        Registration.objects.select_related("activity").filter(pk=payload.get("r")).first()
    )
    if registration is None or not registration.secret.startswith(str(payload.get("s"))):
        raise NotFoundError(_("Tautan konfirmasi tidak dikenal."), code="not_found")
    return registration


def registration_confirm_check(*, registration: Registration, now: datetime.datetime) -> None:
    """Refuse (4xx) a link whose registration was cancelled or was left unconfirmed too long."""
    if registration.status == RegistrationStatus.CANCELLED:
        raise ConfirmLinkError(_("Pendaftaran ini sudah dibatalkan."), code="cancelled")
    if registration.status == RegistrationStatus.EXPIRED or (
        registration.status == RegistrationStatus.PENDING
        and registration.created_at < _pending_cutoff(now)
    ):
        raise ConfirmLinkError(
            _(
                "Pendaftaran ini tidak dikonfirmasi dalam %(hours)s jam dan sudah kedaluwarsa; "
                "tempat tidak dipegang. Silakan daftar lagi."
            )
            % {"hours": PENDING_HOURS},
            code="expired",
        )


def registration_confirm(*, token: str, now: datetime.datetime | None = None) -> Registration:
    """Confirm a pending registration from its link and take a seat, or the next place on
    the waiting list when the activity filled up meanwhile. Opening the link again (a
    double click, a mail scanner) changes nothing and returns the same registration."""
    now = now or timezone.now()
    found = registration_by_confirm_token(token=token)
    with transaction.atomic():
        # The same lock order as registering and cancelling: the activity, then the row.
        activity = Activity.objects.select_for_update().get(pk=found.activity_id)
        registration = Registration.objects.select_for_update().get(pk=found.pk)
        if registration.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING):
            return registration
        registration_confirm_check(registration=registration, now=now)
        point = CheckinPoint.objects.get(activity_id=activity.pk)
        point.activity = activity
        _check_open(point, activity, now)
        registration.status, registration.position = _seat_or_queue(point)
        registration.confirmed_at = now
        registration.save(update_fields=["status", "position", "confirmed_at"])
    # mitra.notifications hears `confirmed_at` and sends the ticket (or the waiting place).
    return registration


def registrations_pending_expire(*, now: datetime.datetime | None = None) -> int:
    """Pending registrations older than the limit become `expired`, their name and contacts
    blanked at once (they never held a seat). Run by `purge_personal_data`."""
    now = now or timezone.now()
    return Registration.objects.filter(
        status=RegistrationStatus.PENDING, created_at__lt=_pending_cutoff(now)
    ).update(status=RegistrationStatus.EXPIRED, name="", email="", phone="", anonymised_at=now)


def _check_contact_not_registered(
    *, activity_id: int, email: str, phone: str, now: datetime.datetime
) -> None:
    """One live registration per email address and per phone number for an activity, so
    nobody holds several seats under one contact (per-address limits are in the views).
    A pending one counts until it expires, so one contact gets one confirmation link."""
    live = (
        Registration.objects.filter(activity_id=activity_id)
        .exclude(status__in=[RegistrationStatus.CANCELLED, RegistrationStatus.EXPIRED])
        .exclude(status=RegistrationStatus.PENDING, created_at__lt=_pending_cutoff(now))
    )
    email, phone = email.strip().lower(), phone.strip()
    if email and live.filter(email=email).exists():
        raise CheckinError(
            _("Email ini sudah terdaftar untuk kegiatan ini. Buka tiket dari email sebelumnya."),
            code="contact_registered",
        )
    if phone and live.filter(phone=phone[:32]).exists():
        raise CheckinError(
            _("Nomor telepon ini sudah terdaftar untuk kegiatan ini."), code="contact_registered"
        )


def _promote_waiting(point: CheckinPoint) -> list[Registration]:
    """Move the waiting list up while there is room (the caller holds the activity's lock)."""
    promoted: list[Registration] = []
    room = None if point.capacity is None else point.capacity - confirmed_count(point.activity_id)
    waiting = Registration.objects.filter(
        activity_id=point.activity_id, status=RegistrationStatus.WAITING
    ).order_by("position", "pk")
    if room is not None:
        waiting = waiting[: max(room, 0)]
    now = timezone.now()
    for registration in waiting.select_related("activity"):
        registration.status = RegistrationStatus.CONFIRMED
        registration.position = None
        registration.promoted_at = now
        registration.save(update_fields=["status", "position", "promoted_at"])
        promoted.append(registration)
    return promoted


def registration_cancel(*, secret: str) -> Registration:
    """Cancel by the ticket's secret; the first on the waiting list takes the place."""
    with transaction.atomic():
        registration = Registration.objects.filter(secret=secret).first()
        if registration is None:
            raise NotFoundError(_("Tiket tidak ditemukan."), code="not_found")
        Activity.objects.select_for_update().filter(pk=registration.activity_id).first()
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.EXPIRED):
            return registration
        if CheckIn.objects.filter(registration=registration).exists():
            raise CheckinError(_("Tiket sudah dipakai untuk masuk."), code="already_used")
        registration.status = RegistrationStatus.CANCELLED
        registration.position = None
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "position", "cancelled_at"])
        point = CheckinPoint.objects.select_related("activity").get(
            activity_id=registration.activity_id
        )
        _promote_waiting(point)
    return registration


# --- Ticket scans and tallies ---------------------------------------------------------------


@dataclass(frozen=True)
class ScanResult:
    accepted: bool
    reason: str  # "" when accepted
    replay: bool
    scanned_at: datetime.datetime
    received_at: datetime.datetime
    checkin_id: int | None = None
    name: str = ""

    @property
    def result(self) -> str:
        return "accepted" if self.accepted else "refused"


def _from_checkin(checkin: CheckIn, *, replay: bool, name: str = "") -> ScanResult:
    return ScanResult(
        accepted=True,
        reason="",
        replay=replay,
        scanned_at=checkin.scanned_at,
        received_at=checkin.received_at,
        checkin_id=checkin.pk,
        name=name,
    )


def _from_refusal(refused: RefusedScan, *, replay: bool) -> ScanResult:
    return ScanResult(
        accepted=False,
        reason=refused.reason,
        replay=replay,
        scanned_at=refused.scanned_at,
        received_at=refused.received_at,
    )


def _prior(activity_id: int, nonce: str) -> ScanResult | None:
    """The recorded result of this nonce, if any (a retry gets the original answer)."""
    checkin = CheckIn.objects.filter(activity_id=activity_id, nonce=nonce).first()
    if checkin is not None:
        return _from_checkin(checkin, replay=True)
    refused = RefusedScan.objects.filter(activity_id=activity_id, nonce=nonce).first()
    if refused is not None:
        return _from_refusal(refused, replay=True)
    return None


def _answers(
    activity_id: int, nonce: str, registration: Registration | None
) -> tuple[ScanResult | None, bool]:
    """In one query: the recorded answer to this nonce (check-in or refusal), if any, and
    whether the ticket already has a check-in. The answer row itself is read only on a
    replay (rare), so the common case stays one round trip."""
    # Table names from the models' metadata; every value is a bound parameter.
    checkins = connection.ops.quote_name(CheckIn._meta.db_table)
    refused = connection.ops.quote_name(RefusedScan._meta.db_table)
    sql = (
        f"SELECT 'c', id FROM {checkins} WHERE activity_id = %s AND nonce = %s "  # noqa: S608
        f"UNION ALL SELECT 'r', id FROM {refused} WHERE activity_id = %s AND nonce = %s"
    )
    params: list[Any] = [activity_id, nonce, activity_id, nonce]
    if registration is not None:
        sql += f" UNION ALL SELECT 'u', id FROM {checkins} WHERE registration_id = %s"  # noqa: S608
        params.append(registration.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    kinds = dict(rows)
    if "c" in kinds:
        return _from_checkin(CheckIn.objects.get(pk=kinds["c"]), replay=True), True
    if "r" in kinds:
        return _from_refusal(RefusedScan.objects.get(pk=kinds["r"]), replay=True), "u" in kinds
    return None, "u" in kinds


def _lock_ticket(secret: str, office_id: int) -> Registration | None:
    """The ticket's registration, locked until the transaction ends (`SELECT … FOR UPDATE`).

    Bare SQL on the hottest query of a scan: the ORM spent longer building this statement
    than PostgreSQL spent running it. The table name comes from the model's metadata and
    every value is a bound parameter; databases without row locks (SQLite) lock the whole
    database for the write transaction instead.
    """
    table = connection.ops.quote_name(Registration._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    rows = Registration.objects.raw(
        f"SELECT * FROM {table} WHERE secret = %s AND office_id = %s LIMIT 1{lock}",  # noqa: S608
        [secret, office_id],
    )
    return next(iter(rows), None)


SCAN_ACTIVITY_FIELDS = (
    "id",
    "office_id",
    "programme_id",
    "partner_id",
    "status",
    "starts_at",
    "ends_at",
    "checkin_point",
)


def scan_activity(*, membership: Membership | None, activity_id: int) -> Activity:
    """The activity a scanner may record at: SCAN_TICKETS and reachable (else 404)."""
    require(membership, Right.SCAN_TICKETS)
    # Only what a scan or tally reads (the window needs the times; the rest loads on access):
    # building and loading the activity's fifteen other columns cost ≈ 0.3 ms per scan.
    rows = (
        activities_visible(membership=membership)
        .select_related("checkin_point")
        .only(*SCAN_ACTIVITY_FIELDS)
        .filter(pk=activity_id)
        .order_by()[:1]
    )
    activity = next(iter(rows), None)
    if activity is None:
        raise NotFoundError(_("Kegiatan tidak ditemukan."), code="not_found")
    if activity.status not in CHECKIN_STATUSES:
        raise CheckinError(_("Daftar hadir kegiatan ini tidak dibuka."), code="closed")
    return activity


def _point_of(activity: Activity) -> CheckinPoint:
    try:
        point = activity.checkin_point
    except CheckinPoint.DoesNotExist:  # a scan is a write; the approval normally made it
        point = checkin_point_ensure(activity=activity)
    point.activity = activity
    return point


def _client_time(scanned_at: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    if scanned_at is None:
        return now
    if timezone.is_naive(scanned_at):
        scanned_at = timezone.make_aware(scanned_at)
    return now if scanned_at > now + CLOCK_SKEW else scanned_at


def _refuse(
    activity: Activity,
    *,
    nonce: str,
    reason: str,
    scanned_at: datetime.datetime,
    now: datetime.datetime,
    membership: Membership,
    device: str,
    secret: str = "",
    registration: Registration | None = None,
) -> ScanResult:
    refused = RefusedScan.objects.create(
        office_id=activity.office_id,
        activity=activity,
        nonce=nonce,
        reason=reason,
        registration=registration,
        secret_prefix=secret[:8],
        scanned_at=scanned_at,
        received_at=now,
        device_hash=device_hash(device),
        recorded_by_id=membership.user_id,
    )
    return _from_refusal(refused, replay=False)


def ticket_scan(
    *,
    membership: Membership | None,
    activity_id: int,
    secret: str,
    nonce: str,
    scanned_at: datetime.datetime | None = None,
    device: str = "",
) -> ScanResult:
    """Admit a ticket at the door once; every nonce gets exactly one recorded answer.

    The window is checked against the scan time (offline scans are uploaded later); a scan
    time in the future is taken as the server's time.
    """
    activity = scan_activity(membership=membership, activity_id=activity_id)
    assert membership is not None
    nonce = nonce.strip()[:64]
    if not nonce:
        raise CheckinError(_("Nonce wajib diisi."), code="nonce_required")
    now = timezone.now()
    at = _client_time(scanned_at, now)
    secret = secret.strip()
    common: dict[str, Any] = {
        "nonce": nonce,
        "scanned_at": at,
        "now": now,
        "membership": membership,
        "device": device,
        "secret": secret,
    }
    try:
        with transaction.atomic():
            registration = _lock_ticket(secret, activity.office_id) if secret else None
            # Look for an earlier answer under the ticket's lock (a new statement, so a new
            # snapshot: a parallel duplicate of this nonce that just committed is seen), and
            # whether the ticket was used, in one query. Unknown tickets have no row to lock:
            # there the unique constraints settle it (IntegrityError below).
            prior, used = _answers(activity.pk, nonce, registration)
            if prior is not None:
                return prior
            if registration is None:
                return _refuse(activity, reason=RefusalReason.UNKNOWN_TICKET, **common)
            common["registration"] = registration
            if registration.activity_id != activity.pk:
                return _refuse(activity, reason=RefusalReason.OTHER_ACTIVITY, **common)
            if registration.status != RegistrationStatus.CONFIRMED:
                return _refuse(activity, reason=RefusalReason.NOT_CONFIRMED, **common)
            if not _point_of(activity).is_open(at):
                return _refuse(activity, reason=RefusalReason.OUTSIDE_WINDOW, **common)
            if used:
                return _refuse(activity, reason=RefusalReason.ALREADY_USED, **common)
            checkin = CheckIn.objects.create(
                office_id=activity.office_id,
                activity=activity,
                how=How.TICKET,
                registration=registration,
                scanned_at=at,
                received_at=now,
                nonce=nonce,
                device_hash=device_hash(device),
                recorded_by_id=membership.user_id,
            )
            name = registration.name if has_right(membership, Right.VIEW_PERSONAL_DATA) else ""
            return _from_checkin(checkin, replay=False, name=name)
    except IntegrityError:
        prior = _prior(activity.pk, nonce)
        if prior is not None:
            return prior
        # The ticket was admitted by another nonce at the same moment.
        try:
            with transaction.atomic():
                registration = Registration.objects.filter(secret=secret).first()
                return _refuse(
                    activity,
                    reason=RefusalReason.ALREADY_USED,
                    **{**common, "registration": registration},
                )
        except IntegrityError:
            prior = _prior(activity.pk, nonce)
            assert prior is not None
            return prior


def tally_record(
    *,
    membership: Membership | None,
    activity_id: int,
    segment: str,
    nonce: str,
    scanned_at: datetime.datetime | None = None,
    device: str = "",
) -> ScanResult:
    """Count one walk-in by segment (headcount mode); idempotent by nonce."""
    activity = scan_activity(membership=membership, activity_id=activity_id)
    assert membership is not None
    if segment not in TALLY_SEGMENTS:
        raise CheckinError(_("Segmen hitung tidak dikenal."), code="segment")
    nonce = nonce.strip()[:64]
    if not nonce:
        raise CheckinError(_("Nonce wajib diisi."), code="nonce_required")
    prior = _prior(activity.pk, nonce)
    if prior is not None:
        return prior
    now = timezone.now()
    at = _client_time(scanned_at, now)
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                office_id=activity.office_id,
                activity=activity,
                how=How.TALLY,
                scanned_at=at,
                received_at=now,
                nonce=nonce,
                device_hash=device_hash(device),
                recorded_by_id=membership.user_id,
                **TALLY_SEGMENTS[segment],
            )
    except IntegrityError:
        prior = _prior(activity.pk, nonce)
        assert prior is not None
        return prior
    return _from_checkin(checkin, replay=False)


# --- Retention ------------------------------------------------------------------------------


def _ended_before(office_id: int, before: datetime.datetime) -> Any:
    return Activity.objects.filter(office_id=office_id, ends_at__lt=before).values("pk")


def attendee_contacts_purge(*, office_id: int, before: datetime.datetime) -> int:
    """Blank names and contacts of activities that ended before `before` (the rows, and so
    every count, stay). Called by the scheduled purge of `mitra.privacy`."""
    ended = _ended_before(office_id, before)
    now = timezone.now()
    with transaction.atomic():
        count = Registration.objects.filter(
            activity_id__in=ended, anonymised_at__isnull=True
        ).update(name="", email="", phone="", anonymised_at=now)
        count += CheckIn.objects.filter(activity_id__in=ended).exclude(name="").update(name="")
    return count


def device_hashes_purge(*, office_id: int, before: datetime.datetime) -> int:
    """Blank the device hashes of check-ins: what is left is an anonymous answer."""
    ended = _ended_before(office_id, before)
    return (
        CheckIn.objects.filter(activity_id__in=ended).exclude(device_hash="").update(device_hash="")
    )


def refused_scans_purge(*, office_id: int, before: datetime.datetime) -> int:
    ended = _ended_before(office_id, before)
    return (
        RefusedScan.objects.filter(activity_id__in=ended)
        .exclude(device_hash="", secret_prefix="", registration__isnull=True)
        .update(device_hash="", secret_prefix="", registration=None)
    )
