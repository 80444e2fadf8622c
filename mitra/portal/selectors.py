"""Reads for the public site: only what is public, with related rows fetched up front."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from mitra.accounts.models import Membership
from mitra.activities.models import (
    Activity,
    ActivityStatus,
    Report,
    approach_links,
    with_approach,
)
from mitra.activities.selectors import OTHER_APPROACH
from mitra.elections.models import Programme, Theme
from mitra.offices.hierarchy import office_children, office_descendants
from mitra.offices.models import Office
from mitra.offices.selectors import public_office_id_query
from mitra.partners.models import Partner, PartnerCategory, PartnerStatus
from mitra.regions.models import Region

from .models import Article, Material, MaterialVersion

# --- News ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleHead:
    """What the article page needs on every request (one small indexed query)."""

    id: int
    updated_at: datetime.datetime
    view_count: int


def article_head(*, slug: str) -> ArticleHead | None:
    row = (
        Article.objects.visible()
        .filter(office_id=Subquery(public_office_id_query()), slug=slug)
        .values_list("id", "updated_at", "view_count")
        .first()
    )
    return ArticleHead(*row) if row else None


def public_articles(*, office: Office, query: str = "", tag: str = "") -> QuerySet[Article]:
    """Visible articles, newest first; callers that show tags prefetch them (cards do not)."""
    articles = (
        Article.objects.visible()
        .filter(office=office)
        .select_related("author")
        .order_by("-published_at", "-pk")
    )
    if query:
        articles = articles.filter(
            Q(title__icontains=query) | Q(lead__icontains=query) | Q(body__icontains=query)
        )
    if tag:
        articles = articles.filter(tags__slug=tag)
    return articles


def public_article(*, office: Office, slug: str, preview: bool = False) -> Article | None:
    """A visible article; staff previews (`preview=True`) also see drafts and scheduled ones."""
    articles = Article.objects.filter(office=office, slug=slug)
    if not preview:
        articles = articles.visible()
    return articles.select_related("author").prefetch_related("tags").first()


def office_articles(*, membership: Membership, query: str = "") -> QuerySet[Article]:
    """All articles of the member's office, any status, for the staff's list (newest first)."""
    articles = (
        Article.objects.filter(office_id=membership.office_id)
        .with_view_totals()
        .select_related("author")
        .order_by("-published_at", "-pk")
    )
    if query:
        articles = articles.filter(Q(title__icontains=query) | Q(lead__icontains=query))
    return articles


def office_article(*, membership: Membership, pk: int) -> Article | None:
    """One article of the member's office (None for another office's: 404)."""
    return office_articles(membership=membership).prefetch_related("tags").filter(pk=pk).first()


def latest_articles(*, office: Office, limit: int = 3) -> list[Article]:
    return list(public_articles(office=office)[:limit])


# --- Partner directory --------------------------------------------------------------------


def partner_directory(
    *, office: Office, category: str = "", segment: str = "", kecamatan: str = ""
) -> QuerySet[Partner]:
    """Active partners with what may be shown publicly (the template shows no private field)."""
    partners = (
        Partner.objects.filter(office=office)
        .active()
        .select_related("category")
        .prefetch_related(
            "segments",
            Prefetch(
                "areas",
                queryset=Region.objects.only("code", "name", "level", "parent_id").order_by("name"),
            ),
        )
        .order_by("name")
    )
    if category:
        partners = partners.filter(category__code=category)
    if segment:
        partners = partners.filter(segments__code=segment)
    if kecamatan:
        partners = partners.filter(
            Q(areas__code=kecamatan) | Q(areas__parent_id=kecamatan)
        ).distinct()
    return partners


def public_partner(*, office: Office, pk: int) -> Partner | None:
    """An active partner as the directory shows it (other offices' and inactive ones: None)."""
    return partner_directory(office=office).filter(pk=pk).first()


@dataclass(frozen=True)
class PartnerKind:
    code: str
    name: str
    partners: int


def partner_kinds(*, office: Office) -> list[PartnerKind]:
    """Every partner category (kind) of the office with its number of active partners, as
    the directory lists them (kinds without partners too, with 0): one query."""
    rows = (
        PartnerCategory.objects.filter(office=office)
        .annotate(n=Count("partners", filter=Q(partners__status=PartnerStatus.ACTIVE)))
        .order_by("order", "name")
        .values_list("code", "name", "n")
    )
    return [PartnerKind(code=code, name=name, partners=n) for code, name, n in rows]


# --- Materials ----------------------------------------------------------------------------


@dataclass
class ThemeMaterials:
    theme: Theme
    materials: list[Material]


def materials_by_theme(*, programme: Programme) -> list[ThemeMaterials]:
    materials = (
        Material.objects.filter(
            office_id=programme.office_id, theme__programme=programme, is_public=True
        )
        .select_related("theme")
        .prefetch_related(
            Prefetch("versions", queryset=MaterialVersion.objects.order_by("-number"))
        )
        .order_by("theme__order", "kind", "title")
    )
    groups: dict[int, ThemeMaterials] = {}
    for theme in programme.themes.all():
        groups[theme.pk] = ThemeMaterials(theme=theme, materials=[])
    for material in materials:
        groups.setdefault(material.theme_id, ThemeMaterials(theme=material.theme, materials=[]))
        groups[material.theme_id].materials.append(material)
    return list(groups.values())


def office_materials(*, membership: Membership) -> QuerySet[Material]:
    """Every material of the office (public or not) with its versions, for staff."""
    return (
        Material.objects.filter(office_id=membership.office_id)
        .select_related("theme")
        .prefetch_related(
            Prefetch("versions", queryset=MaterialVersion.objects.order_by("-number"))
        )
        .order_by("theme__order", "kind", "title")
    )


def public_material_version(*, office: Office, version_id: int) -> MaterialVersion | None:
    return (
        MaterialVersion.objects.filter(
            pk=version_id, material__office=office, material__is_public=True
        )
        .select_related("material")
        .first()
    )


# --- Public activities --------------------------------------------------------------------


def public_activities(
    *,
    office: Office,
    kecamatan: str = "",
    theme: str = "",
    segment: str = "",
    approach: str = "",
) -> QuerySet[Activity]:
    """Approved (and later) public activities of the office, with the filters applied.

    `approach`: the code of an approach (in each activity's own programme), or "other"."""
    activities = (
        with_approach(Activity.objects.filter(office=office).public())
        .select_related("partner", "method", "kelurahan", "kelurahan__parent")
        .prefetch_related("themes", "segments")
    )
    if approach == OTHER_APPROACH:
        activities = activities.exclude(Exists(approach_links()))
    elif approach:
        activities = activities.filter(Exists(approach_links().filter(approach__code=approach)))
    if kecamatan:
        activities = activities.filter(kelurahan__parent_id=kecamatan)
    if theme:
        activities = activities.filter(themes__code=theme)
    if segment:
        activities = activities.filter(segments__code=segment)
    if theme or segment:
        activities = activities.distinct()
    return activities


@dataclass
class Calendar:
    upcoming: QuerySet[Activity]  # soonest first; the page paginates it
    past: QuerySet[Activity]  # latest first
    per_kecamatan: dict[str, int]
    online: int


def activity_calendar(
    *,
    office: Office,
    kecamatan: str = "",
    theme: str = "",
    segment: str = "",
    approach: str = "",
    now: datetime.datetime | None = None,
) -> Calendar:
    """Upcoming activities (soonest first) and past ones (latest first); counts per kecamatan."""
    now = now or timezone.now()
    activities = public_activities(
        office=office, kecamatan=kecamatan, theme=theme, segment=segment, approach=approach
    )
    upcoming = activities.filter(ends_at__gte=now).order_by("starts_at", "pk")
    past = activities.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    per_kecamatan: dict[str, int] = {}
    rows = (
        activities.order_by()
        .values("kelurahan__parent_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("kelurahan__parent_id", "n")
    )
    online = 0
    for code, n in rows:
        if code:
            per_kecamatan[code] = n
        else:
            online += n
    return Calendar(upcoming=upcoming, past=past, per_kecamatan=per_kecamatan, online=online)


@dataclass
class MonthDay:
    date: datetime.date
    in_month: bool
    activities: list[Activity]


@dataclass
class Month:
    first: datetime.date  # the first day of the month shown
    previous: datetime.date
    next: datetime.date
    weeks: list[list[MonthDay]]  # Monday to Sunday, whole weeks around the month
    days: list[MonthDay]  # the days of the month that have activities, in order


def activity_month(
    *, activities: QuerySet[Activity], year: int, month: int, limit: int = 500
) -> Month:
    """The month's grid of days with the activities starting on each (local dates)."""
    import calendar as pycalendar

    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, pycalendar.monthrange(year, month)[1])
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    by_day: dict[datetime.date, list[Activity]] = {}
    rows = activities.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "pk")
    for activity in rows[:limit]:
        by_day.setdefault(timezone.localtime(activity.starts_at, zone).date(), []).append(activity)
    weeks = [
        [MonthDay(date=d, in_month=d.month == month, activities=by_day.get(d, [])) for d in week]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    days = [day for week in weeks for day in week if day.in_month and day.activities]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    return Month(
        first=first,
        previous=previous,
        next=last + datetime.timedelta(days=1),
        weeks=weeks,
        days=days,
    )


def public_activity(*, office: Office, pk: int) -> Activity | None:
    return public_activities(office=office).filter(pk=pk).first()


def activity_verified_reach(*, activity: Activity) -> int | None:
    """People reached, only once the report is verified (None before)."""
    if activity.status != ActivityStatus.VERIFIED:
        return None
    report = Report.objects.filter(activity=activity).values_list("attendance_total", flat=True)
    return report.first()


# --- Home page ----------------------------------------------------------------------------


def home_sections(*, office: Office, programme: Programme | None) -> dict[str, object]:
    """What the home page shows below the countdown: news, the stage now, the next activities."""
    from mitra.elections.selectors import archived_programmes, programme_timeline

    sections: dict[str, object] = {
        "latest_articles": latest_articles(office=office, limit=3),
        "archive": list(archived_programmes(office=office)),
    }
    if programme is not None:
        entries = programme_timeline(programme=programme)
        current = [e for e in entries if e.state == "current"]
        upcoming = [e for e in entries if e.state == "upcoming"]
        sections["timeline_now"] = current + upcoming[:1] if current else upcoming[:2]
    sections["upcoming_activities"] = list(
        public_activities(office=office)
        .filter(ends_at__gte=timezone.now())
        .order_by("starts_at", "pk")[:3]
    )
    return sections


# --- The offices below (national and provincial sites) ------------------------------------

HELD_OR_LATER = (
    ActivityStatus.HELD,
    ActivityStatus.REPORTED,
    ActivityStatus.REPORT_RETURNED,
    ActivityStatus.VERIFIED,
)


@dataclass(frozen=True)
class OfficeProgress:
    """An office directly below, with the public figures of it and every office under it."""

    office: Office
    offices_below: int
    partners: int  # active partners
    held: int  # public activities held (reported and verified ones too)
    upcoming: int  # public approved activities that have not ended


@dataclass(frozen=True)
class OfficeNetwork:
    offices: list[OfficeProgress]
    latest_articles: list[Article]  # of every office below, newest first
    upcoming_activities: list[Activity]  # of every office below, soonest first


def office_network(
    *, office: Office, limit: int = 6, now: datetime.datetime | None = None
) -> OfficeNetwork:
    """What a national or provincial site lists: its offices (the national one its
    provinces, a province its cities) with their progress rolled up from every office
    under each, and the latest news and next events of all of them. Six queries
    whatever the number of offices; each figure counts a record once, for the office
    that owns it."""
    now = now or timezone.now()
    below = office_descendants(office=office)
    parent_of = dict(Office.objects.filter(pk__in=below).values_list("pk", "parent_id"))
    # Each office below counts for the child of `office` it is (or sits under).
    child_of = {pk: pk if parent == office.pk else parent for pk, parent in parent_of.items()}
    totals: dict[int, Counter[str]] = defaultdict(Counter)
    for pk in parent_of:
        if child_of[pk] != pk:
            totals[child_of[pk]]["below"] += 1
    partners = (
        Partner.objects.filter(office_id__in=below)
        .active()
        .order_by()
        .values("office_id")
        .annotate(n=Count("pk"))
        .values_list("office_id", "n")
    )
    for office_id, n in partners:
        totals[child_of[office_id]]["partners"] += n
    public = Activity.objects.filter(office_id__in=below).public()
    activities = (
        public.order_by()
        .values("office_id")
        .annotate(
            held=Count("pk", filter=Q(status__in=HELD_OR_LATER)),
            upcoming=Count("pk", filter=Q(status=ActivityStatus.APPROVED, ends_at__gte=now)),
        )
        .values_list("office_id", "held", "upcoming")
    )
    for office_id, held, coming in activities:
        totals[child_of[office_id]]["held"] += held
        totals[child_of[office_id]]["upcoming"] += coming
    rows = [
        OfficeProgress(
            office=child,
            offices_below=totals[child.pk]["below"],
            partners=totals[child.pk]["partners"],
            held=totals[child.pk]["held"],
            upcoming=totals[child.pk]["upcoming"],
        )
        for child in office_children(office=office)
    ]
    articles = (
        Article.objects.visible()
        .filter(office_id__in=below)
        .select_related("office")
        .order_by("-published_at", "-pk")[:limit]
    )
    upcoming = (
        public.filter(ends_at__gte=now)
        .select_related("office", "kelurahan", "kelurahan__parent")
        .order_by("starts_at", "pk")[:limit]
    )
    return OfficeNetwork(
        offices=rows, latest_articles=list(articles), upcoming_activities=list(upcoming)
    )
