"""Demo step: the office, its programme, both 2024 elections, their stages, themes, segments."""

from __future__ import annotations

import datetime

from django.utils.text import slugify
from django.utils.translation import gettext as _

from mitra.demo.context import BANDUNG, DEMO_OFFICE_SLUG, DemoContext
from mitra.offices.models import Office, OfficeLevel
from mitra.offices.services import office_create, office_place, offices_place_all
from mitra.regions.models import Region, RegionLevel
from mitra.regions.services import national_region_ensure, regions_load

from . import services
from .models import Election, ElectionKind, Programme

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


# English names of the demo's data, shown when a visitor chooses English (by Indonesian name,
# so every programme of the office that uses the name gets it).
ENGLISH_NAMES = {
    "Pemilihan Gubernur dan Wakil Gubernur Jawa Barat 2024": (
        "West Java Governor and Vice-Governor Election 2024"
    ),
    "Pemilihan Wali Kota dan Wakil Wali Kota Bandung 2024": (
        "Bandung Mayor and Vice-Mayor Election 2024"
    ),
    "Pilgub Jabar 2024": "West Java governor 2024",
    "Pilwalkot Bandung 2024": "Bandung mayor 2024",
    "Pemutakhiran dan penyusunan daftar pemilih": "Updating and compiling the voter list",
    "Pendaftaran pasangan calon": "Registration of candidate pairs",
    "Penetapan pasangan calon": "Confirmation of candidate pairs",
    "Pengundian nomor urut": "Drawing of ballot numbers",
    "Kampanye": "Campaign",
    "Masa tenang": "Quiet period",
    "Pemungutan suara": "Voting",
    "Penghitungan dan rekapitulasi suara": "Counting and tabulation of votes",
    "Tahapan dan tata cara memilih": "Election stages and how to vote",
    "Pemilih cerdas dan bertanggung jawab": "Informed and responsible voters",
    "Pemilihan jujur, adil, dan transparan": "Honest, fair and transparent elections",
    "Keluarga": "Families",
    "Pemilih pemula": "First-time voters",
    "Pemilih muda": "Young voters",
    "Perempuan": "Women",
    "Penyandang disabilitas": "People with disabilities",
    "Berkebutuhan khusus": "People with special needs",
    "Kelompok marjinal": "Marginalised groups",
    "Komunitas": "Communities",
    "Keagamaan": "Religious groups",
    "Warga internet (warganet)": "Internet users (netizens)",
}


def english_names_apply(office: Office) -> None:
    """Give the office's elections, stages, themes and segments their English names."""
    from .models import Election, Segment, Stage, Theme

    for indonesian, english in ENGLISH_NAMES.items():
        Election.objects.filter(office=office, name=indonesian).update(name_en=english)
        Election.objects.filter(office=office, short_name=indonesian).update(short_name_en=english)
        Stage.objects.filter(election__office=office, name=indonesian).update(name_en=english)
        Theme.objects.filter(programme__office=office, name=indonesian).update(name_en=english)
        Segment.objects.filter(office=office, name=indonesian).update(name_en=english)


def _elections(
    programme: Programme,
    elections: list[tuple[str, str, ElectionKind, Region]],
    stages: list[tuple[str, datetime.date, datetime.date]],
) -> list[Election]:
    """The programme's elections (name, short name, kind, region), on its voting day, each
    with the same stages."""
    made = [
        services.election_create(
            programme=programme,
            name=name,
            short_name=short,
            kind=kind,
            region=region,
            voting_day=programme.voting_day,
        )
        for name, short, kind, region in elections
    ]
    for election in made:
        for order, (name, start, end) in enumerate(stages, start=1):
            services.stage_write(
                election=election, name=name, starts_on=start, ends_on=end, order=order
            )
    return made


def ensure_bandung_regions() -> Region:
    if not Region.objects.filter(parent_id=BANDUNG).exists():
        regions_load(within=BANDUNG)
    return Region.objects.get(code=BANDUNG)


def build(ctx: DemoContext) -> None:
    bandung = ensure_bandung_regions()
    office = office_create(
        name="KPU Kota Bandung",
        short_name="KPU Kota Bandung",
        slug=DEMO_OFFICE_SLUG,
        region=bandung,
        email="demo@example.org",
        instagram="@kpukotabandung",
        address="Kota Bandung, Jawa Barat",
        is_demo=True,
        # The demo's published logins sign in with a password alone; a real office keeps
        # the second factor it gets by default.
        require_second_factor=False,
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
    elections = _elections(
        programme,
        [
            (
                "Pemilihan Gubernur dan Wakil Gubernur Jawa Barat 2024",
                "Pilgub Jabar 2024",
                ElectionKind.GOVERNOR,
                west_java,
            ),
            (
                "Pemilihan Wali Kota dan Wakil Wali Kota Bandung 2024",
                "Pilwalkot Bandung 2024",
                ElectionKind.MAYOR,
                bandung,
            ),
        ],
        [(name, datetime.date(*start), datetime.date(*end)) for name, start, end in STAGES],
    )
    themes = [
        services.theme_save(programme=programme, code=code, name=name, description=desc, order=i)
        for i, (code, name, desc) in enumerate(THEMES, start=1)
    ]
    segments = [
        services.segment_save(office=office, code=code, name=name, order=i, min_age=lo, max_age=hi)
        for i, (code, name, lo, hi) in enumerate(SEGMENTS, start=1)
    ]
    english_names_apply(office)
    province, national = upper_offices_ensure(ctx, provinces=[west_java])
    office_place(office=office)
    ctx.objects.update(
        province_office=province[west_java.code],
        national_office=national,
        office=office,
        programme=programme,
        elections=elections,
        themes=themes,
        segments=segments,
        bandung=bandung,
    )
    ctx.say(f"  office {office.name}: 2 elections, {len(STAGES)} stages each")
    _build_live(ctx, office=office, bandung=bandung, west_java=west_java)


# The live programme's stages, in days from its voting day (start, end): a simulated
# Pilkada laid out like 2024's, so that today always falls in the campaign, a debate and
# the quiet days lie ahead, and the count comes after.
LIVE_STAGES = [
    ("Pemutakhiran dan penyusunan daftar pemilih", -180, -65),
    ("Pendaftaran pasangan calon", -92, -90),
    ("Penetapan pasangan calon", -66, -66),
    ("Pengundian nomor urut", -65, -65),
    ("Kampanye", -63, -4),
    ("Debat publik pertama", -35, -35),
    ("Debat publik kedua", -14, -14),
    ("Masa tenang", -3, -1),
    ("Pemungutan suara", 0, 0),
    ("Penghitungan dan rekapitulasi suara", 0, 19),
]
LIVE_SLUG = "simulasi-pilkada"


def _build_live(ctx: DemoContext, *, office: Office, bandung: Region, west_java: Region) -> None:
    """The running programme: a simulated Pilkada whose voting day is six weeks after the
    day the demo is built (`ctx.today`); the 2024 programme becomes the archive."""

    Programme.objects.filter(pk=ctx.objects["programme"].pk).update(is_current=False)
    ctx.objects["programme"].is_current = False
    voting_day = ctx.live_voting_day
    programme = services.programme_create(
        office=office,
        name=f"Simulasi Pilkada Kota Bandung {voting_day.year}",
        slug=LIVE_SLUG,
        voting_day=voting_day,
        description=_(
            "Simulasi: program berjalan yang dibuat ulang setiap kali demo dibangun, dengan hari "
            "pemungutan suara enam minggu dari hari ini. Semua data sintetis, bukan jadwal resmi."
        ),
    )
    year = voting_day.year
    elections = _elections(
        programme,
        [
            (
                f"Simulasi Pemilihan Gubernur dan Wakil Gubernur Jawa Barat {year}",
                "Simulasi Pilgub Jabar",
                ElectionKind.GOVERNOR,
                west_java,
            ),
            (
                f"Simulasi Pemilihan Wali Kota dan Wakil Wali Kota Bandung {year}",
                "Simulasi Pilwalkot Bandung",
                ElectionKind.MAYOR,
                bandung,
            ),
        ],
        [
            (
                name,
                voting_day + datetime.timedelta(days=start),
                voting_day + datetime.timedelta(days=end),
            )
            for name, start, end in LIVE_STAGES
        ],
    )
    themes = [
        services.theme_save(programme=programme, code=code, name=name, description=desc, order=i)
        for i, (code, name, desc) in enumerate(THEMES, start=1)
    ]
    ctx.objects["live"] = {"programme": programme, "elections": elections, "themes": themes}
    ctx.say(f"  live programme: voting day {voting_day.isoformat()} ({len(LIVE_STAGES)} stages)")


NATIONAL_OFFICE_PREFIX = "nasional-"
NATIONAL_OFFICE_SLUG = "kpu-ri"


def _upper_programme(office: Office, election_region: Region | None) -> None:
    """A province's or the national office's 2024 programme (its governor election for a
    province), themes and segments, unless the office has a programme already."""
    if Programme.objects.filter(office=office).exists():
        return
    programme = services.programme_create(
        office=office,
        name=f"Sosialisasi Pilkada {office.region.name} 2024"
        if election_region
        else "Sosialisasi Pilkada Serentak 2024",
        slug="pilkada-2024",
        voting_day=VOTING_DAY,
        description=_("Program sosialisasi dan pendidikan pemilih (data demo sintetis)."),
    )
    if election_region is not None:
        services.election_create(
            programme=programme,
            name=f"Pemilihan Gubernur dan Wakil Gubernur {election_region.name} 2024",
            short_name=f"Pilgub {election_region.name} 2024",
            kind=ElectionKind.GOVERNOR,
            region=election_region,
            voting_day=VOTING_DAY,
        )
    for i, (code, name, desc) in enumerate(THEMES, start=1):
        services.theme_save(programme=programme, code=code, name=name, description=desc, order=i)
    for i, (code, name, lo, hi) in enumerate(SEGMENTS, start=1):
        services.segment_save(office=office, code=code, name=name, order=i, min_age=lo, max_age=hi)


def upper_offices_ensure(
    ctx: DemoContext, *, provinces: list[Region]
) -> tuple[dict[str, Office], Office]:
    """The national office (KPU RI) and the offices of these provinces, each with its
    programme: made when missing, reused when there (whatever their slug), so a rerun adds
    nothing. Returns the province offices by region code and the national office."""
    national = Office.objects.filter(level=OfficeLevel.NATIONAL).order_by("pk").first()
    if national is None:
        national = office_create(
            name="KPU RI",
            slug=NATIONAL_OFFICE_SLUG,
            region=national_region_ensure(),
            short_name="KPU RI",
            is_demo=True,
            require_second_factor=False,
        )
    _upper_programme(national, None)
    existing = {
        o.region_id: o
        for o in Office.objects.filter(level=OfficeLevel.PROVINCE).select_related("region")
    }
    offices: dict[str, Office] = {}
    for region in provinces:
        office = existing.get(region.code)
        if office is None:
            office = office_create(
                name=f"KPU Provinsi {region.name}",
                slug=f"kpu-provinsi-{slugify(region.name)}",
                region=region,
                short_name=f"KPU Provinsi {region.name}",
                is_demo=True,
                require_second_factor=False,
            )
        _upper_programme(office, region)
        offices[region.code] = office
    ctx.say(f"  national office and {len(offices)} province offices")
    return offices, national


def build_national(ctx: DemoContext) -> None:
    """About 500 city/regency offices, each with a programme, an election, themes, segments.

    Reuses what an earlier run made, so later steps can be re-run on their own.
    """
    from .models import Segment, Theme

    if Region.objects.filter(level=RegionLevel.CITY).count() < 500:
        regions_load()
    cities = list(Region.objects.filter(level=RegionLevel.CITY).order_by("code")[:500])
    existing = set(
        Office.objects.filter(slug__startswith=NATIONAL_OFFICE_PREFIX).values_list(
            "slug", flat=True
        )
    )
    Office.objects.bulk_create(
        [
            Office(
                name=f"KPU {city.name}",
                slug=f"{NATIONAL_OFFICE_PREFIX}{city.code.replace('.', '-')}",
                region=city,
                is_demo=True,
                require_second_factor=False,
            )
            for city in cities
            if f"{NATIONAL_OFFICE_PREFIX}{city.code.replace('.', '-')}" not in existing
        ],
        batch_size=500,
    )
    offices = list(
        Office.objects.filter(slug__startswith=NATIONAL_OFFICE_PREFIX, level=OfficeLevel.CITY)
        .select_related("region")  # each election below is named after its office's region
        .order_by("pk")
    )
    have_programme = set(
        Programme.objects.filter(office__in=offices).values_list("office_id", flat=True)
    )
    Programme.objects.bulk_create(
        [
            Programme(
                office=o,
                name="Sosialisasi Pilkada 2024",
                slug="pilkada-2024",
                voting_day=VOTING_DAY,
            )
            for o in offices
            if o.pk not in have_programme
        ],
        batch_size=500,
    )
    programmes = {p.office_id: p for p in Programme.objects.filter(office__in=offices)}
    have_election = set(
        Election.objects.filter(office__in=offices).values_list("office_id", flat=True)
    )
    Election.objects.bulk_create(
        [
            Election(
                office=o,
                programme=programmes[o.pk],
                name=f"Pemilihan Kepala Daerah {o.region.name} 2024",
                short_name=f"Pilkada {o.region.name}",
                kind=ElectionKind.REGENT,
                region=o.region,
                voting_day=VOTING_DAY,
            )
            for o in offices
            if o.pk not in have_election
        ],
        batch_size=500,
    )
    have_themes = set(
        Theme.objects.filter(programme__in=programmes.values()).values_list(
            "programme_id", flat=True
        )
    )
    Theme.objects.bulk_create(
        [
            Theme(programme=p, code=code, name=name, description=desc, order=i)
            for p in programmes.values()
            if p.pk not in have_themes
            for i, (code, name, desc) in enumerate(THEMES, start=1)
        ],
        batch_size=2000,
    )
    have_segments = set(
        Segment.objects.filter(office__in=offices).values_list("office_id", flat=True)
    )
    Segment.objects.bulk_create(
        [
            Segment(office=o, code=code, name=name, order=i, min_age=lo, max_age=hi)
            for o in offices
            if o.pk not in have_segments
            for i, (code, name, lo, hi) in enumerate(SEGMENTS, start=1)
        ],
        batch_size=2000,
    )
    # The hierarchy above them: KPU RI and the 38 province offices with their programmes
    # (no partners or activities of their own: the later steps read `national_offices`).
    upper_offices_ensure(
        ctx, provinces=list(Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code"))
    )
    offices_place_all()
    ctx.objects.update(national_offices=offices, national_programmes=programmes)
    ctx.say(f"  {len(offices)} national offices with programmes")
