"""Counting observations in Faust's windowed tables and turning the counts into alerts.

One hopping windowed table per dimension, keyed by ``(brand, key)`` (``key`` is the term or intent, ``""``
for volume and negative). The tables are *relative to the stream*: the counting topic's message timestamp
is the post's event time, set when the mention is repartitioned by brand.

One plain table, ``alerts-state``, keyed by brand, holds what windows cannot: when the brand was first seen
(for the warm-up) and each series' cooldown and open episode. It is written only when that changes.
Both survive restarts through their changelog topics. The brand's clock (the latest event time seen) and
the example mentions live in memory only: after a restart the clock restarts at the next post, and an alert
may quote fewer examples.
"""

from __future__ import annotations

import logging
import operator
from collections import deque
from datetime import UTC, datetime

import faust
from faust.types import EventT
from pydantic import BaseModel, ConfigDict, Field

from pipeline.alerting.detector import Baseline, SeriesState, Thresholds, after, decide
from pipeline.alerting.observations import Observation
from pipeline.alerting.windows import WindowLayout
from schemas.alert_settings import AlertSettings
from schemas.alerts import Alert, AlertExample, Dimension, alert_id

log = logging.getLogger(__name__)

Series = tuple[Dimension, str | None]


class BrandState(BaseModel):
    """The durable part of a brand's alerting state."""

    model_config = ConfigDict(extra="forbid")

    first_seen: float
    series: dict[str, SeriesState] = Field(default_factory=dict)


def series_name(series: Series) -> str:
    dimension, key = series
    return dimension.value if key is None else f"{dimension.value}:{key}"


def series_of(name: str) -> Series:
    dimension, _, key = name.partition(":")
    return Dimension(dimension), key or None


def utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class BrandCounter:
    """Counts one worker's brands and decides their alerts (call only from inside the stream)."""

    def __init__(self, app: faust.App, settings: AlertSettings, partitions: int) -> None:
        self.settings = settings
        self.layout = WindowLayout(settings.window_seconds, settings.step_seconds, settings.baseline_seconds)
        self.thresholds = Thresholds(
            settings.k, settings.min_count, settings.std_floor, settings.cooldown_seconds
        )
        # Keys and values are JSON (Faust's default for tables whose types are not bytes).
        self.counts = {
            dimension: app.Table(f"alerts-{dimension.value}", default=int, partitions=partitions)
            .hopping(settings.window_seconds, settings.step_seconds, expires=settings.expires)
            .relative_to_stream()
            for dimension in Dimension
        }
        self.state = app.Table("alerts-state", partitions=partitions)
        self.clock: dict[str, float] = {}
        self.examples: dict[tuple[str, Series], deque[tuple[float, str, str]]] = {}

    def observe(self, observation: Observation, event: EventT) -> list[Alert]:
        """Count ``observation`` (the value of ``event``) and return the alerts it causes."""
        brand = observation.brand
        touched = observation.series(self.settings.dimensions)
        for dimension, key in touched:
            self.counts[dimension][(brand, key or "")].apply(operator.add, 1, event)
            if self.settings.examples:
                found = self.examples.setdefault(
                    (brand, (dimension, key)), deque(maxlen=self.settings.examples)
                )
                found.append((observation.at, observation.mention_id, observation.text))
        now = max(self.clock.get(brand, observation.at), observation.at)
        self.clock[brand] = now
        stored = self.state.get(brand)
        state = BrandState.model_validate(stored) if stored else BrandState(first_seen=observation.at)
        changed = stored is None or self._forget_cooled(state, now)
        if now - state.first_seen < self.settings.warmup:
            touched = []
        candidates = dict.fromkeys([*touched, *(series_of(name) for name in state.series)])
        alerts = []
        for series in candidates:
            alert = self._evaluate(brand, series, state, now, event)
            if alert is not None:
                alerts.append(alert)
                changed = True
        if changed:
            self.state[brand] = state.model_dump(mode="json")
        return alerts

    def _forget_cooled(self, state: BrandState, now: float) -> bool:
        """Drop series with no open episode whose cooldown is over; return whether any were dropped."""
        cooled = [
            name
            for name, series in state.series.items()
            if series.episode is None
            and (series.last_spike is None or now - series.last_spike >= self.thresholds.cooldown)
        ]
        for name in cooled:
            del state.series[name]
        return bool(cooled)

    def _evaluate(
        self, brand: str, series: Series, state: BrandState, now: float, event: EventT
    ) -> Alert | None:
        """Decide one series at ``now``; on an alert, update ``state`` in place."""
        name = series_name(series)
        current = state.series.get(name, SeriesState())
        start, end = self.layout.current(now)
        count = self._count(brand, series, start, event)
        baseline = Baseline.of(
            [self._count(brand, series, s, event) for s, _ in self.layout.baseline_windows(now)]
        )
        decision = decide(current, count, baseline, now, self.thresholds)
        if decision is None:
            return None
        dimension, key = series
        window_start = utc(start)
        identity = alert_id(decision.kind, brand, dimension, key, window_start)
        examples = [
            AlertExample(id=mention_id, text=text)
            for at, mention_id, text in reversed(self.examples.get((brand, series), ()))
            if start <= at < end
        ]
        alert = Alert(
            id=identity,
            kind=decision.kind,
            brand=brand,
            dimension=dimension,
            key=key,
            window_start=window_start,
            window_end=utc(end),
            count=count,
            baseline_mean=round(decision.baseline.mean, 3),
            baseline_std=round(decision.baseline.std, 3),
            threshold=round(decision.threshold, 3),
            min_count=self.thresholds.min_count,
            spike_id=current.episode.spike_id if current.episode else None,
            examples=examples,
            created_at=utc(now),
        )
        state.series[name] = after(current, decision, now, identity)
        log.info("alert: %s", alert.subject())
        return alert

    def _count(self, brand: str, series: Series, start: float, event: EventT) -> int:
        """The count of the window starting at ``start``, read through Faust's ``delta`` (relative to the
        event's timestamp; half a step of margin keeps float rounding from picking the neighbour)."""
        dimension, key = series
        offset = event.message.timestamp - start - self.layout.step / 2
        return self.counts[dimension][(brand, key or "")].delta(offset, event)
