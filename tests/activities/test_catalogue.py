"""Staff extend the lists: methods of the office and themes of the programme."""

from __future__ import annotations

import pytest

from mitra.activities.models import Method
from mitra.activities.services import method_save
from mitra.core.errors import NotFoundError, PermissionDeniedError
from mitra.elections.models import Theme
from mitra.elections.services import programme_theme_save
from tests.conftest import login
from tests.factories import MembershipFactory, OfficeFactory, ProgrammeFactory, ThemeFactory

pytestmark = pytest.mark.django_db

PAGES = ("/kegiatan/metode/", "/kegiatan/tema/")


def test_staff_adds_and_edits_a_method(client, staff_member, methods):
    login(client, staff_member)
    page = client.get("/kegiatan/metode/").content.decode()
    assert methods["diskusi"].name in page
    response = client.post(
        "/kegiatan/metode/",
        {"code": "podcast", "name": "Siniar", "mode": "indirect", "order": 50, "is_active": "on"},
    )
    assert response.status_code == 302
    method = Method.objects.get(office=staff_member.office, code="podcast")
    assert (method.name, method.mode, method.is_active) == ("Siniar", "indirect", True)
    # a taken code is refused with a message, nothing overwritten
    again = client.post(
        "/kegiatan/metode/", {"code": "podcast", "name": "Lain", "mode": "direct", "order": 1}
    )
    assert again.status_code == 200 and "Kode metode sudah dipakai" in again.content.decode()
    url = f"/kegiatan/metode/{method.pk}/ubah/"
    assert "Siniar" in client.get(url).content.decode()
    client.post(
        url, {"code": "ignored", "name": "Siniar KPU", "mode": "indirect", "order": 51}
    )  # is_active unticked: deactivated
    method.refresh_from_db()
    assert (method.code, method.name, method.order, method.is_active) == (
        "podcast",
        "Siniar KPU",
        51,
        False,
    )


def test_staff_adds_and_edits_a_theme(client, staff_member, programme):
    login(client, staff_member)
    response = client.post(
        "/kegiatan/tema/",
        {"code": "hoaks", "name": "Tangkal hoaks", "description": "Cek fakta", "order": 4},
    )
    assert response.status_code == 302
    theme = Theme.objects.get(programme=programme, code="hoaks")
    assert "Tangkal hoaks" in client.get("/kegiatan/tema/").content.decode()
    url = f"/kegiatan/tema/{theme.pk}/ubah/"
    client.post(url, {"code": "x", "name": "Tangkal hoaks pemilu", "description": "", "order": 2})
    theme.refresh_from_db()
    assert (theme.code, theme.name, theme.order) == ("hoaks", "Tangkal hoaks pemilu", 2)
    taken = client.post("/kegiatan/tema/", {"code": "hoaks", "name": "Lagi", "order": 1})
    assert "Kode tema sudah dipakai" in taken.content.decode()
    assert Theme.objects.filter(programme=programme).count() == 1


@pytest.mark.parametrize("role", ["coordinator", "observer"])
def test_coordinators_and_observers_are_refused(client, role, partner, programme, methods):
    member = MembershipFactory(
        office=partner.office, role=role, partner=partner if role == "coordinator" else None
    )
    theme = ThemeFactory(programme=programme)
    login(client, member)
    method = methods["diskusi"]
    urls = [*PAGES, f"/kegiatan/metode/{method.pk}/ubah/", f"/kegiatan/tema/{theme.pk}/ubah/"]
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert (
            client.post(url, {"code": "x", "name": "X", "mode": "direct", "order": 1}).status_code
            == 403
        )
    method.refresh_from_db()
    assert method.name != "X" and not Method.objects.filter(code="x").exists()
    with pytest.raises(PermissionDeniedError):
        method_save(membership=member, code="y", name="Y", mode="direct")
    with pytest.raises(PermissionDeniedError):
        programme_theme_save(membership=member, programme=programme, code="y", name="Y")


def test_anonymous_is_sent_to_login(client):
    for url in PAGES:
        assert client.get(url).status_code == 302


def test_other_offices_records_are_404(client, staff_member, programme, methods):
    other = OfficeFactory()
    other_programme = ProgrammeFactory(office=other)
    other_theme = ThemeFactory(programme=other_programme)
    from mitra.activities.services import methods_seed

    other_method = methods_seed(office=other)[0]
    login(client, staff_member)
    assert client.get(f"/kegiatan/metode/{other_method.pk}/ubah/").status_code == 404
    assert client.get(f"/kegiatan/tema/{other_theme.pk}/ubah/").status_code == 404
    with pytest.raises(NotFoundError):
        method_save(
            membership=staff_member, code="x", name="X", mode="direct", method_id=other_method.pk
        )
    with pytest.raises(NotFoundError):
        programme_theme_save(membership=staff_member, programme=other_programme, code="x", name="X")
    other_method.refresh_from_db()
    assert other_method.name != "X"


def test_workspace_cards_for_staff_only(client, staff_member, coordinator_member, observer_member):
    login(client, staff_member)
    html = client.get("/akun/").content.decode()
    assert 'href="/kegiatan/metode/"' in html and 'href="/kelola/berita/"' in html
    for member in (coordinator_member, observer_member):
        login(client, member)
        html = client.get("/akun/").content.decode()
        assert "/kegiatan/metode/" not in html and "/kelola/berita/" not in html
