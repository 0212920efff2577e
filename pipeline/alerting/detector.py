"""Deciding spikes and recoveries from window counts: plain Python, no Kafka.

A *series* is one thing counted for one brand: all its mentions, one term, one intent, or its negative
mentions. Per series:

- **spike** when the current window's count is at least ``min_count`` and above
  ``mean + k * max(std, sqrt(mean), std_floor)`` of the baseline windows. The floors keep a flat baseline
  (all zeros, or a constant) from firing on one or two posts: counts of independent posts vary at least
  like a Poisson count, whose standard deviation is ``sqrt(mean)``.
- **cooldown**: after a spike alert, no new spike alert for ``cooldown`` seconds, whatever happens.
- **recovery**: an episode that a spike alert opened ends, with a recovery alert, when the count is no
  longer a spike against the baseline *frozen at the spike* (the spike itself soon enters the baseline
  windows and would otherwise raise the bar it has to fall under), or when the episode has outlasted the
  cooldown and the count is no longer a spike against the current baseline either (a new normal).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from schemas.alerts import AlertKind


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The knobs of the decision."""

    k: float
    min_count: int
    std_floor: float
    cooldown: float


@dataclass(frozen=True, slots=True)
class Baseline:
    """Mean and (population) standard deviation of the baseline windows' counts."""

    mean: float
    std: float

    @classmethod
    def of(cls, counts: Sequence[int]) -> Baseline:
        if not counts:
            return cls(0.0, 0.0)
        return cls(statistics.fmean(counts), statistics.pstdev(counts))

    def threshold(self, thresholds: Thresholds) -> float:
        """A count above this is unusual."""
        spread = max(self.std, math.sqrt(self.mean), thresholds.std_floor)
        return self.mean + thresholds.k * spread


class Episode(BaseModel):
    """A spike that was alerted and has not recovered yet."""

    model_config = ConfigDict(extra="forbid")

    spike_id: str
    started: float
    mean: float
    std: float


class SeriesState(BaseModel):
    """What one series remembers between events (kept in a Faust table)."""

    model_config = ConfigDict(extra="forbid")

    last_spike: float | None = None
    episode: Episode | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """An alert to send: what kind, and the baseline and threshold it was judged by."""

    kind: AlertKind
    baseline: Baseline
    threshold: float


def is_spike(count: int, baseline: Baseline, thresholds: Thresholds) -> bool:
    """Whether ``count`` is both big enough and unusual against ``baseline``."""
    return count >= thresholds.min_count and count > baseline.threshold(thresholds)


def decide(
    state: SeriesState, count: int, baseline: Baseline, now: float, thresholds: Thresholds
) -> Decision | None:
    """What to send for a series whose current window has ``count`` at event time ``now``, if anything.

    ``state`` is not changed; apply the decision with :func:`after`.
    """
    episode = state.episode
    if episode is not None:
        frozen = Baseline(episode.mean, episode.std)
        if not is_spike(count, frozen, thresholds):
            return Decision(AlertKind.recovery, frozen, frozen.threshold(thresholds))
        if now - episode.started >= thresholds.cooldown and not is_spike(count, baseline, thresholds):
            return Decision(AlertKind.recovery, baseline, baseline.threshold(thresholds))
        return None
    cooling = state.last_spike is not None and now - state.last_spike < thresholds.cooldown
    if not cooling and is_spike(count, baseline, thresholds):
        return Decision(AlertKind.spike, baseline, baseline.threshold(thresholds))
    return None


def after(state: SeriesState, decision: Decision, now: float, alert_id: str) -> SeriesState:
    """The series' state once ``decision`` was sent as the alert ``alert_id``."""
    if decision.kind is AlertKind.spike:
        episode = Episode(
            spike_id=alert_id, started=now, mean=decision.baseline.mean, std=decision.baseline.std
        )
        return SeriesState(last_spike=now, episode=episode)
    return SeriesState(last_spike=state.last_spike)
