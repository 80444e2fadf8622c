"""The demo's outreach materials as real documents: a guide to voting at the polling station
and one sheet per theme, rendered as A4 PDFs with reportlab.

The texts are the demo's own (Indonesian, written for partners to read aloud or hand out);
what changes with the programme (its name, voting day and stages) is filled in. Rendering is
cached by content, so building the demo twice in one process renders each document once.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from functools import lru_cache

from babel.dates import format_date
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)

RED = HexColor("#8b1a1a")

# A document: a title and sections of (heading, paragraphs, bullet items, numbered items).
Section = tuple[str, list[str], list[str], list[str]]

GUIDE_TITLE = "Panduan memilih di TPS"
GUIDE: list[Section] = [
    (
        "Sebelum hari pemungutan suara",
        [
            "Hak pilih hanya dapat dipakai bila nama Anda tercatat di Daftar Pemilih Tetap "
            "(DPT). Luangkan waktu beberapa hari sebelumnya untuk memeriksanya."
        ],
        [
            "Periksa nama Anda di layanan cek DPT resmi KPU dengan NIK sesuai KTP-el, atau "
            "tanyakan kepada Panitia Pemungutan Suara (PPS) di kelurahan.",
            "Simpan surat pemberitahuan memilih yang diantar petugas KPPS ke rumah: di "
            "dalamnya tertulis nomor dan alamat TPS Anda.",
            "Kenali pasangan calon dari sumber resmi: visi, misi, dan program mereka.",
            "Atur waktu: minta izin dari tempat kerja bila perlu, dan ajak anggota keluarga "
            "berangkat bersama.",
        ],
        [],
    ),
    (
        "Yang dibawa ke TPS",
        [],
        [
            "KTP elektronik (KTP-el). Pemilih yang belum memiliki KTP-el membawa biodata "
            "penduduk dari Dinas Kependudukan dan Pencatatan Sipil.",
            "Surat pemberitahuan memilih, bila Anda menerimanya.",
            "Pemilih yang pindah tempat memilih membawa surat keterangan pindah memilih.",
        ],
        [],
    ),
    (
        "Langkah di TPS",
        ["TPS dibuka pukul 07.00 dan pemungutan suara ditutup pukul 13.00 waktu setempat."],
        [],
        [
            "Datang ke TPS, antre dengan tertib, lalu tunjukkan KTP-el dan surat "
            "pemberitahuan kepada petugas KPPS.",
            "Tanda tangani daftar hadir dan tunggu sampai nama Anda dipanggil.",
            "Terima surat suara. Periksa bahwa surat suara tidak rusak dan sudah "
            "ditandatangani ketua KPPS; minta ganti bila ada cacat.",
            "Masuk ke bilik suara. Coblos satu kali pada foto, nomor urut, atau nama satu "
            "pasangan calon.",
            "Lipat kembali surat suara seperti semula, lalu masukkan ke kotak suara yang "
            "sesuai: kotak untuk pemilihan gubernur dan kotak untuk pemilihan wali kota.",
            "Celupkan jari ke tinta sebagai tanda bahwa Anda sudah memilih.",
        ],
    ),
    (
        "Agar suara Anda sah",
        [],
        [
            "Coblos hanya satu pasangan calon pada setiap surat suara.",
            "Coblosan berada di dalam kolom pasangan calon yang Anda pilih.",
            "Jangan menulis, mencoret, atau memberi tanda lain pada surat suara.",
        ],
        [],
    ),
    (
        "Pemilih dengan kebutuhan khusus",
        [
            "Setiap pemilih berhak memilih secara mandiri dan rahasia. KPPS membantu tanpa "
            "memengaruhi pilihan."
        ],
        [
            "Pemilih penyandang disabilitas boleh didampingi orang yang dipilihnya sendiri; "
            "pendamping wajib merahasiakan pilihan pemilih.",
            "Pemilih tunanetra dapat meminta alat bantu coblos berhuruf Braille.",
            "Pemilih lanjut usia, ibu hamil, dan penyandang disabilitas boleh didahulukan "
            "dalam antrean.",
            "Tanyakan kepada PPS tentang layanan bagi pemilih yang dirawat di rumah sakit "
            "atau berada di lembaga pemasyarakatan.",
        ],
        [],
    ),
    (
        "Setelah memilih",
        [],
        [
            "Anda boleh tinggal dan menyaksikan penghitungan suara di TPS setelah "
            "pemungutan suara ditutup.",
            "Hasil penghitungan di setiap TPS diumumkan di tempat dan dapat dilihat warga.",
            "Laporkan dugaan pelanggaran kepada pengawas pemilihan di kelurahan atau kepada "
            "Bawaslu.",
        ],
        [],
    ),
]

THEME_SHEETS: dict[str, tuple[str, list[Section]]] = {
    "tahapan": (
        "Lembar tema: tahapan dan tata cara memilih",
        [
            (
                "Pesan utama",
                [
                    "Setiap tahapan pemilihan punya jadwal yang ditetapkan KPU. Warga yang "
                    "tahu jadwalnya tidak kehilangan kesempatan: memeriksa daftar pemilih, "
                    "mengenal calon, dan datang ke TPS pada harinya."
                ],
                [],
                [],
            ),
            (
                "Poin bicara untuk mitra",
                [],
                [
                    "Daftar pemilih diperbarui sebelum ditetapkan; periksa nama Anda selagi "
                    "masih bisa diperbaiki.",
                    "Masa kampanye adalah waktu untuk mengenal calon; masa tenang adalah "
                    "waktu untuk menimbang tanpa kampanye.",
                    "Hari pemungutan suara adalah hari libur: tidak ada alasan untuk tidak "
                    "datang ke TPS.",
                    "Setelah pemungutan, penghitungan dan rekapitulasi berjalan terbuka dan "
                    "berjenjang dari TPS sampai tingkat kota.",
                ],
                [],
            ),
            (
                "Contoh kegiatan",
                [],
                [
                    "Simulasi pemungutan suara di sekolah atau balai RW.",
                    "Pos cek DPT bersama di acara warga.",
                    "Siaran radio komunitas tentang jadwal tahapan.",
                ],
                [],
            ),
        ],
    ),
    "pemilih-cerdas": (
        "Lembar tema: pemilih cerdas dan bertanggung jawab",
        [
            (
                "Pesan utama",
                [
                    "Satu suara ikut menentukan arah daerah lima tahun ke depan. Pemilih "
                    "cerdas memilih dengan sadar: mengenal calon, memeriksa kabar, dan "
                    "menolak imbalan."
                ],
                [],
                [],
            ),
            (
                "Poin bicara untuk mitra",
                [],
                [
                    "Kenali calon dari sumber resmi: dokumen visi dan misi, debat publik, dan "
                    "laman KPU.",
                    "Periksa dulu sebelum membagikan: judul yang memancing emosi sering kali "
                    "menyesatkan.",
                    "Tolak politik uang. Memberi atau menerima uang dan barang untuk "
                    "memengaruhi pilihan adalah pelanggaran.",
                    "Pilihan Anda rahasia: tidak ada yang dapat mengetahui siapa yang Anda "
                    "coblos di bilik suara.",
                ],
                [],
            ),
            (
                "Contoh kegiatan",
                [],
                [
                    "Diskusi cek fakta bersama komunitas kreator konten.",
                    "Nonton bareng debat publik, dilanjutkan tanya jawab.",
                    "Kajian di majelis taklim tentang memilih dengan amanah.",
                ],
                [],
            ),
        ],
    ),
    "pemilu-jurdil": (
        "Lembar tema: pemilihan jujur, adil, dan transparan",
        [
            (
                "Pesan utama",
                [
                    "Pemilihan yang jujur dan adil dijaga bersama. Warga yang datang, "
                    "menyaksikan, dan melapor membuat hasilnya dipercaya semua pihak."
                ],
                [],
                [],
            ),
            (
                "Poin bicara untuk mitra",
                [],
                [
                    "Asas pemilihan: langsung, umum, bebas, rahasia, jujur, dan adil.",
                    "Siapa pun boleh menyaksikan penghitungan suara di TPS.",
                    "Hasil setiap TPS diumumkan di tempat, sehingga dapat dicocokkan dengan "
                    "rekapitulasi.",
                    "Dugaan pelanggaran dilaporkan kepada pengawas pemilihan atau Bawaslu, "
                    "dengan bukti yang ada.",
                ],
                [],
            ),
            (
                "Contoh kegiatan",
                [],
                [
                    "Pentas seni budaya dengan pesan integritas.",
                    "Kampanye media sosial ajakan mengawal TPS.",
                    "Pelatihan relawan demokrasi di tingkat kelurahan.",
                ],
                [],
            ),
        ],
    ),
}


@dataclass(frozen=True)
class Context:
    """What a document says about its programme."""

    programme: str
    voting_day: datetime.date
    stages: tuple[tuple[str, datetime.date, datetime.date], ...] = ()


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], textColor=RED, fontSize=22),
        "sub": ParagraphStyle("sub", parent=base["Normal"], fontSize=11, leading=15),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], textColor=RED, spaceBefore=10),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=11, leading=15),
    }


def _day(day: datetime.date) -> str:
    return format_date(day, "d MMMM y", locale="id")


def _section(section: Section, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    heading, paragraphs, bullets, steps = section
    out: list[Flowable] = [Paragraph(heading, styles["h2"])]
    out += [Paragraph(text, styles["body"]) for text in paragraphs]
    for items, kind in ((bullets, "bullet"), (steps, "1")):
        if items:
            out.append(
                ListFlowable(
                    [ListItem(Paragraph(text, styles["body"])) for text in items],
                    bulletType=kind,
                    leftIndent=14,
                )
            )
    return out


def _footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawString(
        20 * mm, 12 * mm, "Materi contoh dari data demo sintetis Mitra Pemilu, bukan materi resmi."
    )
    canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, f"Halaman {doc.page}")
    canvas.restoreState()


def _render(title: str, context: Context, sections: list[Section]) -> bytes:
    styles = _styles()
    story: list[Flowable] = [
        Paragraph(title, styles["title"]),
        Paragraph(
            f"{context.programme} · hari pemungutan suara {_day(context.voting_day)}",
            styles["sub"],
        ),
        Spacer(1, 6 * mm),
    ]
    for section in sections:
        story += _section(section, styles)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=title,
        author="Mitra Pemilu (demo)",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=22 * mm,
        invariant=True,  # the same bytes for the same content
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()


@lru_cache(maxsize=32)
def guide_pdf(context: Context) -> bytes:
    """The guide to voting at the polling station (three pages or so)."""
    day = _day(context.voting_day)
    opening: Section = (
        "Hari pemungutan suara",
        [
            f"Pemungutan suara berlangsung pada {day}. Panduan ini merangkum apa yang perlu "
            "disiapkan dan apa yang terjadi di TPS, supaya setiap pemilih datang dengan "
            "tenang dan suaranya sah."
        ],
        [],
        [],
    )
    return _render(GUIDE_TITLE, context, [opening, *GUIDE])


@lru_cache(maxsize=32)
def theme_sheet_pdf(theme_code: str, context: Context) -> bytes:
    """One theme's sheet: its message, talking points and activity ideas; the stages sheet
    lists the programme's own schedule."""
    title, sections = THEME_SHEETS[theme_code]
    extra: list[Section] = []
    if theme_code == "tahapan" and context.stages:
        schedule = [
            f"{name}: {_day(start)}" + ("" if end == start else f" sampai {_day(end)}")
            for name, start, end in context.stages
        ]
        extra.append(("Jadwal tahapan", [], schedule, []))
    return _render(title, context, [*sections, *extra])
