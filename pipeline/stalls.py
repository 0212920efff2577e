"""Stall detection: a partition that has messages to do but whose committed offset does not move.

Faust can leave a partition unserved after a rebalance (faust-streaming issue #629: no fetch request is
ever sent for it) or an agent can hang; the worker then looks alive while its lag only grows. The worker's
lag timer feeds :class:`StallWatch` with each assigned partition's committed offset and lag; a partition
that lags while its committed offset stays put for ``after_seconds`` is stalled. ``/health`` then fails,
so an orchestrator restarts the worker and the group gives the partition to a working member.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, TypeVar

Partition = TypeVar("Partition")


class StallWatch(Generic[Partition]):
    """Remembers since when each lagging partition's committed offset has not moved."""

    def __init__(self, after_seconds: float) -> None:
        self.after_seconds = after_seconds
        self._unmoved_since: dict[Partition, tuple[int, float]] = {}

    def update(
        self, committed: Mapping[Partition, int], lag: Mapping[Partition, int], now: float
    ) -> list[Partition]:
        """Record one reading (committed offset and lag per assigned partition, taken at ``now``) and return
        the partitions stalled for at least ``after_seconds``. Partitions not in ``lag`` are forgotten."""
        stalled = []
        for partition in list(self._unmoved_since):
            if partition not in lag:
                del self._unmoved_since[partition]
        for partition, behind in lag.items():
            offset = committed[partition]
            seen = self._unmoved_since.get(partition)
            if behind == 0:
                self._unmoved_since.pop(partition, None)
            elif seen is None or seen[0] != offset:
                self._unmoved_since[partition] = (offset, now)
            elif now - seen[1] >= self.after_seconds:
                stalled.append(partition)
        return stalled
