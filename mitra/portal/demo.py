"""Demo step for the public site: a dozen synthetic news articles and a small materials library.

Everything here is invented for the demo (the office is marked `is_demo`, so every page says
the data are synthetic); the files are generated on the fly and weigh a few kilobytes.
"""

from __future__ import annotations

import datetime
import random
import struct
import zlib
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from mitra.core.uploads import random_name
from mitra.demo.context import DemoContext
from mitra.elections.models import Programme

from . import documents
from .models import Article, ArticleStatus, Material, MaterialKind, MaterialVersion, Tag

WIB = ZoneInfo("Asia/Jakarta")
NOTE = "\n\n*Berita ini adalah contoh sintetis untuk demo Mitra Pemilu, bukan berita resmi.*"

# The office's own announcement of the partnership (17 October 2024), in the demo's words.
SEED_ARTICLE_SLUG = "kpu-kota-bandung-gandeng-83-komunitas"

# (slug, title, lead, body, tags, (month, day, hour), has_image)
ARTICLES = [
    (
        SEED_ARTICLE_SLUG,
        "KPU Kota Bandung gandeng 83 komunitas dan organisasi untuk sosialisasi Pilkada 2024",
        "Komunitas kepemudaan, seni, budaya, pendidikan, dan keagamaan menjadi mitra yang "
        "membawa informasi Pilgub Jawa Barat dan Pilwalkot Bandung ke anggota dan "
        "lingkungannya.",
        "KPU Kota Bandung menandatangani kerja sama dengan 83 komunitas dan organisasi "
        "untuk memperluas sosialisasi Pemilihan Gubernur dan Wakil Gubernur Jawa Barat "
        "(Pilgub Jabar) serta Pemilihan Wali Kota dan Wakil Wali Kota Bandung (Pilwalkot "
        "Bandung) 2024. Kedua pemilihan berlangsung serentak pada hari pemungutan suara, "
        "**Rabu, 27 November 2024**.\n\n"
        "Lewat kemitraan ini, pesan tentang pemilihan tidak hanya datang dari kantor KPU, "
        "tetapi juga dari orang-orang yang sudah dikenal dan dipercaya warga: ketua "
        "karang taruna, pelatih sanggar, guru, pengurus majelis taklim, dan penggerak "
        "komunitas. Sasaran utamanya adalah pemilih muda serta kelompok yang pada "
        "pemilihan sebelumnya jarang ikut memilih.\n\n"
        "## Tiga pesan yang dibawa mitra\n\n"
        "1. Tahapan pemilihan, termasuk jadwal dan tata cara memilih di TPS.\n"
        "2. Kesadaran pemilih: memakai hak pilih dengan cerdas dan bertanggung jawab.\n"
        "3. Ajakan ikut serta menjaga pemilihan yang jujur, adil, dan transparan.\n\n"
        "## Empat pendekatan\n\n"
        "- diskusi komunitas;\n- pertunjukan seni dan budaya;\n- kegiatan edukasi;\n"
        "- kampanye media sosial.\n\n"
        "Setiap mitra memilih pendekatan yang paling cocok dengan anggotanya dan "
        "melaporkan kegiatannya kepada KPU, sehingga jangkauan sosialisasi di setiap "
        "kecamatan dapat dipantau bersama.\n\n"
        "## Ayo ke TPS\n\n"
        "KPU Kota Bandung mengajak seluruh warga yang terdaftar untuk datang ke TPS pada "
        "27 November 2024 dan memakai hak pilihnya. Informasi tahapan dan cara memilih "
        "tersedia di situs ini dan di akun Instagram @kpukotabandung.",
        ["Kemitraan", "Sosialisasi"],
        (10, 17, 10),
        True,
    ),
    (
        "jadwal-masa-kampanye-pilkada-2024",
        "Masa kampanye berlangsung 25 September sampai 23 November",
        "Pasangan calon berkampanye selama hampir dua bulan; setelahnya masa tenang tiga hari.",
        "Selama masa kampanye, pasangan calon dapat menggelar pertemuan terbatas, tatap muka, "
        "dan debat publik.\n\nWarga diajak **mengenali visi dan misi** setiap pasangan calon "
        "dari sumber resmi.",
        ["Tahapan"],
        (9, 26, 9),
        False,
    ),
    (
        "cara-cek-dpt-online",
        "Cara memeriksa nama Anda di Daftar Pemilih Tetap",
        "Cukup siapkan NIK; layanan cek DPT daring menunjukkan TPS tempat Anda memilih.",
        "Langkahnya sederhana:\n\n- buka layanan cek DPT resmi KPU;\n- masukkan NIK sesuai "
        "KTP-el;\n- catat nomor TPS dan alamatnya.\n\nBila nama Anda belum terdaftar, hubungi "
        "PPS di kelurahan Anda.",
        ["Tahapan", "Pemilih"],
        (10, 15, 8),
        False,
    ),
    (
        "pemilih-pemula-sma-simulasi-pencoblosan",
        "Ratusan pemilih pemula ikut simulasi pencoblosan di sekolah",
        "Siswa kelas XII mencoba alur di TPS, dari antre hingga mencelupkan jari ke tinta.",
        "Simulasi dipandu komunitas mitra bersama guru PPKn. Siswa bergantian menjadi "
        "petugas KPPS, saksi, dan pemilih.\n\n> Ternyata mencoblos tidak serumit yang "
        "dibayangkan, kata salah satu peserta.",
        ["Pemilih pemula", "Kegiatan edukasi"],
        (10, 22, 13),
        True,
    ),
    (
        "tolak-politik-uang-gerakan-komunitas",
        "Komunitas muda kampanyekan tolak politik uang",
        "Gerakan daring dan luring mengajak warga menolak pemberian uang atau barang untuk suara.",
        "Kampanye memakai konten pendek di media sosial dan diskusi di kedai kopi.\n\n"
        "Pesan utamanya: suara Anda tidak untuk dijual.",
        ["Pemilih cerdas", "Kampanye media sosial"],
        (10, 29, 16),
        False,
    ),
    (
        "pentas-seni-budaya-ajak-memilih",
        "Pentas seni budaya Sunda ajak warga datang ke TPS",
        "Pertunjukan angklung dan teater rakyat menyisipkan pesan tentang hari pemungutan suara.",
        "Pentas digelar di ruang terbuka dan dihadiri warga dari beberapa kelurahan.\n\n"
        "Seniman mitra menulis naskah yang mengangkat pentingnya satu suara.",
        ["Pertunjukan seni dan budaya"],
        (11, 2, 19),
        True,
    ),
    (
        "akses-tps-ramah-disabilitas",
        "TPS ramah disabilitas: apa yang disiapkan",
        "Jalur landai, alat bantu tunanetra, dan pendamping pilihan pemilih sendiri.",
        "Pemilih penyandang disabilitas berhak mendapat kemudahan di TPS.\n\n## Yang "
        "disiapkan\n\n- lokasi TPS yang mudah dijangkau;\n- alat bantu coblos bagi "
        "tunanetra;\n- pendamping yang dipilih pemilih sendiri.",
        ["Disabilitas", "Tahapan"],
        (11, 6, 10),
        False,
    ),
    (
        "diskusi-perempuan-dan-pilkada",
        "Diskusi warga: perempuan dan partisipasi dalam Pilkada",
        "Ibu-ibu majelis taklim dan PKK membahas cara memilih yang cerdas.",
        "Diskusi membahas cara mengenali program pasangan calon dan memeriksa informasi "
        "sebelum membagikannya.",
        ["Perempuan", "Diskusi komunitas"],
        (11, 9, 14),
        False,
    ),
    (
        "masa-tenang-dimulai",
        "Masa tenang dimulai 24 November",
        "Tidak ada lagi kampanye; alat peraga kampanye mulai diturunkan.",
        "Selama masa tenang, warga diimbau melaporkan pelanggaran kepada pengawas pemilihan.",
        ["Tahapan"],
        (11, 24, 7),
        False,
    ),
    (
        "ayo-ke-tps-27-november",
        "Ayo ke TPS pada 27 November",
        "TPS buka pukul 07.00 sampai 13.00. Bawa KTP-el dan surat pemberitahuan.",
        "Hari pemungutan suara adalah hari libur nasional. Gunakan hak pilih Anda.\n\n"
        "Lihat [cara memilih](/cara-memilih/) untuk langkah lengkapnya.",
        ["Tahapan", "Ajakan"],
        (11, 26, 8),
        True,
    ),
    (
        "rekapitulasi-suara-tingkat-kecamatan",
        "Rekapitulasi suara tingkat kecamatan berjalan terbuka",
        "Saksi dan pengawas mengikuti rekapitulasi di setiap kecamatan.",
        "Rekapitulasi dilakukan berjenjang dari kecamatan ke kota. Publik dapat memantau "
        "hasil melalui kanal resmi.",
        ["Tahapan", "Transparansi"],
        (12, 2, 15),
        False,
    ),
    (
        "terima-kasih-para-mitra",
        "Terima kasih, para mitra: evaluasi program sosialisasi",
        "Evaluasi bersama mitra menyoroti jangkauan kegiatan dan pelajaran berikutnya.",
        "Mitra berbagi pengalaman: kegiatan mana yang paling diminati pemilih muda, dan "
        "wilayah mana yang perlu perhatian lebih pada pemilihan berikutnya.",
        ["Kemitraan", "Evaluasi"],
        (12, 18, 10),
        False,
    ),
]

# Per theme: (kind, title, file). "guide" and "sheet" are real documents (documents.py);
# posters are generated banners. The live programme's materials carry "Simulasi" in front.
MATERIALS = {
    "tahapan": [
        (MaterialKind.POSTER, "Poster jadwal tahapan", "png"),
        (MaterialKind.DECK, documents.GUIDE_TITLE, "guide"),
        (MaterialKind.TALKING_POINTS, documents.THEME_SHEETS["tahapan"][0], "sheet"),
    ],
    "pemilih-cerdas": [
        (MaterialKind.POSTER, "Poster tolak politik uang", "png"),
        (MaterialKind.TALKING_POINTS, documents.THEME_SHEETS["pemilih-cerdas"][0], "sheet"),
    ],
    "pemilu-jurdil": [
        (MaterialKind.POSTER, "Poster ayo awasi pemilihan", "png"),
        (MaterialKind.TALKING_POINTS, documents.THEME_SHEETS["pemilu-jurdil"][0], "sheet"),
    ],
}


def demo_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small valid PNG: a two-tone banner (generated, no image library needed)."""
    r, g, b = rgb
    rows = []
    for y in range(height):
        band = 255 if y < height * 2 // 3 else 0
        pixel = bytes((r, g, b)) if band else bytes((255, 255, 255))
        rows.append(b"\x00" + pixel * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def demo_pdf(title: str) -> bytes:
    """A minimal one-page PDF with the title as text."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 50 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def _save(content: bytes, folder: str, kind: str) -> str:
    return default_storage.save(random_name(folder, kind), ContentFile(content))


def _document(file_kind: str, theme_code: str, programme: Programme) -> bytes:
    from mitra.elections.models import Stage

    stages = Stage.objects.filter(election__programme=programme).order_by("starts_on", "order")
    context = documents.Context(
        programme=programme.name,
        voting_day=programme.voting_day,
        stages=tuple(dict.fromkeys((s.name, s.starts_on, s.ends_on) for s in stages)),
    )
    if file_kind == "guide":
        return documents.guide_pdf(context)
    return documents.theme_sheet_pdf(theme_code, context)


def _materials(
    ctx: DemoContext, *, programme: Programme, rng: random.Random, prefix: str = ""
) -> int:
    """The programme's materials: a poster per theme (two versions), the guide to voting
    and one sheet per theme (real PDFs)."""
    from django.utils.text import slugify

    office = ctx.objects["office"]
    themes = {t.code: t for t in programme.themes.all()}
    uploaded = programme.voting_day - datetime.timedelta(days=70)
    count = 0
    for theme_code, items in MATERIALS.items():
        theme = themes.get(theme_code)
        if theme is None:
            continue
        for kind, name, file_kind in items:
            title = prefix + name
            material = Material.objects.create(
                office=office,
                theme=theme,
                kind=kind,
                slug=slugify(title)[:120],
                title=title,
                description="Materi demo (sintetis) untuk dibagikan mitra.",
            )
            extension = "png" if file_kind == "png" else "pdf"
            for number in (1, 2) if kind == MaterialKind.POSTER else (1,):
                content = (
                    demo_png(200, 280, (139, 26, 26))
                    if file_kind == "png"
                    else _document(file_kind, theme_code, programme)
                )
                MaterialVersion.objects.create(
                    material=material,
                    number=number,
                    file=_save(content, "portal/materials", extension),
                    original_name=f"{material.slug}-v{number}.{extension}",
                    size=len(content),
                    notes="Perbaikan tanggal" if number == 2 else "Versi pertama",
                    uploaded_at=ctx.at(uploaded + datetime.timedelta(days=number), 9),
                )
            downloads = rng.randint(5, 300)
            Material.objects.filter(pk=material.pk).update(download_count=downloads)
            count += 1
    return count


# The live programme's news, dated in days before the demo's today.
LIVE_ARTICLES = [
    (
        "simulasi-mitra-mulai-turun-ke-kelurahan",
        "Simulasi: mitra mulai turun ke kelurahan",
        "Dalam program simulasi, komunitas mitra menggelar diskusi, pentas, dan kelas "
        "pemilih pemula di kelurahan masing-masing.",
        "Agenda kegiatan mitra dapat dilihat di halaman agenda. Kegiatan yang membuka "
        "pendaftaran menerima peserta sampai kuotanya penuh.",
        12,
    ),
    (
        "simulasi-hitung-mundur-hari-pemungutan-suara",
        "Simulasi: enam minggu menuju hari pemungutan suara",
        "Hari pemungutan suara program simulasi jatuh pada {day}. Periksa nama Anda di DPT "
        "dari sekarang.",
        "Program ini adalah simulasi untuk demo Mitra Pemilu: tanggalnya bergeser setiap "
        "kali demo dibangun ulang. Materi panduan memilih dan lembar tema tersedia di "
        "halaman materi.",
        1,
    ),
]


def _live_articles(ctx: DemoContext, programme: Programme) -> list[Article]:
    from babel.dates import format_date

    day = format_date(programme.voting_day, "d MMMM y", locale="id")
    made = []
    for slug, title, lead, body, days_before in LIVE_ARTICLES:
        article = Article.objects.create(
            office=ctx.objects["office"],
            slug=slug,
            title=title,
            lead=lead.format(day=day),
            body=body + NOTE,
            published_at=ctx.at(ctx.today - datetime.timedelta(days=days_before), 8),
            byline="Humas KPU Kota Bandung (demo)",
            status=ArticleStatus.PUBLISHED,
        )
        Article.objects.filter(pk=article.pk).update(view_count=ctx.live_rng.randint(40, 900))
        made.append(article)
    return made


def build(ctx: DemoContext) -> None:
    from django.utils.text import slugify

    office = ctx.objects["office"]
    # The office's branding, as staff would set it on the profile page: its colours and the
    # share image every page without a picture of its own shows in a WhatsApp preview.
    office.colour_primary, office.colour_dark = "#8b1a1a", "#7a1717"
    office.share_image = _save(demo_png(600, 315, (139, 26, 26)), "offices/share", "png")
    office.share_image_alt = "Spanduk merah KPU Kota Bandung (gambar demo)"
    office.save(update_fields=["colour_primary", "colour_dark", "share_image", "share_image_alt"])
    tags: dict[str, Tag] = {}
    articles = []
    for slug, title, lead, body, tag_names, (month, day, hour), has_image in ARTICLES:
        image = ""
        if has_image:
            colour = ctx.rng.choice([(139, 26, 26), (30, 107, 53), (26, 86, 219)])
            image = _save(demo_png(240, 126, colour), "portal/articles", "png")
        article = Article.objects.create(
            office=office,
            slug=slug,
            title=title,
            lead=lead,
            body=body + NOTE,
            image=image,
            image_alt="Spanduk berwarna bertuliskan ajakan memilih (gambar demo)" if image else "",
            published_at=datetime.datetime(2024, month, day, hour, 0, tzinfo=WIB),
            byline="Humas KPU Kota Bandung (demo)",
            status=ArticleStatus.PUBLISHED,
        )
        Article.objects.filter(pk=article.pk).update(view_count=ctx.rng.randint(120, 2400))
        for name in tag_names:
            if name not in tags:
                tags[name], _ = Tag.objects.get_or_create(
                    office=office, slug=slugify(name), defaults={"name": name}
                )
        article.tags.set([tags[n] for n in tag_names])
        articles.append(article)
    Article.objects.create(
        office=office,
        slug="draf-evaluasi-partisipasi",
        title="Draf: evaluasi partisipasi per kecamatan",
        lead="Draf internal, belum terbit.",
        body="Isi draf." + NOTE,
        status=ArticleStatus.DRAFT,
    )
    Article.objects.create(
        office=office,
        slug="pengumuman-terjadwal",
        title="Pengumuman terjadwal",
        lead="Berita ini terbit otomatis pada waktunya.",
        body="Isi pengumuman." + NOTE,
        status=ArticleStatus.SCHEDULED,
        published_at=ctx.at(ctx.today + datetime.timedelta(days=3), 9),
    )

    materials = _materials(ctx, programme=ctx.objects["programme"], rng=ctx.rng)
    live = ctx.objects.get("live")
    if live:
        materials += _materials(
            ctx, programme=live["programme"], rng=ctx.live_rng, prefix="Simulasi: "
        )
        articles += _live_articles(ctx, live["programme"])
    ctx.objects["articles"] = articles
    ctx.say(f"  portal: {len(articles)} articles, {materials} materials")
