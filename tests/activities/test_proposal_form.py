"""The proposal form a volunteer finishes on a phone: kecamatan then kelurahan, no raw
coordinates, prompts instead of dashes, defaults from the partner, errors by the field."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from mitra.activities.models import Activity
from mitra.regions.models import Region
from tests.activities.test_views import _static_bytes
from tests.conftest import login
from tests.factories import SegmentFactory
from tests.partners.factories import AgreementFactory, DeliverableFactory

pytestmark = pytest.mark.django_db

SUKASARI = "32.73.01"  # kecamatan Sukasari
COBLONG = "32.73.02"


def _options(html: str, select_id: str) -> list[str]:
    block = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert block, select_id
    return re.findall(r'<option value="([^"]*)"', block.group(1))


def _post_data(methods, themes, segment, **extra):
    starts = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
    data = {
        "title": "Diskusi pemilih muda",
        "method": methods["diskusi"].pk,
        "themes": [themes[0].pk],
        "segments": [segment.pk],
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "is_public": "on",
    }
    data.update(extra)
    return data


def test_form_lists_only_the_chosen_kecamatan_and_no_coordinates(
    client, coordinator_member, methods, themes, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    login(client, coordinator_member)
    html = client.get("/kegiatan/baru/").content.decode()
    assert 'name="lat"' not in html and 'name="lng"' not in html
    assert "---------" not in html
    assert "Pilih metode…" in html and "Pilih kecamatan…" in html
    # 30 kecamatan to choose from; no kelurahan until one is chosen.
    assert len(_options(html, "id_kecamatan")) == 31
    assert _options(html, "id_kelurahan") == [""]
    assert 'hx-get="/kegiatan/baru/kelurahan/"' in html
    # Optional fields wait behind "more"; required ones are marked.
    more = html[html.index("<details") : html.index("</details>")]
    assert 'name="description"' in more and 'name="expected_attendance"' in more
    assert 'name="title"' not in more
    assert html.count('class="req"') >= 6
    assert len(html.encode()) + _static_bytes(html) < 150 * 1024


def test_kelurahan_list_follows_the_kecamatan(client, coordinator_member, observer_member):
    login(client, coordinator_member)
    answer = client.get("/kegiatan/baru/kelurahan/", {"kecamatan": SUKASARI})
    codes = re.findall(r'<option value="([^"]*)"', answer.content.decode())
    expected = set(Region.objects.filter(parent_id=SUKASARI).values_list("code", flat=True))
    assert codes[0] == "" and set(codes[1:]) == expected and len(expected) == 4
    # A code outside the office's area gives nothing to choose.
    outside = client.get("/kegiatan/baru/kelurahan/", {"kecamatan": "32.04.01"}).content.decode()
    assert re.findall(r'<option value="([^"]*)"', outside) == [""]
    client.logout()
    login(client, observer_member)
    assert client.get("/kegiatan/baru/kelurahan/", {"kecamatan": SUKASARI}).status_code == 403


@time_machine.travel(datetime.datetime(2024, 10, 15, 9, tzinfo=datetime.UTC), tick=False)
def test_new_proposal_starts_from_the_partners_usual_work(
    client, coordinator_member, partner, programme, methods, themes
):
    young = SegmentFactory(office=partner.office, code="muda", name="Pemilih muda")
    women = SegmentFactory(office=partner.office, code="perempuan", name="Perempuan")
    SegmentFactory(office=partner.office, code="keluarga", name="Keluarga")
    partner.segments.add(young)
    kelurahan = Region.objects.filter(parent_id=COBLONG).order_by("code").first()
    partner.areas.add(kelurahan)
    agreement = AgreementFactory(partner=partner)
    DeliverableFactory(agreement=agreement, theme=themes[1], segment=women)
    login(client, coordinator_member)
    html = client.get("/kegiatan/baru/").content.decode()
    assert re.search(rf'<option value="{COBLONG}" selected>', html)
    assert re.search(rf'<option value="{kelurahan.code}" selected>', html)
    checked = set(re.findall(r'name="(themes|segments)" value="(\d+)"[^>]*checked', html))
    assert checked == {
        ("segments", str(young.pk)),
        ("segments", str(women.pk)),
        ("themes", str(themes[1].pk)),
    }


def test_errors_stand_next_to_their_field(client, coordinator_member, methods, themes):
    segment = SegmentFactory(office=coordinator_member.office)
    login(client, coordinator_member)
    other_kelurahan = Region.objects.filter(parent_id=COBLONG).first()
    html = client.post(
        "/kegiatan/baru/",
        _post_data(methods, themes, segment, kecamatan=SUKASARI, kelurahan=other_kelurahan.code),
    ).content.decode()
    field = html[html.index('for="id_kelurahan"') :]
    assert "tidak berada di kecamatan yang dipilih" in field[: field.index("</div>")]
    # The kelurahan list shows the chosen kecamatan's, not the city's 151.
    assert len(_options(html, "id_kelurahan")) == 5

    html = client.post(
        "/kegiatan/baru/", _post_data(methods, themes, segment, is_online="on")
    ).content.decode()
    field = html[html.index('for="id_online_url"') :]
    assert "perlu tautan siaran" in field[: field.index("</div>")]
    assert not Activity.objects.exists()


def test_proposal_saved_with_the_chosen_kelurahan(client, coordinator_member, methods, themes):
    segment = SegmentFactory(office=coordinator_member.office)
    kelurahan = Region.objects.filter(parent_id=SUKASARI).first()
    login(client, coordinator_member)
    answer = client.post(
        "/kegiatan/baru/",
        _post_data(
            methods,
            themes,
            segment,
            kecamatan=SUKASARI,
            kelurahan=kelurahan.code,
            online_url="https://example.org/not-online",
            submit_now="1",
        ),
    )
    activity = Activity.objects.get()
    assert answer.status_code == 302
    assert activity.kelurahan_id == kelurahan.code and activity.status == "submitted"
    # An in-person activity keeps no stray online link; the form sets no coordinates.
    assert activity.online_url == "" and activity.lat is None
