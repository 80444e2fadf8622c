"""The estimate on synthetic cities with a known true effect (tests/evaluation/simulation.py).

400 cities: 200 with no effect, 200 with +0.5 points per 1 % of voters reached (about what
a strong canvassing effect would give). With 400 cities a true coverage of 95 % is observed
with a simulation standard error of sqrt(0.95 × 0.05 / 400) ≈ 1.1 points, so the observed
coverage must lie within 3 standard errors: 91.7 %–98.3 %. The placebo's false-alarm rate
(nominal 5 %, the programme touches no earlier election in any city) must stay ≤ 7 %
(≈ 1.8 standard errors above nominal). The seeds are fixed, so the test is deterministic.
Runs in about 10–20 s on a shared 2-core machine.
"""

from __future__ import annotations

import numpy as np

from mitra.evaluation.estimate import estimate
from tests.evaluation.simulation import city

CITIES = 200
EFFECTS = (0.0, 0.5)


def _runs():
    runs = []
    for k, effect in enumerate(EFFECTS):
        for seed in range(CITIES):
            result = estimate(city(effect=effect, seed=10_000 * k + seed))
            assert result is not None
            runs.append((effect, result))
    return runs


def test_interval_coverage_placebo_false_alarms_and_the_naive_bias():
    runs = _runs()
    n = len(runs)
    tolerance = 3 * np.sqrt(0.95 * 0.05 / n)
    coverage = np.mean([r.adjusted.low <= effect <= r.adjusted.high for effect, r in runs])
    assert abs(coverage - 0.95) <= tolerance, coverage

    placebo_alarms = np.mean([r.placebo is not None and not r.placebo.spans_zero for _e, r in runs])
    assert all(r.placebo is not None for _e, r in runs)
    assert placebo_alarms <= 0.07, placebo_alarms

    null = [r for effect, r in runs if effect == 0.0]
    # Outreach went where the baseline was low: the naive before/after "finds" an effect in
    # most cities where there is none, the model rarely (at about the nominal 5 %).
    naive_alarms = np.mean([not r.naive.spans_zero for r in null])
    model_alarms = np.mean([not r.adjusted.spans_zero for r in null])
    assert naive_alarms >= 0.8, naive_alarms
    assert model_alarms <= 0.07, model_alarms
    # Without bias: the mean adjusted estimate is within 3 simulation SEs of the truth; the
    # naive one is far above it.
    for effect in EFFECTS:
        estimates = np.array([r.adjusted.estimate for e, r in runs if e == effect])
        naive = np.array([r.naive.estimate for e, r in runs if e == effect])
        assert abs(estimates.mean() - effect) <= 3 * estimates.std() / np.sqrt(CITIES)
        assert naive.mean() - effect > 10 * naive.std() / np.sqrt(CITIES)
    # The effect of +0.5 is below the data's minimum detectable effect: often missed.
    assert all(r.mde > 0.5 for _e, r in runs)
