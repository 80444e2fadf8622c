"""Writes to partners, agreements, coordinator invitations and spreadsheet imports."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mitra.accounts.models import Membership, Role, User
from mitra.accounts.permissions import Right, has_right, require
from mitra.accounts.services import membership_grant, token_hash, user_create
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.inputs import is_web_url
from mitra.core.links import absolute_url
from mitra.core.signals import bulk_written
from mitra.core.uploads import store_upload
from mitra.elections.models import Segment, Theme
from mitra.offices.models import Office
from mitra.regions.models import Region, RegionLevel

from .models import (
    INVITATION_DAYS,
    Agreement,
    Deliverable,
    DeliverableMetric,
    ImportBatch,
    ImportStatus,
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


# --- Spreadsheet import ---------------------------------------------------------------------

IMPORT_COLUMNS = [
    "kode",
    "nama",
    "kategori",
    "status",
    "kecamatan",
    "kelurahan",
    "segmen",
    "narahubung",
    "whatsapp",
    "email",
    "instagram",
    "facebook",
    "tiktok",
    "situs_web",
    "jumlah_anggota",
    "deskripsi",
]
# Column → Partner field for plain text values.
_TEXT_COLUMNS = {
    "narahubung": "contact_name",
    "email": "email",
    "instagram": "instagram",
    "facebook": "facebook",
    "tiktok": "tiktok",
    "situs_web": "website",
    "deskripsi": "description",
}
_LIST_SPLIT = re.compile(r"\s*[;,\n]\s*")
_STATUS_WORDS = {
    **{v: v for v in PartnerStatus.values},
    "calon": PartnerStatus.PROSPECT,
    "aktif": PartnerStatus.ACTIVE,
    "ditangguhkan": PartnerStatus.SUSPENDED,
    "berakhir": PartnerStatus.ENDED,
    "selesai": PartnerStatus.ENDED,
}
_BATCH = 500


class RowStatus:
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class RowPlan:
    line: int
    name: str
    code: str
    status: str = RowStatus.NEW
    errors: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    segments: set[int] | None = None
    areas: set[str] | None = None
    partner_id: int | None = None
    changed: list[str] = field(default_factory=list)

    def as_preview(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "name": self.name,
            "code": self.code,
            "status": self.status,
            "errors": self.errors,
            "changed": self.changed,
        }


class _Lookups:
    """Everything a row is matched against, loaded once per import (a handful of queries)."""

    def __init__(self, office_id: int, region_code: str) -> None:
        self.categories: dict[str, int] = {}
        for category in PartnerCategory.objects.filter(office_id=office_id):
            self.categories[category.code.lower()] = category.pk
            self.categories[category.name.lower()] = category.pk
        self.default_category = self.categories.get("lainnya")
        self.segments: dict[str, int] = {}
        for segment in Segment.objects.filter(office_id=office_id):
            self.segments[segment.code.lower()] = segment.pk
            self.segments[segment.name.lower()] = segment.pk
        self.kecamatan: dict[str, str] = {}
        self.kelurahan: dict[str, list[tuple[str, str]]] = {}  # name → [(code, kecamatan)]
        self.kelurahan_codes: set[str] = set()
        regions = Region.objects.within(region_code).filter(
            level__in=[RegionLevel.KECAMATAN, RegionLevel.KELURAHAN]
        )
        for code, name, level, parent in regions.values_list("code", "name", "level", "parent_id"):
            if level == RegionLevel.KECAMATAN:
                self.kecamatan[name.lower()] = code
                self.kecamatan[code] = code
            else:
                self.kelurahan.setdefault(name.lower(), []).append((code, parent or ""))
                self.kelurahan_codes.add(code)
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        self.current: dict[int, dict[str, Any]] = {}
        columns = ["pk", "code", "name", *[f for f in _PARTNER_FIELDS if f != "name"]]
        for row in Partner.objects.filter(office_id=office_id).values(*columns):
            pk = row.pop("pk")
            self.by_code[row["code"]] = pk
            self.by_name.setdefault(row["name"].lower(), []).append(pk)
            self.current[pk] = row
        self.current_segments: dict[int, set[int]] = {}
        for pk, segment_id in Partner.segments.through.objects.filter(
            partner__office_id=office_id
        ).values_list("partner_id", "segment_id"):
            self.current_segments.setdefault(pk, set()).add(segment_id)
        self.current_areas: dict[int, set[str]] = {}
        for pk, region_id in Partner.areas.through.objects.filter(
            partner__office_id=office_id
        ).values_list("partner_id", "region_id"):
            self.current_areas.setdefault(pk, set()).add(region_id)


_PARTNER_FIELDS = [
    "name",
    "category_id",
    "status",
    "contact_name",
    "whatsapp",
    "email",
    "instagram",
    "facebook",
    "tiktok",
    "website",
    "member_count",
    "description",
]


def _split(value: str) -> list[str]:
    return [v for v in _LIST_SPLIT.split(value.strip()) if v]


def _plan_row(raw: dict[str, str], lookups: _Lookups, columns: set[str]) -> RowPlan:
    line = int(raw.get("_row") or 0)
    name = " ".join((raw.get("nama") or "").split())
    code = (raw.get("kode") or "").strip()
    plan = RowPlan(line=line, name=name, code=code)
    errors = plan.errors
    if not name:
        errors.append(_("Nama organisasi kosong."))
    values: dict[str, Any] = {"name": name}
    category = (raw.get("kategori") or "").strip().lower()
    if category:
        if category in lookups.categories:
            values["category_id"] = lookups.categories[category]
        else:
            errors.append(_("Kategori tidak dikenal: %(v)s") % {"v": raw["kategori"]})
    status = (raw.get("status") or "").strip().lower()
    if status:
        if status in _STATUS_WORDS:
            values["status"] = str(_STATUS_WORDS[status])
        else:
            errors.append(_("Status tidak dikenal: %(v)s") % {"v": raw["status"]})
    for column, field_name in _TEXT_COLUMNS.items():
        if column in columns:
            values[field_name] = (raw.get(column) or "").strip()
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            errors.append(_("Email tidak valid: %(v)s") % {"v": values["email"]})
    if values.get("website") and not is_web_url(values["website"]):
        errors.append(_("Alamat situs web tidak valid: %(v)s") % {"v": values["website"]})
    if "whatsapp" in columns:
        try:
            values["whatsapp"] = whatsapp_normalize(raw.get("whatsapp") or "")
        except ValidationError:
            errors.append(_("Nomor WhatsApp tidak valid: %(v)s") % {"v": raw.get("whatsapp")})
    if "jumlah_anggota" in columns:
        members = (raw.get("jumlah_anggota") or "").strip().replace(".", "")
        if not members:
            values["member_count"] = None
        elif members.isdigit():
            values["member_count"] = int(members)
        else:
            errors.append(_("Jumlah anggota harus angka: %(v)s") % {"v": raw["jumlah_anggota"]})
    if "segmen" in columns:
        segments = set()
        for item in _split(raw.get("segmen") or ""):
            if item.lower() in lookups.segments:
                segments.add(lookups.segments[item.lower()])
            else:
                errors.append(_("Segmen tidak dikenal: %(v)s") % {"v": item})
        plan.segments = segments
    if "kecamatan" in columns or "kelurahan" in columns:
        areas: set[str] = set()
        kecamatan_codes = set()
        for item in _split(raw.get("kecamatan") or ""):
            code_ = lookups.kecamatan.get(item.lower()) or lookups.kecamatan.get(item)
            if code_ is None:
                errors.append(_("Kecamatan tidak dikenal: %(v)s") % {"v": item})
            else:
                areas.add(code_)
                kecamatan_codes.add(code_)
        for item in _split(raw.get("kelurahan") or ""):
            if item in lookups.kelurahan_codes:
                areas.add(item)
                continue
            candidates = lookups.kelurahan.get(item.lower(), [])
            if kecamatan_codes:
                candidates = [c for c in candidates if c[1] in kecamatan_codes]
            if len(candidates) == 1:
                areas.add(candidates[0][0])
            elif not candidates:
                errors.append(_("Kelurahan tidak dikenal: %(v)s") % {"v": item})
            else:
                errors.append(
                    _("Kelurahan %(v)s ada di beberapa kecamatan; isi kolom kecamatan.")
                    % {"v": item}
                )
        plan.areas = areas
    plan.values = values
    return plan


def _match(plan: RowPlan, lookups: _Lookups) -> None:
    """Find the existing partner (by code, else by name in the office) and what would change."""
    partner_id = None
    if plan.code:
        partner_id = lookups.by_code.get(plan.code)
    elif plan.name:
        matches = lookups.by_name.get(plan.name.lower(), [])
        if len(matches) > 1:
            plan.errors.append(
                _("Nama %(v)s dipakai beberapa mitra; isi kolom kode.") % {"v": plan.name}
            )
            return
        partner_id = matches[0] if matches else None
        if partner_id is None:
            code = partner_code_for(plan.name)
            if code in lookups.by_code:
                plan.errors.append(_("Kode otomatis bentrok; isi kolom kode."))
    if partner_id is None:
        plan.status = RowStatus.NEW
        plan.values.setdefault("status", PartnerStatus.ACTIVE)
        if "category_id" not in plan.values:
            if lookups.default_category is None:
                plan.errors.append(_("Kategori kosong."))
            else:
                plan.values["category_id"] = lookups.default_category
        return
    plan.partner_id = partner_id
    current = lookups.current[partner_id]
    plan.changed = [name for name, value in plan.values.items() if current.get(name) != value]
    if plan.segments is not None and plan.segments != lookups.current_segments.get(
        partner_id, set()
    ):
        plan.changed.append("segments")
    if plan.areas is not None and plan.areas != lookups.current_areas.get(partner_id, set()):
        plan.changed.append("areas")
    plan.status = RowStatus.UPDATE if plan.changed else RowStatus.UNCHANGED


def import_plan(
    *, office_id: int, region_code: str, rows: Iterable[dict[str, str]]
) -> list[RowPlan]:
    """Judge every row against the current registry; writes nothing."""
    rows = list(rows)
    lookups = _Lookups(office_id, region_code)
    columns = set().union(*(r.keys() for r in rows)) if rows else set()
    plans: list[RowPlan] = []
    seen: dict[str, int] = {}
    for raw in rows:
        plan = _plan_row(raw, lookups, columns)
        key = f"code:{plan.code}" if plan.code else f"name:{plan.name.lower()}"
        if plan.name or plan.code:
            if key in seen:
                plan.errors.append(
                    _("Duplikat dalam berkas: sama dengan baris %(line)d") % {"line": seen[key]}
                )
            else:
                seen[key] = plan.line
        if not plan.errors:
            _match(plan, lookups)
        if plan.errors:
            plan.status = RowStatus.ERROR
        plans.append(plan)
    return plans


def _counts(plans: Iterable[RowPlan]) -> dict[str, int]:
    counts = {RowStatus.NEW: 0, RowStatus.UPDATE: 0, RowStatus.UNCHANGED: 0, RowStatus.ERROR: 0}
    for plan in plans:
        counts[plan.status] += 1
    return counts


@transaction.atomic
def partner_import_preview(
    *, membership: Membership, rows: list[dict[str, str]], filename: str
) -> ImportBatch:
    """Keep the parsed rows and their verdicts server-side until staff confirm."""
    require(membership, Right.MANAGE_PARTNERS)
    if not rows:
        raise PartnerError(_("Berkas tidak berisi baris data."), code="empty")
    if "nama" not in rows[0] and "kode" not in rows[0]:
        raise PartnerError(
            _("Kolom 'nama' tidak ditemukan. Gunakan templat yang disediakan."),
            code="missing_columns",
        )
    plans = import_plan(
        office_id=membership.office_id, region_code=membership.office.region_id, rows=rows
    )
    # Old previews of the same person are of no further use.
    ImportBatch.objects.filter(
        office_id=membership.office_id,
        created_by_id=membership.user_id,
        status=ImportStatus.PREVIEW,
        created_at__lt=timezone.now() - datetime.timedelta(days=1),
    ).delete()
    return ImportBatch.objects.create(
        office_id=membership.office_id,
        created_by_id=membership.user_id,
        filename=filename[:200],
        rows=rows,
        preview=[p.as_preview() for p in plans],
        counts=_counts(plans),
    )


def _history_m2m(history_rows: Sequence[Any]) -> None:
    """Fill the m2m snapshot of bulk-created history rows, as a normal save would."""
    by_partner = {h.id: h for h in history_rows}
    ids = list(by_partner)
    for field_name, related in (("segments", "segment_id"), ("areas", "region_id")):
        through = getattr(Partner, field_name).through
        history_model = apps.get_model("partners", f"HistoricalPartner_{field_name}")
        rows = []
        for start in range(0, len(ids), _BATCH):
            for pk, partner_id, related_id in through.objects.filter(
                partner_id__in=ids[start : start + _BATCH]
            ).values_list("pk", "partner_id", related):
                rows.append(
                    history_model(
                        id=pk,
                        history=by_partner[partner_id],
                        partner_id=partner_id,
                        **{related: related_id},
                    )
                )
        history_model.objects.bulk_create(rows, batch_size=_BATCH)


def partner_import_confirm(*, membership: Membership, batch_id: int) -> dict[str, int]:
    """Write every row of the batch in this one transaction (all or nothing): refused
    while any row has an error.

    Rows are judged again against the registry as it is now, so confirming twice, or after
    someone else's change, cannot create duplicates; unchanged rows are not touched. Imports
    into one office take turns (a lock on the office row), so two batches of the same file
    confirmed at once give "new" once and "unchanged" the second time. A partner saved by
    hand with the same code in the same instant still breaks the uniqueness rule: then
    nothing is written and the person is told to confirm again.
    """
    try:
        return _import_confirm(membership=membership, batch_id=batch_id)
    except IntegrityError as exc:
        raise PartnerError(
            _(
                "Data mitra diubah orang lain pada saat yang sama; impor ini belum disimpan. "
                "Simpan sekali lagi untuk menilai ulang baris-barisnya."
            ),
            code="concurrent_change",
        ) from exc


@transaction.atomic
def _import_confirm(*, membership: Membership, batch_id: int) -> dict[str, int]:
    require(membership, Right.MANAGE_PARTNERS)
    # One import at a time per office: the next one plans against what this one wrote.
    Office.objects.select_for_update().filter(pk=membership.office_id).values_list("pk").first()
    batch = (
        ImportBatch.objects.select_for_update()
        .filter(pk=batch_id, office_id=membership.office_id, created_by_id=membership.user_id)
        .first()
    )
    if batch is None:
        raise not_found()
    if batch.status != ImportStatus.PREVIEW:
        raise PartnerError(_("Impor ini sudah diproses."), code="already_confirmed")
    office_id = membership.office_id
    plans = import_plan(
        office_id=office_id, region_code=membership.office.region_id, rows=batch.rows
    )
    # As the voter-count import: nothing is saved while any row has a problem (judged
    # again here, so a change since the preview cannot slip a bad row through).
    bad = sum(1 for p in plans if p.status == RowStatus.ERROR)
    if bad:
        raise PartnerError(
            ngettext(
                "%(n)d baris masih bergalat; perbaiki berkasnya dan unggah lagi. "
                "Tidak ada yang disimpan.",
                "%(n)d baris masih bergalat; perbaiki berkasnya dan unggah lagi. "
                "Tidak ada yang disimpan.",
                bad,
            )
            % {"n": bad},
            code="rows_have_errors",
        )
    now = timezone.now()
    reason = _("Impor: %(file)s") % {"file": batch.filename}
    user = membership.user

    new_plans = [p for p in plans if p.status == RowStatus.NEW]
    new_objects = [
        Partner(
            office_id=office_id,
            code=p.code or partner_code_for(p.name),
            created_at=now,
            updated_at=now,
            **p.values,
        )
        for p in new_plans
    ]
    Partner.objects.bulk_create(new_objects, batch_size=_BATCH)

    update_plans = [p for p in plans if p.status == RowStatus.UPDATE]
    existing = Partner.objects.in_bulk([p.partner_id for p in update_plans])
    updated_objects = []
    update_fields: set[str] = {"updated_at"}
    for plan in update_plans:
        partner = existing[plan.partner_id]  # type: ignore[index]
        for name, value in plan.values.items():
            setattr(partner, name, value)
            update_fields.add(name)
        partner.updated_at = now
        updated_objects.append(partner)
    if updated_objects:
        Partner.objects.bulk_update(updated_objects, sorted(update_fields), batch_size=_BATCH)

    # Many-to-many: replace the sets of rows that changed them, add them for new rows.
    segment_through = Partner.segments.through
    area_through = Partner.areas.through
    replace_segments: list[int] = []
    replace_areas: list[int] = []
    for plan in update_plans:
        assert plan.partner_id is not None
        if "segments" in plan.changed:
            replace_segments.append(plan.partner_id)
        if "areas" in plan.changed:
            replace_areas.append(plan.partner_id)
    for start in range(0, len(replace_segments), _BATCH):
        segment_through.objects.filter(
            partner_id__in=replace_segments[start : start + _BATCH]
        ).delete()
    for start in range(0, len(replace_areas), _BATCH):
        area_through.objects.filter(partner_id__in=replace_areas[start : start + _BATCH]).delete()
    segment_rows, area_rows = [], []
    for plan, partner in [
        *zip(new_plans, new_objects, strict=True),
        *((p, existing[p.partner_id]) for p in update_plans),  # type: ignore[index]
    ]:
        is_new = plan.partner_id is None
        if plan.segments is not None and (is_new or "segments" in plan.changed):
            segment_rows += [
                segment_through(partner_id=partner.pk, segment_id=s) for s in plan.segments
            ]
        if plan.areas is not None and (is_new or "areas" in plan.changed):
            area_rows += [area_through(partner_id=partner.pk, region_id=a) for a in plan.areas]
    segment_through.objects.bulk_create(segment_rows, batch_size=_BATCH)
    area_through.objects.bulk_create(area_rows, batch_size=_BATCH)

    # Audit trail: one history record per written partner, with who, when and why.
    history = Partner.history
    created_history = (
        history.bulk_history_create(
            new_objects,
            batch_size=_BATCH,
            default_user=user,
            default_change_reason=reason,
            default_date=now,
        )
        or []
    )
    updated_history = (
        history.bulk_history_create(
            updated_objects,
            batch_size=_BATCH,
            update=True,
            default_user=user,
            default_change_reason=reason,
            default_date=now,
        )
        or []
    )
    _history_m2m([*created_history, *updated_history])

    counts = _counts(plans)
    batch.status = ImportStatus.CONFIRMED
    batch.confirmed_at = now
    batch.result = counts
    batch.rows = []  # the personal data in the sheet is not kept once written
    batch.save(update_fields=["status", "confirmed_at", "result", "rows"])
    bulk_written.send(sender=None, office_id=office_id)  # bulk writes send no model signals
    return counts


@transaction.atomic
def partner_import_cancel(*, membership: Membership, batch_id: int) -> None:
    require(membership, Right.MANAGE_PARTNERS)
    ImportBatch.objects.filter(
        pk=batch_id,
        office_id=membership.office_id,
        created_by_id=membership.user_id,
        status=ImportStatus.PREVIEW,
    ).delete()
