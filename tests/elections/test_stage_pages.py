import datetime

import pytest

from mitra.elections.models import Stage
from tests.factories import ElectionFactory, MembershipFactory, StageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def election(programme):
    return ElectionFactory(programme=programme)


def test_staff_see_and_add_stages(client, staff_member, election):
    client.force_login(staff_member.user)
    assert election.name in client.get("/program/tahapan/").content.decode()
    response = client.post(
        f"/program/pemilihan/{election.pk}/tahapan/baru/",
        {"name": "Masa tenang", "starts_on": "2029-11-24", "ends_on": "2029-11-26", "order": 6},
    )
    assert response.status_code == 302
    stage = Stage.objects.get(election=election)
    assert (stage.name, stage.starts_on) == ("Masa tenang", datetime.date(2029, 11, 24))


def test_stage_ending_before_it_starts_is_explained(client, staff_member, election):
    client.force_login(staff_member.user)
    response = client.post(
        f"/program/pemilihan/{election.pk}/tahapan/baru/",
        {"name": "Kampanye", "starts_on": "2029-11-24", "ends_on": "2029-11-01", "order": 1},
    )
    assert response.status_code == 200
    assert "tidak boleh sebelum" in response.content.decode()
    assert not Stage.objects.exists()


def test_staff_edit_a_stage(client, staff_member, election):
    stage = StageFactory(election=election, name="Kampanye")
    client.force_login(staff_member.user)
    client.post(
        f"/program/pemilihan/{election.pk}/tahapan/{stage.pk}/",
        {
            "name": "Kampanye terbuka",
            "starts_on": "2024-09-25",
            "ends_on": "2024-11-23",
            "order": 5,
        },
    )
    stage.refresh_from_db()
    assert stage.name == "Kampanye terbuka"


@pytest.mark.parametrize("role", ["observer", "coordinator"])
def test_only_commission_staff_manage_stages(client, office, partner, election, role):
    member = MembershipFactory(
        office=office, role=role, partner=partner if role == "coordinator" else None
    )
    client.force_login(member.user)
    assert client.get("/program/tahapan/").status_code == 403
    url = f"/program/pemilihan/{election.pk}/tahapan/baru/"
    payload = {"name": "X", "starts_on": "2029-01-01", "ends_on": "2029-01-02", "order": 1}
    assert client.post(url, payload).status_code == 403
    assert not Stage.objects.exists()


def test_other_offices_elections_answer_404(client, staff_member):
    foreign = ElectionFactory()
    stage = StageFactory(election=foreign)
    client.force_login(staff_member.user)
    assert client.get(f"/program/pemilihan/{foreign.pk}/tahapan/baru/").status_code == 404
    assert client.get(f"/program/pemilihan/{foreign.pk}/tahapan/{stage.pk}/").status_code == 404


def test_user_without_a_role_is_refused(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/program/tahapan/").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/program/tahapan/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_stage_save_answers_not_found_for_another_offices_election(staff_member):
    from mitra.core.errors import NotFoundError
    from mitra.elections.services import stage_save

    other = ElectionFactory()
    day = datetime.date(2024, 9, 1)
    with pytest.raises(NotFoundError):
        stage_save(
            actor=staff_member, election=other, name="X", starts_on=day, ends_on=day, order=1
        )
    with pytest.raises(TypeError):  # no actor, no save: commands and the demo use stage_write
        stage_save(election=other, name="X", starts_on=day, ends_on=day, order=1)  # type: ignore[call-arg]
    assert not Stage.objects.filter(election=other, name="X").exists()
