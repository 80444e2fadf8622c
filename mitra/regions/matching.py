"""Finding a kecamatan or kelurahan from what a person typed in a spreadsheet.

Every import (partners, voter counts, results) matches names the same way: case, extra
spaces and the words "kecamatan" / "kelurahan" in front do not matter, so "Kelurahan
Sarijadi", "sarijadi" and "SARIJADI " all name the same kelurahan. A Kemendagri code is
taken as it is.
"""

from __future__ import annotations

from mitra.regions.models import Region, RegionLevel

_LEVEL_WORDS = ("kelurahan", "kecamatan")


def region_name_key(name: str) -> str:
    """The form of a region's name that matching compares."""
    text = name.lower()
    for word in _LEVEL_WORDS:
        text = text.replace(word, "")
    return " ".join(text.split())


class RegionMatcher:
    """The kecamatan and kelurahan within one region (an office's city), loaded once
    (one query) and matched by code or by name."""

    def __init__(self, within: str) -> None:
        self.kelurahan_by_code: dict[str, Region] = {}
        self.kecamatan_by_code: dict[str, Region] = {}
        self._kecamatan_by_name: dict[str, Region] = {}
        self._kelurahan_by_name: dict[str, list[Region]] = {}
        regions = Region.objects.within(within).filter(
            level__in=[RegionLevel.KECAMATAN, RegionLevel.KELURAHAN]
        )
        kecamatan: dict[str, Region] = {}
        kelurahan: list[Region] = []
        for region in regions.only("code", "name", "level", "parent_id").order_by("code"):
            if region.level == RegionLevel.KECAMATAN:
                kecamatan[region.code] = region
            else:
                kelurahan.append(region)
        for region in kecamatan.values():
            self.kecamatan_by_code[region.code] = region
            self._kecamatan_by_name[region_name_key(region.name)] = region
        for region in kelurahan:
            region.parent = kecamatan.get(region.parent_id or "")  # no query per row
            self.kelurahan_by_code[region.code] = region
            self._kelurahan_by_name.setdefault(region_name_key(region.name), []).append(region)

    def kecamatan(self, text: str) -> Region | None:
        """The kecamatan named by its code or its name, or None."""
        text = text.strip()
        return self.kecamatan_by_code.get(text) or self._kecamatan_by_name.get(
            region_name_key(text)
        )

    def kelurahan_named(self, name: str, *, kecamatan: set[str] | None = None) -> list[Region]:
        """Every kelurahan of that name (within the given kecamatan codes, when given)."""
        found = self._kelurahan_by_name.get(region_name_key(name), [])
        if kecamatan:
            found = [r for r in found if r.parent_id in kecamatan]
        return found

    def kelurahan(self, *, kecamatan: str, kelurahan: str) -> Region | None:
        """The kelurahan of that name in the kecamatan of that name, or None."""
        district = self.kecamatan(kecamatan) if kecamatan.strip() else None
        if district is None:
            return None
        found = self.kelurahan_named(kelurahan, kecamatan={district.code})
        return found[0] if len(found) == 1 else None
