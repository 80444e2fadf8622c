"""The office hierarchy: level and parent follow from the region, whatever the order of
creation; the reads walk it in a fixed number of queries."""

from __future__ import annotations

import pytest

from mitra.offices.hierarchy import (
    office_ancestors,
    office_children,
    office_descendants,
    office_is_below,
    offices_visible_to,
)
from mitra.offices.models import Office, OfficeLevel
from mitra.offices.services import office_place, offices_place_all
from mitra.regions.models import Region
from mitra.regions.selectors import region_children
from tests.factories import office_tree

pytestmark = pytest.mark.django_db


def test_level_and_parent_follow_the_region_even_when_cities_come_first():
    tree = office_tree()  # cities are created before their province and KPU RI

    assert tree["national"].level == OfficeLevel.NATIONAL and tree["national"].parent is None
    assert tree["jabar"].level == OfficeLevel.PROVINCE
    assert tree["jabar"].parent == tree["national"]
    assert tree["bandung"].level == OfficeLevel.CITY
    assert tree["bandung"].parent == tree["jabar"]
    assert tree["cimahi"].parent == tree["jabar"]
    assert tree["magelang"].parent == tree["jateng"]


def test_a_city_without_its_province_office_hangs_under_the_national_office():
    tree = office_tree()
    tree["jateng"].delete()

    office_place(office=tree["magelang"])

    tree["magelang"].refresh_from_db()
    assert tree["magelang"].parent == tree["national"]


def test_reads_walk_the_tree(django_assert_num_queries):
    tree = office_tree()

    assert list(office_children(office=tree["jabar"])) == [tree["bandung"], tree["cimahi"]]
    assert set(office_descendants(office=tree["national"])) == {
        o.pk for k, o in tree.items() if k != "national"
    }
    assert set(office_descendants(office=tree["jabar"])) == {
        tree["bandung"].pk,
        tree["cimahi"].pk,
    }
    assert set(office_descendants(office=tree["bandung"])) == set()
    with django_assert_num_queries(1):
        assert office_ancestors(office=tree["bandung"]) == [tree["jabar"], tree["national"]]
    assert office_ancestors(office=tree["national"]) == []
    assert set(offices_visible_to(office=tree["jabar"])) == {
        tree["jabar"],
        tree["bandung"],
        tree["cimahi"],
    }
    assert office_is_below(office=tree["bandung"], ancestor=tree["national"])
    assert not office_is_below(office=tree["cimahi"], ancestor=tree["bandung"])  # sibling
    assert not office_is_below(office=tree["magelang"], ancestor=tree["jabar"])


def test_place_all_repairs_offices_written_in_bulk():
    tree = office_tree()
    Office.objects.update(level=OfficeLevel.CITY, parent=None)

    assert offices_place_all() > 0
    assert offices_place_all() == 0  # idempotent

    assert Office.objects.get(pk=tree["bandung"].pk).parent_id == tree["jabar"].pk
    assert Office.objects.get(pk=tree["jabar"].pk).level == OfficeLevel.PROVINCE


def test_the_national_marker_is_no_province():
    office_tree()

    provinces = set(region_children(parent=None).values_list("code", flat=True))

    assert "00" not in provinces and {"32", "33"} <= provinces
    assert list(Region.objects.within("00")) == [Region.objects.get(code="00")]
