"""The approval queue says whether a proposal fills a gap of the recommendations: a hint
that analytics hands to activities (which never imports it)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine

from mitra.activities.selectors import PROPOSAL_HINTS, proposal_notes, review_queue
from mitra.analytics.queue import gap_hints
from tests.analytics.conftest import CIPAGANTI, TODAY
from tests.analytics.factories import activity
from tests.conftest import login

pytestmark = pytest.mark.django_db

NO_FIGURES = "32.73.03.1001"  # a kecamatan without voter figures: never ranked


@time_machine.travel(datetime.datetime(2024, 10, 26, 3, tzinfo=datetime.UTC), tick=False)
def test_a_proposal_in_the_top_gap_says_so(client, with_turnout, staff_member):
    w = with_turnout
    day = TODAY + datetime.timedelta(days=5)
    fills = activity(
        programme=w.programme,
        kelurahan=CIPAGANTI,
        attendance=None,
        day=day,
        status="submitted",
        segments=[w.pemula],
    )
    elsewhere = activity(
        programme=w.programme,
        kelurahan=NO_FIGURES,
        attendance=None,
        day=day,
        status="submitted",
        segments=[w.muda],
    )
    assert gap_hints in PROPOSAL_HINTS  # registered by AnalyticsConfig.ready
    queue = review_queue(membership=staff_member)
    notes = proposal_notes(membership=staff_member, proposals=queue.proposals)
    [hint] = notes[fills.pk].hints
    assert re.fullmatch(r"Mengisi celah nomor [12] rekomendasi: Pemilih pemula di Coblong", hint)
    assert notes[elsewhere.pk].hints == []
    login(client, staff_member)
    page = client.get("/kegiatan/antrean/").content.decode()
    assert hint in page
