"""Every import matches kecamatan and kelurahan names the same way (mitra/regions/matching.py)."""

from __future__ import annotations

import pytest

from mitra.analytics.models import ImportKind
from mitra.analytics.services import check_rows
from mitra.partners.imports import import_plan
from mitra.regions.matching import RegionMatcher, region_name_key

pytestmark = pytest.mark.django_db

SARIJADI = "32.73.01.1004"


def test_level_words_case_and_spaces_do_not_matter():
    assert region_name_key("  Kelurahan  SARIJADI ") == region_name_key("sarijadi") == "sarijadi"


def test_matcher_finds_kelurahan_by_names_and_kecamatan_by_code_or_name(bandung):
    matcher = RegionMatcher("32.73")
    found = matcher.kelurahan(kecamatan="Kecamatan Sukasari", kelurahan="Kelurahan Sarijadi")
    assert found is not None and found.code == SARIJADI
    assert matcher.kecamatan("32.73.01") == matcher.kecamatan("sukasari")
    assert matcher.kelurahan(kecamatan="Sukasari", kelurahan="Tidak Ada") is None
    assert matcher.kelurahan(kecamatan="", kelurahan="Sarijadi") is None


def test_partner_import_and_voter_count_import_match_the_same_spelling(office, programme):
    row = {"_row": "2", "kecamatan": "Kecamatan Sukasari", "kelurahan": "Kelurahan Sarijadi"}
    [plan] = import_plan(
        office_id=office.pk,
        region_code=office.region_id,
        rows=[{**row, "nama": "Komunitas Sarijadi", "kategori": ""}],
    )
    assert not [e for e in plan.errors if "camatan" in e or "lurahan" in e], plan.errors
    assert SARIJADI in (plan.areas or set())
    counts = {"jumlah_pemilih": "10", "laki_laki": "4", "perempuan": "6"}
    rows, errors = check_rows(
        kind=ImportKind.VOTERS, office_region=office.region_id, table=[{**row, **counts}]
    )
    assert errors == []
    assert rows[0]["region"] == SARIJADI
