"""The verdict in words: never "no effect", nothing claimed when the placebo finds one."""

from __future__ import annotations

from django.utils import translation

from mitra.evaluation.estimate import Coefficient, Estimate
from mitra.evaluation.verdict import verdict_text


def _estimate(adjusted: tuple[float, float, float], placebo: tuple[float, float, float]):
    def c(values: tuple[float, float, float]) -> Coefficient:
        return Coefficient(estimate=values[0], low=values[1], high=values[2], se=0.3, p_value=0.5)

    return Estimate(
        units=151,
        clusters=30,
        adjusted=c(adjusted),
        naive=c((1.5, 1.0, 2.0)),
        placebo=c(placebo),
        mde=0.8549,
        residual_sd=1.7,
        df=29,
    )


def test_an_interval_across_zero_cannot_be_distinguished_from_zero():
    text = verdict_text(_estimate((0.4, -0.3, 1.1), (0.1, -0.5, 0.7)), has_results=True)
    assert text.startswith(
        "Diperkirakan +0,40 (−0,30 s.d. +1,10) poin partisipasi per 1 % pemilih terjangkau: "
        "belum dapat dibedakan dari nol."
    )
    assert "0,85 poin" in text  # the MDE, rounded rather than cut
    with translation.override("en"):
        english = verdict_text(_estimate((0.4, -0.3, 1.1), (0.1, -0.5, 0.7)), has_results=True)
    assert english.startswith("Estimated +0.40 (−0.30 to +1.10) turnout points")
    assert "cannot be distinguished from zero" in english


def test_a_placebo_that_finds_an_effect_means_nothing_is_claimed():
    estimate = _estimate((0.9, 0.2, 1.6), (0.8, 0.3, 1.3))
    assert estimate.verdict == "confounded"
    text = verdict_text(estimate, has_results=True)
    assert "dirancukan" in text and "tidak ada pengaruh program yang diklaim" in text
    assert "+0,90" not in text  # the estimate itself is not offered as a finding


def test_an_interval_clear_of_zero_is_an_association_not_a_cause():
    estimate = _estimate((0.9, 0.2, 1.6), (0.1, -0.4, 0.6))
    assert estimate.verdict == "distinguishable"
    assert "bukan bukti sebab-akibat" in verdict_text(estimate, has_results=True)


def test_without_results_or_enough_data_nothing_is_estimated():
    assert "belum diimpor" in verdict_text(None, has_results=False)
    assert "Data belum cukup" in verdict_text(None, has_results=True)
