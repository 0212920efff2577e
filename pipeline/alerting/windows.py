"""Which hopping windows are the current one and the baseline at a given event time (plain arithmetic).

Faust's hopping windows start at multiples of the step and are ``size`` long, so a post at time ``t`` is in
``size / step`` windows. The *current* window at ``t`` is the one of those that started first: it holds the
most recent ``size`` seconds (rounded up to the next step). The *baseline* windows tile the
``baseline`` seconds right before the current window, back to back, without overlapping it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WindowRange = tuple[float, float]


@dataclass(frozen=True, slots=True)
class WindowLayout:
    """Window size, step and baseline length, in seconds."""

    size: float
    step: float
    baseline: float

    def current(self, t: float) -> WindowRange:
        """The window holding the latest ``size`` seconds at ``t``."""
        start = math.floor(t / self.step) * self.step - self.size + self.step
        return start, start + self.size

    def baseline_windows(self, t: float) -> list[WindowRange]:
        """The windows before ``current(t)`` that cover the baseline, newest first."""
        start, _ = self.current(t)
        count = int(self.baseline // self.size)
        return [(start - (i + 1) * self.size, start - i * self.size) for i in range(count)]
