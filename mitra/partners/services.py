"""Writes to partners, agreements and coordinator invitations (the spreadsheet import is
in `imports.py`)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership, Role, User
from mitra.accounts.permissions import Right, has_right, require
from mitra.accounts.services import membership_grant, token_hash, user_create
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.inputs import is_web_url
from mitra.core.links import absolute_url
from mitra.core.uploads import store_upload
from mitra.elections.models import Segment, Theme
from mitra.regions.models import Region

from .models import (
    INVITATION_DAYS,
    Agreement,
    Deliverable,
    DeliverableMetric,
    Partner,
    PartnerCategory,
    PartnerInvitation,
    PartnerStatus,
)
from .phones import whatsapp_normalize
from .selectors import not_found, partner_get_editable


class PartnerError(DomainError):
    pass


# Fields a coordinator may change on their own organisation; the rest is the commission's.
COORDINATOR_FIELDS = frozenset(
    {
        "description",
        "contact_name",
        "whatsapp",
        "email",
        "instagram",
        "facebook",
        "tiktok",
        "website",
        "member_count",
        "segments",
        "areas",
    }
)


def field_labels(names: Iterable[str]) -> list[str]:
    """What people call the partner's fields (their verbose names), for messages."""
    labels = []
    for name in names:  # "category" and "category_id" alike
        try:
            field = Partner._meta.get_field(name)
        except FieldDoesNotExist:
            labels.append(name)
        else:
            labels.append(str(getattr(field, "verbose_name", name)))
    return labels


def partner_code_for(name: str) -> str:
    """A stable code for a partner imported or created without one (same name → same code)."""
    digest = hashlib.sha1(name.strip().lower().encode(), usedforsecurity=False).hexdigest()
    return f"P-{digest[:8].upper()}"


def _check_partner_values(*, office_id: int, region_code: str, data: dict[str, Any]) -> None:
    if data.get("website") and not is_web_url(data["website"]):
        raise PartnerError(
            _("Situs web harus alamat web (http:// atau https://)."), code="invalid_website"
        )
    if data.get("email"):
        try:
            validate_email(data["email"])
        except ValidationError as exc:
            raise PartnerError(
                _("Email tidak valid: %(v)s") % {"v": data["email"]}, code="invalid_email"
            ) from exc
    if "whatsapp" in data:
        try:
            data["whatsapp"] = whatsapp_normalize(data["whatsapp"] or "")
        except ValidationError as exc:
            raise PartnerError(exc.messages[0], code="invalid_phone") from exc
    if "category" in data:
        category = data["category"]
        category_id = category.pk if isinstance(category, PartnerCategory) else category
        if not PartnerCategory.objects.filter(pk=category_id, office_id=office_id).exists():
            raise PartnerError(_("Kategori tidak dikenal."), code="unknown_category")
        data["category_id"] = category_id
        del data["category"]
    if "segments" in data:
        ids = [s.pk if isinstance(s, Segment) else int(s) for s in data["segments"] or []]
        if Segment.objects.filter(pk__in=ids, office_id=office_id).count() != len(set(ids)):
            raise PartnerError(_("Segmen tidak dikenal."), code="unknown_segment")
        data["segments"] = ids
    if "areas" in data:
        codes = [r.pk if isinstance(r, Region) else str(r) for r in data["areas"] or []]
        known = Region.objects.within(region_code).filter(pk__in=codes).count()
        if known != len(set(codes)):
            raise PartnerError(_("Wilayah di luar wilayah kantor."), code="unknown_region")
        data["areas"] = codes
    if data.get("status") and data["status"] not in PartnerStatus.values:
        raise PartnerError(_("Status tidak dikenal."), code="unknown_status")


@transaction.atomic
def partner_create(*, membership: Membership, data: dict[str, Any]) -> Partner:
    require(membership, Right.MANAGE_PARTNERS)
    data = dict(data)
    office = membership.office
    if not (data.get("name") or "").strip():
        raise PartnerError(_("Nama organisasi wajib diisi."), code="missing_name")
    data["name"] = data["name"].strip()
    data["code"] = (data.get("code") or "").strip() or partner_code_for(data["name"])
    if Partner.objects.filter(office=office, code=data["code"]).exists():
        raise PartnerError(_("Kode %(code)s sudah dipakai.") % data, code="duplicate_code")
    _check_partner_values(office_id=office.pk, region_code=office.region_id, data=data)
    segments = data.pop("segments", [])
    areas = data.pop("areas", [])
    partner = Partner.objects.create(office=office, **data)
    if segments:
        partner.segments.set(segments)
    if areas:
        partner.areas.set(areas)
    return partner


@transaction.atomic
def partner_update(*, membership: Membership, pk: int, data: dict[str, Any]) -> Partner:
    """Change a partner; coordinators reach only their own and only their own fields."""
    partner = partner_get_editable(membership=membership, pk=pk)
    data = dict(data)
    if not has_right(membership, Right.MANAGE_PARTNERS):
        refused = set(data) - COORDINATOR_FIELDS
        if refused:
            raise PartnerError(
                _("Koordinator tidak dapat mengubah: %(fields)s")
                % {"fields": ", ".join(sorted(field_labels(refused)))},
                code="field_not_allowed",
            )
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            raise PartnerError(_("Nama organisasi wajib diisi."), code="missing_name")
    if "code" in data:
        data["code"] = (data["code"] or "").strip() or partner.code
        if (
            Partner.objects.filter(office_id=partner.office_id, code=data["code"])
            .exclude(pk=partner.pk)
            .exists()
        ):
            raise PartnerError(_("Kode %(code)s sudah dipakai.") % data, code="duplicate_code")
    _check_partner_values(
        office_id=partner.office_id, region_code=membership.office.region_id, data=data
    )
    segments = data.pop("segments", None)
    areas = data.pop("areas", None)
    changed = [name for name, value in data.items() if getattr(partner, name) != value]
    for name in changed:
        setattr(partner, name, data[name])
    if changed:
        partner.save(update_fields=[*changed, "updated_at"])
    if segments is not None and set(segments) != {s.pk for s in partner.segments.all()}:
        partner.segments.set(segments)
    if areas is not None and set(areas) != {r.pk for r in partner.areas.all()}:
        partner.areas.set(areas)
    return partner


@transaction.atomic
def category_create(*, membership: Membership, name: str, code: str = "") -> PartnerCategory:
    """Staff extend the list of categories for their office."""
    require(membership, Right.MANAGE_PARTNERS)
    name = name.strip()
    if not name:
        raise PartnerError(_("Nama kategori wajib diisi."), code="missing_name")
    code = slugify(code or name)[:40] or "kategori"
    if PartnerCategory.objects.filter(office_id=membership.office_id, code=code).exists():
        raise PartnerError(_("Kategori %(code)s sudah ada.") % {"code": code}, code="duplicate")
    last = PartnerCategory.objects.filter(office_id=membership.office_id).order_by("-order").first()
    return PartnerCategory.objects.create(
        office_id=membership.office_id, code=code, name=name, order=(last.order + 1) if last else 1
    )


# --- Agreements ---------------------------------------------------------------------------


@dataclass
class DeliverableData:
    metric: str
    target: int
    theme_id: int | None = None
    segment_id: int | None = None


def _check_deliverables(
    *, office_id: int, deliverables: Sequence[DeliverableData]
) -> list[DeliverableData]:
    for item in deliverables:
        if item.metric not in DeliverableMetric.values:
            raise PartnerError(_("Ukuran luaran tidak dikenal."), code="unknown_metric")
        if item.target is None or item.target < 0:
            raise PartnerError(_("Target luaran harus angka positif."), code="bad_target")
    # One query per kind for all the rows, not one per row.
    theme_ids = {item.theme_id for item in deliverables if item.theme_id}
    known = Theme.objects.filter(pk__in=theme_ids, programme__office_id=office_id).count()
    if theme_ids and known != len(theme_ids):
        raise PartnerError(_("Tema tidak dikenal."), code="unknown_theme")
    segment_ids = {item.segment_id for item in deliverables if item.segment_id}
    known = Segment.objects.filter(pk__in=segment_ids, office_id=office_id).count()
    if segment_ids and known != len(segment_ids):
        raise PartnerError(_("Segmen tidak dikenal."), code="unknown_segment")
    return list(deliverables)


def _check_agreement_dates(data: dict[str, Any]) -> None:
    if data["valid_until"] < data["valid_from"]:
        raise PartnerError(
            _("Tanggal akhir berlaku tidak boleh sebelum tanggal mulai."), code="bad_dates"
        )


@transaction.atomic
def agreement_create(
    *,
    membership: Membership,
    partner_id: int,
    data: dict[str, Any],
    deliverables: Sequence[DeliverableData] = (),
    document: UploadedFile | None = None,
) -> Agreement:
    """Add an agreement to a partner; earlier agreements stay as they are."""
    require(membership, Right.MANAGE_PARTNERS)
    partner = Partner.objects.filter(pk=partner_id, office_id=membership.office_id).first()
    if partner is None:
        raise not_found()
    _check_agreement_dates(data)
    items = _check_deliverables(office_id=membership.office_id, deliverables=deliverables)
    agreement = Agreement(office_id=partner.office_id, partner=partner, **data)
    if document is not None:
        agreement.document.name = store_upload(document, folder="agreements")
        agreement.document_name = document.name or ""
    agreement.save()
    _deliverables_create(agreement=agreement, items=items)
    return agreement


@transaction.atomic
def agreement_update(
    *,
    membership: Membership,
    pk: int,
    data: dict[str, Any],
    deliverables: Sequence[DeliverableData] | None = None,
    document: UploadedFile | None = None,
) -> Agreement:
    require(membership, Right.MANAGE_PARTNERS)
    agreement = Agreement.objects.filter(pk=pk, office_id=membership.office_id).first()
    if agreement is None:
        raise not_found()
    merged = {"valid_from": agreement.valid_from, "valid_until": agreement.valid_until, **data}
    _check_agreement_dates(merged)
    for name, value in data.items():
        setattr(agreement, name, value)
    if document is not None:
        agreement.document.name = store_upload(document, folder="agreements")
        agreement.document_name = document.name or ""
    agreement.save()
    if deliverables is not None:
        items = _check_deliverables(office_id=membership.office_id, deliverables=deliverables)
        existing = list(agreement.deliverables.all())
        wanted = [(d.metric, d.theme_id, d.segment_id, d.target) for d in items]
        have = [(d.metric, d.theme_id, d.segment_id, d.target) for d in existing]
        if wanted != have:
            for old in existing:
                old.delete()
            _deliverables_create(agreement=agreement, items=items)
    return agreement


def _deliverables_create(*, agreement: Agreement, items: list[DeliverableData]) -> None:
    # One save per row (not bulk_create) so each deliverable gets its history record.
    for item in items:
        Deliverable.objects.create(
            agreement=agreement,
            metric=item.metric,
            target=item.target,
            theme_id=item.theme_id,
            segment_id=item.segment_id,
        )


# --- Coordinator invitations --------------------------------------------------------------


def invitation_url(token: str, *, root: str = "") -> str:
    """The invitation's link; `root`: the view's `site_root(request)` (else SITE_URL)."""
    return absolute_url(reverse("partners:invitation_accept", args=[token]), root=root)


def invitation_message(*, partner: Partner, url: str) -> str:
    return _(
        "Halo, Anda diundang menjadi koordinator %(partner)s di Mitra Pemilu. "
        "Buat akun Anda melalui tautan ini (berlaku %(days)d hari, sekali pakai): %(url)s"
    ) % {"partner": partner.name, "days": INVITATION_DAYS, "url": url}


@transaction.atomic
def invitation_create(
    *, membership: Membership, partner_id: int, email: str, root: str = ""
) -> tuple[PartnerInvitation, str]:
    """Create a single-use link (returned once; only its hash is kept) and email it."""
    require(membership, Right.MANAGE_PARTNERS)
    partner = Partner.objects.filter(pk=partner_id, office_id=membership.office_id).first()
    if partner is None:
        raise not_found()
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise PartnerError(_("Alamat email tidak valid."), code="invalid_email") from exc
    token = secrets.token_urlsafe(32)
    invitation = PartnerInvitation.objects.create(
        office_id=partner.office_id,
        partner=partner,
        email=email,
        token_hash=token_hash(token),
        created_by=membership.user,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    url = invitation_url(token, root=root)
    subject = _("Undangan koordinator mitra: %(partner)s") % {"partner": partner.name}
    body = invitation_message(partner=partner, url=url)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return invitation, token


def invitation_find(*, token: str, lock: bool = False) -> PartnerInvitation:
    """The usable invitation behind a token, or a clear refusal.

    With `lock` (inside a transaction) the row stays locked until it ends, and what is
    checked is the row as it is once locked.
    """
    invitations = PartnerInvitation.objects.select_related("partner", "office")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise NotFoundError(_("Tautan undangan tidak dikenal."), code="unknown_invitation")
    if invitation.accepted_at is not None:
        raise PartnerError(_("Tautan undangan sudah dipakai."), code="invitation_used")
    if invitation.expires_at <= timezone.now():
        raise PartnerError(_("Tautan undangan sudah kedaluwarsa."), code="invitation_expired")
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, password: str, full_name: str = "", current_user: User | None = None
) -> User:
    """Create the coordinator's account (or attach the signed-in one) and give the role."""
    # Locked so two clicks on the same link cannot both succeed: the second waits, then
    # finds the invitation used.
    invitation = invitation_find(token=token, lock=True)
    if current_user is not None and current_user.is_authenticated:
        if current_user.email.lower() != invitation.email:
            raise PartnerError(
                _("Undangan ini untuk %(email)s. Keluar dulu lalu buka tautan lagi.")
                % {"email": invitation.email},
                code="wrong_user",
            )
        user = current_user
    else:
        user = user_create(email=invitation.email, password=password, full_name=full_name)
    membership_grant(
        user=user, office=invitation.office, role=Role.COORDINATOR, partner=invitation.partner
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
