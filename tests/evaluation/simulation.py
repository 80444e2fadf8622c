"""Synthetic cities with a known effect of the outreach, for the simulation tests.

The structure follows docs/evaluation.md: 30 kecamatan of 5 kelurahan, voters per kelurahan
between 4,000 and 20,000, a lasting propensity to vote per kelurahan, election-to-election
noise (larger in small places) and kecamatan-wide shocks, and outreach that goes where the
baseline turnout was low (as the recommendations send it), so places that were unlucky at
the baseline are both more exposed and likely to recover on their own.
"""

from __future__ import annotations

import numpy as np

from mitra.evaluation.estimate import Unit

KECAMATAN = 30
PER_KECAMATAN = 5


def city(*, effect: float, seed: int) -> list[Unit]:
    """One city; `effect` in turnout points per 1 % of voters reached."""
    rng = np.random.default_rng(seed)
    n = KECAMATAN * PER_KECAMATAN
    kecamatan = np.repeat(np.arange(KECAMATAN), PER_KECAMATAN)
    level = rng.normal(0, 3, KECAMATAN)[kecamatan]
    shocks = rng.normal(0, 1.0, (3, KECAMATAN))[:, kecamatan]  # 2019, Feb 2024, Nov 2024
    registered = rng.integers(4_000, 20_000, n)
    propensity = 76 + level + rng.normal(0, 3, n)
    noise = 2.0 + 200 / np.sqrt(registered)

    def election(shift: float) -> np.ndarray:
        return propensity + shift + rng.normal(0, 1, n) * noise

    baseline = election(0)
    before = election(6) + shocks[0]
    after = election(7) + shocks[1]
    # Targeted outreach: more where the baseline was low, and some anywhere.
    exposure = np.maximum(0.0, 0.25 * (78 - baseline) + rng.gamma(2.0, 0.5, n))
    outcome = election(-11) + shocks[2] + effect * exposure
    return [
        Unit(
            code=f"{kecamatan[i]:02d}.{i}",
            cluster=f"{kecamatan[i]:02d}",
            registered=int(registered[i]),
            outcome=float(outcome[i]) / 100,
            baseline=float(baseline[i]) / 100,
            exposure=float(exposure[i]),
            placebo_before=float(before[i]) / 100,
            placebo_after=float(after[i]) / 100,
        )
        for i in range(n)
    ]
