"""Writes to users, roles, tokens and second factors."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from mitra.core.errors import DomainError
from mitra.core.links import absolute_url
from mitra.offices.models import Office, OfficeScoped

from . import tokens
from .models import ApiToken, Membership, Role, User


class AccountError(DomainError):
    pass


def token_hash(key: str) -> str:
    """What is stored of a secret token (API keys, invitation links): its SHA-256."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def user_create(
    *, email: str, password: str | None, full_name: str = "", is_staff: bool = False
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise AccountError(
            _("Email %(email)s sudah terdaftar.") % {"email": email}, code="email_taken"
        )
    return User.objects.create_user(
        email=email, password=password, full_name=full_name, is_staff=is_staff
    )


@transaction.atomic
def membership_grant(
    *, user: User, office: Office, role: Role | str, partner: OfficeScoped | None = None
) -> Membership:
    """Give a user a role in an office; a coordinator must name their partner (a
    `partners.Partner`, passed in: accounts sits below partners and does not import it)."""
    if role == Role.COORDINATOR and partner is None:
        raise AccountError(
            _("Koordinator harus terhubung ke satu organisasi mitra."), code="partner_required"
        )
    if role != Role.COORDINATOR and partner is not None:
        raise AccountError(
            _("Hanya koordinator yang terhubung ke organisasi mitra."), code="partner_not_allowed"
        )
    if partner is not None and partner.office_id != office.pk:
        raise AccountError(_("Mitra tidak ditemukan di kantor ini."), code="unknown_partner")
    membership, _created = Membership.objects.update_or_create(
        user=user,
        office=office,
        defaults={"role": role, "partner_id": partner.pk if partner else None},
    )
    return membership


@transaction.atomic
def office_admin_invite(*, office: Office, email: str, root: str = "") -> tuple[Membership, bool]:
    """The first admin of a new office: an account without a password (a new email) with
    the admin role there, and a link to set the password, mailed after the commit (the
    password-reset machinery: signed, expiring, void once used). Returns the membership
    and whether a mail goes out; an existing admin of the office gets nothing new."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise AccountError(_("Alamat email tidak valid."), code="invalid_email") from exc
    user = User.objects.filter(email=email).first()
    if user is not None:
        existing = Membership.objects.filter(user=user).first()
        if existing is not None and existing.office_id == office.pk and existing.role == Role.ADMIN:
            return existing, False
        if existing is not None:
            raise AccountError(
                _("Email %(email)s sudah dipakai di kantor lain.") % {"email": email},
                code="email_taken",
            )
    else:
        user = user_create(email=email, password=None)
    membership = membership_grant(user=user, office=office, role=Role.ADMIN)
    path = reverse(
        "accounts:password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    subject = _("Admin %(office)s di Mitra Pemilu") % {"office": office.name}
    body = _(
        "Anda menjadi admin %(office)s di Mitra Pemilu. Buat kata sandi Anda melalui tautan "
        "ini (sekali pakai): %(url)s"
    ) % {"office": office.name, "url": absolute_url(path, root=root)}
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return membership, True


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> str:
    """Create a token and return its secret once; only a hash is stored."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=token_hash(key), prefix=key[:8])
    return key


def _token_touch(token_id: int, last_used_at: datetime.datetime | None) -> datetime.datetime | None:
    """Write the token's last use at most once a minute (a busy scanner must not turn every
    request into a write); returns the time written, or None."""
    now = timezone.now()
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        return now
    return None


def api_token_member(*, key: str) -> tuple[User, Membership | None] | None:
    """The token's user and their membership (as `user_membership` picks it), or None.

    The hot path of scanner devices. The answer is kept in the cache for up to a minute
    (`mitra.accounts.tokens`): revoking the token, deactivating the user or changing their
    role forgets it at once (signals and the managers' bulk updates), so the next request
    asks the database again. Without a cached answer it is one query: the membership with
    its user and office, joined to the (unrevoked) token of an active user. The partner and
    the office's region load on access: joining them too made PostgreSQL spend ≈ 2 ms
    planning the query. A user without any membership costs a second query (the plain
    token lookup).
    """
    key_hash = token_hash(key)
    value = tokens.cached(key_hash)
    if value is not None:
        user, membership = tokens.instances(value)
        touched = _token_touch(value["token_id"], value["used_at"])
        if touched is not None:
            tokens.remember(
                key_hash,
                token_id=value["token_id"],
                used_at=touched,
                user=user,
                membership=membership,
            )
        return user, membership
    row = (
        Membership.objects.select_related("user", "office")
        .filter(
            user__api_tokens__key_hash=key_hash,
            user__api_tokens__revoked_at__isnull=True,
            user__is_active=True,
        )
        .annotate(
            token_id=F("user__api_tokens__pk"), token_used_at=F("user__api_tokens__last_used_at")
        )
        .order_by("pk")[:1]
    )
    found = next(iter(row), None)
    if found is not None:
        token_id: int = found.token_id  # type: ignore[attr-defined]
        used_at: datetime.datetime | None = found.token_used_at  # type: ignore[attr-defined]
        user, membership = found.user, found
    else:
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        token_id, used_at, user, membership = token.pk, token.last_used_at, token.user, None
    used_at = _token_touch(token_id, used_at) or used_at
    tokens.remember(key_hash, token_id=token_id, used_at=used_at, user=user, membership=membership)
    return user, membership


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """Begin enrolling an authenticator app: an unconfirmed device replaces any earlier one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        raise AccountError(
            _("Kode tidak cocok. Coba kode terbaru dari aplikasi."), code="bad_token"
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    return device


@transaction.atomic
def totp_device_remove(*, user: User, password: str, token: str) -> None:
    """Turn the second factor off: only with the account's password and a current code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if not user.check_password(password):
        raise AccountError(_("Kata sandi salah."), code="bad_password")
    if device is not None and not device.verify_token(token.strip()):
        raise AccountError(
            _("Kode tidak cocok. Coba kode terbaru dari aplikasi."), code="bad_token"
        )
    TOTPDevice.objects.filter(user=user).delete()
