"""The personal data of partners: their contact persons and imported rosters (see
`mitra.core.personal_data`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mitra.core.personal_data import DataKind, declare

declare(
    DataKind(
        code="partner_contacts",
        label=_("Narahubung mitra"),
        fields=(
            "partners.Partner.contact_name",
            "partners.Partner.whatsapp",
            "partners.Partner.email",
            "partners.PartnerInvitation.email",
        ),
        subjects=_("Narahubung dan koordinator organisasi mitra"),
        purpose=_("Menjalankan perjanjian kerja sama dan mengirim kabar kegiatan"),
        basis="contract",
        retention="",
        recipients=_(
            "Staf KPU; publik hanya bila mitra memilih menampilkan kontaknya di direktori"
        ),
    ),
    DataKind(
        code="import_files",
        label=_("Isi berkas impor"),
        fields=("partners.ImportBatch.rows", "partners.ImportBatch.preview"),
        subjects=_("Narahubung mitra dalam berkas yang diimpor"),
        purpose=_("Pratinjau dan konfirmasi impor"),
        basis="contract",
        retention="import_files",
        recipients=_("Staf KPU yang mengimpor"),
    ),
)
