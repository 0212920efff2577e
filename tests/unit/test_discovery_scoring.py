"""G², lift and thresholds."""

from __future__ import annotations

import math

import pytest

from pipeline.discovery.scoring import Thresholds, evidence, g_squared, lift


def test_g_squared_matches_a_hand_computed_table() -> None:
    # 10 of 60 here, 5 of 300 there: pooled share 15/360.
    expected = 2 * (
        10 * math.log(10 / (60 * 15 / 360))
        + 50 * math.log(50 / (60 * 345 / 360))
        + 5 * math.log(5 / (300 * 15 / 360))
        + 295 * math.log(295 / (300 * 345 / 360))
    )
    assert g_squared(10, 60, 5, 300) == pytest.approx(expected)


def test_only_a_rise_scores() -> None:
    assert g_squared(1, 100, 10, 100) == 0.0
    assert g_squared(5, 100, 5, 100) == 0.0
    assert g_squared(5, 0, 0, 100) == 0.0
    assert g_squared(5, 100, 0, 0) == 0.0


def test_g_squared_grows_with_the_evidence() -> None:
    assert g_squared(20, 100, 0, 500) > g_squared(10, 50, 0, 500) > g_squared(5, 25, 0, 500)


def test_lift_is_smoothed_for_terms_never_seen_before() -> None:
    assert lift(10, 50, 0, 299) == pytest.approx((10 / 50) / (1 / 300))
    assert lift(0, 0, 0, 10) == 0.0


def test_evidence_needs_every_threshold() -> None:
    thresholds = Thresholds(min_count=5, min_score=10.83, min_lift=3.0)
    found = evidence(10, 60, 0, 300, thresholds)
    assert found is not None and found.score > 10.83 and found.lift > 3
    assert found.baseline_rate == 0.0
    assert evidence(4, 10, 0, 300, thresholds) is None  # too few
    assert evidence(30, 100, 80, 300, thresholds) is None  # lift below 3
    assert evidence(5, 500, 0, 20, thresholds) is None  # G² too small
