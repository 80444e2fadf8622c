"""Demo step: 83 synthetic partner organisations over ten categories and all 30 kecamatan."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from mitra.demo.context import DemoContext
from mitra.regions.models import Region, RegionLevel

from .models import (
    Agreement,
    Deliverable,
    DeliverableMetric,
    Partner,
    PartnerCategory,
    PartnerStatus,
)

CATEGORIES = [
    ("pemuda", "Kepemudaan", ["Karang Taruna", "Komunitas Pemuda", "Forum Pemuda"]),
    ("seni", "Seni", ["Sanggar Seni", "Komunitas Teater", "Kelompok Musik"]),
    ("budaya", "Budaya", ["Paguyuban Budaya", "Padepokan Seni Sunda", "Komunitas Kacapi"]),
    ("pendidikan", "Pendidikan", ["Komunitas Literasi", "Forum Guru", "Rumah Belajar"]),
    ("keagamaan", "Keagamaan", ["Majelis Taklim", "Remaja Masjid", "Persekutuan Pemuda Gereja"]),
    ("disabilitas", "Disabilitas", ["Komunitas Tuli", "Forum Difabel", "Himpunan Tunanetra"]),
    ("perempuan", "Perempuan", ["Kelompok PKK", "Forum Perempuan", "Komunitas Ibu Cerdas"]),
    ("mahasiswa", "Mahasiswa", ["BEM", "Himpunan Mahasiswa", "UKM Kajian Politik"]),
    ("media", "Media", ["Komunitas Kreator Konten", "Radio Komunitas", "Jurnalis Warga"]),
    ("lainnya", "Lainnya", ["Komunitas Ojek Daring", "Paguyuban Pedagang", "Komunitas Pesepeda"]),
]

# Which segments each category tends to reach (codes from elections.demo.SEGMENTS).
CATEGORY_SEGMENTS = {
    "pemuda": ["muda", "pemula", "komunitas"],
    "seni": ["muda", "komunitas"],
    "budaya": ["keluarga", "komunitas"],
    "pendidikan": ["pemula", "keluarga"],
    "keagamaan": ["keagamaan", "keluarga"],
    "disabilitas": ["disabilitas", "berkebutuhan-khusus"],
    "perempuan": ["perempuan", "keluarga"],
    "mahasiswa": ["pemula", "muda", "warganet"],
    "media": ["warganet", "muda"],
    "lainnya": ["marjinal", "komunitas"],
}

PARTNER_COUNT = 83


def build(ctx: DemoContext) -> None:
    office = ctx.objects["office"]
    rng = ctx.rng
    segments = {s.code: s for s in ctx.objects["segments"]}
    categories = [
        PartnerCategory.objects.create(office=office, code=code, name=name, order=i)
        for i, (code, name, _prefixes) in enumerate(CATEGORIES, start=1)
    ]
    kecamatan = list(Region.objects.children_of(office.region_id).order_by("code"))
    kelurahan_by_kecamatan: dict[str, list[Region]] = {}
    for kel in Region.objects.within(office.region_id).kelurahan().order_by("code"):
        kelurahan_by_kecamatan.setdefault(kel.parent_id or "", []).append(kel)

    partners = []
    for number in range(1, PARTNER_COUNT + 1):
        index = (number - 1) % len(CATEGORIES)
        code, _name, prefixes = CATEGORIES[index]
        kec = kecamatan[(number - 1) % len(kecamatan)]
        prefix = prefixes[(number - 1) // len(kecamatan) % len(prefixes)]
        status = (
            PartnerStatus.ACTIVE
            if number <= 78
            else rng.choice([PartnerStatus.PROSPECT, PartnerStatus.SUSPENDED, PartnerStatus.ENDED])
        )
        partner = Partner.objects.create(
            office=office,
            code=f"MTR-{number:03d}",
            name=f"{prefix} {kec.name}",
            category=categories[index],
            status=status,
            description="Organisasi fiktif untuk data demo.",
            contact_name=f"Koordinator {number:03d}",
            whatsapp=f"+62812{rng.randrange(10_000_000, 99_999_999)}",
            email=f"mitra{number:03d}@example.org",
            instagram=f"@mitra_demo_{number:03d}",
            member_count=rng.randrange(15, 400),
            public_contact_opt_in=number % 4 == 0,
        )
        partner.segments.set([segments[c] for c in CATEGORY_SEGMENTS[code]])
        kels = kelurahan_by_kecamatan.get(kec.code, [])
        partner.areas.set([kec, *rng.sample(kels, k=min(len(kels), rng.randint(1, 3)))])
        partners.append(partner)
    ctx.objects.update(partners=partners, categories=categories)
    agreements = _build_agreements(ctx, partners)
    ctx.say(f"  {len(partners)} partners in {len(kecamatan)} kecamatan, {agreements} agreements")


# The 2024 cooperation was signed in October 2024 for the campaign months.
SIGNED_2024 = datetime.date(2024, 10, 8)
VALID_2024 = (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31))


def _agreement_plan(
    number: int, today: datetime.date
) -> list[tuple[str, datetime.date | None, datetime.date, datetime.date]]:
    """Every active partner signed in 2024; most renewed for the next programme (relative to
    today, so the demo always shows active, expiring, draft and expired agreements)."""
    plans: list[tuple[str, datetime.date | None, datetime.date, datetime.date]] = []
    if number <= 78:
        plans.append((f"PKS/{number:03d}/KPU-BDG/X/2024", SIGNED_2024, *VALID_2024))
    year = today.year
    if number <= 55:
        start = today - datetime.timedelta(days=90)
        plans.append(
            (
                f"PKS/{number:03d}/KPU-BDG/{year}",
                start - datetime.timedelta(days=5),
                start,
                start + datetime.timedelta(days=365),
            )
        )
    elif number <= 65:
        start = today - datetime.timedelta(days=330)
        plans.append(
            (
                f"PKS/{number:03d}/KPU-BDG/{year}",
                start,
                start,
                today + datetime.timedelta(days=10 + number % 15),
            )
        )
    elif number <= 72:
        start = today + datetime.timedelta(days=14)
        plans.append(
            (
                f"PKS/{number:03d}/KPU-BDG/{year + 1}",
                None,
                start,
                start + datetime.timedelta(days=365),
            )
        )
    return plans


def _build_agreements(ctx: DemoContext, partners: list[Partner]) -> int:
    themes_2024 = list(ctx.objects.get("themes", []))
    # The renewed agreements serve the live programme: their deliverables name its themes.
    live_themes = list(ctx.objects.get("live", {}).get("themes", themes_2024))
    count = 0
    for number, partner in enumerate(partners, start=1):
        segments = list(partner.segments.all())
        for agreement_number, signed, start, end in _agreement_plan(number, ctx.today):
            themes = themes_2024 if start == VALID_2024[0] else live_themes
            agreement = Agreement.objects.create(
                office=partner.office,
                partner=partner,
                number=agreement_number,
                signed_on=signed,
                valid_from=start,
                valid_until=end,
                signatories=(
                    "Ketua KPU Kota Bandung (data demo)\n"
                    f"{partner.contact_name}, ketua {partner.name}"
                ),
                notes="Perjanjian fiktif untuk data demo.",
            )
            Deliverable.objects.bulk_create(
                [
                    *(
                        Deliverable(
                            agreement=agreement,
                            metric=DeliverableMetric.ACTIVITIES,
                            theme=theme,
                            target=ctx.rng.randint(1, 3),
                        )
                        for theme in themes
                    ),
                    *(
                        Deliverable(
                            agreement=agreement,
                            metric=DeliverableMetric.REACH,
                            segment=segment,
                            target=ctx.rng.randrange(50, 500, 10),
                        )
                        for segment in segments[:2]
                    ),
                ]
            )
            count += 1
    return count


NATIONAL_PARTNERS_PER_OFFICE = 80
_BATCH = 2000


def build_national(ctx: DemoContext) -> None:
    """About 80 partners for each national office (≈40,000), written in bulk.

    History rows are not written for this benchmark data set (bulk_create skips signals).
    """
    from mitra.elections.models import Segment

    offices = ctx.objects.get("national_offices", [])
    if not offices:
        return
    rng = random.Random(ctx.rng.random())
    done = set(
        Partner.objects.filter(office__in=offices).values_list("office_id", flat=True).distinct()
    )
    todo = [o for o in offices if o.pk not in done]
    PartnerCategory.objects.bulk_create(
        [
            PartnerCategory(office=o, code=code, name=name, order=i)
            for o in todo
            for i, (code, name, _prefixes) in enumerate(CATEGORIES, start=1)
        ],
        batch_size=_BATCH,
        ignore_conflicts=True,
    )
    categories: dict[int, list[int]] = {}
    for office_id, pk in (
        PartnerCategory.objects.filter(office__in=todo)
        .order_by("office_id", "order")
        .values_list("office_id", "pk")
    ):
        categories.setdefault(office_id, []).append(pk)
    segments: dict[int, list[int]] = {}
    for office_id, pk in Segment.objects.filter(office__in=todo).values_list("office_id", "pk"):
        segments.setdefault(office_id, []).append(pk)
    kecamatan: dict[str, list[Region]] = {}
    for region in Region.objects.filter(
        parent_id__in={o.region_id for o in todo}, level=RegionLevel.KECAMATAN
    ).order_by("code"):
        kecamatan.setdefault(region.parent_id or "", []).append(region)

    today = timezone.localdate()
    total = 0
    for start in range(0, len(todo), 50):
        chunk = todo[start : start + 50]
        partners: list[Partner] = []
        for office in chunk:
            kecs = kecamatan.get(office.region_id, [])
            for number in range(1, NATIONAL_PARTNERS_PER_OFFICE + 1):
                index = (number - 1) % len(CATEGORIES)
                _code, _name, prefixes = CATEGORIES[index]
                place = kecs[(number - 1) % len(kecs)].name if kecs else office.region.name
                partners.append(
                    Partner(
                        office=office,
                        code=f"MTR-{number:03d}",
                        name=f"{prefixes[number % len(prefixes)]} {place} {number:02d}",
                        category_id=categories[office.pk][index],
                        status=PartnerStatus.ACTIVE if number <= 72 else PartnerStatus.PROSPECT,
                        contact_name=f"Koordinator {number:03d}",
                        whatsapp=f"+62812{rng.randrange(10_000_000, 99_999_999)}",
                        member_count=rng.randrange(15, 400),
                    )
                )
        Partner.objects.bulk_create(partners, batch_size=_BATCH)
        segment_rows, area_rows, agreements = [], [], []
        for number, partner in enumerate(partners):
            office_segments = segments.get(partner.office_id, [])
            for segment_id in rng.sample(office_segments, k=min(2, len(office_segments))):
                segment_rows.append(
                    Partner.segments.through(partner_id=partner.pk, segment_id=segment_id)
                )
            kecs = kecamatan.get(partner.office.region_id, [])
            if kecs:
                area_rows.append(
                    Partner.areas.through(
                        partner_id=partner.pk, region_id=kecs[number % len(kecs)].code
                    )
                )
            if number % NATIONAL_PARTNERS_PER_OFFICE < 72:
                ends = today + datetime.timedelta(days=rng.randint(-60, 300))
                agreements.append(
                    Agreement(
                        office_id=partner.office_id,
                        partner=partner,
                        number=f"PKS/{partner.code}/{today.year}",
                        signed_on=ends - datetime.timedelta(days=365),
                        valid_from=ends - datetime.timedelta(days=360),
                        valid_until=ends,
                    )
                )
        Partner.segments.through.objects.bulk_create(segment_rows, batch_size=_BATCH)
        Partner.areas.through.objects.bulk_create(area_rows, batch_size=_BATCH)
        Agreement.objects.bulk_create(agreements, batch_size=_BATCH)
        total += len(partners)
    ctx.objects["national_partner_count"] = Partner.objects.filter(office__in=offices).count()
    ctx.say(f"  {total} national partners written ({ctx.objects['national_partner_count']} total)")
