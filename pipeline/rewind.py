"""Reading a partition again when Faust lost messages it had read, instead of stalling on them forever.

Faust commits a partition only up to its first offset that is not acknowledged. A rebalance can make it
drop messages it has already read without acknowledging them: it resumes the stream partitions while it
seeks them to their committed offsets, and what it reads in between is either cleared from the stream
buffers or skipped as "already read" once the seek lands. No agent will ever acknowledge those offsets,
so the partition's commit waits forever. The worker still looks healthy, but the partition's lag only grows
(seen in the takeover fault test: committed offset 11, offsets 13 onwards acknowledged, 11 and 12 gone).

The worker checks every few seconds for offsets that were read but are neither acknowledged nor held by
any agent (in a stream buffer, or being processed). Seen twice in a row, the partition is sought back to
its committed offset: the lost messages are read and processed again (at-least-once, like after a crash;
every sink is idempotent), and the commit moves on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Generic, TypeVar

import faust
from faust.types import TP

from pipeline import metrics
from pipeline.consumer_state import PartitionView, partition_view
from pipeline.context import PipelineContext

log = logging.getLogger(__name__)

CHECK_SECONDS = 5.0

Partition = TypeVar("Partition")


def lost_offsets(view: PartitionView) -> range:
    """The offsets of ``view`` that were read, but that no agent acknowledged or holds (empty if none).

    They start at the committed offset (the next one Faust must see acknowledged) and end before the
    lowest acknowledged offset (or after the last read one); one held by an agent means they are not lost.
    """
    if view.committed is None or view.read is None or view.read < view.committed:
        return range(0)
    end = view.read + 1 if view.lowest_acked is None else min(view.lowest_acked, view.read + 1)
    lost = range(view.committed, end)
    if any(offset in lost for offset in view.held):
        return range(0)
    return lost


class RewindWatch(Generic[Partition]):
    """Confirms lost offsets by seeing the same ones twice: a message in passage is never taken for lost."""

    def __init__(self) -> None:
        self._seen: dict[Partition, range] = {}

    def confirm(self, readings: Mapping[Partition, range]) -> dict[Partition, range]:
        """Record one check's lost offsets per partition; return those also lost at the previous check."""
        confirmed = {tp: lost for tp, lost in readings.items() if lost and self._seen.get(tp) == lost}
        self._seen = {tp: lost for tp, lost in readings.items() if lost and tp not in confirmed}
        return confirmed


def register(context: PipelineContext) -> None:
    """Add the timer that finds partitions with lost offsets and reads them again."""
    app = context.app
    watch: RewindWatch[TP] = RewindWatch()

    @app.timer(interval=CHECK_SECONDS)
    async def rewind_lost_offsets() -> None:
        if app.rebalancing or app.in_recovery or not app.consumer.flow_active:
            watch.confirm({})
            return
        readings = {tp: lost_offsets(partition_view(app, tp)) for tp in _acknowledged_partitions(app)}
        for tp, lost in watch.confirm(readings).items():
            await _read_again(app, tp, lost)


def _acknowledged_partitions(app: faust.App) -> list[TP]:
    """This worker's partitions whose offsets Faust commits as agents acknowledge their messages."""
    acking = app.topics.acking_topics
    return sorted(tp for tp in app.consumer.assignment() if tp.topic in acking)


async def _read_again(app: faust.App, tp: TP, lost: range) -> None:
    log.warning(
        "%s[%d]: offsets %d-%d were read but no agent holds or acknowledged them, so the partition's commit "
        "would wait for them forever (a Faust rebalance race); reading it again from offset %d",
        tp.topic, tp.partition, lost.start, lost.stop - 1, lost.start,
    )  # fmt: skip
    consumer = app.consumer
    await consumer.seek_wait({tp: lost.start})
    # The seek also resets Faust's read offset; set it here again, after any record drained meanwhile.
    consumer._read_offset[tp] = lost.start or None
    metrics.PARTITION_REWINDS.labels(topic=tp.topic).inc()
