"""Gap ranking on hand-made cases: each segment weighed by its own voters (counted by the
voter list, else an estimated share of all voters), no urgency factor, a few rows per area."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from mitra.analytics import selectors
from mitra.elections import services as election_services
from tests.analytics.factories import activity, voters
from tests.conftest import login
from tests.factories import ElectionFactory, SegmentFactory

pytestmark = pytest.mark.django_db

SUKARASA = "32.73.01.1001"  # kecamatan Sukasari
CIPAGANTI = "32.73.02.1001"  # kecamatan Coblong
TODAY = datetime.date(2024, 10, 26)


def _segments(office, *pairs: tuple[str, str]):
    return {
        code: SegmentFactory(office=office, code=code, name=name, order=i)
        for i, (code, name) in enumerate(pairs, start=1)
    }


def ranked(office, programme, today=TODAY, **kwargs):
    return selectors.gaps(
        office=office, programme=programme, today=today, partners_per_gap=0, **kwargs
    )


def test_first_time_voters_rank_first_when_they_are_the_largest_unreached_group(
    office, programme, staff_member
):
    """Sukasari: 10,000 voters, 800 of them first-time (voter list). Young voters are 5 %
    by the office's estimate (500), netizens 20 % by default (2,000), of whom 40 were
    reached. Weighed against all 10,000 voters (as before), young voters and netizens came
    first and first-time voters last; weighed against their own voters, they lead."""
    segments = _segments(
        office, ("pemula", "Pemilih pemula"), ("muda", "Pemilih muda"), ("warganet", "Warganet")
    )
    election = ElectionFactory(programme=programme, office=office)
    voters(election=election, code=SUKARASA, total=10_000, first=800)
    election_services.segment_voter_share_set(
        membership=staff_member,
        pk=segments["muda"].pk,
        share=Decimal(5),
        source="Survei kantor 2024",
    )
    activity(
        programme=programme, kelurahan=SUKARASA, attendance=40, segments=[segments["warganet"]]
    )
    gaps = ranked(office, programme)
    # 0.8 × 1 (nobody reached); 0.5 × 1; 2 × 1/(1 + 20) = 0.095 → 0.1
    assert [(g.segment_name, g.voters, g.score) for g in gaps] == [
        ("Pemilih pemula", 800, 0.8),
        ("Pemilih muda", 500, 0.5),
        ("Warganet", 2_000, 0.1),
    ]
    assert gaps[0].estimate.counted and gaps[0].estimate.source == "rekap DPT"
    muda = gaps[1]
    assert (muda.estimate.share, muda.estimate.source) == (5.0, "Survei kantor 2024")
    assert "± 500 pemilih muda (5,0 % pemilih; Survei kantor 2024)" in muda.reason
    netizens = gaps[2].estimate
    assert (netizens.share, netizens.counted) == (20.0, False)
    assert "perkiraan bawaan" in netizens.source


def test_a_bigger_unreached_segment_outranks_first_time_voters(office, programme):
    """Fair, not fixed: with the same rule a larger unreached segment comes first."""
    _segments(office, ("pemula", "Pemilih pemula"), ("muda", "Pemilih muda"))
    election = ElectionFactory(programme=programme, office=office)
    voters(election=election, code=SUKARASA, total=10_000, first=800)
    gaps = ranked(office, programme)
    assert [(g.segment_name, g.voters) for g in gaps] == [
        ("Pemilih muda", 2_000),  # default 20 %
        ("Pemilih pemula", 800),
    ]


def test_days_left_change_no_score(office, programme):
    _segments(office, ("pemula", "Pemilih pemula"), ("muda", "Pemilih muda"))
    election = ElectionFactory(programme=programme, office=office)
    voters(election=election, code=SUKARASA, total=10_000, first=800)
    voters(election=election, code=CIPAGANTI, total=4_000, first=300)
    early = ranked(office, programme, today=datetime.date(2024, 9, 1))
    late = ranked(office, programme, today=datetime.date(2024, 11, 25))
    assert [(g.area_code, g.segment_id, g.score) for g in early] == [
        (g.area_code, g.segment_id, g.score) for g in late
    ]
    assert (early[0].days_left, late[0].days_left) == (87, 2)


def test_at_most_three_rows_per_area_with_the_rest_under_more(
    office, programme, client, staff_member
):
    _segments(
        office,
        ("pemula", "Pemilih pemula"),
        ("muda", "Pemilih muda"),
        ("warganet", "Warganet"),
        ("keagamaan", "Keagamaan"),
        ("komunitas", "Komunitas"),
    )
    election = ElectionFactory(programme=programme, office=office)
    voters(election=election, code=SUKARASA, total=50_000, first=3_000)
    voters(election=election, code=CIPAGANTI, total=4_000, first=300)
    gaps = ranked(office, programme)
    sukasari = [g for g in gaps if g.area_code == "32.73.01"]
    assert len(sukasari) == 3
    # Every Sukasari segment outscores every Coblong one, yet Coblong is in the list.
    assert {g.area_code for g in gaps} == {"32.73.01", "32.73.02"}
    assert gaps[2].area_code == "32.73.01" and len(gaps[2].more) == 2
    assert [g.score for g in gaps[2].more] == sorted((g.score for g in gaps[2].more), reverse=True)
    assert all(g.area_code == "32.73.01" for g in gaps[2].more)
    everything = ranked(office, programme, per_area=None)
    assert len(everything) == 10 and len(gaps) + sum(len(g.more) for g in gaps) == 10

    login(client, staff_member)
    with time_machine.travel(datetime.datetime(2024, 10, 26, 5, tzinfo=datetime.UTC)):
        page = client.get("/analitik/celah/").content.decode()
        api = client.get("/api/v1/analytics/gaps").json()
    assert "2 celah lain di Sukasari" in page
    assert "32 hari lagi menuju pemungutan suara (tidak masuk skor)" in page
    assert len(api) == 6 and len(api[2]["more"]) == 2
    assert api[0]["voters_counted"] is False and api[0]["voter_share"] == 20.0


def test_office_edits_a_segment_share_with_its_source(office, programme, client, staff_member):
    segments = _segments(office, ("disabilitas", "Penyandang disabilitas"))
    login(client, staff_member)
    listing = client.get("/analitik/segmen/").content.decode()
    assert "perkiraan bawaan" in listing and "1,0 %" in listing
    url = f"/analitik/segmen/{segments['disabilitas'].pk}/ubah/"
    missing_source = client.post(url, {"share": "2.5", "source": ""})
    assert missing_source.status_code == 200
    assert "Sebutkan sumber perkiraan" in missing_source.content.decode()
    assert client.post(url, {"share": "2.5", "source": "Data DPT disabilitas"}).status_code == 302
    segments["disabilitas"].refresh_from_db()
    assert segments["disabilitas"].voter_share == Decimal("2.5")
    listing = client.get("/analitik/segmen/").content.decode()
    assert "Data DPT disabilitas" in listing and "2,5 %" in listing
    # Back to the default: the source goes with the figure.
    assert client.post(url, {"share": "", "source": "x"}).status_code == 302
    segments["disabilitas"].refresh_from_db()
    assert segments["disabilitas"].voter_share is None
    assert segments["disabilitas"].voter_share_source == ""
