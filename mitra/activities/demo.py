"""Demo step: ~300 synthetic activities over the 2024 timeline, every method, theme, segment
and state, with reports (figures), transitions and a few generated photos.

`build_national` writes ~1,000,000 activities across the national offices with bulk_create
(each in a kelurahan, with one theme and one segment) for the benchmark.

Past ~600 lines: the 2024 programme, the live simulation and the national set draw on the
same seeded generators and state mix; it is demo data, read by no page or selector.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from mitra.accounts.models import Membership, Role
from mitra.core.bulk import copy_insert, reserve_ids
from mitra.core.uploads import store_upload
from mitra.demo.context import DEMO_SEED, DemoContext, kelurahan_by_city
from mitra.regions.models import Region

from .models import (
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
    Transition,
)
from .photos import make_jpeg
from .selectors import REACH_FIELDS, approaches_with_methods
from .services import DEFAULT_APPROACHES, REGULATION_METHODS, evidence_flags, methods_seed

S = ActivityStatus
CITY_ACTIVITIES = 300
PHOTO_ACTIVITIES = 12
NATIONAL_TOTAL = 1_000_000
BATCH = 5000
BANDUNG_CENTRE = (-6.9175, 107.6191)

# The path of statuses that leads to each final state.
PATHS: dict[str, list[str]] = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.RETURNED: [S.SUBMITTED, S.RETURNED],
    S.APPROVED: [S.SUBMITTED, S.APPROVED],
    S.HELD: [S.SUBMITTED, S.APPROVED, S.HELD],
    S.REPORTED: [S.SUBMITTED, S.APPROVED, S.HELD, S.REPORTED],
    S.REPORT_RETURNED: [S.SUBMITTED, S.APPROVED, S.HELD, S.REPORTED, S.REPORT_RETURNED],
    S.VERIFIED: [S.SUBMITTED, S.APPROVED, S.HELD, S.REPORTED, S.VERIFIED],
    S.CANCELLED: [S.SUBMITTED, S.CANCELLED],
}
# Steps taken before the event (dated from the proposal); the others follow the event.
BEFORE_EVENT = (S.SUBMITTED, S.APPROVED, S.RETURNED, S.CANCELLED)
# Weighted: most of a finished programme's activities end verified.
STATUS_WEIGHTS = [
    (S.VERIFIED, 60),
    (S.REPORTED, 8),
    (S.REPORT_RETURNED, 4),
    (S.HELD, 5),
    (S.APPROVED, 6),
    (S.SUBMITTED, 6),
    (S.RETURNED, 3),
    (S.DRAFT, 4),
    (S.CANCELLED, 4),
]
TITLES = {
    "forum-warga": "Forum warga: siap memilih di TPS",
    "diskusi": "Diskusi pemilih muda",
    "seminar": "Seminar pemilu berintegritas",
    "lokakarya": "Lokakarya konten ajakan memilih",
    "pelatihan": "Pelatihan relawan demokrasi",
    "ceramah": "Ceramah pemilih cerdas",
    "simulasi": "Simulasi pemungutan suara",
    "gelar-wicara": "Gelar wicara menuju 27 November",
    "budaya-lokal": "Pentas seni budaya: ayo ke TPS",
    "langsung-lainnya": "Jalan sehat sosialisasi pilkada",
    "media-massa": "Siaran radio komunitas",
    "media-daring": "Webinar tahapan pilkada",
    "media-sosial": "Kampanye media sosial #AyoMemilih",
    "media-luar-ruang": "Pemasangan spanduk ajakan memilih",
    "bahan-sosialisasi": "Pembagian stiker dan leaflet",
    "media-kreatif": "Lomba video pendek pemilih pemula",
    "media-lainnya": "Podcast suara warga",
}
# The approaches each partner kind carries (codes of services.DEFAULT_APPROACHES): arts and
# culture groups perform, education groups teach, youth and media groups discuss and post.
KIND_APPROACHES = {
    "pemuda": ["diskusi-komunitas", "media-sosial"],
    "seni": ["seni-budaya"],
    "budaya": ["seni-budaya"],
    "pendidikan": ["edukasi"],
    "keagamaan": ["diskusi-komunitas", "edukasi"],
    "disabilitas": ["edukasi", "diskusi-komunitas"],
    "perempuan": ["diskusi-komunitas", "edukasi"],
    "mahasiswa": ["diskusi-komunitas", "media-sosial"],
    "media": ["media-sosial"],
    "lainnya": ["diskusi-komunitas", "seni-budaya"],
}
VENUES = [
    "Balai RW",
    "Aula kelurahan",
    "Masjid",
    "Gedung serbaguna",
    "Kampus",
    "SMA negeri",
    "Taman kota",
]


def _pick_status(rng: random.Random) -> str:
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    return str(rng.choices(statuses, weights=weights)[0])


def _random_start(rng: random.Random) -> datetime.datetime:
    # Outreach runs from the voter-list stage (June) to voting day; busiest in the campaign.
    start = datetime.date(2024, 6, 1)
    span = (datetime.date(2024, 11, 23) - start).days
    day = start + datetime.timedelta(days=int(span * rng.betavariate(2.2, 1.2)))
    hour = rng.choice([8, 9, 10, 13, 14, 15, 19])
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _report_figures(rng: random.Random, expected: int) -> dict[str, int]:
    total = max(5, int(expected * rng.uniform(0.6, 1.2)))
    women = int(total * rng.uniform(0.35, 0.65))
    first = int(total * rng.uniform(0.05, 0.4))
    young = int((total - first) * rng.uniform(0.1, 0.5))
    return {
        "attendance_total": total,
        "women": women,
        "men": total - women,
        "first_time_voters": first,
        "young_voters": young,
        "disabilities": int(total * rng.uniform(0, 0.06)),
    }


def _method_picker(ctx: DemoContext, methods: list[Method], programme: Any) -> Any:
    """Each activity's method: every method once first, then one of the approaches its
    organiser's kind carries (the office's own activities go over all four), in turn."""
    kind_of = {c.pk: c.code for c in ctx.objects.get("categories", [])}
    in_approach = {
        a.code: list(a.methods.all()) for a in approaches_with_methods(programme=programme)
    }
    in_approach = {code: found for code, found in in_approach.items() if found}

    def pick(number: int, partner: Any) -> Method:
        if number < len(methods) or not in_approach:
            return methods[number % len(methods)]
        kinds = KIND_APPROACHES.get(kind_of.get(partner.category_id, ""), []) if partner else []
        codes = [c for c in kinds if c in in_approach] or list(in_approach)
        options = in_approach[codes[(number // 8) % len(codes)]]
        return options[(number // 3) % len(options)]

    return pick


def _plan_2024(number: int, rng: random.Random) -> tuple[str, datetime.datetime]:
    """The finished programme: the first activities take each state once, the rest are drawn
    (mostly verified), all between June and voting day 2024."""
    status = _pick_status(rng) if number >= len(PATHS) else list(PATHS)[number]
    return status, _random_start(rng)


def build(ctx: DemoContext) -> None:
    methods = methods_seed(office=ctx.objects["office"])
    activities, counts = _write(
        ctx,
        rng=ctx.rng,
        programme=ctx.objects["programme"],
        elections=ctx.objects["elections"],
        themes=ctx.objects["themes"],
        methods=methods,
        total=CITY_ACTIVITIES,
        plan=_plan_2024,
    )
    photos = _photos(ctx, [a for a in activities if a.status in (S.REPORTED, S.VERIFIED)])
    ctx.objects["activities"] = activities
    ctx.objects["methods"] = methods
    ctx.say(f"  {counts}, {photos} photos")
    _build_live(ctx, methods)


def _write(
    ctx: DemoContext,
    *,
    rng: random.Random,
    programme: Any,
    elections: list[Any],
    themes: list[Any],
    methods: list[Method],
    total: int,
    plan: Any,
    until: datetime.datetime | None = None,
    titles: dict[str, str] = TITLES,
) -> tuple[list[Activity], str]:
    """Write `total` activities of `programme`; `plan(number, rng)` gives each its final
    state and start. `until`: no step of a life cycle is dated after it (the live
    programme's "now"), so nothing has happened in the future."""
    office = ctx.objects["office"]
    segments = ctx.objects["segments"]
    partners = ctx.objects["partners"]
    kelurahan = list(Region.objects.within(office.region_id).kelurahan().order_by("code"))
    staff = (
        Membership.objects.filter(office=office, role__in=[Role.STAFF, Role.ADMIN])
        .select_related("user")
        .first()
    )
    coordinators = {
        m.partner_id: m.user
        for m in Membership.objects.filter(office=office, role=Role.COORDINATOR).select_related(
            "user"
        )
    }
    reviewer = staff.user if staff else None
    method_for = _method_picker(ctx, methods, programme)

    activities: list[Activity] = []
    for number in range(total):
        # About one in eight is organised by the office itself.
        partner = None if number % 8 == 0 else partners[number % len(partners)]
        method = method_for(number, partner)
        status, starts = plan(number, rng)
        online = method.mode == MethodMode.INDIRECT and method.code in (
            "media-sosial",
            "media-daring",
            "media-kreatif",
            "media-lainnya",
        )
        kel = None if online else kelurahan[rng.randrange(len(kelurahan))]
        lat: float | None
        lng: float | None
        if kel is not None and kel.label_lat is not None and kel.label_lng is not None:
            lat, lng = (
                kel.label_lat + rng.uniform(-0.004, 0.004),
                kel.label_lng + rng.uniform(-0.004, 0.004),
            )
        elif kel is not None:
            lat = BANDUNG_CENTRE[0] + rng.uniform(-0.06, 0.06)
            lng = BANDUNG_CENTRE[1] + rng.uniform(-0.06, 0.06)
        else:
            lat = lng = None
        activity = Activity(
            office=office,
            programme=programme,
            partner=partner,
            title=(
                f"{titles.get(method.code, method.name)} — {partner.name if partner else 'KPU'}"
            ),
            description="Kegiatan fiktif untuk data demo.",
            method=method,
            kelurahan=kel,
            venue="" if online else rng.choice(VENUES),
            lat=lat,
            lng=lng,
            is_online=online,
            online_url=f"https://example.org/siaran/{number}" if online else "",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=rng.choice([2, 3, 4])),
            expected_attendance=rng.choice([25, 40, 60, 80, 120, 200]),
            is_public=number % 10 != 0,
            status=status,
            created_by=coordinators.get(partner.pk) if partner else reviewer,
            created_at=_capped(starts - datetime.timedelta(days=rng.randint(7, 30)), until),
        )
        activities.append(activity)
    Activity.objects.bulk_create(activities)

    election_rows, theme_rows, segment_rows = [], [], []
    transitions: list[Transition] = []
    reports: list[Report] = []
    posts: list[OnlinePost] = []
    for number, a in enumerate(activities):
        # Most serve both elections (counted once in every total).
        for election in elections if number % 5 else elections[1:]:
            election_rows.append(Activity.elections.through(activity=a, election=election))
        chosen_themes = [themes[number % len(themes)]]
        if rng.random() < 0.4:
            chosen_themes.append(themes[(number + 1) % len(themes)])
        theme_rows += [Activity.themes.through(activity=a, theme=t) for t in chosen_themes]
        chosen_segments = {segments[number % len(segments)], rng.choice(segments)}
        segment_rows += [Activity.segments.through(activity=a, segment=s) for s in chosen_segments]
        at = a.created_at
        previous: str = S.DRAFT
        actor_partner = coordinators.get(a.partner_id) if a.partner_id else reviewer
        moved: dict[str, datetime.datetime] = {}
        for to in PATHS[a.status]:
            # Each step after the one before: the review before the event, the report and
            # its verification after it (a step never predates the previous one).
            if to in BEFORE_EVENT:
                at = _capped(min(at + datetime.timedelta(days=rng.randint(1, 4)), a.ends_at), until)
            else:
                at = _capped(
                    max(at, a.ends_at) + datetime.timedelta(days=rng.randint(0, 4), hours=1),
                    until,
                )
            moved[to] = at
            review = to in (S.APPROVED, S.RETURNED, S.VERIFIED, S.REPORT_RETURNED)
            comment = ""
            if to == S.RETURNED:
                comment = "Mohon lengkapi tempat dan perkiraan peserta."
            elif to == S.REPORT_RETURNED:
                comment = "Foto daftar hadir belum terbaca."
            transitions.append(
                Transition(
                    activity=a,
                    from_status=previous,
                    to_status=to,
                    actor=reviewer if review else actor_partner,
                    at=at,
                    comment=comment,
                )
            )
            previous = to
        if a.status in (S.REPORTED, S.REPORT_RETURNED, S.VERIFIED):
            figures = (
                _report_figures(rng, a.expected_attendance)
                if not a.is_online
                else dict.fromkeys(REACH_FIELDS, 0)  # online: no attendance
            )
            verified = a.status == S.VERIFIED
            reports.append(
                Report(
                    activity=a,
                    notes="Kegiatan berjalan lancar (data demo).",
                    submitted_by=actor_partner,
                    # The report's times are those of its transitions: one story told once.
                    submitted_at=moved[S.REPORTED],
                    verified_by=reviewer if verified else None,
                    verified_at=moved[S.VERIFIED] if verified else None,
                    return_comment="Foto daftar hadir belum terbaca."
                    if a.status == S.REPORT_RETURNED
                    else "",
                    **figures,
                )
            )
            if a.is_online or a.method.mode == MethodMode.INDIRECT:
                for _ in range(rng.randint(1, 3)):
                    reach = rng.randint(500, 20_000)
                    posts.append(
                        OnlinePost(
                            activity=a,
                            url=f"https://example.org/unggahan/{a.pk}/{rng.randrange(10**6)}",
                            platform=rng.choice(
                                [Platform.INSTAGRAM, Platform.TIKTOK, Platform.YOUTUBE]
                            ),
                            reach=reach,
                            impressions=int(reach * rng.uniform(1.2, 3)),
                            engagement=int(reach * rng.uniform(0.02, 0.12)),
                        )
                    )
    Activity.elections.through.objects.bulk_create(election_rows)
    Activity.themes.through.objects.bulk_create(theme_rows)
    Activity.segments.through.objects.bulk_create(segment_rows)
    Transition.objects.bulk_create(transitions)
    Report.objects.bulk_create(reports)
    OnlinePost.objects.bulk_create(posts)
    return activities, f"{len(activities)} activities, {len(reports)} reports, {len(posts)} posts"


def _capped(at: datetime.datetime, until: datetime.datetime | None) -> datetime.datetime:
    return at if until is None else min(at, until)


# --- The live (simulated) programme ----------------------------------------------------------

LIVE_ACTIVITIES = 160
LIVE_FIRST_DAY = -56  # the programme's activities began eight weeks before the demo's today
LIVE_TITLES = {**TITLES, "gelar-wicara": "Gelar wicara menuju hari pemungutan suara"}
# Fixed events so the check-in and the reminders always have something today and tomorrow:
# (activity number, days from today, hour).
LIVE_FIXED = [(1, 0, 9), (2, 0, 14), (3, 0, 19), (4, 1, 9), (5, 1, 14), (6, 1, 19)]
# Final states by when the activity took place (days from today): long past ones are
# mostly verified, some still unreported (overdue); recent ones are held or just reported;
# coming ones are waiting for review, approved, returned, drafts or cancelled.
LIVE_WEIGHTS = {
    "long_past": [
        (S.VERIFIED, 50),
        (S.REPORTED, 12),
        (S.REPORT_RETURNED, 6),
        (S.HELD, 18),
        (S.CANCELLED, 5),
    ],
    "recent": [(S.HELD, 60), (S.REPORTED, 25), (S.CANCELLED, 15)],
    "coming": [
        (S.APPROVED, 45),
        (S.SUBMITTED, 22),
        (S.DRAFT, 12),
        (S.RETURNED, 12),
        (S.CANCELLED, 9),
    ],
}


def _live_plan(ctx: DemoContext) -> Any:
    fixed = {number: (days, hour) for number, days, hour in LIVE_FIXED}
    last = (ctx.live_voting_day - ctx.today).days - 1

    def plan(number: int, rng: random.Random) -> tuple[str, datetime.datetime]:
        if number in fixed:
            days, hour = fixed[number]
            return S.APPROVED, ctx.at(ctx.today + datetime.timedelta(days=days), hour)
        days = rng.randint(LIVE_FIRST_DAY, last)
        hour = rng.choice([8, 9, 10, 13, 14, 15, 19])
        # Verified needs a report and a review, each up to four days after the event.
        when = "long_past" if days <= -9 else "recent" if days < 0 else "coming"
        statuses, weights = zip(*LIVE_WEIGHTS[when], strict=True)
        status = str(rng.choices(statuses, weights=weights)[0])
        return status, ctx.at(ctx.today + datetime.timedelta(days=days), hour)

    return plan


def _build_live(ctx: DemoContext, methods: list[Method]) -> None:
    """The live programme's activities, around `ctx.today`: nothing in them happened after
    the start of that day."""
    live = ctx.objects.get("live")
    if not live:
        return
    activities, counts = _write(
        ctx,
        rng=ctx.live_rng,
        programme=live["programme"],
        elections=live["elections"],
        themes=live["themes"],
        methods=methods,
        total=LIVE_ACTIVITIES,
        plan=_live_plan(ctx),
        until=ctx.at(ctx.today, 0),
        titles=LIVE_TITLES,
    )
    live["activities"] = activities
    ctx.say(f"  live programme: {counts}")


def _photos(ctx: DemoContext, candidates: list[Activity]) -> int:
    """A few small generated photos with EXIF; two of them deliberately mismatched."""
    rng = ctx.rng
    count = 0
    for index, a in enumerate(candidates[:PHOTO_ACTIVITIES]):
        for n in range(2):
            mismatch = index < 2 and n == 1
            taken = a.starts_at + datetime.timedelta(minutes=30 + 20 * n)
            lat, lng = (a.lat, a.lng) if a.lat is not None else BANDUNG_CENTRE
            if mismatch:
                taken -= datetime.timedelta(days=40)
                lat, lng = -6.2, 106.8  # Jakarta
            data = make_jpeg(
                size=(480, 360),
                color=(rng.randrange(40, 200), rng.randrange(40, 200), rng.randrange(40, 200)),
                taken_at=taken,
                lat=lat,
                lng=lng,
            )
            name = store_upload(
                ContentFile(data, name="demo.jpg"),
                folder=f"activities/{a.office_id}/photos",
                kind="jpeg",
            )
            date_mismatch, place_mismatch, distance = evidence_flags(
                activity=a, taken_at=taken, lat=lat, lng=lng
            )
            Evidence.objects.create(
                activity=a,
                file=name,
                width=480,
                height=360,
                size_bytes=len(data),
                taken_at=taken,
                gps_lat=lat,
                gps_lng=lng,
                distance_km=distance,
                date_mismatch=date_mismatch,
                place_mismatch=place_mismatch,
            )
            count += 1
    return count


def build_national(ctx: DemoContext) -> None:
    """~1,000,000 activities across the national offices (bulk): each in a kelurahan of
    its office's region, with one theme and one target segment."""
    from mitra.elections.models import Programme, Segment, Theme
    from mitra.partners.models import Partner

    offices = ctx.objects.get("national_offices") or []
    if not offices:
        ctx.say("  no national offices: skipped")
        return
    rng = random.Random(DEMO_SEED)  # its own: the same rows whatever earlier steps drew
    office_ids = [o.pk for o in offices]
    done = set(
        Activity.objects.filter(office_id__in=office_ids)
        .values_list("office_id", flat=True)
        .distinct()
    )
    todo = [o for o in offices if o.pk not in done]
    if not todo:
        ctx.say("  national activities already there")
        return
    per_office = max(1, NATIONAL_TOTAL // len(offices))
    Method.objects.bulk_create(
        [
            Method(office_id=o.pk, code=code, name=name, mode=mode, order=i)
            for o in todo
            for i, (code, name, mode) in enumerate(REGULATION_METHODS, start=1)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    todo_ids = [o.pk for o in todo]
    methods: dict[int, list[int]] = {}
    for pk, office_id in Method.objects.filter(office_id__in=todo_ids).values_list(
        "pk", "office_id"
    ):
        methods.setdefault(office_id, []).append(pk)
    programmes = dict(
        Programme.objects.filter(office_id__in=todo_ids).values_list("office_id", "pk")
    )
    _national_approaches(programmes)
    themes: dict[int, list[int]] = {}
    for pk, programme_id in Theme.objects.filter(programme_id__in=programmes.values()).values_list(
        "pk", "programme_id"
    ):
        themes.setdefault(programme_id, []).append(pk)
    partners: dict[int, list[int]] = {}
    for pk, office_id in Partner.objects.filter(office_id__in=todo_ids).values_list(
        "pk", "office_id"
    ):
        partners.setdefault(office_id, []).append(pk)
    segments: dict[int, list[int]] = {}
    for pk, office_id in Segment.objects.filter(office_id__in=todo_ids).values_list(
        "pk", "office_id"
    ):
        segments.setdefault(office_id, []).append(pk)
    kelurahan = kelurahan_by_city(o.region_id for o in todo)
    statuses = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
    now = timezone.now()
    written = 0
    for office in todo:
        if office.pk not in programmes:
            continue
        office_methods = methods[office.pk]
        office_partners = partners.get(office.pk, [None])  # type: ignore[list-item]
        office_kelurahan: list[str | None] = [*kelurahan.get(office.region_id or "", [])] or [None]
        ids = reserve_ids(Activity, per_office)
        rows = []
        for number, pk in enumerate(ids):
            starts = _random_start(rng)
            rows.append(
                (
                    pk,
                    office.pk,
                    programmes[office.pk],
                    None if number % 8 == 0 else office_partners[number % len(office_partners)],
                    f"Kegiatan sosialisasi {number + 1}",
                    office_methods[number % len(office_methods)],
                    office_kelurahan[rng.randrange(len(office_kelurahan))],
                    "Balai warga",
                    starts,
                    starts + datetime.timedelta(hours=2),
                    50,
                    statuses[number % len(statuses)],
                    now,
                )
            )
        _write_national(rows, themes.get(programmes[office.pk], []), segments.get(office.pk, []))
        written += len(rows)
    ctx.say(f"  {written} national activities written")


_NATIONAL_FIELDS = (
    "id",
    "office",
    "programme",
    "partner",
    "title",
    "method",
    "kelurahan",
    "venue",
    "starts_at",
    "ends_at",
    "expected_attendance",
    "status",
    "created_at",
)


def _write_national(
    rows: list[tuple[Any, ...]], theme_ids: list[int], segment_ids: list[int]
) -> None:
    """One office's activities with their theme, segment and (when verified) report, as
    plain rows (COPY on PostgreSQL): building a million model instances was most of the
    national build's time."""
    copy_insert(Activity, _NATIONAL_FIELDS, rows)
    status = _NATIONAL_FIELDS.index("status")
    if theme_ids:
        copy_insert(
            Activity.themes.through,
            ("activity", "theme"),
            ((row[0], theme_ids[i % len(theme_ids)]) for i, row in enumerate(rows)),
        )
    if segment_ids:
        copy_insert(
            Activity.segments.through,
            ("activity", "segment"),
            ((row[0], segment_ids[i % len(segment_ids)]) for i, row in enumerate(rows)),
        )
    copy_insert(
        Report,
        ("activity", "attendance_total", "women", "men"),
        ((row[0], 40, 20, 20) for row in rows if row[status] == S.VERIFIED),
    )


def _national_approaches(programmes: dict[int, int]) -> None:
    """The four default approaches of each national programme (written in bulk, so the
    programmes' creation signal never ran), with the regulation's methods in them."""
    Approach.objects.bulk_create(
        [
            Approach(
                office_id=office_id,
                programme_id=programme_id,
                code=code,
                name=name,
                name_en=name_en,
                order=order,
            )
            for office_id, programme_id in programmes.items()
            for order, (code, name, name_en, _codes) in enumerate(DEFAULT_APPROACHES, start=1)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    approach_of = {
        (programme_id, code): pk
        for pk, programme_id, code in Approach.objects.filter(
            programme_id__in=programmes.values()
        ).values_list("pk", "programme_id", "code")
    }
    default_of = {m: code for code, _n, _e, codes in DEFAULT_APPROACHES for m in codes}
    ApproachMethod.objects.bulk_create(
        [
            ApproachMethod(
                programme_id=programmes[office_id],
                approach_id=approach_of[(programmes[office_id], default_of[code])],
                method_id=pk,
            )
            for pk, office_id, code in Method.objects.filter(
                office_id__in=list(programmes)
            ).values_list("pk", "office_id", "code")
            if code in default_of and (programmes[office_id], default_of[code]) in approach_of
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
