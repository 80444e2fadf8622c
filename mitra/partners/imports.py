"""The partner spreadsheet import: preview (every row judged, nothing written), then confirm
(all or nothing), as every import of the product works.

Each column of the sheet is a column object (the shape of pretix's `ImportColumn`) that
parses, validates and assigns its own value: adding a column is one class and one line in
`COLUMNS`. A row's plan (new / update / unchanged / error) is made by running every column
present in the file, then matching the row to the registry (by code, else by name).
Kecamatan and kelurahan names are matched as every import matches them
(`mitra.regions.matching`).

Past ~600 lines: the column classes, the plan and the all-or-nothing confirm are one flow;
the column classes could move to their own module if more imports reuse them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, require
from mitra.core.imports import ImportStatus, import_cancel, import_confirm
from mitra.core.inputs import is_web_url
from mitra.core.signals import bulk_written
from mitra.elections.models import Segment
from mitra.offices.models import Office
from mitra.regions.matching import RegionMatcher

from .models import ImportBatch, Partner, PartnerCategory, PartnerStatus
from .phones import whatsapp_normalize
from .selectors import not_found
from .services import PartnerError, partner_code_for

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
        self.regions = RegionMatcher(region_code)
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


def _split(value: str) -> list[str]:
    return [v for v in _LIST_SPLIT.split(value.strip()) if v]


# --- Columns ---------------------------------------------------------------------------------


class ImportColumn:
    """One column of the sheet: `clean` parses and validates the cell (appending messages
    to `errors`), `assign` puts the clean value on the row's plan.

    A column runs only when the file has it (a missing column leaves the partner's value as
    it is), unless `always`; an empty cell of an `optional` column assigns nothing.
    """

    identifier: ClassVar[str]
    field: ClassVar[str] = ""
    always: ClassVar[bool] = False
    optional: ClassVar[bool] = False

    def runs(self, raw: dict[str, str], columns: set[str]) -> bool:
        if not (self.always or self.identifier in columns):
            return False
        return not (self.optional and not (raw.get(self.identifier) or "").strip())

    def clean(self, value: str, lookups: _Lookups, errors: list[str]) -> Any:
        return value.strip()

    def assign(self, value: Any, plan: RowPlan) -> None:
        plan.values[self.field] = value


class CodeColumn(ImportColumn):
    identifier = "kode"
    always = True

    def assign(self, value: Any, plan: RowPlan) -> None:
        plan.code = value


class NameColumn(ImportColumn):
    identifier = "nama"
    field = "name"
    always = True

    def clean(self, value: str, lookups: _Lookups, errors: list[str]) -> Any:
        name = " ".join(value.split())
        if not name:
            errors.append(_("Nama organisasi kosong."))
        return name

    def assign(self, value: Any, plan: RowPlan) -> None:
        plan.name = value
        plan.values["name"] = value


class CategoryColumn(ImportColumn):
    identifier = "kategori"
    field = "category_id"
    always = optional = True

    def clean(self, value: str, lookups: _Lookups, errors: list[str]) -> Any:
        found = lookups.categories.get(value.strip().lower())
        if found is None:
            errors.append(_("Kategori tidak dikenal: %(v)s") % {"v": value})
        return found

    def assign(self, value: Any, plan: RowPlan) -> None:
        if value is not None:
            plan.values[self.field] = value


class StatusColumn(ImportColumn):
    identifier = "status"
    field = "status"
    always = optional = True

    def clean(self, value: str, lookups: _Lookups, errors: list[str]) -> Any:
        found = _STATUS_WORDS.get(value.strip().lower())
        if found is None:
            errors.append(_("Status tidak dikenal: %(v)s") % {"v": value})
            return None
        return str(found)

    def assign(self, value: Any, plan: RowPlan) -> None:
        if value is not None:
            plan.values[self.field] = value


class TextColumn(ImportColumn):
    def __init__(self, identifier: str, field: str) -> None:
        self.identifier = identifier  # type: ignore[misc]
        self.field = field  # type: ignore[misc]


class EmailColumn(ImportColumn):
    identifier = "email"
    field = "email"

    def clean(self, value: str, lookups: _Lookups, errors: list[str]) -> Any:
        email = value.strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("Email tidak valid: %(v)s") % {"v": email})
        return email


class WebsiteColumn(ImportColumn):
    identifier = "situs_web"
    field = "website"

    def clean(self, value: str, lookups: _Lookups, errors: list[str]) -> Any:
        url = value.strip()
        if url and not is_web_url(url):
            errors.append(_("Alamat situs web tidak valid: %(v)s") % {"v": url})
        return url


class WhatsappColumn(ImportColumn):
    identifier = "whatsapp"
    field = "whatsapp"

    def clean(self, value: str, lookups: _Lookups, errors: list[str]) -> Any:
        try:
            return whatsapp_normalize(value)
        except ValidationError:
            errors.append(_("Nomor WhatsApp tidak valid: %(v)s") % {"v": value})
            return None

    def assign(self, value: Any, plan: RowPlan) -> None:
        if value is not None:
            plan.values[self.field] = value


class MemberCountColumn(ImportColumn):
    identifier = "jumlah_anggota"
    field = "member_count"

    def clean(self, value: str, lookups: _Lookups, errors: list[str]) -> Any:
        members = value.strip().replace(".", "")
        if not members:
            return None
        if members.isdigit():
            return int(members)
        errors.append(_("Jumlah anggota harus angka: %(v)s") % {"v": value})
        return ...  # nothing to assign

    def assign(self, value: Any, plan: RowPlan) -> None:
        if value is not ...:
            plan.values[self.field] = value


class SegmentsColumn(ImportColumn):
    identifier = "segmen"

    def clean(self, value: str, lookups: _Lookups, errors: list[str]) -> Any:
        segments = set()
        for item in _split(value):
            if item.lower() in lookups.segments:
                segments.add(lookups.segments[item.lower()])
            else:
                errors.append(_("Segmen tidak dikenal: %(v)s") % {"v": item})
        return segments

    def assign(self, value: Any, plan: RowPlan) -> None:
        plan.segments = value


class AreasColumn(ImportColumn):
    """`kecamatan` and `kelurahan` together: a kelurahan name is looked for in the row's
    kecamatan first (two kelurahan of one name in different kecamatan need it)."""

    identifier = "kecamatan"
    KELURAHAN = "kelurahan"

    def runs(self, raw: dict[str, str], columns: set[str]) -> bool:
        return self.identifier in columns or self.KELURAHAN in columns

    def clean_areas(self, raw: dict[str, str], lookups: _Lookups, errors: list[str]) -> set[str]:
        areas: set[str] = set()
        kecamatan_codes = set()
        for item in _split(raw.get(self.identifier) or ""):
            district = lookups.regions.kecamatan(item)
            if district is None:
                errors.append(_("Kecamatan tidak dikenal: %(v)s") % {"v": item})
            else:
                areas.add(district.code)
                kecamatan_codes.add(district.code)
        for item in _split(raw.get(self.KELURAHAN) or ""):
            if item in lookups.regions.kelurahan_by_code:
                areas.add(item)
                continue
            candidates = lookups.regions.kelurahan_named(item, kecamatan=kecamatan_codes)
            if len(candidates) == 1:
                areas.add(candidates[0].code)
            elif not candidates:
                errors.append(_("Kelurahan tidak dikenal: %(v)s") % {"v": item})
            else:
                errors.append(
                    _("Kelurahan %(v)s ada di beberapa kecamatan; isi kolom kecamatan.")
                    % {"v": item}
                )
        return areas

    def assign(self, value: Any, plan: RowPlan) -> None:
        plan.areas = value


# Run in this order, so a row's problems are listed as they always were.
COLUMNS: list[ImportColumn] = [
    CodeColumn(),
    NameColumn(),
    CategoryColumn(),
    StatusColumn(),
    TextColumn("narahubung", "contact_name"),
    EmailColumn(),
    TextColumn("instagram", "instagram"),
    TextColumn("facebook", "facebook"),
    TextColumn("tiktok", "tiktok"),
    WebsiteColumn(),
    TextColumn("deskripsi", "description"),
    WhatsappColumn(),
    MemberCountColumn(),
    SegmentsColumn(),
    AreasColumn(),
]
# The template's columns, in its order.
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


def _plan_row(raw: dict[str, str], lookups: _Lookups, columns: set[str]) -> RowPlan:
    plan = RowPlan(line=int(raw.get("_row") or 0), name="", code="")
    for column in COLUMNS:
        if not column.runs(raw, columns):
            continue
        if isinstance(column, AreasColumn):
            value: Any = column.clean_areas(raw, lookups, plan.errors)
        else:
            value = column.clean(raw.get(column.identifier) or "", lookups, plan.errors)
        column.assign(value, plan)
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
    return import_confirm(
        batches=ImportBatch.objects.filter(
            pk=batch_id, office_id=membership.office_id, created_by_id=membership.user_id
        ),
        apply=lambda batch, now: _import_write(membership=membership, batch=batch, now=now),
        not_found=not_found(),
        already=PartnerError(_("Impor ini sudah diproses."), code="already_confirmed"),
        fields=["result", "rows"],
    )


def _import_write(
    *, membership: Membership, batch: ImportBatch, now: datetime.datetime
) -> dict[str, int]:
    """Write the batch's rows (inside `import_confirm`'s transaction), judged again here."""
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
    batch.result = counts
    batch.rows = []  # the personal data in the sheet is not kept once written
    bulk_written.send(sender=None, office_id=office_id)  # bulk writes send no model signals
    return counts


@transaction.atomic
def partner_import_cancel(*, membership: Membership, batch_id: int) -> None:
    require(membership, Right.MANAGE_PARTNERS)
    import_cancel(
        batches=ImportBatch.objects.filter(
            pk=batch_id, office_id=membership.office_id, created_by_id=membership.user_id
        )
    )
