import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum

from mitra.accounts.models import Membership, Role
from mitra.analytics.models import VoterCount
from mitra.demo.builder import demo_build
from mitra.demo.context import DemoContext
from mitra.elections.demo import LIVE_SLUG
from mitra.elections.models import Election, Programme, Stage
from mitra.offices.models import Office
from mitra.partners.models import Partner
from mitra.regions.models import Region
from tests.demo.figures import MORNING, live_figures

pytestmark = pytest.mark.django_db


def test_demo_builds_bandungs_synthetic_programme(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "admin@demo.mitra.id" in out and "MitraDemo2024!" in out
    office = Office.objects.get(slug="kpu-kota-bandung")
    assert office.is_demo
    assert set(Election.objects.filter(office=office).values_list("short_name", flat=True)) == {
        "Pilgub Jabar 2024",
        "Pilwalkot Bandung 2024",
        "Simulasi Pilgub Jabar",
        "Simulasi Pilwalkot Bandung",
    }
    assert Stage.objects.filter(election__office=office, name="Pemungutan suara").count() == 4
    partners = Partner.objects.filter(office=office)
    assert partners.count() == 83
    assert partners.values("category").distinct().count() == 10
    covered = Region.objects.filter(partners__office=office, level=3).distinct().count()
    assert covered == 30
    for election in Election.objects.filter(office=office, programme__slug="pilkada-2024"):
        total = VoterCount.objects.filter(election=election).aggregate(s=Sum("voters_total"))["s"]
        assert total == 1_887_881
    roles = set(Membership.objects.filter(office=office).values_list("role", flat=True))
    assert roles == {Role.ADMIN, Role.STAFF, Role.OBSERVER, Role.COORDINATOR}


@time_machine.travel(MORNING, tick=False)
def test_demo_is_deterministic_and_idempotent():
    """Two builds on the same day give the same demo, the live programme included."""
    assert demo_build(DemoContext()) is True
    first = list(Partner.objects.order_by("code").values_list("code", "name", "whatsapp"))
    live = live_figures(Programme.objects.get(slug=LIVE_SLUG))
    assert demo_build(DemoContext()) is False  # second run reuses it
    assert Partner.objects.count() == 83
    assert demo_build(DemoContext(), rebuild=True) is True
    second = list(Partner.objects.order_by("code").values_list("code", "name", "whatsapp"))
    assert first == second
    assert live_figures(Programme.objects.get(slug=LIVE_SLUG)) == live


def test_every_demo_activity_moves_forward_in_time():
    """No step of an activity's life cycle is dated before the step it follows, and the
    report's own times are those of its "reported" and "verified" steps."""
    from mitra.activities.models import Activity, Report, Transition

    demo_build(DemoContext())
    steps: dict[int, list[tuple[object, str, str]]] = {}
    for activity_id, at, from_status, to_status in Transition.objects.order_by(
        "activity_id", "pk"
    ).values_list("activity_id", "at", "from_status", "to_status"):
        steps.setdefault(activity_id, []).append((at, from_status, to_status))
    assert len(steps) == Activity.objects.exclude(status="draft").count()
    for activity_id, moves in steps.items():
        times = [at for at, _from, _to in moves]
        assert times == sorted(times), (activity_id, moves)
        # Each step starts where the one before ended.
        assert all(moves[i][2] == moves[i + 1][1] for i in range(len(moves) - 1)), moves
    for report in Report.objects.filter(activity__status="verified"):
        moved = {to: at for at, _from, to in steps[report.activity_id]}
        assert report.submitted_at == moved["reported"]
        assert report.verified_at == moved["verified"]
        assert moved["reported"] < moved["verified"]
