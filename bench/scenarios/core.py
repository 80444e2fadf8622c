"""Baseline rows: the trivial endpoint every other row is compared with, and the home page."""

from bench.harness import Scenario

SCENARIOS = [
    Scenario(name="healthz", path="/healthz", target="baseline"),
    Scenario(name="home page", path="/", target="ratio reported"),
]
