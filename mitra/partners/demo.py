"""Demo step: 83 synthetic partner organisations over ten categories and all 30 kecamatan."""

from __future__ import annotations

from mitra.demo.context import DemoContext
from mitra.regions.models import Region

from .models import Partner, PartnerCategory, PartnerStatus

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
    ctx.say(f"  {len(partners)} partners in {len(kecamatan)} kecamatan")
