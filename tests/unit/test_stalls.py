"""StallWatch: lagging partitions whose committed offset does not move for long enough are stalled."""

from __future__ import annotations

from pipeline.stalls import StallWatch


def test_a_lagging_partition_whose_offset_stays_put_is_stalled_after_the_threshold() -> None:
    watch: StallWatch[str] = StallWatch(after_seconds=60)
    assert watch.update({"raw-0": 100}, {"raw-0": 5}, now=0) == []
    assert watch.update({"raw-0": 100}, {"raw-0": 9}, now=59) == []
    assert watch.update({"raw-0": 100}, {"raw-0": 12}, now=60) == ["raw-0"]


def test_progress_restarts_the_clock() -> None:
    watch: StallWatch[str] = StallWatch(after_seconds=60)
    watch.update({"raw-0": 100}, {"raw-0": 500}, now=0)
    assert watch.update({"raw-0": 101}, {"raw-0": 499}, now=50) == []  # a slow backlog is not a stall
    assert watch.update({"raw-0": 101}, {"raw-0": 499}, now=100) == []
    assert watch.update({"raw-0": 101}, {"raw-0": 499}, now=110) == ["raw-0"]


def test_a_partition_without_lag_is_never_stalled_however_long_it_is_quiet() -> None:
    watch: StallWatch[str] = StallWatch(after_seconds=60)
    for now in range(0, 1000, 15):
        assert watch.update({"raw-0": 100}, {"raw-0": 0}, now=now) == []
    watch.update({"raw-0": 100}, {"raw-0": 1}, now=1000)  # new work arrives: the clock starts now
    assert watch.update({"raw-0": 100}, {"raw-0": 1}, now=1030) == []


def test_only_the_stuck_partitions_are_named_and_revoked_ones_are_forgotten() -> None:
    watch: StallWatch[str] = StallWatch(after_seconds=60)
    watch.update({"raw-0": 10, "raw-1": 10}, {"raw-0": 3, "raw-1": 3}, now=0)
    assert watch.update({"raw-0": 10, "raw-1": 13}, {"raw-0": 3, "raw-1": 0}, now=60) == ["raw-0"]
    watch.update({"raw-1": 13}, {"raw-1": 0}, now=70)  # raw-0 went to another worker
    assert watch.update({"raw-0": 10, "raw-1": 13}, {"raw-0": 3, "raw-1": 0}, now=80) == []
