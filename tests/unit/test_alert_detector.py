"""The spike decision: minimum, baseline, floors, cooldown and recovery, without Kafka."""

from __future__ import annotations

import pytest

from pipeline.alerting.detector import Baseline, Episode, SeriesState, Thresholds, after, decide, is_spike
from schemas.alerts import AlertKind

RULES = Thresholds(k=3.0, min_count=10, std_floor=1.0, cooldown=3600.0)
NORMAL = Baseline.of([4, 6, 5, 5, 4, 6, 5, 5])  # mean 5, std ~0.7: sqrt(5) is the spread used


def test_baseline_is_mean_and_population_std() -> None:
    assert Baseline.of([2, 4]) == Baseline(3.0, 1.0)
    assert Baseline.of([]) == Baseline(0.0, 0.0)


def test_threshold_uses_the_largest_of_std_sqrt_mean_and_floor() -> None:
    assert NORMAL.threshold(RULES) == pytest.approx(5 + 3 * 5**0.5)
    assert Baseline(100.0, 30.0).threshold(RULES) == pytest.approx(190.0)
    assert Baseline(0.0, 0.0).threshold(RULES) == pytest.approx(3.0)


def test_a_count_above_the_baseline_and_the_minimum_is_a_spike() -> None:
    assert is_spike(12, NORMAL, RULES)
    decision = decide(SeriesState(), 12, NORMAL, 1000.0, RULES)
    assert decision is not None and decision.kind is AlertKind.spike
    assert decision.threshold == pytest.approx(NORMAL.threshold(RULES))


def test_below_the_minimum_is_no_spike_however_unusual() -> None:
    flat_zero = Baseline.of([0] * 24)
    assert not is_spike(9, flat_zero, RULES)
    assert decide(SeriesState(), 9, flat_zero, 1000.0, RULES) is None


def test_a_flat_zero_baseline_does_not_fire_on_a_few_posts() -> None:
    lenient = Thresholds(k=3.0, min_count=1, std_floor=1.0, cooldown=0.0)
    assert not is_spike(1, Baseline.of([0] * 24), lenient)
    assert not is_spike(3, Baseline.of([0] * 24), lenient)
    assert is_spike(4, Baseline.of([0] * 24), lenient)


def test_within_normal_variation_is_no_spike() -> None:
    busy = Baseline.of([40, 60, 55, 45, 50, 50])
    assert not is_spike(60, busy, RULES)
    assert is_spike(80, busy, RULES)


def test_no_new_spike_during_the_cooldown_even_after_recovery() -> None:
    spiked = after(SeriesState(), decide(SeriesState(), 20, NORMAL, 1000.0, RULES), 1000.0, "spike-1")
    recovery = decide(spiked, 5, NORMAL, 1600.0, RULES)
    assert recovery is not None and recovery.kind is AlertKind.recovery
    recovered = after(spiked, recovery, 1600.0, "recovery-1")
    assert recovered.episode is None
    assert decide(recovered, 30, NORMAL, 1000.0 + 3599, RULES) is None
    again = decide(recovered, 30, NORMAL, 1000.0 + 3600, RULES)
    assert again is not None and again.kind is AlertKind.spike


def test_an_open_episode_sends_nothing_while_the_spike_lasts() -> None:
    spiked = after(SeriesState(), decide(SeriesState(), 20, NORMAL, 0.0, RULES), 0.0, "spike-1")
    assert spiked.episode == Episode(spike_id="spike-1", started=0.0, mean=NORMAL.mean, std=NORMAL.std)
    for minute in range(1, 30):
        assert decide(spiked, 25, NORMAL, minute * 60.0, RULES) is None


def test_recovery_is_judged_against_the_baseline_frozen_at_the_spike() -> None:
    spiked = after(SeriesState(), decide(SeriesState(), 20, NORMAL, 0.0, RULES), 0.0, "spike-1")
    inflated = Baseline.of([5, 5, 20, 25, 30])  # the spike has entered the baseline windows
    assert not is_spike(15, inflated, RULES)
    assert decide(spiked, 15, inflated, 600.0, RULES) is None
    recovery = decide(spiked, 11, inflated, 900.0, RULES)
    assert recovery is not None and recovery.kind is AlertKind.recovery
    assert recovery.baseline == Baseline(NORMAL.mean, NORMAL.std)


def test_a_spike_that_became_the_new_normal_recovers_after_the_cooldown() -> None:
    spiked = after(SeriesState(), decide(SeriesState(), 20, NORMAL, 0.0, RULES), 0.0, "spike-1")
    new_normal = Baseline.of([20, 22, 18, 20])
    assert decide(spiked, 21, new_normal, 3599.0, RULES) is None
    recovery = decide(spiked, 21, new_normal, 3600.0, RULES)
    assert recovery is not None and recovery.kind is AlertKind.recovery
    assert recovery.baseline == new_normal
