"""Which windows are current and which make up the baseline."""

from __future__ import annotations

import itertools

from pipeline.alerting.windows import WindowLayout

LAYOUT = WindowLayout(size=300, step=60, baseline=3600)


def test_the_current_window_holds_the_latest_size_seconds_up_to_the_next_step() -> None:
    assert LAYOUT.current(1_000_030) == (999_780, 1_000_080)
    assert LAYOUT.current(1_000_020) == LAYOUT.current(1_000_079)
    assert LAYOUT.current(1_000_080) == (999_840, 1_000_140)


def test_baseline_windows_tile_the_hour_before_the_current_window() -> None:
    start, _ = LAYOUT.current(1_000_030)
    windows = LAYOUT.baseline_windows(1_000_030)
    assert len(windows) == 12
    assert windows[0] == (start - 300, start)
    assert windows[-1][0] == start - 3600
    assert all(later[0] == earlier[1] for later, earlier in itertools.pairwise(windows))


def test_window_starts_are_multiples_of_the_step_like_fausts_hopping_windows() -> None:
    for t in (0.5, 59.9, 60.0, 12_345.6):
        start, end = LAYOUT.current(t)
        assert start % 60 == 0 and end - start == 300 and start <= t < end
