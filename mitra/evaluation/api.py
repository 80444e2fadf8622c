"""Turnout evaluation API: the page's figures, from the same selectors as the XLSX.

Staff, admins and observers of the office; coordinators get 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from mitra.accounts.api import authenticated
from mitra.core.errors import NotFoundError

from . import selectors

router = Router(tags=["evaluation"])


@router.get("/evaluation/turnout", auth=authenticated)
def turnout(
    request: HttpRequest, election: int | None = None, baseline: int | None = None
) -> dict[str, Any]:
    found = selectors.turnout_evaluation(
        membership=getattr(request, "membership", None),
        election_id=election,
        baseline_id=baseline,
    )
    if found is None:
        raise NotFoundError(_("Belum ada program atau pemilihan."), code="not_found")
    e = found.estimate
    return {
        "election": str(found.election),
        "results": found.result.name if found.result else None,
        "baseline": found.baseline.name if found.baseline else None,
        "placebo": [str(p) for p in found.placebo] if found.placebo else None,
        "registered": found.registered,
        "voted": found.voted,
        "turnout": selectors.rounded(found.turnout),
        "baseline_turnout": selectors.rounded(found.baseline_turnout),
        "change": selectors.rounded(found.change),
        "target": found.target,
        "to_target": selectors.rounded(found.to_target),
        "verdict": e.verdict if e else None,
        "verdict_text": found.verdict,
        "kelurahan_in_model": e.units if e else 0,
        "kecamatan_clusters": e.clusters if e else 0,
        "unmatched_voters": found.unmatched_voters,
        "model": selectors.model_rows(found),
        "experiment": (
            {
                "early": found.experiment.early,
                "late": found.experiment.late,
                "difference": round(found.experiment.difference, 4),
                "p_value": round(found.experiment.p_value, 4),
                "seed": found.experiment.plan.seed,
            }
            if found.experiment
            else None
        ),
        "kelurahan": selectors.kelurahan_rows(found),
    }
