"""Reading the rows of an imported figures file, shared by the voter-count and the results
import: which kelurahan a row names, its whole numbers, the columns a file must have.
Messages go into the row's list of problems, in the user's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mitra.regions.matching import RegionMatcher
from mitra.regions.models import Region


class AreaLookup:
    """The office's kelurahan by Kemendagri code (`kode`) or by (kecamatan, kelurahan) names,
    matched as every import matches them (`mitra.regions.matching`)."""

    def __init__(self, office_region: str) -> None:
        self.matcher = RegionMatcher(office_region)

    def find(self, raw: dict[str, str], problems: list[str]) -> Region | None:
        """The row's kelurahan by `kode`, else by names; an unknown one is a problem."""
        code = (raw.get("kode") or "").strip()
        if code:
            region = self.matcher.kelurahan_by_code.get(code)
        else:
            region = self.matcher.kelurahan(
                kecamatan=raw.get("kecamatan", ""), kelurahan=raw.get("kelurahan", "")
            )
        if region is None:
            label = code or f"{raw.get('kecamatan', '')} / {raw.get('kelurahan', '')}"
            problems.append(_("wilayah tidak dikenal: %(area)s") % {"area": label})
        return region


def number(raw: dict[str, str], column: str, errors: list[str], *, required: bool) -> int | None:
    text = (raw.get(column) or "").replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        if required:
            errors.append(_("kolom %(col)s kosong") % {"col": column})
        return None
    try:
        value = int(text)
    except ValueError:
        errors.append(
            _("%(col)s bukan bilangan bulat: %(value)s") % {"col": column, "value": raw.get(column)}
        )
        return None
    if value < 0:
        errors.append(_("%(col)s tidak boleh negatif") % {"col": column})
        return None
    return value


def missing_columns(table: list[dict[str, str]], needed: list[str]) -> list[dict[str, Any]]:
    """[] when the file has the needed columns and a way to name the area, else the error."""
    columns = set().union(*(r.keys() for r in table)) if table else set()
    missing = [c for c in needed if c not in columns]
    if "kode" not in columns and not {"kecamatan", "kelurahan"} <= columns:
        missing.append("kode / kecamatan+kelurahan")
    if not missing:
        return []
    return [
        {"row": 1, "message": _("Kolom wajib tidak ada: %(cols)s") % {"cols": ", ".join(missing)}}
    ]
