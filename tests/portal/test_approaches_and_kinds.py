"""The public site in the commission's vocabulary: the agenda narrowed by approach, the
partner directory counted and filtered by kind."""

from __future__ import annotations

import re

import pytest

from mitra.activities.services import methods_seed
from tests.factories import OfficeFactory, PartnerCategoryFactory, PartnerFactory

from .factories import ActivityFactory, MethodFactory

pytestmark = pytest.mark.django_db


def _titles(html: str) -> set[str]:
    return set(re.findall(r'<h3><a href="/agenda/\d+/">([^<]+)</a>', html))


def test_agenda_filters_by_approach_and_other(client, office, programme):
    methods = {m.code: m for m in methods_seed(office=office)}
    ActivityFactory(programme=programme, title="Pentas angklung", method=methods["budaya-lokal"])
    ActivityFactory(programme=programme, title="Seminar pemilih", method=methods["seminar"])
    ActivityFactory(
        programme=programme,
        title="Siniar warga",
        method=MethodFactory(office=office, code="siniar", name="Siniar"),
    )
    everything = client.get("/agenda/").content.decode()
    assert _titles(everything) == {"Pentas angklung", "Seminar pemilih", "Siniar warga"}
    assert '<option value="seni-budaya">Pertunjukan seni dan budaya</option>' in everything

    art = client.get("/agenda/", {"pendekatan": "seni-budaya"}).content.decode()
    assert _titles(art) == {"Pentas angklung"}
    assert '<option value="seni-budaya" selected>' in art
    assert _titles(client.get("/agenda/", {"pendekatan": "other"}).content.decode()) == {
        "Siniar warga"
    }
    assert _titles(client.get("/agenda/", {"pendekatan": "tidak-ada"}).content.decode()) == set()
    detail = client.get(f"/agenda/{programme.activities.get(title='Seminar pemilih').pk}/")
    assert "Kegiatan edukasi" in detail.content.decode()


def test_agenda_shows_approach_names_in_english(client, office, programme):
    methods = {m.code: m for m in methods_seed(office=office)}
    ActivityFactory(programme=programme, title="Kampanye tagar", method=methods["media-sosial"])
    client.cookies["django_language"] = "en"
    html = client.get("/agenda/").content.decode()
    assert "Social-media campaigns" in html


def test_directory_counts_active_partners_per_kind_and_filters_by_kind(client, office):
    youth = PartnerCategoryFactory(office=office, code="pemuda", name="Kepemudaan", order=1)
    arts = PartnerCategoryFactory(office=office, code="seni", name="Seni", order=2)
    religious = PartnerCategoryFactory(office=office, code="keagamaan", name="Keagamaan", order=3)
    PartnerFactory(office=office, category=youth, name="Karang Taruna A")
    PartnerFactory(office=office, category=youth, name="Karang Taruna B")
    PartnerFactory(office=office, category=youth, name="Forum lama", status="ended")
    PartnerFactory(office=office, category=arts, name="Sanggar Tari")
    PartnerFactory(office=OfficeFactory(), name="Komunitas kantor lain")

    html = client.get("/direktori-mitra/").content.decode()
    counts = dict(
        re.findall(
            r'data-kind="([\w-]+)"><a href="\?kategori=[\w-]+"[^>]*>[^<]+</a> '
            r'<span class="badge">(\d+)</span>',
            html,
        )
    )
    assert counts == {"pemuda": "2", "seni": "1", "keagamaan": "0"}
    assert religious.name in html

    youth_only = client.get("/direktori-mitra/", {"kategori": "pemuda"}).content.decode()
    assert "Karang Taruna A" in youth_only and "Karang Taruna B" in youth_only
    assert "Sanggar Tari" not in youth_only and "Forum lama" not in youth_only
    assert 'href="?kategori=pemuda" aria-current="true"' in youth_only
