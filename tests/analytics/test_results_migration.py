"""The former kelurahan-level past turnout moves into election results (migration 0003)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("analytics", "0001_initial")]
AFTER = [("analytics", "0004_remove_pastturnout")]


@pytest.fixture
def latest_schema_after():
    """Leave the database at the project's latest migrations (every leaf, not only this
    app's branch), as the tests after this one expect it."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_past_turnout_rows_become_results_with_their_figures(office, latest_schema_after):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    PastTurnout = old.get_model("analytics", "PastTurnout")
    for code, registered, voted in (("32.73.01.1001", 1000, 700), ("32.73.01.1002", 500, 400)):
        PastTurnout.objects.create(
            office_id=office.pk,
            label="Pilwalkot 2018",
            year=2018,
            region_id=code,
            registered=registered,
            voted=voted,
        )
    PastTurnout.objects.create(
        office_id=office.pk,
        label="Pemilu 2019",
        year=2019,
        region_id="32.73.01.1001",
        registered=1100,
        voted=900,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    ElectionResult = new.get_model("analytics", "ElectionResult")
    StationResult = new.get_model("analytics", "StationResult")
    results = {r.name: (r.year, r.kind) for r in ElectionResult.objects.all()}
    assert results == {"Pilwalkot 2018": (2018, "walikota"), "Pemilu 2019": (2019, "presiden")}
    rows = sorted(
        StationResult.objects.values_list("result__name", "region_id", "tps", "registered", "voted")
    )
    assert rows == [
        ("Pemilu 2019", "32.73.01.1001", "", 1100, 900),
        ("Pilwalkot 2018", "32.73.01.1001", "", 1000, 700),
        ("Pilwalkot 2018", "32.73.01.1002", "", 500, 400),
    ]
