"""Writes of activities: proposal, life cycle, report, evidence, reminders.

Every service checks the actor's right and (for status moves) the allowed transition, and
records a `Transition`. Refusals raise `ActivityError` (400) with an Indonesian message and
a stable code, `PermissionDeniedError` (403) or `NotFoundError` (404, for records of
another office or partner: their existence is not revealed).

Past ~600 lines: proposal, life cycle (its table is `lifecycle.py`), report and evidence
share `activity_access` and the transition record; the catalogue of methods and approaches
or the evidence checks are the first candidates to move out.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import RestrictedError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership, Role, User
from mitra.accounts.permissions import Right, require
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.inputs import is_web_url
from mitra.core.links import absolute_url
from mitra.core.uploads import check_image_pixels, store_upload
from mitra.elections.models import Election, Programme, Segment, Theme
from mitra.offices.models import Office
from mitra.partners.models import Partner
from mitra.regions.models import Region, RegionLevel

from .lifecycle import ACTIONS, EDITABLE, STEPS, Step, step_open
from .models import (
    MAX_PHOTOS,
    Activity,
    ActivityStatus,
    Approach,
    ApproachMethod,
    Evidence,
    Method,
    MethodMode,
    OnlinePost,
    Platform,
    Report,
    ReportReminder,
    Transition,
)
from .photos import distance_km, read_photo
from .selectors import activities_visible

S = ActivityStatus

# Photos taken this far from the activity's point, or this many days off its dates, are
# flagged for the verifier (never refused: phones' clocks and GPS are often wrong).
PLACE_TOLERANCE_KM = 3.0
DATE_TOLERANCE_DAYS = 1
REMINDER_STEPS = (3, 7)

# The regulation's methods (PKPU 9/2022); offices extend the list as data.
REGULATION_METHODS: list[tuple[str, str, str]] = [
    ("forum-warga", "Forum warga", MethodMode.DIRECT),
    ("diskusi", "Diskusi", MethodMode.DIRECT),
    ("seminar", "Seminar", MethodMode.DIRECT),
    ("lokakarya", "Lokakarya", MethodMode.DIRECT),
    ("pelatihan", "Pelatihan", MethodMode.DIRECT),
    ("ceramah", "Ceramah", MethodMode.DIRECT),
    ("simulasi", "Simulasi", MethodMode.DIRECT),
    ("gelar-wicara", "Gelar wicara", MethodMode.DIRECT),
    ("budaya-lokal", "Pemanfaatan budaya lokal/tradisional", MethodMode.DIRECT),
    ("langsung-lainnya", "Metode langsung lainnya", MethodMode.DIRECT),
    ("media-massa", "Media massa (cetak, elektronik, daring)", MethodMode.INDIRECT),
    ("media-daring", "Media daring (laman, pertemuan virtual, surel)", MethodMode.INDIRECT),
    ("media-sosial", "Media sosial", MethodMode.INDIRECT),
    ("media-luar-ruang", "Media luar ruang", MethodMode.INDIRECT),
    ("bahan-sosialisasi", "Penyebaran bahan sosialisasi", MethodMode.INDIRECT),
    ("media-kreatif", "Media kreatif", MethodMode.INDIRECT),
    ("media-lainnya", "Media lainnya", MethodMode.INDIRECT),
]


# The commission's four approaches, the default of a new programme: (code, Indonesian
# name, English name, the regulation's methods grouped under it). Every method of
# REGULATION_METHODS is in one; staff regroup them, rename or add approaches as data, and
# a method left in none is counted under "other".
DEFAULT_APPROACHES: list[tuple[str, str, str, list[str]]] = [
    (
        "diskusi-komunitas",
        "Diskusi komunitas",
        "Community discussions",
        ["forum-warga", "diskusi", "gelar-wicara", "langsung-lainnya"],
    ),
    (
        "seni-budaya",
        "Pertunjukan seni dan budaya",
        "Art and cultural performances",
        ["budaya-lokal", "media-kreatif"],
    ),
    (
        "edukasi",
        "Kegiatan edukasi",
        "Educational activities",
        ["seminar", "lokakarya", "pelatihan", "ceramah", "simulasi", "bahan-sosialisasi"],
    ),
    (
        "media-sosial",
        "Kampanye media sosial",
        "Social-media campaigns",
        ["media-sosial", "media-daring", "media-massa", "media-luar-ruang", "media-lainnya"],
    ),
]


class ActivityError(DomainError):
    """A life-cycle or validation rule refused the action."""


@dataclass(frozen=True)
class ActivityInput:
    """The fields a proposal carries (from a form or the API)."""

    programme: Programme
    title: str
    method: Method
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    partner: Partner | None = None
    description: str = ""
    elections: Sequence[Election] = ()
    themes: Sequence[Theme] = ()
    segments: Sequence[Segment] = ()
    kelurahan: Region | None = None
    venue: str = ""
    lat: float | None = None
    lng: float | None = None
    is_online: bool = False
    online_url: str = ""
    expected_attendance: int = 0
    is_public: bool = True


@dataclass(frozen=True)
class PostInput:
    url: str
    platform: str
    reach: int = 0
    impressions: int = 0
    engagement: int = 0


# --- Methods -------------------------------------------------------------------------------


@transaction.atomic
def methods_seed(*, office: Office) -> list[Method]:
    """Make sure the office has the regulation's methods (idempotent; keeps staff's additions)."""
    methods, created = [], []
    for order, (code, name, mode) in enumerate(REGULATION_METHODS, start=1):
        method, is_new = Method.objects.get_or_create(
            office=office, code=code, defaults={"name": name, "mode": mode, "order": order}
        )
        methods.append(method)
        if is_new:
            created.append(method)
    # A method new to the office takes its default place in the programmes' approaches.
    if created:
        for programme in Programme.objects.filter(office=office):
            _link_default_methods(programme=programme, methods=created)
    return methods


# --- Approaches ----------------------------------------------------------------------------


def _link_default_methods(*, programme: Programme, methods: Iterable[Method]) -> None:
    """Put each of `methods` that has a default approach into that approach of the
    programme, unless the method is in one of its approaches already."""
    approaches = {
        a.code: a for a in Approach.objects.filter(programme=programme).only("pk", "code")
    }
    default_of = {m: code for code, _n, _e, codes in DEFAULT_APPROACHES for m in codes}
    linked = set(
        ApproachMethod.objects.filter(programme=programme).values_list("method_id", flat=True)
    )
    ApproachMethod.objects.bulk_create(
        [
            ApproachMethod(programme=programme, approach=approaches[default_of[m.code]], method=m)
            for m in methods
            if m.pk not in linked
            and m.code in default_of
            and default_of[m.code] in approaches
            and m.office_id == programme.office_id
        ]
    )


def _approach_create(
    *, programme: Programme, code: str, name: str, name_en: str, order: int
) -> Approach:
    return Approach.objects.create(
        office_id=programme.office_id,
        programme=programme,
        code=code,
        name=name,
        name_en=name_en,
        order=order,
    )


@transaction.atomic
def approaches_seed(*, programme: Programme) -> list[Approach]:
    """Give a programme without approaches the commission's four, with the office's
    methods grouped under them (`DEFAULT_APPROACHES`). A programme that has approaches is
    left as staff made it (idempotent)."""
    existing = list(Approach.objects.filter(programme=programme).order_by("order", "pk"))
    if existing:
        return existing
    approaches = [
        _approach_create(programme=programme, code=code, name=name, name_en=name_en, order=order)
        for order, (code, name, name_en, _codes) in enumerate(DEFAULT_APPROACHES, start=1)
    ]
    _link_default_methods(
        programme=programme, methods=Method.objects.filter(office_id=programme.office_id)
    )
    return approaches


@transaction.atomic
def programme_methods_copy(*, source: Programme, copy: Programme) -> None:
    """A copied programme (`elections.services.programme_copy`) takes the source office's
    methods (those its office lacks, by code) and the source programme's approaches with
    their methods, in place of the four it was seeded with."""
    have = set(Method.objects.filter(office_id=copy.office_id).values_list("code", flat=True))
    Method.objects.bulk_create(
        Method(
            office_id=copy.office_id,
            code=m.code,
            name=m.name,
            name_en=m.name_en,
            mode=m.mode,
            description=m.description,
            order=m.order,
            is_active=m.is_active,
        )
        for m in Method.objects.filter(office_id=source.office_id).order_by("pk")
        if m.code not in have
    )
    Approach.objects.filter(programme=copy).delete()  # the seeded four; links go with them
    methods = dict(Method.objects.filter(office_id=copy.office_id).values_list("code", "pk"))
    for approach in Approach.objects.filter(programme=source).order_by("order", "pk"):
        made = _approach_create(
            programme=copy,
            code=approach.code,
            name=approach.name,
            name_en=approach.name_en,
            order=approach.order,
        )
        ApproachMethod.objects.bulk_create(
            ApproachMethod(programme=copy, approach=made, method_id=methods[code])
            for code in approach.methods.values_list("code", flat=True)
            if code in methods
        )


def _programme_of(membership: Membership, programme: Programme) -> Programme:
    require(membership, Right.MANAGE_PROGRAMME)
    if programme.office_id != membership.office_id:
        raise NotFoundError(_("Program tidak ditemukan."), code="not_found")
    return programme


@transaction.atomic
def approach_save(
    *,
    membership: Membership,
    programme: Programme,
    code: str,
    name: str,
    name_en: str = "",
    order: int = 100,
    methods: Iterable[Method] = (),
    approach_id: int | None = None,
) -> Approach:
    """Add an approach to the programme, or change one (`approach_id`; its code stays).

    `methods` become the approach's methods: one taken from another approach of the
    programme moves here, one left out is counted under "other".
    """
    _programme_of(membership, programme)
    chosen = list(methods)
    if any(m.office_id != membership.office_id for m in chosen):
        raise NotFoundError(_("Metode tidak ditemukan."), code="not_found")
    if approach_id is not None:
        approach = (
            Approach.objects.select_for_update().filter(programme=programme, pk=approach_id).first()
        )
        if approach is None:
            raise NotFoundError(_("Pendekatan tidak ditemukan."), code="not_found")
        approach.name, approach.name_en, approach.order = name, name_en, order
        approach.save(update_fields=["name", "name_en", "order"])
    else:
        if Approach.objects.filter(programme=programme, code=code).exists():
            raise ActivityError(_("Kode pendekatan sudah dipakai."), code="approach_code_taken")
        approach = _approach_create(
            programme=programme, code=code, name=name, name_en=name_en, order=order
        )
    ids = [m.pk for m in chosen]
    ApproachMethod.objects.filter(programme=programme, approach=approach).exclude(
        method_id__in=ids
    ).delete()
    ApproachMethod.objects.filter(programme=programme, method_id__in=ids).exclude(
        approach=approach
    ).delete()
    have = set(ApproachMethod.objects.filter(approach=approach).values_list("method_id", flat=True))
    ApproachMethod.objects.bulk_create(
        [
            ApproachMethod(programme=programme, approach=approach, method_id=pk)
            for pk in ids
            if pk not in have
        ]
    )
    return approach


@transaction.atomic
def approach_delete(*, membership: Membership, programme: Programme, approach_id: int) -> None:
    """Remove an approach; its methods are then counted under "other"."""
    _programme_of(membership, programme)
    try:
        deleted, _rows = Approach.objects.filter(programme=programme, pk=approach_id).delete()
    except RestrictedError:
        raise ActivityError(
            _("Pendekatan ini dipakai oleh target program; hapus atau ubah targetnya dahulu."),
            code="approach_in_use",
        ) from None
    if not deleted:
        raise NotFoundError(_("Pendekatan tidak ditemukan."), code="not_found")


@transaction.atomic
def method_save(
    *,
    membership: Membership,
    code: str,
    name: str,
    mode: str,
    order: int = 100,
    description: str = "",
    is_active: bool = True,
    name_en: str = "",
    method_id: int | None = None,
) -> Method:
    """Add a method to the office's list, or change one (`method_id`; its code stays).

    Staff extend the regulation's list; a method in use is deactivated, never deleted.
    """
    require(membership, Right.MANAGE_PROGRAMME)
    if mode not in MethodMode.values:
        raise ActivityError(_("Bentuk metode tidak dikenal."), code="method_mode")
    fields = {
        "name": name,
        "name_en": name_en,
        "mode": mode,
        "order": order,
        "description": description,
        "is_active": is_active,
    }
    if method_id is not None:
        method = (
            Method.objects.select_for_update()
            .filter(office_id=membership.office_id, pk=method_id)
            .first()
        )
        if method is None:
            raise NotFoundError(_("Metode tidak ditemukan."), code="not_found")
        for key, value in fields.items():
            setattr(method, key, value)
        method.save(update_fields=list(fields))
        return method
    if Method.objects.filter(office_id=membership.office_id, code=code).exists():
        raise ActivityError(_("Kode metode sudah dipakai."), code="method_code_taken")
    return Method.objects.create(office_id=membership.office_id, code=code, **fields)


# --- Access --------------------------------------------------------------------------------


def activity_access(
    *, membership: Membership | None, activity_id: int, lock: bool = False
) -> Activity:
    """The activity if the member may reach it (own office; coordinators own partner), else 404."""
    qs = activities_visible(membership=membership).filter(pk=activity_id)
    if lock:
        qs = qs.select_for_update(of=("self",))
    activity = qs.select_related("partner", "method", "kelurahan", "programme").first()
    if activity is None:
        raise NotFoundError(_("Kegiatan tidak ditemukan."), code="not_found")
    return activity


def _record(
    activity: Activity, to_status: str, actor: User | None, comment: str = ""
) -> Transition:
    transition = Transition.objects.create(
        activity=activity,
        from_status=activity.status,
        to_status=to_status,
        actor=actor,
        comment=comment,
    )
    activity.status = to_status
    activity.save(update_fields=["status", "updated_at"])
    return transition


def _expect(activity: Activity, step: Step) -> None:
    if activity.status not in step.sources:
        raise ActivityError(
            _("Kegiatan berstatus “%(status)s” tidak dapat %(action)s.")
            % {"status": activity.get_status_display(), "action": step.verb},
            code="invalid_transition",
        )
    if step.needs_started:
        _require_started(activity)


def _step_take(
    *,
    membership: Membership,
    activity_id: int,
    action: str,
    comment: str = "",
    before_record: Callable[[Activity, str], None] | None = None,
) -> Activity:
    """Take one step of the life cycle (`lifecycle.STEPS`): the actor's right, the comment,
    the state it leaves from, the start; then record the move."""
    step = STEPS[action]
    require(membership, step.right)
    comment = _comment_required(comment) if step.comment_required else comment.strip()
    if not step.takes_comment:
        comment = ""
    activity = activity_access(membership=membership, activity_id=activity_id, lock=True)
    _expect(activity, step)
    if before_record is not None:
        before_record(activity, comment)
    _record(activity, step.target, membership.user, comment)
    return activity


def _comment_required(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ActivityError(
            _("Tuliskan alasan pengembalian agar mitra tahu apa yang perlu diperbaiki."),
            code="comment_required",
        )
    return comment


# --- Proposal ------------------------------------------------------------------------------


def _validate(membership: Membership, data: ActivityInput) -> Partner | None:
    office = membership.office
    partner = data.partner
    if membership.role == Role.COORDINATOR:
        # A coordinator proposes for their own partner only, whatever the input says.
        if partner is not None and partner.pk != membership.partner_id:
            raise NotFoundError(_("Mitra tidak ditemukan."), code="not_found")
        partner = membership.partner
    if partner is not None and partner.office_id != office.pk:
        raise NotFoundError(_("Mitra tidak ditemukan."), code="not_found")
    if data.programme.office_id != office.pk:
        raise ActivityError(_("Program tidak ditemukan."), code="programme")
    if data.method.office_id != office.pk:
        raise ActivityError(_("Metode tidak dikenal."), code="method")
    if not data.title.strip():
        raise ActivityError(_("Judul kegiatan wajib diisi."), code="title_required")
    if data.ends_at < data.starts_at:
        raise ActivityError(
            _("Waktu selesai tidak boleh sebelum waktu mulai."), code="ends_before_start"
        )
    if any(e.programme_id != data.programme.pk for e in data.elections):
        raise ActivityError(
            _("Pemilihan yang dipilih bukan bagian dari program ini."), code="election"
        )
    if any(t.programme_id != data.programme.pk for t in data.themes):
        raise ActivityError(_("Tema yang dipilih bukan bagian dari program ini."), code="theme")
    if any(s.office_id != office.pk for s in data.segments):
        raise ActivityError(_("Segmen tidak dikenal."), code="segment")
    if data.online_url and not is_web_url(data.online_url):
        raise ActivityError(
            _("Tautan siaran/unggahan harus alamat web (http:// atau https://)."),
            code="online_url",
        )
    if data.is_online:
        if not data.online_url:
            raise ActivityError(
                _("Kegiatan daring perlu tautan siaran atau unggahan."), code="online_url_required"
            )
    elif data.kelurahan is None and not data.venue.strip():
        raise ActivityError(
            _("Isi kelurahan dan tempat kegiatan, atau tandai sebagai kegiatan daring."),
            code="place_required",
        )
    if data.kelurahan is not None and (
        data.kelurahan.level != RegionLevel.KELURAHAN
        or not data.kelurahan.code.startswith(f"{office.region_id}.")
    ):
        raise ActivityError(
            _("Kelurahan berada di luar wilayah kerja kantor ini."), code="kelurahan"
        )
    if (data.lat is None) != (data.lng is None):
        raise ActivityError(_("Titik peta perlu lintang dan bujur."), code="point")
    if (
        data.lat is not None
        and data.lng is not None
        and not (-90 <= data.lat <= 90 and -180 <= data.lng <= 180)
    ):
        raise ActivityError(_("Titik peta tidak sah."), code="point")
    return partner


def _apply(activity: Activity, data: ActivityInput, partner: Partner | None) -> None:
    activity.programme = data.programme
    activity.partner = partner
    activity.title = data.title.strip()
    activity.description = data.description
    activity.method = data.method
    activity.kelurahan = data.kelurahan
    activity.venue = data.venue
    activity.lat = data.lat
    activity.lng = data.lng
    activity.is_online = data.is_online
    activity.online_url = data.online_url
    activity.starts_at = data.starts_at
    activity.ends_at = data.ends_at
    activity.expected_attendance = data.expected_attendance
    activity.is_public = data.is_public


def _set_relations(activity: Activity, data: ActivityInput) -> None:
    elections = list(data.elections) or list(data.programme.elections.all())
    activity.elections.set(elections)
    activity.themes.set(list(data.themes))
    activity.segments.set(list(data.segments))


@transaction.atomic
def activity_create(*, membership: Membership, data: ActivityInput) -> Activity:
    """A new proposal in draft (a coordinator for their partner; staff for any or the office)."""
    require(membership, Right.PROPOSE_ACTIVITIES)
    partner = _validate(membership, data)
    activity = Activity(office=membership.office, created_by=membership.user)
    _apply(activity, data, partner)
    activity.save()
    _set_relations(activity, data)
    return activity


def can_edit(membership: Membership | None, activity: Activity) -> bool:
    if not membership:
        return False
    return activity.status in EDITABLE.get(Role(membership.role), set())


def can_report(membership: Membership | None, activity: Activity) -> bool:
    """Whether `report_submit` would accept a report now (its figures aside)."""
    return step_open(membership, activity, STEPS["report"])


@transaction.atomic
def activity_update(*, membership: Membership, activity_id: int, data: ActivityInput) -> Activity:
    require(membership, Right.PROPOSE_ACTIVITIES)
    activity = activity_access(membership=membership, activity_id=activity_id, lock=True)
    if not can_edit(membership, activity):
        raise ActivityError(
            _("Kegiatan berstatus “%(status)s” tidak dapat diubah lagi.")
            % {"status": activity.get_status_display()},
            code="not_editable",
        )
    partner = _validate(membership, data)
    _apply(activity, data, partner)
    activity.save()
    _set_relations(activity, data)
    return activity


# --- Life cycle ----------------------------------------------------------------------------


@transaction.atomic
def activity_submit(*, membership: Membership, activity_id: int) -> Activity:
    """draft / returned → submitted: the proposal goes to the commission's queue."""
    return _step_take(membership=membership, activity_id=activity_id, action="submit")


@transaction.atomic
def activity_approve(*, membership: Membership, activity_id: int, comment: str = "") -> Activity:
    """submitted → approved (staff / admin)."""
    return _step_take(
        membership=membership, activity_id=activity_id, action="approve", comment=comment
    )


@transaction.atomic
def activity_return(*, membership: Membership, activity_id: int, comment: str) -> Activity:
    """submitted → returned with a comment; the partner edits and resubmits."""
    return _step_take(
        membership=membership, activity_id=activity_id, action="return", comment=comment
    )


def _require_started(activity: Activity, now: datetime.datetime | None = None) -> None:
    if activity.starts_at > (now or timezone.now()):
        raise ActivityError(
            _("Kegiatan belum dimulai; laporan dan tanda terlaksana dibuat setelah kegiatan."),
            code="not_started",
        )


@transaction.atomic
def activity_mark_held(*, membership: Membership, activity_id: int) -> Activity:
    """approved → held, once the activity has started."""
    return _step_take(membership=membership, activity_id=activity_id, action="held")


@transaction.atomic
def activity_cancel(*, membership: Membership, activity_id: int, comment: str = "") -> Activity:
    """Cancel before it was held; the record and its history stay."""
    return _step_take(
        membership=membership, activity_id=activity_id, action="cancel", comment=comment
    )


def _validate_report(
    activity: Activity, figures: dict[str, int], posts: Sequence[PostInput]
) -> None:
    total = figures["attendance_total"]
    if any(v < 0 for v in figures.values()):
        raise ActivityError(_("Angka tidak boleh negatif."), code="negative")
    if total == 0 and not activity.is_online and activity.method.mode == MethodMode.DIRECT:
        raise ActivityError(
            _("Isi jumlah peserta kegiatan tatap muka."), code="attendance_required"
        )
    if figures["women"] + figures["men"] > total:
        raise ActivityError(
            _("Jumlah perempuan dan laki-laki melebihi jumlah peserta."), code="sex_exceeds_total"
        )
    if figures["first_time_voters"] + figures["young_voters"] > total:
        raise ActivityError(
            _("Jumlah pemilih pemula dan pemilih muda melebihi jumlah peserta."),
            code="age_exceeds_total",
        )
    if figures["disabilities"] > total:
        raise ActivityError(
            _("Jumlah penyandang disabilitas melebihi jumlah peserta."),
            code="disabilities_exceeds_total",
        )
    if activity.is_online and total == 0 and not posts:
        raise ActivityError(
            _("Kegiatan daring perlu minimal satu tautan unggahan dengan angka jangkauannya."),
            code="posts_required",
        )
    for post in posts:
        if post.platform not in Platform.values:
            raise ActivityError(_("Platform tidak dikenal."), code="platform")
        if min(post.reach, post.impressions, post.engagement) < 0:
            raise ActivityError(_("Angka tidak boleh negatif."), code="negative")
        if not is_web_url(post.url):
            raise ActivityError(_("Tautan unggahan tidak sah."), code="post_url")


@transaction.atomic
def report_submit(
    *,
    membership: Membership,
    activity_id: int,
    attendance_total: int,
    women: int = 0,
    men: int = 0,
    first_time_voters: int = 0,
    young_voters: int = 0,
    disabilities: int = 0,
    notes: str = "",
    attendance_sheet: UploadedFile | None = None,
    posts: Sequence[PostInput] = (),
) -> Report:
    """The report after the activity: approved/held/report_returned → reported.

    An approved activity whose date has passed is marked held on the way (both moves are
    recorded).
    """
    require(membership, STEPS["report"].right)
    activity = activity_access(membership=membership, activity_id=activity_id, lock=True)
    _expect(activity, STEPS["report"])
    figures = {
        "attendance_total": attendance_total,
        "women": women,
        "men": men,
        "first_time_voters": first_time_voters,
        "young_voters": young_voters,
        "disabilities": disabilities,
    }
    _validate_report(activity, figures, posts)
    report = Report.objects.filter(activity=activity).first() or Report(activity=activity)
    for name, value in figures.items():
        setattr(report, name, value)
    report.notes = notes
    report.submitted_by = membership.user
    report.submitted_at = timezone.now()
    if attendance_sheet is not None:
        report.attendance_sheet.name = store_upload(
            attendance_sheet, folder=f"activities/{activity.office_id}/sheets"
        )
    report.save()
    if posts:
        activity.online_posts.all().delete()
        OnlinePost.objects.bulk_create(
            OnlinePost(
                activity=activity,
                url=p.url,
                platform=p.platform,
                reach=p.reach,
                impressions=p.impressions,
                engagement=p.engagement,
            )
            for p in posts
        )
    if activity.status == S.APPROVED:
        _record(activity, S.HELD, membership.user)
    _record(activity, S.REPORTED, membership.user)
    return report


@transaction.atomic
def report_verify(*, membership: Membership, activity_id: int, comment: str = "") -> Report:
    """reported → verified: from now on its figures count as reach."""

    def mark_verified(activity: Activity, _comment: str) -> None:
        report = Report.objects.get(activity=activity)
        report.verified_by = membership.user
        report.verified_at = timezone.now()
        report.return_comment = ""
        report.save(update_fields=["verified_by", "verified_at", "return_comment"])

    activity = _step_take(
        membership=membership,
        activity_id=activity_id,
        action="verify",
        comment=comment,
        before_record=mark_verified,
    )
    return Report.objects.get(activity=activity)


@transaction.atomic
def report_return(*, membership: Membership, activity_id: int, comment: str) -> Report:
    """reported → report_returned with a comment; the partner corrects and resubmits."""

    def keep_comment(activity: Activity, comment: str) -> None:
        report = Report.objects.get(activity=activity)
        report.return_comment = comment
        report.save(update_fields=["return_comment"])

    activity = _step_take(
        membership=membership,
        activity_id=activity_id,
        action="report_return",
        comment=comment,
        before_record=keep_comment,
    )
    return Report.objects.get(activity=activity)


# --- Evidence ------------------------------------------------------------------------------

PHOTO_STATUSES = {S.APPROVED, S.HELD, S.REPORT_RETURNED}


def _reference_point(activity: Activity) -> tuple[float, float] | None:
    if activity.lat is not None and activity.lng is not None:
        return activity.lat, activity.lng
    kel = activity.kelurahan
    if kel is not None and kel.label_lat is not None and kel.label_lng is not None:
        return kel.label_lat, kel.label_lng
    return None


def evidence_flags(
    *,
    activity: Activity,
    taken_at: datetime.datetime | None,
    lat: float | None,
    lng: float | None,
) -> tuple[bool, bool, float | None]:
    """(date_mismatch, place_mismatch, distance_km) of a photo against the activity."""
    date_mismatch = False
    if taken_at is not None:
        day = timezone.localdate(taken_at)
        first = timezone.localdate(activity.starts_at) - datetime.timedelta(DATE_TOLERANCE_DAYS)
        last = timezone.localdate(activity.ends_at) + datetime.timedelta(DATE_TOLERANCE_DAYS)
        date_mismatch = not (first <= day <= last)
    distance = None
    place_mismatch = False
    reference = _reference_point(activity)
    if lat is not None and lng is not None and reference is not None and not activity.is_online:
        distance = round(distance_km(lat, lng, *reference), 2)
        place_mismatch = distance > PLACE_TOLERANCE_KM
    return date_mismatch, place_mismatch, distance


@transaction.atomic
def evidence_add(
    *,
    membership: Membership,
    activity_id: int,
    photo: UploadedFile,
    shows_children: bool = False,
    guardian_consent: bool = False,
) -> Evidence:
    """Add a (content-checked) photo: resized, EXIF read, mismatches flagged, not refused.
    The uploader says whether it shows children and, if so, whether their guardians agreed
    to its publication; without that it is never published."""
    require(membership, Right.PROPOSE_ACTIVITIES)
    activity = activity_access(membership=membership, activity_id=activity_id, lock=True)
    if activity.status not in PHOTO_STATUSES:
        raise ActivityError(
            _("Foto dapat diunggah setelah kegiatan disetujui dan sebelum laporan dikirim."),
            code="photos_closed",
        )
    if activity.evidence.count() >= MAX_PHOTOS:
        raise ActivityError(
            _("Maksimal %(n)d foto per kegiatan.") % {"n": MAX_PHOTOS}, code="too_many_photos"
        )
    try:
        check_image_pixels(photo)  # before decoding: a small file can declare a huge canvas
    except ValidationError as exc:
        raise ActivityError(exc.messages[0], code="photo_too_large") from exc
    try:
        facts = read_photo(photo)
    except (OSError, ValueError, SyntaxError) as exc:
        raise ActivityError(_("Foto tidak dapat dibaca."), code="photo_unreadable") from exc
    date_mismatch, place_mismatch, distance = evidence_flags(
        activity=activity, taken_at=facts.taken_at, lat=facts.lat, lng=facts.lng
    )
    name = store_upload(
        ContentFile(facts.data, name="photo.jpg"),
        folder=f"activities/{activity.office_id}/photos",
        kind="jpeg",
    )
    return Evidence.objects.create(
        activity=activity,
        file=name,
        width=facts.width,
        height=facts.height,
        size_bytes=len(facts.data),
        taken_at=facts.taken_at,
        gps_lat=facts.lat,
        gps_lng=facts.lng,
        distance_km=distance,
        date_mismatch=date_mismatch,
        place_mismatch=place_mismatch,
        uploaded_by=membership.user,
        shows_children=shows_children,
        guardian_consent=shows_children and guardian_consent,
    )


@transaction.atomic
def evidence_delete(*, membership: Membership, activity_id: int, evidence_id: int) -> None:
    require(membership, Right.PROPOSE_ACTIVITIES)
    activity = activity_access(membership=membership, activity_id=activity_id, lock=True)
    if activity.status not in PHOTO_STATUSES:
        raise ActivityError(_("Foto tidak dapat dihapus lagi."), code="photos_closed")
    evidence = Evidence.objects.filter(pk=evidence_id, activity=activity).first()
    if evidence is None:
        raise NotFoundError(_("Foto tidak ditemukan."), code="not_found")
    evidence.file.delete(save=False)
    evidence.delete()


# --- Reminders -----------------------------------------------------------------------------


def reminder_text(activity: Activity, days_overdue: int) -> str:
    return _(
        "Pengingat dari %(office)s: laporan kegiatan “%(title)s” (%(date)s) sudah terlambat "
        "%(days)d hari. Mohon kirim laporannya di %(url)s"
    ) % {
        "office": activity.office.display_name,
        "title": activity.title,
        "date": timezone.localdate(activity.starts_at).strftime("%d-%m-%Y"),
        "days": days_overdue,
        "url": absolute_url(reverse("activities:report", args=[activity.pk])),
    }


def reminders_send(*, today: datetime.date | None = None) -> list[ReportReminder]:
    """Record the reminders due for overdue reports at 3 and 7 days overdue (each step once).

    Idempotent: a step already recorded in ReportReminder is not recorded again. The
    messages themselves are sent by mitra.notifications, which hears each new record.
    """
    from .selectors import overdue_activities

    today = today or timezone.localdate()
    sent: list[ReportReminder] = []
    for activity in overdue_activities(today=today).select_related("office", "partner"):
        days = (today - activity.report_due_on).days
        due_steps = [s for s in REMINDER_STEPS if days >= s]
        if not due_steps:
            continue
        done = set(activity.reminders.values_list("days_overdue", flat=True))
        pending = [s for s in due_steps if s not in done]
        if not pending:
            continue
        recipients = _coordinator_emails(activity)
        with transaction.atomic():
            records = [
                ReportReminder.objects.create(
                    activity=activity, days_overdue=step, recipients=", ".join(recipients)
                )
                for step in pending
            ]
        sent.extend(records)
    return sent


def _coordinator_emails(activity: Activity) -> list[str]:
    if activity.partner_id is None:
        return []
    emails = list(
        Membership.objects.filter(
            office_id=activity.office_id, role=Role.COORDINATOR, partner_id=activity.partner_id
        ).values_list("user__email", flat=True)
    )
    if not emails and activity.partner and activity.partner.email:
        emails = [activity.partner.email]
    return sorted(set(emails))


def post_inputs(rows: Iterable[dict[str, Any]]) -> list[PostInput]:
    """Rows of a form / API payload → PostInput, skipping empty rows."""
    posts = []
    for row in rows:
        url = (row.get("url") or "").strip()
        if not url:
            continue
        posts.append(
            PostInput(
                url=url,
                platform=row.get("platform") or Platform.OTHER,
                reach=int(row.get("reach") or 0),
                impressions=int(row.get("impressions") or 0),
                engagement=int(row.get("engagement") or 0),
            )
        )
    return posts


@transaction.atomic
def activity_act(
    *, membership: Membership, activity_id: int, action: str, comment: str = ""
) -> Activity:
    """Take a life-cycle action by name (pages and API share it; `lifecycle.ACTIONS`)."""
    if action not in ACTIONS:
        raise ActivityError(_("Tindakan tidak dikenal."), code="unknown_action")
    if action == "verify":
        return report_verify(
            membership=membership, activity_id=activity_id, comment=comment
        ).activity
    if action == "report_return":
        return report_return(
            membership=membership, activity_id=activity_id, comment=comment
        ).activity
    return _step_take(
        membership=membership, activity_id=activity_id, action=action, comment=comment
    )
