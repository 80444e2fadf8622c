"""Every life-cycle transition, its refusals, and the recorded history."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mitra.activities import services
from mitra.activities.models import Activity, Transition
from mitra.activities.services import ActivityError, ActivityInput
from mitra.core.errors import NotFoundError, PermissionDeniedError
from mitra.regions.models import Region

pytestmark = pytest.mark.django_db


def _input(programme, methods, **kw):
    starts = kw.pop("starts_at", timezone.now() + datetime.timedelta(days=5))
    defaults = {
        "programme": programme,
        "title": "Diskusi pemilih pemula",
        "method": methods["diskusi"],
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
        "kelurahan": Region.objects.get(code="32.73.01.1001"),
        "venue": "Aula SMA",
    }
    defaults.update(kw)
    return ActivityInput(**defaults)


def test_methods_seed_has_the_regulations_methods_and_is_idempotent(office):
    first = services.methods_seed(office=office)
    again = services.methods_seed(office=office)
    assert len(first) == len(again) == len(services.REGULATION_METHODS)
    modes = {m.mode for m in first}
    assert modes == {"direct", "indirect"}
    assert {"forum-warga", "budaya-lokal", "media-sosial", "media-kreatif"} <= {
        m.code for m in first
    }


def test_coordinator_proposes_for_own_partner_with_all_elections_by_default(
    coordinator_member, programme, methods, elections, other_partner
):
    data = _input(programme, methods, partner=None)
    activity = services.activity_create(membership=coordinator_member, data=data)
    assert activity.partner == coordinator_member.partner
    assert activity.status == "draft"
    assert set(activity.elections.all()) == set(elections)


def test_coordinator_cannot_propose_for_another_partner(
    coordinator_member, programme, methods, other_partner
):
    with pytest.raises(NotFoundError):
        services.activity_create(
            membership=coordinator_member, data=_input(programme, methods, partner=other_partner)
        )


def test_staff_proposes_an_office_activity(staff_member, programme, methods):
    activity = services.activity_create(membership=staff_member, data=_input(programme, methods))
    assert activity.partner is None
    assert "KPU" in activity.organiser_name


@pytest.mark.parametrize(
    "override, code",
    [
        ({"title": " "}, "title_required"),
        ({"venue": "", "kelurahan": None}, "place_required"),
        ({"is_online": True, "online_url": ""}, "online_url_required"),
        ({"lat": -6.9}, "point"),
    ],
)
def test_proposal_validations(coordinator_member, programme, methods, override, code):
    with pytest.raises(ActivityError) as exc:
        services.activity_create(
            membership=coordinator_member, data=_input(programme, methods, **override)
        )
    assert exc.value.code == code


def test_ends_before_start_is_refused(coordinator_member, programme, methods):
    starts = timezone.now()
    data = _input(programme, methods, starts_at=starts)
    data = ActivityInput(**{**data.__dict__, "ends_at": starts - datetime.timedelta(hours=1)})
    with pytest.raises(ActivityError) as exc:
        services.activity_create(membership=coordinator_member, data=data)
    assert exc.value.code == "ends_before_start"


def test_kelurahan_outside_the_office_is_refused(coordinator_member, programme, methods):
    outside = Region.objects.get(code="32.73")  # a city, not a kelurahan
    with pytest.raises(ActivityError) as exc:
        services.activity_create(
            membership=coordinator_member, data=_input(programme, methods, kelurahan=outside)
        )
    assert exc.value.code == "kelurahan"


def test_election_of_another_programme_is_refused(coordinator_member, programme, methods):
    from tests.factories import ElectionFactory

    foreign = ElectionFactory()
    with pytest.raises(ActivityError) as exc:
        services.activity_create(
            membership=coordinator_member, data=_input(programme, methods, elections=[foreign])
        )
    assert exc.value.code == "election"


def test_full_life_cycle_records_every_transition(make_activity, coordinator_member, staff_member):
    activity = make_activity("draft")
    m, s, pk = coordinator_member, staff_member, activity.pk
    services.activity_submit(membership=m, activity_id=pk)
    services.activity_return(membership=s, activity_id=pk, comment="Lengkapi tempat")
    services.activity_submit(membership=m, activity_id=pk)
    services.activity_approve(membership=s, activity_id=pk)
    services.activity_mark_held(membership=m, activity_id=pk)
    services.report_submit(membership=m, activity_id=pk, attendance_total=40, women=20, men=20)
    services.report_return(membership=s, activity_id=pk, comment="Foto kurang")
    services.report_submit(membership=m, activity_id=pk, attendance_total=42, women=22, men=20)
    services.report_verify(membership=s, activity_id=pk)
    activity.refresh_from_db()
    assert activity.status == "verified"
    path = list(Transition.objects.filter(activity=activity).values_list("to_status", flat=True))
    assert path == [
        "submitted",
        "returned",
        "submitted",
        "approved",
        "held",
        "reported",
        "report_returned",
        "reported",
        "verified",
    ]
    returned = Transition.objects.get(activity=activity, to_status="returned")
    assert returned.actor == s.user and returned.comment == "Lengkapi tempat"
    assert activity.report.verified_by == s.user
    assert activity.report.attendance_total == 42


def test_report_on_an_approved_activity_marks_it_held_on_the_way(make_activity, coordinator_member):
    activity = make_activity("approved")
    services.report_submit(
        membership=coordinator_member, activity_id=activity.pk, attendance_total=10
    )
    assert list(activity.transitions.values_list("to_status", flat=True)) == ["held", "reported"]


@pytest.mark.parametrize(
    "status, action",
    [
        ("draft", "approve"),
        ("submitted", "submit"),
        ("approved", "approve"),
        ("approved", "verify"),
        ("draft", "held"),
        ("held", "cancel"),
        ("verified", "cancel"),
        ("verified", "report_return"),
        ("cancelled", "submit"),
        ("reported", "approve"),
        ("submitted", "verify"),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_message(
    make_activity, staff_member, status, action
):
    activity = make_activity(status)
    with pytest.raises(ActivityError) as exc:
        services.activity_act(
            membership=staff_member, activity_id=activity.pk, action=action, comment="x"
        )
    assert exc.value.code == "invalid_transition"
    assert "tidak dapat" in exc.value.message
    activity.refresh_from_db()
    assert activity.status == status
    assert not activity.transitions.exists()


def test_return_needs_a_comment(make_activity, staff_member):
    activity = make_activity("submitted")
    with pytest.raises(ActivityError) as exc:
        services.activity_return(membership=staff_member, activity_id=activity.pk, comment=" ")
    assert exc.value.code == "comment_required"
    reported = make_activity("reported")
    with pytest.raises(ActivityError):
        services.report_return(membership=staff_member, activity_id=reported.pk, comment="")


def test_cannot_mark_held_or_report_before_the_activity(make_activity, coordinator_member):
    future = make_activity("approved", days_ago=-3)
    with pytest.raises(ActivityError) as exc:
        services.activity_mark_held(membership=coordinator_member, activity_id=future.pk)
    assert exc.value.code == "not_started"
    with pytest.raises(ActivityError):
        services.report_submit(
            membership=coordinator_member, activity_id=future.pk, attendance_total=5
        )


def test_cancel_keeps_the_record(make_activity, coordinator_member):
    activity = make_activity("submitted")
    services.activity_cancel(
        membership=coordinator_member, activity_id=activity.pk, comment="Hujan"
    )
    activity.refresh_from_db()
    assert activity.status == "cancelled"
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert activity.transitions.get().comment == "Hujan"


@pytest.mark.parametrize("action", ["approve", "return", "verify", "report_return"])
def test_coordinator_cannot_review(make_activity, coordinator_member, action):
    status = "submitted" if action in ("approve", "return") else "reported"
    activity = make_activity(status)
    with pytest.raises(PermissionDeniedError):
        services.activity_act(
            membership=coordinator_member, activity_id=activity.pk, action=action, comment="x"
        )


@pytest.mark.parametrize("action", ["submit", "approve", "held", "cancel", "verify"])
def test_observer_cannot_change_anything(make_activity, observer_member, action):
    activity = make_activity("submitted")
    with pytest.raises(PermissionDeniedError):
        services.activity_act(membership=observer_member, activity_id=activity.pk, action=action)


@pytest.mark.parametrize("action", list(services.ACTIONS))
def test_coordinator_cannot_touch_another_partners_activity(
    make_activity, other_partner, coordinator_member, action
):
    activity = make_activity("submitted", partner_=other_partner)
    with pytest.raises((NotFoundError, PermissionDeniedError)):
        services.activity_act(
            membership=coordinator_member, activity_id=activity.pk, action=action, comment="x"
        )
    activity.refresh_from_db()
    assert activity.status == "submitted"


def test_staff_of_another_office_gets_not_found(make_activity):
    from tests.factories import MembershipFactory, OfficeFactory

    stranger = MembershipFactory(office=OfficeFactory(), role="staff")
    activity = make_activity("submitted")
    with pytest.raises(NotFoundError):
        services.activity_approve(membership=stranger, activity_id=activity.pk)


def test_edit_only_while_draft_or_returned_for_coordinators(
    make_activity, coordinator_member, programme, methods
):
    activity = make_activity("approved")
    with pytest.raises(ActivityError) as exc:
        services.activity_update(
            membership=coordinator_member,
            activity_id=activity.pk,
            data=_input(programme, methods),
        )
    assert exc.value.code == "not_editable"
    draft = make_activity("returned")
    updated = services.activity_update(
        membership=coordinator_member,
        activity_id=draft.pk,
        data=_input(programme, methods, title="Judul baru"),
    )
    assert updated.title == "Judul baru"
