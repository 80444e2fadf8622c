"""Checking an official results file, one row per polling station (TPS).

Pure validation (no writes): `services.figures_import_preview` stores what this returns and
`services.figures_import_confirm` writes it in one transaction. The row messages are in the
user's language; an error in any row refuses the whole file.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .rows import AreaLookup, missing_columns, number

RESULT_COLUMNS = [
    "kode",
    "kecamatan",
    "kelurahan",
    "tps",
    "dpt",
    "dptb",
    "dpk",
    "pengguna_hak_pilih",
    "pengguna_laki_laki",
    "pengguna_perempuan",
]
RESULT_EXAMPLE = ["32.73.01.1004", "Sukasari", "Sarijadi", "001", 520, 6, 3, 341, 160, 181]


def _normal_tps(raw: str) -> str:
    """TPS "1", "01" and "001" are the same station: numbers lose their leading zeros."""
    text = raw.strip().upper().removeprefix("TPS").strip()
    return str(int(text)) if text.isdigit() else text


def check_result_rows(
    *, table: list[dict[str, str]], areas: AreaLookup
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Validate every TPS row; returns (rows ready to write, errors as {row, message})."""
    missing = missing_columns(table, ["tps", "dpt", "pengguna_hak_pilih"])
    if missing:
        return [], missing
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], str] = {}
    for raw in table:
        problems: list[str] = []
        region = areas.find(raw, problems)
        tps = _normal_tps(raw.get("tps") or "")
        if not tps:
            problems.append(_("nomor TPS kosong"))
        elif region is not None and (region.code, tps) in seen:
            problems.append(
                _("TPS %(tps)s di %(name)s sudah ada di baris %(row)s (duplikat)")
                % {"tps": tps, "name": region.name, "row": seen[(region.code, tps)]}
            )
        dpt = number(raw, "dpt", problems, required=True)
        dptb = number(raw, "dptb", problems, required=False)
        dpk = number(raw, "dpk", problems, required=False)
        voted = number(raw, "pengguna_hak_pilih", problems, required=True)
        men = number(raw, "pengguna_laki_laki", problems, required=False)
        women = number(raw, "pengguna_perempuan", problems, required=False)
        registered = None if dpt is None else dpt + (dptb or 0) + (dpk or 0)
        if registered is not None and voted is not None and voted > registered:
            problems.append(
                _("pengguna hak pilih (%(voted)s) melebihi pemilih terdaftar (%(reg)s)")
                % {"voted": voted, "reg": registered}
            )
        if men is not None and women is not None and voted is not None and men + women != voted:
            problems.append(
                _("laki-laki + perempuan (%(sum)s) tidak sama dengan pengguna hak pilih (%(n)s)")
                % {"sum": men + women, "n": voted}
            )
        if problems:
            errors.append({"row": int(raw.get("_row", 0)), "message": "; ".join(problems)})
            continue
        assert region is not None
        seen[(region.code, tps)] = raw.get("_row", "")
        rows.append(
            {
                "region": region.code,
                "name": region.name,
                "tps": tps,
                "dpt": dpt,
                "dptb": dptb,
                "dpk": dpk,
                "registered": registered,
                "voted": voted,
                "voted_men": men,
                "voted_women": women,
            }
        )
    return rows, errors
