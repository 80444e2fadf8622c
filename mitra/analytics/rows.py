"""Reading the rows of an imported figures file, shared by the voter-count and the results
import: which kelurahan a row names, its whole numbers, the columns a file must have.
Messages go into the row's list of problems, in the user's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mitra.regions.models import Region, RegionLevel


def _norm(name: str) -> str:
    return " ".join(name.lower().replace("kelurahan", "").replace("kecamatan", "").split())


class AreaLookup:
    """The office's kelurahan by Kemendagri code and by (kecamatan, kelurahan) names."""

    def __init__(self, office_region: str) -> None:
        self.by_code: dict[str, Region] = {}
        self.by_name: dict[tuple[str, str], Region] = {}
        for region in (
            Region.objects.within(office_region)
            .filter(level=RegionLevel.KELURAHAN)
            .select_related("parent")
        ):
            self.by_code[region.code] = region
            parent = region.parent.name if region.parent else ""
            self.by_name[(_norm(parent), _norm(region.name))] = region

    def find(self, raw: dict[str, str], problems: list[str]) -> Region | None:
        """The row's kelurahan by `kode`, else by names; an unknown one is a problem."""
        code = (raw.get("kode") or "").strip()
        region = self.by_code.get(code) if code else None
        if region is None and not code:
            key = (_norm(raw.get("kecamatan", "")), _norm(raw.get("kelurahan", "")))
            region = self.by_name.get(key)
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
