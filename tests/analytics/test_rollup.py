"""The roll-up of a province's cities and of the national office: figures per office,
totals without double counting, gaps, lists with an office filter, exports, and who may
see which office."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from mitra.analytics.selectors import office_rollup
from mitra.regions.models import Region
from tests.analytics.factories import activity, voters
from tests.factories import (
    ElectionFactory,
    MembershipFactory,
    PartnerFactory,
    ProgrammeFactory,
    office_tree,
)

pytestmark = pytest.mark.django_db


def _kelurahan(city_code: str, n: int = 0) -> str:
    return Region.objects.within(city_code).kelurahan().order_by("code")[n].code


@pytest.fixture
def tree():
    """The tree with a running programme and an election per office, voters, activities."""
    offices = office_tree()
    made = {"offices": offices}
    for key, office in offices.items():
        programme = ProgrammeFactory(office=office)
        made[key] = programme
        made[f"{key}_election"] = ElectionFactory(programme=programme, region=office.region)
    bandung, cimahi, magelang = (offices[k].region_id for k in ("bandung", "cimahi", "magelang"))
    # Voters: each city's own list; the province also imported its cities' kelurahan,
    # which their own offices count.
    voters(election=made["bandung_election"], code=_kelurahan(bandung), total=1000)
    voters(election=made["bandung_election"], code=_kelurahan(bandung, 1), total=500)
    voters(election=made["cimahi_election"], code=_kelurahan(cimahi), total=2000)
    voters(election=made["magelang_election"], code=_kelurahan(magelang), total=4000)
    voters(election=made["jabar_election"], code=_kelurahan(bandung), total=1000)
    voters(election=made["jabar_election"], code=_kelurahan(cimahi), total=2000)
    # Activities: each counts for its owner only.
    activity(programme=made["bandung"], kelurahan=_kelurahan(bandung), attendance=40)
    activity(programme=made["bandung"], kelurahan=None, attendance=None, status="submitted")
    activity(programme=made["cimahi"], kelurahan=_kelurahan(cimahi), attendance=60)
    activity(programme=made["jabar"], kelurahan=_kelurahan(cimahi), attendance=7)
    activity(programme=made["magelang"], kelurahan=_kelurahan(magelang), attendance=100)
    activity(programme=made["bandung"], kelurahan=None, attendance=None, status="draft")
    PartnerFactory(office=offices["bandung"])
    PartnerFactory(office=offices["magelang"])
    PartnerFactory(office=offices["cimahi"], status="ended")
    return made


def test_province_rollup_counts_each_activity_for_its_owner_and_voters_once(tree):
    offices = tree["offices"]

    rollup = office_rollup(office=offices["jabar"])

    rows = {r.office.pk: r for r in rollup.rows}
    assert list(rows) == [offices["jabar"].pk, offices["bandung"].pk, offices["cimahi"].pk]
    own, bandung, cimahi = (rows[offices[k].pk].figures for k in ("jabar", "bandung", "cimahi"))
    assert (bandung.activities, bandung.verified, bandung.reach) == (2, 1, 40)
    assert (bandung.voters, bandung.partners) == (1500, 1)
    assert (cimahi.verified, cimahi.reach, cimahi.voters, cimahi.partners) == (1, 60, 2000, 0)
    # The province's own activity is its own; its voter list covers its cities' areas,
    # which their offices count: not added again.
    assert (own.verified, own.reach, own.voters) == (1, 7, 0)
    assert (rollup.totals.verified, rollup.totals.reach, rollup.totals.voters) == (3, 107, 3500)
    assert rollup.totals.activities == 4  # drafts are not on their way
    assert rollup.totals.reach_per_1000 == pytest.approx(1000 * 107 / 3500, abs=0.1)
    assert offices["magelang"].pk not in rows  # another province's city


def test_national_rollup_sums_each_province_with_its_cities(tree):
    offices = tree["offices"]

    rollup = office_rollup(office=offices["national"])

    rows = {r.office.pk: r for r in rollup.rows}
    assert list(rows) == [offices["national"].pk, offices["jabar"].pk, offices["jateng"].pk]
    jabar, jateng = rows[offices["jabar"].pk], rows[offices["jateng"].pk]
    assert (jabar.offices, jabar.figures.verified, jabar.figures.reach) == (3, 3, 107)
    assert jabar.figures.voters == 3500
    assert (jateng.offices, jateng.figures.reach, jateng.figures.voters) == (2, 100, 4000)
    assert (rollup.totals.verified, rollup.totals.reach, rollup.totals.voters) == (4, 207, 7500)
    assert len(rollup.offices) == 6


def test_gaps_count_voters_in_kelurahan_without_a_verified_activity(tree):
    rollup = office_rollup(office=tree["offices"]["jabar"], with_gaps=True)

    bandung = next(r for r in rollup.rows if r.office == tree["offices"]["bandung"]).figures
    assert (bandung.areas, bandung.areas_unreached, bandung.voters_unreached) == (2, 1, 500)
    assert bandung.unreached_percent == pytest.approx(33.3, abs=0.1)


def _login(client, office, role="staff"):
    member = MembershipFactory(office=office, role=role)
    client.force_login(member.user)
    return member


def test_province_staff_page_and_exports_show_their_cities(client, tree):
    _login(client, tree["offices"]["jabar"])

    page = client.get(reverse("analytics:rollup"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "KPU Kota Bandung" in body and "KPU Kota Cimahi" in body
    assert "KPU Kota Magelang" not in body

    xlsx = client.get(reverse("analytics:rollup"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["KPU Kota Bandung", "KPU Kota Cimahi", "KPU Provinsi Jawa Barat"]

    gaps = client.get(reverse("analytics:rollup_gaps"), {"format": "csv"})
    text = b"".join(gaps.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    bandung = next(r for r in rows if r[0] == "KPU Kota Bandung")
    assert bandung[-2:] == ["500", "33.3"]


def test_a_city_has_no_rollup(client, tree):
    _login(client, tree["offices"]["bandung"])

    response = client.get(reverse("analytics:rollup"))

    assert response.status_code == 403
    assert "tidak membawahi" in response.content.decode()


def test_lists_filter_by_office_and_stay_inside_the_province(client, tree):
    offices = tree["offices"]
    _login(client, offices["jabar"], role="observer")

    partners = client.get(reverse("analytics:rollup_partners")).content.decode()
    assert "KPU Kota Bandung" in partners and "KPU Kota Magelang" not in partners

    only = client.get(reverse("analytics:rollup_activities"), {"kantor": offices["cimahi"].pk})
    assert only.status_code == 200
    assert [a.office_id for a in only.context["page"]] == [offices["cimahi"].pk]
    # Another province's city, a made-up id: not found, not an empty list.
    for pk in (offices["magelang"].pk, offices["national"].pk, 999_999):
        assert client.get(reverse("analytics:rollup_partners"), {"kantor": pk}).status_code == 404
    assert client.get(reverse("analytics:rollup_partners"), {"kantor": "x"}).status_code == 404


def test_national_page_is_the_national_offices_rollup(client, tree):
    _login(client, tree["offices"]["national"], role="observer")

    response = client.get(reverse("analytics:national"))

    assert response.status_code == 200
    assert [r.office for r in response.context["rows"]][1:] == [
        tree["offices"]["jabar"],
        tree["offices"]["jateng"],
    ]
    _login(client, tree["offices"]["jabar"])
    assert client.get(reverse("analytics:national")).status_code == 403


def test_rollup_page_reads_a_fixed_number_of_queries(client, tree, django_assert_max_num_queries):
    _login(client, tree["offices"]["national"])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("analytics:rollup")).status_code == 200


def test_kpu_ri_lists_activities_one_office_at_a_time(client, tree):
    offices = tree["offices"]
    _login(client, offices["national"], role="observer")

    prompt = client.get(reverse("analytics:rollup_activities"))
    chosen = client.get(reverse("analytics:rollup_activities"), {"kantor": offices["magelang"].pk})
    download = client.get(reverse("analytics:rollup_activities"), {"format": "xlsx"})

    assert "Pilih satu kantor" in prompt.content.decode()
    assert list(prompt.context["page"]) == []
    assert [a.office_id for a in chosen.context["page"]] == [offices["magelang"].pk]
    assert download.status_code == 400
