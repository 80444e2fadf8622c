"""The statistics of the turnout evaluation, on plain numbers (no database).

Every estimate is a voter-weighted least-squares fit from statsmodels with standard errors
clustered by kecamatan (CR1 small-sample correction, t with G − 1 degrees of freedom, G the
number of kecamatan); see docs/evaluation.md for the design and its limits.

Units: turnout in points (0–100); exposure in percent of the kelurahan's voters reached.
A coefficient is then "turnout points per 1 % of voters reached", which is numerically the
same as "extra voters per person reached" (so extra voters = coefficient × people reached).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_UNITS = 12  # fewer kelurahan than this: no estimate
MIN_CLUSTERS = 4  # fewer kecamatan than this: no cluster-robust interval worth showing
POWER = 0.80
LEVEL = 0.95
# The generous end of the get-out-the-vote literature: about one extra vote per 14 people
# canvassed face to face (US field experiments); European and mass-media effects are smaller.
LITERATURE_EFFECT = 0.07


@dataclass(frozen=True)
class Unit:
    """One kelurahan: its registered voters (the weight), turnouts as fractions, exposure."""

    code: str
    cluster: str  # kecamatan code
    registered: int
    outcome: float  # turnout of the evaluated election
    baseline: float  # turnout of the earlier election of the same kind
    exposure: float  # percent of registered voters reached (verified, before voting day)
    placebo_before: float | None = None
    placebo_after: float | None = None
    # Percent of the adjacent kelurahan's voters reached (spillover check), when known.
    neighbour_exposure: float | None = None


@dataclass(frozen=True)
class Coefficient:
    estimate: float  # points per 1 % reached
    low: float
    high: float
    se: float
    p_value: float

    @property
    def spans_zero(self) -> bool:
        return self.low <= 0 <= self.high


@dataclass(frozen=True)
class Estimate:
    units: int
    clusters: int
    adjusted: Coefficient  # baseline turnout and kecamatan effects in the model
    naive: Coefficient  # change from the baseline, nothing else: regression to the mean left in
    placebo: Coefficient | None  # the same model on two earlier elections
    mde: float  # minimum detectable effect (80 % power, 5 % two-sided), points per 1 %
    residual_sd: float  # points, for a kelurahan of average size, after the model
    df: int  # degrees of freedom of the t intervals (kecamatan − 1)
    # Sensitivity: the adjusted model with the neighbours' exposure added (shared audiences).
    spillover: Coefficient | None = None

    @property
    def confounded(self) -> bool:
        return self.placebo is not None and not self.placebo.spans_zero

    @property
    def verdict(self) -> str:
        """confounded | distinguishable | indistinguishable (see docs/evaluation.md)."""
        if self.confounded:
            return "confounded"
        return "indistinguishable" if self.adjusted.spans_zero else "distinguishable"


def preload() -> None:
    """Import the statistics libraries now: they take seconds to load (scipy builds its
    docs at import), which a server should spend when a worker starts, not inside the
    first request of the evaluation page (see config/wsgi.py)."""
    import scipy.stats  # noqa: F401
    import statsmodels.regression.linear_model  # noqa: F401


def _t(df: int, q: float) -> float:
    from scipy import stats

    return float(stats.t.ppf(q, df))


def _fit(
    y: np.ndarray,
    exposure: np.ndarray,
    covariates: list[np.ndarray],
    clusters: Sequence[str],
    weights: np.ndarray,
    *,
    fixed_effects: bool,
) -> tuple[Coefficient, float, int]:
    from statsmodels.regression.linear_model import WLS

    levels, groups = np.unique(np.asarray(clusters), return_inverse=True)
    columns = [np.ones_like(y), exposure, *covariates]
    if fixed_effects:  # one indicator per kecamatan but the first
        columns.append(np.eye(len(levels))[groups][:, 1:])
    design = np.column_stack(columns)
    fitted = WLS(y, design, weights=weights).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
    )
    low, high = fitted.conf_int(alpha=1 - LEVEL)[1]
    coefficient = Coefficient(
        estimate=float(fitted.params[1]),
        low=float(low),
        high=float(high),
        se=float(fitted.bse[1]),
        p_value=float(fitted.pvalues[1]),
    )
    return coefficient, math.sqrt(float(fitted.scale)), len(levels) - 1


def _estimable(units: Sequence[Unit]) -> bool:
    """Enough kelurahan and kecamatan, and exposure that differs between them."""
    if len(units) < MIN_UNITS or len({u.cluster for u in units}) < MIN_CLUSTERS:
        return False
    return max(u.exposure for u in units) > min(u.exposure for u in units)


def _placebo(units: Sequence[Unit]) -> Coefficient | None:
    """The same model with an outcome the programme cannot have caused: the turnout of the
    later of two earlier elections, given the earlier one and the baseline."""
    if not _estimable(units):
        return None
    clusters = [u.cluster for u in units]
    exposure = np.array([u.exposure for u in units], dtype=float)
    registered = np.array([u.registered for u in units], dtype=float)
    coefficient, _sd, _df = _fit(
        100 * np.array([u.placebo_after for u in units], dtype=float),
        exposure,
        [
            100 * np.array([u.placebo_before for u in units], dtype=float),
            100 * np.array([u.baseline for u in units], dtype=float),
        ],
        clusters,
        registered / registered.mean(),
        fixed_effects=True,
    )
    return coefficient


def estimate(units: Sequence[Unit]) -> Estimate | None:
    """The adjusted estimate, the naive one beside it, the placebo and the MDE; None when
    the data cannot carry a regression (too few kelurahan or kecamatan, no variation in
    exposure)."""
    if not _estimable(units):
        return None
    clusters = [u.cluster for u in units]
    exposure = np.array([u.exposure for u in units], dtype=float)
    registered = np.array([u.registered for u in units], dtype=float)
    weights = registered / registered.mean()  # mean weight 1: the scale is per average kelurahan
    outcome = 100 * np.array([u.outcome for u in units])
    baseline = 100 * np.array([u.baseline for u in units])
    with_placebo = [
        u for u in units if u.placebo_before is not None and u.placebo_after is not None
    ]
    covariates = [baseline]
    if len(with_placebo) == len(units):
        # Every turnout before the programme is a covariate: targeting may follow any of them.
        covariates += [
            100 * np.array([u.placebo_before for u in units], dtype=float),
            100 * np.array([u.placebo_after for u in units], dtype=float),
        ]
    adjusted, residual_sd, df = _fit(
        outcome, exposure, covariates, clusters, weights, fixed_effects=True
    )
    naive, _sd, _df = _fit(outcome - baseline, exposure, [], clusters, weights, fixed_effects=False)
    placebo = _placebo(with_placebo)
    spillover = None
    if all(u.neighbour_exposure is not None for u in units):
        neighbour = np.array([u.neighbour_exposure for u in units], dtype=float)
        spillover, _sd, _df = _fit(
            outcome, exposure, [*covariates, neighbour], clusters, weights, fixed_effects=True
        )
    mde = (_t(df, 1 - (1 - LEVEL) / 2) + _t(df, POWER)) * adjusted.se
    return Estimate(
        units=len(units),
        clusters=df + 1,
        adjusted=adjusted,
        naive=naive,
        placebo=placebo,
        mde=mde,
        residual_sd=residual_sd,
        df=df,
        spillover=spillover,
    )


@dataclass(frozen=True)
class ReachNeeded:
    """What a future programme would need for an effect of `effect` to be detectable."""

    effect: float  # extra voters per person reached
    kelurahan: int  # kelurahan that get the concentrated outreach
    comparison: int  # kelurahan that do not (yet)
    share: float  # percent of the concentrated kelurahan's voters to reach
    people: int  # people to reach in all


def reach_needed(
    *,
    residual_sd: float,
    voters_per_kelurahan: float,
    kelurahan: int,
    comparison: int,
    effect: float = LITERATURE_EFFECT,
    df: int | None = None,
) -> ReachNeeded:
    """The share of voters a concentrated programme must reach in `kelurahan` places,
    compared with `comparison` others, for a per-person effect `effect` to be detected
    with 80 % power at 5 % (two groups of kelurahan with the given residual spread)."""
    df = df if df is not None else kelurahan + comparison - 2
    gap = (
        (_t(df, 1 - (1 - LEVEL) / 2) + _t(df, POWER))
        * residual_sd
        * math.sqrt(1 / kelurahan + 1 / comparison)
    )
    share = gap / effect  # points of turnout needed ÷ points per 1 % reached
    return ReachNeeded(
        effect=effect,
        kelurahan=kelurahan,
        comparison=comparison,
        share=share,
        people=round(share / 100 * voters_per_kelurahan * kelurahan),
    )


def permutation_p_value(
    *,
    outcome: Sequence[float],
    assigned: Sequence[bool],
    blocks: Sequence[str],
    draws: int = 2000,
    seed: int = 0,
) -> tuple[float, float]:
    """Randomisation inference for a blocked draw: the difference in mean outcome (early −
    late) and the share of re-draws (same rule: the same number early within each block)
    whose difference is at least as large in absolute value."""
    values = np.asarray(outcome, dtype=float)
    flags = np.asarray(assigned, dtype=bool)
    early = int(flags.sum())

    def differences(f: np.ndarray) -> np.ndarray:  # one row per assignment
        in_early = (f * values).sum(axis=-1) / early
        in_late = ((~f) * values).sum(axis=-1) / (len(values) - early)
        return np.asarray(in_early - in_late)

    observed = float(differences(flags))
    rng = np.random.default_rng(seed)
    redraws = np.zeros((draws, len(values)), dtype=bool)
    members_of: dict[str, list[int]] = {}
    for index, block in enumerate(blocks):
        members_of.setdefault(block, []).append(index)
    for members in members_of.values():
        chosen = int(flags[members].sum())  # the same number early in the block, re-drawn
        order = rng.random((draws, len(members))).argsort(axis=1)[:, :chosen]
        redraws[np.arange(draws)[:, None], np.asarray(members)[order]] = True
    extreme = int((np.abs(differences(redraws)) >= abs(observed) - 1e-12).sum())
    return observed, (extreme + 1) / (draws + 1)
