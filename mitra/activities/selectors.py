"""Reads of activities: permission-filtered lists, queues, calendar, reach totals.

Reach (the programme's "how many people did we reach") counts **only verified reports**,
and **each activity once**: filters over M2M relations (elections, themes, segments) are
applied as `pk IN (subquery)` so an activity serving two elections is never joined twice.
Analytics reuses these selectors.

Past ~600 lines: lists, queues, calendar and reach share the visibility filter and the
`pk IN (subquery)` rule above, which must not drift apart between modules.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership, Role
from mitra.accounts.permissions import Right, has_right
from mitra.accounts.selectors import readable_office_ids
from mitra.core import office_cache
from mitra.elections.models import Programme, Segment, Theme
from mitra.elections.selectors import current_programme
from mitra.offices.models import Office
from mitra.partners.models import Agreement, DeliverableMetric, Partner
from mitra.regions.models import Region, RegionLevel

from . import lifecycle
from .models import (
    REPORT_DUE_DAYS,
    Activity,
    ActivityStatus,
    Approach,
    ApproachMethod,
    Evidence,
    Method,
    OnlinePost,
    Report,
    Transition,
    approach_links,
    localized_name,
    with_approach,
)

S = ActivityStatus
# Activities that wait for a report (the date has passed, nothing verified yet).
AWAITING_REPORT = lifecycle.AWAITING_REPORT


@dataclass
class ActivityFilters:
    """The list/calendar/export/API filters (all optional)."""

    partner_id: int | None = None
    organiser: str = ""  # "" | "office" (partner empty) | "partners"
    method_id: int | None = None
    approach_id: int | None = None  # the programme's approach (its methods)
    approach_other: bool = False  # methods in no approach of their programme ("other")
    theme_id: int | None = None
    segment_id: int | None = None
    kecamatan: str = ""  # Region code of a kecamatan
    status: list[str] = field(default_factory=list)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    election_id: int | None = None
    programme_id: int | None = None
    q: str = ""
    # Counted activities only: those verified by the end of this day (a replay "as of" a
    # past day), read from the transitions; None: verified now.
    verified_by: datetime.date | None = None


def activities_visible(*, membership: Membership | None) -> QuerySet[Activity]:
    """Every activity the member may see: the office's (staff, admin, observer) or own partner's."""
    if not membership:
        return Activity.objects.none()
    qs = Activity.objects.filter(office_id=membership.office_id)
    if membership.role == Role.COORDINATOR:
        return qs.filter(partner_id=membership.partner_id)  # type: ignore[misc]
    if has_right(membership, Right.VIEW_ALL_PARTNERS):
        return qs
    return qs.none()


def activities_across_offices(
    *, membership: Membership | None, office_id: int | None = None
) -> QuerySet[Activity]:
    """The activities of the offices the member reads (their own and, for a province or
    the national office, every office below), optionally of one of them; latest first."""
    office_ids = readable_office_ids(
        membership=membership, right=Right.VIEW_ALL_PARTNERS, office_id=office_id
    )
    qs = Activity.objects.filter(office_id__in=office_ids)
    return qs.select_related("office", "partner", "kelurahan").order_by("-starts_at", "-pk")


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of the day in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def activities_filter(qs: QuerySet[Activity], filters: ActivityFilters) -> QuerySet[Activity]:
    f = filters
    if f.partner_id:
        qs = qs.filter(partner_id=f.partner_id)
    if f.organiser == "office":
        qs = qs.filter(partner__isnull=True)
    elif f.organiser == "partners":
        qs = qs.filter(partner__isnull=False)
    if f.method_id:
        qs = qs.filter(method_id=f.method_id)
    if f.programme_id:
        qs = qs.filter(programme_id=f.programme_id)
    if f.approach_id:
        qs = qs.filter(Exists(approach_links().filter(approach_id=f.approach_id)))
    elif f.approach_other:
        qs = qs.exclude(Exists(approach_links()))
    # M2M filters as subqueries: no duplicate rows, no DISTINCT needed.
    if f.theme_id:
        qs = qs.filter(
            pk__in=Activity.themes.through.objects.filter(theme_id=f.theme_id).values("activity_id")
        )
    if f.segment_id:
        qs = qs.filter(
            pk__in=Activity.segments.through.objects.filter(segment_id=f.segment_id).values(
                "activity_id"
            )
        )
    if f.election_id:
        qs = qs.filter(
            pk__in=Activity.elections.through.objects.filter(election_id=f.election_id).values(
                "activity_id"
            )
        )
    if f.kecamatan:
        qs = qs.filter(kelurahan__parent_id=f.kecamatan)
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.date_from:
        qs = qs.filter(starts_at__gte=day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(starts_at__lt=day_start(f.date_to + datetime.timedelta(days=1)))
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(venue__icontains=f.q))
    return qs


def activity_list(
    *, membership: Membership | None, filters: ActivityFilters | None = None
) -> QuerySet[Activity]:
    """The staff / coordinator list: constant number of queries whatever the page size."""
    qs = activities_filter(activities_visible(membership=membership), filters or ActivityFilters())
    return (
        with_approach(qs)
        .select_related("partner", "method", "kelurahan", "kelurahan__parent")
        .prefetch_related("themes", "segments")
    )


# --- The staff list: rows as values, the filter's options cached per office ---------------

_LIST_FIELDS = ("pk", "title", "status", "starts_at", "venue", "is_online", "programme_id")


def activity_list_rows(
    *, membership: Membership | None, filters: ActivityFilters | None = None
) -> QuerySet[Activity, dict[str, Any]]:
    """The staff list as plain rows (newest first): a page of it is one query; the names
    of its partner, method and places come in the same row (`activity_page_rows` adds the
    rest). No model objects are built, so a page costs the same whatever its rows hold."""
    qs = activities_filter(activities_visible(membership=membership), filters or ActivityFilters())
    return qs.order_by("-starts_at", "-pk").values(
        *_LIST_FIELDS,
        "method_id",
        partner_name=F("partner__name"),
        method_name=F("method__name"),
        kelurahan_name=F("kelurahan__name"),
        kecamatan_name=F("kelurahan__parent__name"),
    )


def activity_list_count(
    *, membership: Membership | None, filters: ActivityFilters | None = None
) -> int:
    """How many rows `activity_list_rows` has, counted without its joins."""
    qs = activities_filter(activities_visible(membership=membership), filters or ActivityFilters())
    return qs.order_by().count()


def activity_page_rows(*, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One page of `activity_list_rows` with what else it shows: the approach, themes and
    segments (three queries whatever the page size), organiser and status labels."""
    rows = list(rows)
    ids = [row["pk"] for row in rows]
    approaches = {
        (programme_id, method_id): localized_name(name, name_en)
        for programme_id, method_id, name, name_en in ApproachMethod.objects.filter(
            programme_id__in={row["programme_id"] for row in rows},
            method_id__in={row["method_id"] for row in rows},
        ).values_list("programme_id", "method_id", "approach__name", "approach__name_en")
    }
    themes = _names_by_activity(
        Activity.themes.through.objects.filter(activity_id__in=ids)
        .order_by("theme__order", "theme_id")
        .values_list("activity_id", "theme__name")
    )
    segments = _names_by_activity(
        Activity.segments.through.objects.filter(activity_id__in=ids)
        .order_by("segment__order", "segment_id")
        .values_list("activity_id", "segment__name")
    )
    office_name = str(_("KPU (penyelenggara)"))
    other = localized_name(None, None)
    labels = dict(S.choices)
    for row in rows:
        row["status_label"] = labels.get(row["status"], row["status"])
        row["organiser_name"] = row["partner_name"] or office_name
        row["approach_label"] = approaches.get((row["programme_id"], row["method_id"]), other)
        row["themes"] = themes.get(row["pk"], [])
        row["segments"] = segments.get(row["pk"], [])
    return rows


def _names_by_activity(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for activity_id, name in pairs:
        found.setdefault(activity_id, []).append(name)
    return found


def activity_filter_options(*, office: Office) -> dict[str, list[tuple[Any, str]]]:
    """The staff list's and calendar's drop-down options as (value, label) rows: the
    office's partners, methods, approaches, themes, segments and kecamatan. Kept in the
    figure cache until a write to the office's records (or the regions), per language
    (approach names are translated): no query for them on a page served after that."""

    def compute() -> dict[str, list[tuple[Any, str]]]:
        programme = current_programme(office=office)
        methods = office_methods(office=office, active_only=False)
        approaches = programme_approaches(programme=programme) if programme else []
        return {
            "partner": list(
                Partner.objects.filter(office=office).order_by("name").values_list("pk", "name")
            ),
            "method": list(methods.values_list("pk", "name")),
            "approach": [(str(a.pk), a.label) for a in approaches],
            "theme": list(Theme.objects.filter(programme__office=office).values_list("pk", "name")),
            "segment": list(Segment.objects.filter(office=office).values_list("pk", "name")),
            "kecamatan": list(
                Region.objects.within(office.region_id)
                .kecamatan()
                .order_by("name")
                .values_list("code", "name")
            ),
        }

    return office_cache.cached_value(
        office.pk, ("activity-filter-options", get_language()), compute
    )


def activity_detail(*, membership: Membership | None, activity_id: int) -> Activity | None:
    return (
        with_approach(activities_visible(membership=membership))
        .select_related(
            "partner",
            "method",
            "kelurahan",
            "kelurahan__parent",
            "programme",
            "created_by",
            "report",
            "report__verified_by",
        )
        .prefetch_related("themes", "segments", "elections", "evidence", "online_posts")
        .filter(pk=activity_id)
        .first()
    )


def activity_is_visible(*, membership: Membership | None, activity_id: int) -> bool:
    return activities_visible(membership=membership).filter(pk=activity_id).exists()


def activity_evidence(
    *, membership: Membership | None, activity_id: int, evidence_id: int
) -> Evidence | None:
    """One photo of an activity the member may see (one query; serving images stays cheap)."""
    return Evidence.objects.filter(
        pk=evidence_id,
        activity_id=activity_id,
        activity__in=activities_visible(membership=membership),
    ).first()


def activity_report(*, membership: Membership | None, activity_id: int) -> Report | None:
    """The report of an activity the member may see, if there is one (one query)."""
    return Report.objects.filter(
        activity_id=activity_id, activity__in=activities_visible(membership=membership)
    ).first()


def activity_transitions(*, activity: Activity) -> QuerySet[Transition]:
    return activity.transitions.select_related("actor").order_by("at", "pk")


def office_methods(*, office: Office | int, active_only: bool = True) -> QuerySet[Method]:
    office_id = office if isinstance(office, int) else office.pk
    qs = Method.objects.filter(office_id=office_id)
    return qs.filter(is_active=True) if active_only else qs


# --- Staff queue and overdue reports ------------------------------------------------------


@dataclass(frozen=True)
class ReviewQueue:
    proposals: Sequence[Activity]
    reports: Sequence[Activity]


def review_queue(*, membership: Membership | None, limit: int = 200) -> ReviewQueue:
    """What waits for the commission: proposals to approve, reports to verify (oldest first)."""
    if not has_right(membership, Right.REVIEW_ACTIVITIES):
        return ReviewQueue([], [])
    qs = activities_visible(membership=membership).select_related("partner", "method", "kelurahan")
    proposals = list(qs.filter(status=S.SUBMITTED).order_by("updated_at", "pk")[:limit])
    reports = list(
        qs.filter(status=S.REPORTED)
        .select_related("report")
        .annotate(
            flagged=Exists(
                Evidence.objects.filter(activity_id=OuterRef("pk")).filter(
                    Q(date_mismatch=True) | Q(place_mismatch=True)
                )
            )
        )
        .order_by("updated_at", "pk")[:limit]
    )
    return ReviewQueue(proposals, reports)


def overdue_activities(*, today: datetime.date | None = None) -> QuerySet[Activity]:
    """All offices' activities whose report is overdue (ended more than 3 days ago)."""
    today = today or timezone.localdate()
    cutoff = day_start(today - datetime.timedelta(days=REPORT_DUE_DAYS))
    return Activity.objects.filter(status__in=AWAITING_REPORT, ends_at__lt=cutoff)


@dataclass(frozen=True)
class OverdueRow:
    activity: Activity
    days_overdue: int
    whatsapp_url: str
    reminders: list[int]


def overdue_reports(
    *, membership: Membership | None, today: datetime.date | None = None
) -> list[OverdueRow]:
    """The staff's overdue list, with a WhatsApp click-to-chat link to the partner."""
    from mitra.partners.phones import whatsapp_link

    from .services import reminder_text

    today = today or timezone.localdate()
    qs = (
        overdue_activities(today=today)
        .filter(pk__in=activities_visible(membership=membership).values("pk"))
        .select_related("partner", "office", "method")
        .prefetch_related("reminders")
        .order_by("ends_at")
    )
    rows = []
    for activity in qs:
        days = (today - activity.report_due_on).days
        phone = activity.partner.whatsapp if activity.partner else ""
        rows.append(
            OverdueRow(
                activity=activity,
                days_overdue=days,
                # Stored numbers are E.164 already; without one there is no one to message.
                whatsapp_url=whatsapp_link(phone, reminder_text(activity, days)) if phone else "",
                reminders=[r.days_overdue for r in activity.reminders.all()],
            )
        )
    return rows


# --- Calendar -----------------------------------------------------------------------------


def calendar_activities(
    *,
    membership: Membership | None,
    start: datetime.date,
    end: datetime.date,
    filters: ActivityFilters | None = None,
) -> dict[datetime.date, list[Activity]]:
    """Activities by local start day within [start, end)."""
    # A cell shows only time, title and status: no related rows to load.
    visible = activities_visible(membership=membership)
    qs = (
        activities_filter(visible, filters or ActivityFilters())
        .filter(starts_at__gte=day_start(start), starts_at__lt=day_start(end))
        .order_by("starts_at", "pk")
    )
    days: dict[datetime.date, list[Activity]] = {}
    for activity in qs:
        days.setdefault(timezone.localdate(activity.starts_at), []).append(activity)
    return days


def public_calendar(*, office: Office) -> QuerySet[Activity]:
    """Approved public activities of an office (iCalendar feed, public site)."""
    return (
        Activity.objects.filter(office=office)
        .public()
        .select_related("partner", "method", "kelurahan", "kelurahan__parent")
        .order_by("starts_at")
    )


# --- Reach --------------------------------------------------------------------------------

REACH_FIELDS = (
    "attendance_total",
    "women",
    "men",
    "first_time_voters",
    "young_voters",
    "disabilities",
)


def verified_by_day(qs: QuerySet[Activity], day: datetime.date) -> QuerySet[Activity]:
    """The activities that were verified at the end of `day`: their last transition up to
    then led to "verified" (one verified later, or returned since, is left out). An
    activity with no recorded transition at all (data loaded in bulk without its history)
    counts by its present status, having nothing else to go by."""
    end = day_start(day + datetime.timedelta(days=1))
    moves = Transition.objects.filter(activity_id=OuterRef("pk"))
    return qs.alias(
        status_then=moves.filter(at__lt=end).order_by("-at", "-pk").values("to_status")[:1],
        has_history=Exists(moves),
    ).filter(
        Q(status_then=S.VERIFIED) | Q(has_history=False, status=S.VERIFIED),
    )


def counted_activities(
    *,
    office: Office | int,
    filters: ActivityFilters | None = None,
    partner: Partner | None = None,
) -> QuerySet[Activity]:
    """Verified activities of the office: the only ones whose figures count."""
    office_id = office if isinstance(office, int) else office.pk
    qs: QuerySet[Activity] = (
        verified_by_day(Activity.objects.filter(office_id=office_id), filters.verified_by)
        if filters is not None and filters.verified_by is not None
        else Activity.objects.filter(office_id=office_id).verified()
    )
    if partner is not None:
        qs = qs.filter(partner_id=partner.pk)
    if filters is not None:
        qs = activities_filter(qs, filters)
    return qs


def reach_totals(
    *,
    office: Office | int,
    filters: ActivityFilters | None = None,
    partner: Partner | None = None,
) -> dict[str, int]:
    """Verified reach: activities, attendance and its breakdown, online figures.

    Each activity counts once (Report is one per activity, filters are subqueries).
    """
    activities = counted_activities(office=office, filters=filters, partner=partner)
    ids = activities.values("pk")
    sums: dict[str, Any] = Report.objects.filter(activity_id__in=ids).aggregate(
        **{name: Coalesce(Sum(name), 0) for name in REACH_FIELDS}
    )
    online = OnlinePost.objects.filter(activity_id__in=ids).aggregate(
        online_posts=Count("pk"),
        online_reach=Coalesce(Sum("reach"), 0),
        impressions=Coalesce(Sum("impressions"), 0),
        engagement=Coalesce(Sum("engagement"), 0),
    )
    return {"activities": activities.count(), **sums, **online}


def reach_by(
    *,
    office: Office | int,
    dimension: str,
    filters: ActivityFilters | None = None,
) -> list[dict[str, Any]]:
    """Verified activities and attendance per theme / segment / method / kecamatan / partner.

    For themes and segments an activity appears in each of its rows (so rows may add up to
    more than `reach_totals`); within one row it counts once.
    """
    activities = counted_activities(office=office, filters=filters)
    through: dict[str, tuple[Any, str, str]] = {
        "theme": (Activity.themes.through, "theme_id", "theme__name"),
        "segment": (Activity.segments.through, "segment_id", "segment__name"),
    }
    if dimension in through:
        model, key, label = through[dimension]
        rows = (
            model.objects.filter(activity_id__in=activities.values("pk"))
            .values(key, label)
            .annotate(
                activities=Count("activity_id"),
                attendance=Coalesce(Sum("activity__report__attendance_total"), 0),
            )
            .order_by(key)
        )
        return [
            {
                "id": r[key],
                "label": r[label],
                "activities": r["activities"],
                "attendance": r["attendance"],
            }
            for r in rows
        ]
    fields = {
        "method": ("method_id", "method__name"),
        "kecamatan": ("kelurahan__parent_id", "kelurahan__parent__name"),
        "partner": ("partner_id", "partner__name"),
        "kelurahan": ("kelurahan_id", "kelurahan__name"),
    }
    key, label = fields[dimension]
    rows = (
        activities.values(key, label)
        .annotate(
            activities=Count("pk"),
            attendance=Coalesce(Sum("report__attendance_total"), 0),
        )
        .order_by(key)
    )
    return [
        {
            "id": r[key],
            "label": r[label],
            "activities": r["activities"],
            "attendance": r["attendance"],
        }
        for r in rows
    ]


# --- Approaches: the programme's own grouping of methods -----------------------------------

OTHER_APPROACH = "other"  # the code shown for methods in no approach of the programme


def programme_approaches(*, programme: Programme | int) -> QuerySet[Approach]:
    """The programme's approaches in their order (`approaches_with_methods` adds those)."""
    programme_id = programme if isinstance(programme, int) else programme.pk
    return Approach.objects.filter(programme_id=programme_id).order_by("order", "pk")


def approaches_with_methods(*, programme: Programme) -> QuerySet[Approach]:
    """The approaches with their methods, for the staff's page (two queries)."""
    return programme_approaches(programme=programme).prefetch_related(
        Prefetch("methods", queryset=Method.objects.order_by("mode", "order", "name"))
    )


def methods_without_approach(*, programme: Programme) -> QuerySet[Method]:
    """The office's methods in no approach of the programme: counted as "other"."""
    return Method.objects.filter(office_id=programme.office_id).exclude(
        pk__in=ApproachMethod.objects.filter(programme=programme).values("method_id")
    )


def approach_options(*, programme: Programme | None) -> list[dict[str, str]]:
    """A public filter's options: each approach (code, name in the active language),
    then "other"."""
    if programme is None:
        return []
    options = [{"code": a.code, "name": a.label} for a in programme_approaches(programme=programme)]
    return [*options, {"code": OTHER_APPROACH, "name": localized_name(None, None)}]


def approach_filter_fields(*, programme: Programme | None, code: str | None) -> dict[str, Any]:
    """The `ActivityFilters` fields of an approach given by its code (API, public pages):
    "other", an approach of the programme, or an unknown code that matches nothing."""
    if not code:
        return {}
    if code == OTHER_APPROACH:
        return {"approach_other": True}
    found = (
        programme_approaches(programme=programme).filter(code=code).values_list("pk", flat=True)
        if programme is not None
        else []
    )
    return {"approach_id": next(iter(found), -1)}


def method_approaches(*, programme: Programme | int) -> dict[int, int]:
    """Method id → approach id in the programme (a method in none is absent: "other")."""
    programme_id = programme if isinstance(programme, int) else programme.pk
    return dict(
        ApproachMethod.objects.filter(programme_id=programme_id).values_list(
            "method_id", "approach_id"
        )
    )


def approach_rows(
    *, approaches: Sequence[Approach], counts: dict[int | None, tuple[int, int]]
) -> list[dict[str, Any]]:
    """The breakdown's rows: every approach in order (zeros too), then "other" when some
    counted activity is in no approach. `counts`: approach id (None: other) → (activities,
    attendance)."""
    rows = []
    for approach in approaches:
        n, people = counts.get(approach.pk, (0, 0))
        rows.append(
            {
                "id": approach.pk,
                "code": approach.code,
                "label": approach.label,
                "activities": n,
                "attendance": people,
            }
        )
    if None in counts:
        n, people = counts[None]
        rows.append(
            {
                "id": None,
                "code": OTHER_APPROACH,
                "label": localized_name(None, None),
                "activities": n,
                "attendance": people,
            }
        )
    return rows


def reach_by_approach(
    *,
    office: Office | int,
    programme: Programme,
    filters: ActivityFilters | None = None,
) -> list[dict[str, Any]]:
    """Verified activities and attendance per approach of the programme (one row each, in
    order, then "other"). An activity has one method, so the rows add up to `reach_totals`."""
    filters = replace(filters or ActivityFilters(), programme_id=programme.pk)
    activities = counted_activities(office=office, filters=filters)
    grouped = (
        activities.annotate(approach_key=Subquery(approach_links().values("approach_id")[:1]))
        .order_by()
        .values("approach_key")
        .annotate(n=Count("pk"), people=Coalesce(Sum("report__attendance_total"), 0))
    )
    counts = {r["approach_key"]: (r["n"], r["people"]) for r in grouped}
    return approach_rows(approaches=list(programme_approaches(programme=programme)), counts=counts)


def age_bands(*, office: Office | int) -> dict[str, tuple[int | None, int | None]]:
    """Age limits of the report's bands, from the office's segments (configurable data)."""
    office_id = office if isinstance(office, int) else office.pk
    limits = {
        s.code: (s.min_age, s.max_age)
        for s in Segment.objects.filter(office_id=office_id, code__in=["pemula", "muda"])
    }
    return {
        "first_time_voters": limits.get("pemula", (17, 21)),
        "young_voters": limits.get("muda", (22, 30)),
    }


# --- Partner page -------------------------------------------------------------------------


def partner_activities(*, membership: Membership | None, partner: Partner) -> QuerySet[Activity]:
    return activity_list(membership=membership).filter(partner_id=partner.pk).order_by("-starts_at")


def _deliverable_done(metric: str, activities: QuerySet[Activity]) -> int:
    """The verified work a metric counts, as `reach_totals` would give it (1–2 queries)."""
    ids = activities.values("pk")
    if metric == DeliverableMetric.REACH:
        attendance = Report.objects.filter(activity_id__in=ids).aggregate(
            n=Coalesce(Sum("attendance_total"), 0)
        )["n"]
        online = OnlinePost.objects.filter(activity_id__in=ids).aggregate(
            n=Coalesce(Sum("reach"), 0)
        )["n"]
        return int(attendance + online)
    if metric == DeliverableMetric.POSTS:
        return OnlinePost.objects.filter(activity_id__in=ids).count()
    return activities.count()  # ACTIVITIES, and any metric this page does not know yet


def partner_progress(*, partner: Partner, agreement: Agreement) -> list[dict[str, Any]]:
    """Progress against one agreement's deliverables.

    Each row: the deliverable, its target and the verified work that counts towards it
    (activities on its theme/segment within the agreement's dates; people reached; posts).
    """
    rows = []
    for deliverable in agreement.deliverables.all():
        filters = ActivityFilters(
            theme_id=deliverable.theme_id,
            segment_id=deliverable.segment_id,
            date_from=agreement.valid_from,
            date_to=agreement.valid_until,
        )
        activities = counted_activities(office=partner.office_id, filters=filters, partner=partner)
        done = _deliverable_done(str(deliverable.metric), activities)
        target = deliverable.target
        rows.append(
            {
                "deliverable": deliverable,
                "label": " · ".join(
                    str(x)
                    for x in (
                        deliverable.get_metric_display(),
                        deliverable.theme,
                        deliverable.segment,
                    )
                    if x
                ),
                "metric": deliverable.metric,
                "target": target,
                "done": done,
                "percent": min(100, round(100 * done / target)) if target else 100,
            }
        )
    return rows


def partner_section(*, membership: Membership | None, partner: Partner) -> dict[str, Any]:
    """Context of the partner page's activity section (the `partner_activities` tag).

    Progress is shown for each of the latest agreements within its own dates, so a renewal
    that has just started does not hide what the previous agreement achieved.
    """
    agreements = (
        Agreement.objects.filter(partner=partner)
        .order_by("-valid_from", "-pk")
        .prefetch_related("deliverables__theme", "deliverables__segment")[:3]
    )
    return {
        "activities": list(partner_activities(membership=membership, partner=partner)[:20]),
        "reach": reach_totals(office=partner.office_id, partner=partner),
        "progress": [
            {"agreement": a, "rows": partner_progress(partner=partner, agreement=a)}
            for a in agreements
            if a.deliverables.all()
        ],
    }


# --- Proposal form ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalDefaults:
    """What a new proposal starts with for a partner: its usual place and segments, and the
    themes and segments its running agreements promise (three queries)."""

    kecamatan: str | None = None
    kelurahan: str | None = None
    segment_ids: tuple[int, ...] = ()
    theme_ids: tuple[int, ...] = ()


def proposal_defaults(
    *, partner: Partner | None, programme: Programme, today: datetime.date | None = None
) -> ProposalDefaults:
    if partner is None:
        return ProposalDefaults()
    today = today or timezone.localdate()
    areas = list(partner.areas.order_by("level", "code").values_list("code", "level", "parent"))
    kecamatan = kelurahan = None
    if len(areas) == 1 and areas[0][1] == RegionLevel.KELURAHAN:
        kelurahan, kecamatan = areas[0][0], areas[0][2]
    elif areas:  # several places: the first kecamatan (or the first place's kecamatan)
        code, level, parent = areas[0]
        kecamatan = code if level == RegionLevel.KECAMATAN else parent
    deliverables = list(
        Agreement.objects.filter(
            partner=partner, valid_from__lte=today, valid_until__gte=today
        ).values_list("deliverables__theme_id", "deliverables__segment_id")
    )
    segments = set(partner.segments.values_list("pk", flat=True))
    segments |= {seg for _theme, seg in deliverables if seg}
    themes = {theme for theme, _seg in deliverables if theme}
    themes &= set(programme.themes.values_list("pk", flat=True))
    return ProposalDefaults(
        kecamatan=kecamatan,
        kelurahan=kelurahan,
        segment_ids=tuple(sorted(segments)),
        theme_ids=tuple(sorted(themes)),
    )


def kelurahan_of_kecamatan(*, office: Office, kecamatan: str) -> QuerySet[Region]:
    """The kelurahan of one kecamatan of the office's area (none for a code outside it)."""
    return (
        Region.objects.within(office.region_id)
        .kelurahan()
        .filter(parent_id=kecamatan)
        .order_by("name")
    )


# --- Approval queue: what staff need to decide ---------------------------------------------


@dataclass
class ProposalNotes:
    """Beside a proposal in the queue: is its date past, the partner's record of reports on
    time, other activities that day in the same kelurahan, and hints added by higher apps
    (the gaps of the recommendations, registered by analytics)."""

    is_past: bool = False
    reports_due: int = 0
    reports_on_time: int = 0
    overlaps: list[Activity] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)


# Functions (membership, proposals) → {activity id: [hint, …]}; higher apps append theirs in
# their AppConfig.ready, so this app never imports them.
PROPOSAL_HINTS: list[Any] = []

_ACTIVE = (S.SUBMITTED, S.APPROVED, S.HELD, S.REPORTED, S.VERIFIED, S.REPORT_RETURNED)


def proposal_notes(
    *, membership: Membership, proposals: Sequence[Activity], now: datetime.datetime | None = None
) -> dict[int, ProposalNotes]:
    now = now or timezone.now()
    notes = {a.pk: ProposalNotes(is_past=a.starts_at < now) for a in proposals}
    if not proposals:
        return notes
    # The partners' record: reports due by now, and how many came by their due day.
    partner_ids = {a.partner_id for a in proposals if a.partner_id}
    today = timezone.localdate(now)
    record: dict[int, list[int]] = {}
    past = Activity.objects.filter(
        partner_id__in=partner_ids,
        status__in=[S.APPROVED, S.HELD, S.REPORTED, S.VERIFIED, S.REPORT_RETURNED],
        ends_at__lt=now,
    ).values_list("partner_id", "ends_at", "report__submitted_at")
    for partner_id, ends_at, submitted_at in past:
        due = timezone.localdate(ends_at) + datetime.timedelta(days=REPORT_DUE_DAYS)
        if due >= today and submitted_at is None:
            continue  # not due yet
        counts = record.setdefault(partner_id, [0, 0])
        counts[0] += 1
        if submitted_at is not None and timezone.localdate(submitted_at) <= due:
            counts[1] += 1
    # Other activities the same (local) day in the same kelurahan.
    days = {(a.kelurahan_id, timezone.localdate(a.starts_at)) for a in proposals if a.kelurahan_id}
    same_place: dict[tuple[str | None, datetime.date], list[Activity]] = {}
    if days:
        start = day_start(min(d for _k, d in days))
        end = day_start(max(d for _k, d in days) + datetime.timedelta(days=1))
        others = (
            Activity.objects.filter(
                office_id=membership.office_id,
                kelurahan_id__in={k for k, _d in days},
                status__in=_ACTIVE,
                starts_at__gte=start,
                starts_at__lt=end,
            )
            .select_related("partner")
            .order_by("starts_at")
        )
        for other in others:
            key = (other.kelurahan_id, timezone.localdate(other.starts_at))
            same_place.setdefault(key, []).append(other)
    for a in proposals:
        note = notes[a.pk]
        if a.partner_id in record:
            note.reports_due, note.reports_on_time = record[a.partner_id]
        if a.kelurahan_id:
            key = (a.kelurahan_id, timezone.localdate(a.starts_at))
            note.overlaps = [o for o in same_place.get(key, []) if o.pk != a.pk]
    for hint in PROPOSAL_HINTS:
        for pk, texts in hint(membership, list(proposals)).items():
            if pk in notes:
                notes[pk].hints.extend(texts)
    return notes
