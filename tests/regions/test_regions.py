import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mitra.regions.models import Region, RegionLevel
from mitra.regions.services import RegionImportError, boundaries_import, regions_load
from tests.conftest import BOUNDARIES


@pytest.mark.django_db
def test_bandung_has_30_kecamatan_and_151_kelurahan():
    regions_load(within="32.73")
    assert Region.objects.children_of("32.73").count() == 30
    assert Region.objects.within("32.73").kelurahan().count() == 151
    assert Region.objects.get(code="32.73.01").name == "Sukasari"
    assert Region.objects.get(code="32").level == RegionLevel.PROVINCE


@pytest.mark.django_db
def test_loading_regions_twice_changes_nothing():
    first = regions_load(within="32.73")
    second = regions_load(within="32.73")
    assert first == second
    assert Region.objects.count() == first


@pytest.mark.django_db
def test_unknown_region_code_is_refused():
    with pytest.raises(RegionImportError) as error:
        regions_load(within="99.99")
    assert error.value.code == "unknown_code"


@pytest.mark.django_db
def test_regions_api_lists_children(client, bandung):
    response = client.get("/api/v1/regions", {"parent": "32.73"})
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 30
    assert rows[0] == {"code": "32.73.01", "name": "Sukasari", "level": 3, "parent": "32.73"}


@pytest.mark.django_db
def test_regions_api_without_parent_lists_provinces(client, bandung):
    rows = client.get("/api/v1/regions").json()
    assert [r["code"] for r in rows] == ["32"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "count"), [("bandung-kecamatan.geojson", 30), ("bandung-kelurahan.geojson", 151)]
)
def test_import_boundaries_attaches_every_bandung_polygon(bandung, filename, count):
    out = StringIO()
    call_command("import_boundaries", str(BOUNDARIES / filename), stdout=out)
    assert f"{count} boundaries attached" in out.getvalue()
    attached = Region.objects.filter(boundary__isnull=False)
    assert attached.count() == count
    sukasari = Region.objects.get(code="32.73.01" if count == 30 else "32.73.01.1001")
    assert sukasari.boundary["type"] == "Polygon"
    # The label point falls inside Bandung's bounding box.
    assert -7.0 < sukasari.label_lat < -6.8 and 107.5 < sukasari.label_lng < 107.8


def _feature(code, geometry):
    return {"type": "Feature", "properties": {"kode": code, "nama": code}, "geometry": geometry}


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[107.6, -6.9], [107.61, -6.9], [107.61, -6.91], [107.6, -6.9]]],
}


@pytest.mark.django_db
def test_unmatched_codes_are_reported_and_the_rest_attached(bandung, tmp_path):
    path = tmp_path / "b.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [_feature("32.73.01", SQUARE), _feature("32.73.99", SQUARE)],
            }
        )
    )
    out = StringIO()
    call_command("import_boundaries", str(path), stdout=out)
    assert "1 boundaries attached" in out.getvalue()
    assert "32.73.99" in out.getvalue()
    assert Region.objects.get(code="32.73.01").boundary == SQUARE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"not json at all", "invalid_json"),
        (b'{"type": "Feature"}', "not_feature_collection"),
        (b'{"type": "FeatureCollection", "features": []}', "no_features"),
    ],
)
def test_malformed_files_are_refused(bandung, content, code):
    with pytest.raises(RegionImportError) as error:
        boundaries_import(raw=content)
    assert error.value.code == code


@pytest.mark.django_db
def test_one_bad_geometry_refuses_the_whole_file(bandung, tmp_path):
    features = [
        _feature("32.73.01", SQUARE),
        _feature("32.73.02", {"type": "Point", "coordinates": [107.6, -6.9]}),
    ]
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(CommandError, match=r"32\.73\.02"):
        call_command("import_boundaries", str(path))
    assert not Region.objects.filter(boundary__isnull=False).exists()


@pytest.mark.django_db
def test_missing_file_gives_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_boundaries", str(tmp_path / "nope.geojson"))
