"""Reads of the reports app. The programme report's figures are those of the dashboard,
the attendance check, the gaps and the turnout evaluation (their selectors, called here,
never recomputed); the scorecard adds what only it needs (reports on time, evidence,
returned reports) from the activity records."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership, Role
from mitra.accounts.permissions import Right, has_right
from mitra.activities import selectors as activity_selectors
from mitra.activities.models import (
    Activity,
    ActivityStatus,
    Evidence,
    OnlinePost,
    Report,
    Transition,
)
from mitra.analytics import figure_cache
from mitra.analytics import selectors as analytics
from mitra.analytics.models import StationResult, Target, VoterCount
from mitra.checkin.models import CheckIn
from mitra.core.errors import NotFoundError, PermissionDeniedError
from mitra.elections.models import Programme
from mitra.evaluation import selectors as evaluation_selectors
from mitra.offices.models import Office
from mitra.partners.models import Agreement, Deliverable, Partner

from .models import Certificate, JobStatus, Letterhead, PhotoPick, ReportJob

PHOTOS_PER_ACTIVITY = 3  # staff pick at most this many photos of one activity


# --- What is asked, and of which data -----------------------------------------------------


@dataclass(frozen=True)
class ReportParams:
    """The period (or election) a programme report covers, and its language."""

    election_id: int | None = None
    programme_id: int | None = None  # None: the running programme
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    language: str = "id"

    def as_json(self) -> dict[str, Any]:
        return {
            "election_id": self.election_id,
            "programme_id": self.programme_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "language": self.language,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportParams:
        def day(value: Any) -> datetime.date | None:
            return datetime.date.fromisoformat(value) if value else None

        return cls(
            election_id=data.get("election_id"),
            programme_id=data.get("programme_id"),
            date_from=day(data.get("date_from")),
            date_to=day(data.get("date_to")),
            language=data.get("language") or "id",
        )

    def filters(self) -> analytics.DashboardFilters:
        return analytics.DashboardFilters(
            election_id=self.election_id, date_from=self.date_from, date_to=self.date_to
        )


def data_version(*, office: Office) -> str:
    """A token that changes with every write the office's reports read: the newest row (or
    change time) and the row count of each table they draw on, and the day (figures such
    as the days left and the pace depend on it). A report asked twice with the same token
    and parameters is the same file."""
    activities = Activity.objects.filter(office=office)
    ids = activities.values("pk")
    parts: list[Any] = [
        timezone.localdate().isoformat(),
        activities.aggregate(n=Count("pk"), m=Max("updated_at")),
        Transition.objects.filter(activity_id__in=ids).aggregate(n=Count("pk"), m=Max("pk")),
        Report.objects.filter(activity_id__in=ids).aggregate(
            n=Count("pk"), s=Max("submitted_at"), v=Max("verified_at")
        ),
        Evidence.objects.filter(activity_id__in=ids).aggregate(n=Count("pk"), m=Max("pk")),
        OnlinePost.objects.filter(activity_id__in=ids).aggregate(n=Count("pk"), m=Max("pk")),
        CheckIn.objects.filter(office=office).aggregate(n=Count("pk"), m=Max("pk")),
        Partner.objects.filter(office=office).aggregate(n=Count("pk"), m=Max("updated_at")),
        Agreement.objects.filter(office=office).aggregate(n=Count("pk"), m=Max("pk")),
        Deliverable.objects.filter(agreement__office=office).aggregate(n=Count("pk"), m=Max("pk")),
        PhotoPick.objects.filter(office=office).aggregate(n=Count("pk"), m=Max("picked_at")),
        Letterhead.objects.filter(office=office).aggregate(m=Max("updated_at")),
        Certificate.objects.filter(office=office).aggregate(n=Count("pk"), r=Count("revoked_at")),
        # Edited in place or imported in bulk (no change time): their sums move with them,
        # and the figure cache's generation token (when the cache is on) with any write.
        Target.objects.filter(office=office).aggregate(n=Count("pk"), s=Sum("value")),
        VoterCount.objects.filter(office=office).aggregate(n=Count("pk"), s=Sum("voters_total")),
        StationResult.objects.filter(office=office).aggregate(n=Count("pk"), s=Sum("voted")),
        figure_cache.generation(office.pk),
    ]
    text = json.dumps(parts, default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def job_key(*, office: Office, kind: str, params: dict[str, Any], version: str) -> str:
    text = json.dumps([kind, params, version], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# --- Who may read what --------------------------------------------------------------------


def require_reports(membership: Membership | None) -> Membership:
    """Programme reports are for staff, admins and observers (like the dashboard)."""
    return analytics.require_dashboard(membership)


def job_visible(*, membership: Membership | None, pk: int) -> ReportJob:
    """A generated file the member may read: the office's reports for staff and observers;
    a coordinator only their own partner's scorecards and certificates."""
    if membership is None:
        raise PermissionDeniedError(_("Silakan masuk terlebih dahulu."), code="permission_denied")
    qs = ReportJob.objects.filter(office_id=membership.office_id)
    if membership.role == Role.COORDINATOR:
        qs = qs.filter(partner_id=membership.partner_id or 0)
    elif not has_right(membership, Right.VIEW_DASHBOARD):
        qs = qs.none()
    job = qs.filter(pk=pk).first()
    if job is None:
        raise NotFoundError(_("Berkas laporan tidak ditemukan."), code="not_found")
    return job


def jobs_recent(*, membership: Membership, limit: int = 10) -> QuerySet[ReportJob]:
    return ReportJob.objects.filter(
        office_id=membership.office_id, requested_by_id=membership.user_id
    )[:limit]


def job_done_for(*, office: Office, key: str) -> ReportJob | None:
    return ReportJob.objects.filter(office=office, key=key).first()


# --- Photos -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoRow:
    pick: PhotoPick
    evidence: Evidence
    activity: Activity
    caption: str
    theme: str
    taken_at: datetime.datetime | None
    place: str
    flagged: bool
    flags: str


def _flags(evidence: Evidence) -> str:
    found = []
    if evidence.date_mismatch:
        found.append(_("tanggal foto tidak cocok"))
    if evidence.place_mismatch:
        found.append(_("lokasi foto tidak cocok"))
    return ", ".join(found)


def report_photos(
    *, office: Office, programme: Programme, params: ReportParams | None = None
) -> list[PhotoRow]:
    """The photos staff picked, of counted activities of the programme within the period."""
    counted = activity_selectors.counted_activities(
        office=office,
        filters=(params or ReportParams()).filters().activity_filters(programme),
    )
    picks = (
        PhotoPick.objects.filter(office=office, evidence__activity__in=counted.values("pk"))
        .select_related(
            "evidence__activity__kelurahan__parent", "evidence__activity__partner", "theme"
        )
        .order_by("theme__order", "evidence__activity__starts_at", "pk")
    )
    rows = []
    for pick in picks:
        activity = pick.evidence.activity
        area = activity.kelurahan
        place = ", ".join(
            x
            for x in (
                activity.venue,
                area.name if area else "",
                area.parent.name if area and area.parent else "",
            )
            if x
        ) or _("daring")
        rows.append(
            PhotoRow(
                pick=pick,
                evidence=pick.evidence,
                activity=activity,
                caption=pick.caption,
                theme=pick.theme.name if pick.theme else "",
                taken_at=pick.evidence.taken_at or activity.starts_at,
                place=place,
                flagged=pick.evidence.is_flagged,
                flags=_flags(pick.evidence),
            )
        )
    return rows


def pickable_photos(*, membership: Membership, activity_id: int) -> tuple[Activity, list[Evidence]]:
    """An activity's photos for the pick page (staff of its office only)."""
    require_reports(membership)
    activity = activity_selectors.activity_detail(membership=membership, activity_id=activity_id)
    if activity is None:
        raise NotFoundError(_("Kegiatan tidak ditemukan."), code="not_found")
    photos = list(
        Evidence.objects.filter(activity=activity).select_related("report_pick").order_by("pk")
    )
    return activity, photos


# --- The programme report -----------------------------------------------------------------


@dataclass
class ProgrammeReport:
    office: Office
    programme: Programme
    params: ReportParams
    dashboard: analytics.Dashboard
    differences: list[analytics.AttendanceDifference]
    gaps: list[analytics.Gap]
    gaps_day: datetime.date
    evaluation: evaluation_selectors.Evaluation | None
    photos: list[PhotoRow]
    generated_at: datetime.datetime
    notes: list[str] = field(default_factory=list)

    @property
    def after_voting_day(self) -> bool:
        return self.dashboard.as_of > self.programme.voting_day


def method_notes(*, threshold: int, office: Office) -> list[str]:
    """What counts, in the report's own words (docs/analytics.md has the long version)."""
    notes = [
        _(
            "Jangkauan dihitung hanya dari laporan kegiatan yang sudah diverifikasi staf KPU; "
            "setiap kegiatan dihitung sekali meskipun melayani dua pemilihan."
        ),
        _(
            "Kehadiran terukur adalah jumlah check-in (QR poster, tiket atau tally). Selisih "
            "lebih dari 25 persen dari angka yang dilaporkan ditandai."
        ),
        _(
            "Foto yang tanggal atau lokasi EXIF-nya tidak cocok dengan kegiatan ditandai, "
            "bukan ditolak."
        ),
        _(
            "Target dan laju dihitung sampai hari laporan; kesenjangan dihitung per wilayah "
            "dan segmen."
        ),
    ]
    if threshold:
        notes.append(
            _("Jumlah orang di bawah %(n)s disembunyikan (ditampilkan sebagai \u201c<%(n)s\u201d).")
            % {"n": threshold}
        )
    return notes


def programme_report(
    *,
    membership: Membership | None,
    params: ReportParams,
    programme: Programme | None = None,
    today: datetime.date | None = None,
    on_step: Callable[[int, str], None] | None = None,
) -> ProgrammeReport:
    """Every section of the programme report, from the dashboard's own selectors."""
    membership = require_reports(membership)

    def step(percent: int, text: str) -> None:
        if on_step is not None:
            on_step(percent, text)

    step(10, _("Ringkasan dan angka utama"))
    d = analytics.dashboard(
        membership=membership, filters=params.filters(), programme=programme, today=today
    )
    scope = analytics.dashboard_scope(
        membership=membership, filters=params.filters(), programme=d.programme
    )
    step(30, _("Selisih kehadiran"))
    differences = analytics.attendance_differences(scope=scope)
    step(40, _("Kesenjangan yang tersisa"))
    # After voting day nothing is left to close: the gaps as they stood on its eve.
    gaps_day = min(d.as_of, d.programme.voting_day - datetime.timedelta(days=1))
    gaps = analytics.gaps(
        office=d.office,
        programme=d.programme,
        filters=params.filters(),
        today=gaps_day,
        limit=20,
        threshold=d.threshold,
    )
    step(55, _("Hasil partisipasi dan evaluasi"))
    found = None
    if d.as_of > d.programme.voting_day:
        found = evaluation_selectors.turnout_evaluation(
            membership=membership, election_id=params.election_id
        )
    step(65, _("Foto kegiatan"))
    photos = report_photos(office=d.office, programme=d.programme, params=params)
    return ProgrammeReport(
        office=d.office,
        programme=d.programme,
        params=params,
        dashboard=d,
        differences=differences,
        gaps=gaps,
        gaps_day=gaps_day,
        evaluation=found,
        photos=photos,
        generated_at=timezone.now(),
        notes=method_notes(threshold=d.threshold, office=d.office),
    )


# --- Partner scorecards -------------------------------------------------------------------


@dataclass
class AgreementScore:
    agreement: Agreement
    deliverables: int
    met: int
    rows: list[dict[str, Any]]

    @property
    def percent(self) -> int:
        if not self.rows:
            return 0
        return round(sum(r["percent"] for r in self.rows) / len(self.rows))


@dataclass
class Scorecard:
    partner: Partner
    agreements: list[AgreementScore]
    by_status: dict[str, int]
    activities: int
    verified: int
    reach: int | str
    reach_raw: int
    reports: int
    reports_on_time: int
    with_evidence: int
    evidence_expected: int
    returned: int

    @property
    def deliverables(self) -> int:
        return sum(a.deliverables for a in self.agreements)

    @property
    def deliverables_met(self) -> int:
        return sum(a.met for a in self.agreements)

    @property
    def deliverable_percent(self) -> int | None:
        rows = [r for a in self.agreements for r in a.rows]
        return round(sum(r["percent"] for r in rows) / len(rows)) if rows else None

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.reports_on_time / self.reports) if self.reports else None

    @property
    def evidence_percent(self) -> int | None:
        if not self.evidence_expected:
            return None
        return round(100 * self.with_evidence / self.evidence_expected)

    def status_rows(self) -> list[tuple[str, int]]:
        return [
            (str(label), self.by_status.get(value, 0)) for value, label in ActivityStatus.choices
        ]


# Activities whose report has been handed in (and so should carry photos).
_REPORTED = (ActivityStatus.REPORTED, ActivityStatus.REPORT_RETURNED, ActivityStatus.VERIFIED)
SORTS = {
    "name": lambda s: s.partner.name.lower(),
    "deliverables": lambda s: -(s.deliverable_percent or 0),
    "activities": lambda s: -s.activities,
    "reach": lambda s: -s.reach_raw,
    "on_time": lambda s: -(s.on_time_percent or 0),
    "evidence": lambda s: -(s.evidence_percent or 0),
    "returned": lambda s: s.returned,
}


def _partners_for(membership: Membership | None) -> QuerySet[Partner]:
    if membership is None:
        raise PermissionDeniedError(_("Silakan masuk terlebih dahulu."), code="permission_denied")
    qs = Partner.objects.filter(office_id=membership.office_id)
    if membership.role == Role.COORDINATOR:
        return qs.filter(pk=membership.partner_id or 0)
    if not has_right(membership, Right.VIEW_ALL_PARTNERS):
        raise PermissionDeniedError(
            _("Anda tidak memiliki izin untuk tindakan ini."), code="permission_denied"
        )
    return qs


def scorecards(
    *,
    membership: Membership | None,
    partner_id: int | None = None,
    sort: str = "deliverables",
    today: datetime.date | None = None,
) -> list[Scorecard]:
    """Scorecards of the partners the member may see (a coordinator: their own), ranked."""
    partners = _partners_for(membership)
    if partner_id is not None:
        partners = partners.filter(pk=partner_id)
    partners = partners.order_by("name").prefetch_related(
        "agreements__deliverables__theme", "agreements__deliverables__segment"
    )
    partner_list = list(partners)
    assert membership is not None
    threshold = analytics.small_cell_threshold(membership=membership, office=membership.office)
    ids = [p.pk for p in partner_list]
    activities = Activity.objects.filter(office_id=membership.office_id, partner_id__in=ids)
    by_status: dict[int, dict[str, int]] = {}
    for pid, status, n in (
        activities.order_by()
        .values("partner_id", "status")
        .annotate(n=Count("pk"))
        .values_list("partner_id", "status", "n")
    ):
        by_status.setdefault(pid, {})[status] = n
    reach = {
        r["id"]: r
        for r in activity_selectors.reach_by(
            office=membership.office_id, dimension="partner", filters=None
        )
        if r.get("id") is not None
    }
    reports: dict[int, tuple[int, int]] = {}
    for report in Report.objects.filter(
        activity__in=activities, submitted_at__isnull=False
    ).values_list("activity__partner_id", "submitted_at", "activity__ends_at"):
        pid, submitted, ends = report
        due = timezone.localdate(ends) + datetime.timedelta(days=activity_selectors.REPORT_DUE_DAYS)
        n, on_time = reports.get(pid, (0, 0))
        reports[pid] = (n + 1, on_time + (timezone.localdate(submitted) <= due))
    evidence: dict[int, tuple[int, int]] = {
        pid: (expected, shown)
        for pid, expected, shown in activities.filter(status__in=_REPORTED)
        .order_by()
        .values("partner_id")
        .annotate(
            expected=Count("pk"),
            shown=Count(
                "pk", filter=Q(Exists(Evidence.objects.filter(activity_id=OuterRef("pk"))))
            ),
        )
        .values_list("partner_id", "expected", "shown")
    }
    returned = dict(
        Transition.objects.filter(activity__in=activities, to_status=ActivityStatus.REPORT_RETURNED)
        .order_by()
        .values("activity__partner_id")
        .annotate(n=Count("pk"))
        .values_list("activity__partner_id", "n")
    )
    cards = []
    for partner in partner_list:
        scores = []
        for agreement in sorted(
            partner.agreements.all(), key=lambda a: (a.valid_from, a.pk), reverse=True
        ):
            rows = activity_selectors.partner_progress(partner=partner, agreement=agreement)
            scores.append(
                AgreementScore(
                    agreement=agreement,
                    deliverables=len(rows),
                    met=sum(1 for r in rows if r["done"] >= r["target"]),
                    rows=rows,
                )
            )
        counts = by_status.get(partner.pk, {})
        reached = int(reach.get(partner.pk, {}).get("attendance", 0) or 0)
        expected, shown = evidence.get(partner.pk, (0, 0))
        n_reports, on_time = reports.get(partner.pk, (0, 0))
        cards.append(
            Scorecard(
                partner=partner,
                agreements=scores,
                by_status=counts,
                activities=sum(counts.values()),
                verified=counts.get(ActivityStatus.VERIFIED, 0),
                reach=analytics.suppress(reached, threshold) or 0,
                reach_raw=reached,
                reports=n_reports,
                reports_on_time=on_time,
                with_evidence=shown,
                evidence_expected=expected,
                returned=returned.get(partner.pk, 0),
            )
        )
    cards.sort(key=lambda s: (SORTS.get(sort, SORTS["deliverables"])(s), s.partner.name))
    return cards


def scorecard(*, membership: Membership | None, partner_id: int) -> Scorecard:
    found = scorecards(membership=membership, partner_id=partner_id)
    if not found:
        raise NotFoundError(_("Mitra tidak ditemukan."), code="not_found")
    return found[0]


# --- Certificates -------------------------------------------------------------------------


def letterhead_of(*, office: Office) -> Letterhead | None:
    return Letterhead.objects.filter(office=office).first()


def _certificates_for(membership: Membership | None) -> QuerySet[Certificate]:
    """The certificates the member may see: the office's (staff, observers); a coordinator
    those of their own partner and of its activities."""
    partners = _partners_for(membership)  # refuses those who may see no partner
    assert membership is not None
    qs = Certificate.objects.filter(office_id=membership.office_id)
    if membership.role == Role.COORDINATOR:
        qs = qs.filter(partner__in=partners)
    return qs.select_related("partner", "programme", "office", "activity")


def certificates_of(*, membership: Membership | None, partner_id: int) -> QuerySet[Certificate]:
    """A partner's own certificates (not those of people at its activities)."""
    partner = _partners_for(membership).filter(pk=partner_id).first()
    if partner is None:
        raise NotFoundError(_("Mitra tidak ditemukan."), code="not_found")
    return _certificates_for(membership).filter(partner=partner, activity__isnull=True)


def certificates_of_activity(
    *, membership: Membership | None, activity_id: int
) -> tuple[Activity, QuerySet[Certificate]]:
    """An activity (as its page shows it to the member) and its people's certificates; 404
    for an activity the member may not see (another office, another partner's)."""
    activity = (
        activity_selectors.activities_visible(membership=membership)
        .filter(pk=activity_id)
        .select_related("partner", "programme")
        .first()
    )
    if activity is None:
        raise NotFoundError(_("Kegiatan tidak ditemukan."), code="not_found")
    return activity, _certificates_for(membership).filter(activity=activity)


def certificate_visible(*, membership: Membership | None, pk: int) -> Certificate:
    found = _certificates_for(membership).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(_("Piagam tidak ditemukan."), code="not_found")
    return found


def certificate_by_token(*, token: str) -> Certificate | None:
    """The certificate a verification link names (None: no such certificate)."""
    return (
        Certificate.objects.filter(token=token)
        .select_related("partner", "programme", "office", "activity")
        .first()
    )


def jobs_running(*, office: Office) -> int:
    return ReportJob.objects.filter(
        office=office, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)
    ).count()
