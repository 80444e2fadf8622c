"""The personal data of accounts (see `mitra.core.personal_data`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mitra.core.personal_data import DataKind, declare

declare(
    DataKind(
        code="accounts",
        label=_("Akun pengguna"),
        fields=("accounts.User.email", "accounts.User.full_name", "accounts.Membership.role"),
        subjects=_("Staf KPU dan koordinator mitra"),
        purpose=_("Masuk ke ruang kerja, hak akses, dan jejak perubahan"),
        basis="contract",
        retention="",
        recipients=_("Admin kantor"),
    ),
)
