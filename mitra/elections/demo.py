"""Demo step: the office, its programme, both 2024 elections, their stages, themes, segments."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from mitra.demo.context import BANDUNG, DEMO_OFFICE_SLUG, DemoContext
from mitra.offices.models import Office
from mitra.regions.models import Region
from mitra.regions.services import regions_load

from . import services
from .models import ElectionKind

VOTING_DAY = datetime.date(2024, 11, 27)

# Pilkada 2024 stages as published (PKPU 2/2024); both elections share them.
STAGES = [
    ("Pemutakhiran dan penyusunan daftar pemilih", (2024, 5, 31), (2024, 9, 23)),
    ("Pendaftaran pasangan calon", (2024, 8, 27), (2024, 8, 29)),
    ("Penetapan pasangan calon", (2024, 9, 22), (2024, 9, 22)),
    ("Pengundian nomor urut", (2024, 9, 23), (2024, 9, 23)),
    ("Kampanye", (2024, 9, 25), (2024, 11, 23)),
    ("Masa tenang", (2024, 11, 24), (2024, 11, 26)),
    ("Pemungutan suara", (2024, 11, 27), (2024, 11, 27)),
    ("Penghitungan dan rekapitulasi suara", (2024, 11, 27), (2024, 12, 16)),
]

THEMES = [
    (
        "tahapan",
        "Tahapan dan tata cara memilih",
        "Jadwal pemilihan, cara memilih di TPS, dan cara memeriksa pendaftaran.",
    ),
    (
        "pemilih-cerdas",
        "Pemilih cerdas dan bertanggung jawab",
        "Menggunakan hak pilih dengan bijak: kenali calon, tolak politik uang.",
    ),
    (
        "pemilu-jurdil",
        "Pemilihan jujur, adil, dan transparan",
        "Ajakan ikut serta dan mengawal pemilihan yang berintegritas.",
    ),
]

SEGMENTS = [
    ("keluarga", "Keluarga", None, None),
    ("pemula", "Pemilih pemula", 17, 21),
    ("muda", "Pemilih muda", 22, 30),
    ("perempuan", "Perempuan", None, None),
    ("disabilitas", "Penyandang disabilitas", None, None),
    ("berkebutuhan-khusus", "Berkebutuhan khusus", None, None),
    ("marjinal", "Kelompok marjinal", None, None),
    ("komunitas", "Komunitas", None, None),
    ("keagamaan", "Keagamaan", None, None),
    ("warganet", "Warga internet (warganet)", None, None),
]


def ensure_bandung_regions() -> Region:
    if not Region.objects.filter(parent_id=BANDUNG).exists():
        regions_load(within=BANDUNG)
    return Region.objects.get(code=BANDUNG)


def build(ctx: DemoContext) -> None:
    bandung = ensure_bandung_regions()
    office = Office.objects.create(
        name="KPU Kota Bandung",
        short_name="KPU Kota Bandung",
        slug=DEMO_OFFICE_SLUG,
        region=bandung,
        email="demo@example.org",
        instagram="@kpukotabandung",
        address="Kota Bandung, Jawa Barat",
        is_demo=True,
    )
    programme = services.programme_create(
        office=office,
        name="Sosialisasi Pilkada Kota Bandung 2024",
        slug="pilkada-2024",
        voting_day=VOTING_DAY,
        description=_(
            "Program kemitraan sosialisasi dan pendidikan pemilih untuk Pilgub Jawa Barat dan "
            "Pilwalkot Bandung 2024 (data demo sintetis)."
        ),
    )
    west_java = Region.objects.get(code="32")
    elections = [
        services.election_create(
            programme=programme,
            name="Pemilihan Gubernur dan Wakil Gubernur Jawa Barat 2024",
            short_name="Pilgub Jabar 2024",
            kind=ElectionKind.GOVERNOR,
            region=west_java,
            voting_day=VOTING_DAY,
        ),
        services.election_create(
            programme=programme,
            name="Pemilihan Wali Kota dan Wakil Wali Kota Bandung 2024",
            short_name="Pilwalkot Bandung 2024",
            kind=ElectionKind.MAYOR,
            region=bandung,
            voting_day=VOTING_DAY,
        ),
    ]
    for election in elections:
        for order, (name, start, end) in enumerate(STAGES, start=1):
            services.stage_save(
                election=election,
                name=name,
                starts_on=datetime.date(*start),
                ends_on=datetime.date(*end),
                order=order,
            )
    themes = [
        services.theme_save(programme=programme, code=code, name=name, description=desc, order=i)
        for i, (code, name, desc) in enumerate(THEMES, start=1)
    ]
    segments = [
        services.segment_save(office=office, code=code, name=name, order=i, min_age=lo, max_age=hi)
        for i, (code, name, lo, hi) in enumerate(SEGMENTS, start=1)
    ]
    ctx.objects.update(
        office=office,
        programme=programme,
        elections=elections,
        themes=themes,
        segments=segments,
        bandung=bandung,
    )
    ctx.say(f"  office {office.name}: 2 elections, {len(STAGES)} stages each")
