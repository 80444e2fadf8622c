"""The programme's approaches: the commission's four over the regulation's methods, data
that staff edit, and the filter they give the activity list and the API."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from mitra.activities import selectors, services
from mitra.activities.models import Approach, ApproachMethod
from mitra.activities.services import DEFAULT_APPROACHES, REGULATION_METHODS, methods_seed
from mitra.core.errors import NotFoundError, PermissionDeniedError
from tests.activities.factories import MethodFactory, ReportFactory
from tests.conftest import login
from tests.factories import MembershipFactory, OfficeFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

FOUR = ["diskusi-komunitas", "seni-budaya", "edukasi", "media-sosial"]


def _grouping(programme) -> dict[str, str]:
    """Method code → approach code in the programme."""
    return dict(
        ApproachMethod.objects.filter(programme=programme).values_list(
            "method__code", "approach__code"
        )
    )


def test_every_default_method_is_in_one_of_the_four_approaches(office, programme):
    methods_seed(office=office)  # methods that come after the programme take their place
    staff_method = MethodFactory(office=office, code="podcast", name="Podcast")

    assert [a.code for a in selectors.programme_approaches(programme=programme)] == FOUR
    grouping = _grouping(programme)
    assert set(grouping) == {code for code, _name, _mode in REGULATION_METHODS}
    assert set(grouping.values()) == set(FOUR)
    # A method staff add later is in none: it is counted as "other".
    assert list(selectors.methods_without_approach(programme=programme)) == [staff_method]
    # The defaults list each regulation method exactly once.
    listed = [m for _c, _n, _e, codes in DEFAULT_APPROACHES for m in codes]
    assert sorted(listed) == sorted(code for code, _name, _mode in REGULATION_METHODS)


def test_a_programme_created_after_the_methods_is_grouped_too_and_seeding_is_idempotent(office):
    methods_seed(office=office)
    programme = ProgrammeFactory(office=office)
    assert len(_grouping(programme)) == len(REGULATION_METHODS)
    approach = Approach.objects.get(programme=programme, code="edukasi")
    approach.name = "Edukasi pemilih"
    approach.save()
    services.approaches_seed(programme=programme)  # a programme with approaches stays as it is
    assert Approach.objects.filter(programme=programme).count() == 4
    assert Approach.objects.get(pk=approach.pk).name == "Edukasi pemilih"


def test_approach_names_follow_the_language(programme):
    approach = Approach.objects.get(programme=programme, code="seni-budaya")
    assert approach.label == "Pertunjukan seni dan budaya"
    with translation.override("en"):
        assert approach.label == "Art and cultural performances"
        other = selectors.approach_options(programme=programme)[-1]
        assert other == {"code": "other", "name": "Other"}


def test_staff_move_a_method_rename_add_and_delete_approaches(staff_member, programme):
    methods = {m.code: m for m in methods_seed(office=staff_member.office)}
    discussions = Approach.objects.get(programme=programme, code="diskusi-komunitas")
    services.approach_save(
        membership=staff_member,
        programme=programme,
        approach_id=discussions.pk,
        code="ignored",
        name="Diskusi warga",
        name_en="Residents' discussions",
        order=1,
        methods=[methods["forum-warga"], methods["diskusi"], methods["ceramah"]],
    )
    grouping = _grouping(programme)
    assert grouping["ceramah"] == "diskusi-komunitas"  # moved from "edukasi"
    assert "gelar-wicara" not in grouping  # left out: now "other"
    discussions.refresh_from_db()
    assert (discussions.code, discussions.name) == ("diskusi-komunitas", "Diskusi warga")

    podcasts = services.approach_save(
        membership=staff_member,
        programme=programme,
        code="siniar",
        name="Siniar",
        methods=[methods["gelar-wicara"]],
    )
    assert _grouping(programme)["gelar-wicara"] == "siniar"
    with pytest.raises(services.ActivityError) as taken:
        services.approach_save(
            membership=staff_member, programme=programme, code="siniar", name="Lagi"
        )
    assert taken.value.code == "approach_code_taken"

    services.approach_delete(membership=staff_member, programme=programme, approach_id=podcasts.pk)
    assert "gelar-wicara" not in _grouping(programme)


def test_approaches_are_the_office_staffs_to_edit(
    staff_member, observer_member, coordinator_member, programme
):
    for member in (observer_member, coordinator_member):
        with pytest.raises(PermissionDeniedError):
            services.approach_save(membership=member, programme=programme, code="x", name="X")
    other = MembershipFactory(office=OfficeFactory(), role="staff")
    with pytest.raises(NotFoundError):
        services.approach_save(membership=other, programme=programme, code="x", name="X")
    foreign_method = MethodFactory(office=other.office)
    with pytest.raises(NotFoundError):
        services.approach_save(
            membership=staff_member,
            programme=programme,
            code="x",
            name="X",
            methods=[foreign_method],
        )
    assert not Approach.objects.filter(code="x").exists()


def test_an_approach_a_target_measures_is_not_deleted(staff_member, programme):
    from mitra.analytics.models import Target

    approach = Approach.objects.get(programme=programme, code="edukasi")
    Target.objects.create(
        office=programme.office,
        programme=programme,
        metric="activities",
        value=5,
        approach=approach,
    )
    with pytest.raises(services.ActivityError) as refused:
        services.approach_delete(
            membership=staff_member, programme=programme, approach_id=approach.pk
        )
    assert refused.value.code == "approach_in_use"
    assert Approach.objects.filter(pk=approach.pk).exists()


def test_approaches_page_lists_groups_and_saves_a_new_one(client, staff_member, programme):
    methods = {m.code: m for m in methods_seed(office=staff_member.office)}
    MethodFactory(office=staff_member.office, code="podcast", name="Podcast warga")
    login(client, staff_member)
    url = reverse("activities:approaches")
    html = client.get(url).content.decode()
    assert "Pertunjukan seni dan budaya" in html and "Social-media campaigns" in html
    assert "Podcast warga" in html  # under "Lainnya"

    response = client.post(
        url,
        {
            "code": "olahraga",
            "name": "Kegiatan olahraga",
            "name_en": "Sports events",
            "order": 5,
            "methods": [methods["langsung-lainnya"].pk],
        },
    )
    assert response.status_code == 302
    assert _grouping(programme)["langsung-lainnya"] == "olahraga"

    edukasi = Approach.objects.get(programme=programme, code="edukasi")
    edit = reverse("activities:approach_edit", args=[edukasi.pk])
    form = client.get(edit).content.decode()
    assert re.search(rf'value="{methods["seminar"].pk}"[^>]*checked', form)  # its methods
    assert not re.search(rf'value="{methods["diskusi"].pk}"[^>]*checked', form)
    client.post(edit, {"name": "Edukasi", "name_en": "", "order": 3, "methods": []})
    assert "edukasi" not in _grouping(programme).values()


def test_approaches_page_refuses_observers_and_hides_other_offices(
    client, observer_member, staff_member, programme
):
    login(client, observer_member)
    assert client.get(reverse("activities:approaches")).status_code == 403
    other = Approach.objects.filter(programme=ProgrammeFactory()).first()
    login(client, staff_member)
    assert client.get(reverse("activities:approach_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("activities:approach_delete", args=[other.pk])).status_code == 404
    assert Approach.objects.filter(pk=other.pk).exists()


def test_activity_list_export_and_api_filter_by_approach(
    client, staff_member, programme, make_activity, methods
):
    staff_method = MethodFactory(office=staff_member.office, code="podcast", name="Podcast")
    talk = make_activity("verified", method=methods["diskusi"], title="Diskusi di balai")
    show = make_activity("verified", method=methods["budaya-lokal"], title="Pentas angklung")
    odd = make_activity("verified", method=staff_method, title="Siniar warga")
    for activity in (talk, show, odd):
        ReportFactory(activity=activity)
    art = Approach.objects.get(programme=programme, code="seni-budaya")
    login(client, staff_member)

    html = client.get(reverse("activities:list"), {"approach": art.pk}).content.decode()
    assert "Pentas angklung" in html and "Diskusi di balai" not in html
    html = client.get(reverse("activities:list"), {"approach": "other"}).content.decode()
    assert "Siniar warga" in html and "Pentas angklung" not in html

    export = client.get(reverse("activities:list"), {"format": "csv"})
    csv = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = {line.split(",")[1]: line for line in csv.splitlines()[1:]}
    assert "Pertunjukan seni dan budaya" in rows["Pentas angklung"]
    assert "Lainnya" in rows["Siniar warga"]

    art_api = client.get("/api/v1/activities", {"approach": "seni-budaya"}).json()
    assert [a["title"] for a in art_api["items"]] == ["Pentas angklung"]
    assert art_api["items"][0]["approach"] == "seni-budaya"
    other = client.get("/api/v1/activities", {"approach": "other"}).json()
    assert [a["approach"] for a in other["items"]] == ["other"]
    unknown = client.get("/api/v1/activities", {"approach": "tidak-ada"}).json()
    assert unknown["count"] == 0
    detail = client.get(f"/api/v1/activities/{talk.pk}").json()
    assert detail["approach"] == "diskusi-komunitas"


def test_reach_by_approach_counts_each_verified_activity_once(
    office, programme, make_activity, methods
):
    make_activity("verified", method=methods["simulasi"])
    make_activity("verified", method=methods["seminar"])
    make_activity("approved", method=methods["seminar"])  # not counted
    make_activity("verified", method=methods["media-sosial"])
    for activity in programme.activities.filter(status="verified"):
        ReportFactory(activity=activity, attendance_total=30, women=10, men=20)
    rows = selectors.reach_by_approach(office=office, programme=programme)
    assert [(r["code"], r["activities"], r["attendance"]) for r in rows] == [
        ("diskusi-komunitas", 0, 0),
        ("seni-budaya", 0, 0),
        ("edukasi", 2, 60),
        ("media-sosial", 1, 30),
    ]
    assert sum(r["activities"] for r in rows) == selectors.reach_totals(office=office)["activities"]
