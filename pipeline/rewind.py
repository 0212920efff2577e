"""Reading a partition again when Faust lost messages it had fetched, instead of stalling on them forever.

Faust commits a partition only up to its first offset that is not acknowledged. Around a rebalance it can
lose messages that aiokafka already handed to it: it resumes the stream partitions while it still seeks
them to their committed offsets, and what it fetches in between is cleared from the stream buffers,
skipped as "already read" once the seek lands, or dropped with a fetched batch. No agent will ever
acknowledge those offsets, so the partition's commit waits forever: the worker looks healthy, but the
partition's lag only grows. Seen in the takeover fault test, in two forms: committed offset 11 with
offsets 13 onwards acknowledged (11 and 12 gone), and a partition whose every message was fetched while
none was ever delivered to an agent.

The worker's lag timer therefore looks for offsets from the committed one on that aiokafka handed over
but that no agent acknowledged or holds (in the fetched batch being delivered, in a stream buffer, or
taken and not acknowledged), counting a commit under way as landed. Seen twice in a row, unchanged, the
partition is sought back to its committed offset and read again from there (or from the earliest offset
still in the topic, when retention deleted the messages below it first): the lost messages are
processed again (at-least-once, like after a crash; every sink is idempotent), the messages after them
that were acknowledged meanwhile are passed over without reaching an agent, and the commit moves on.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any, Generic, TypeVar

import faust
from faust.types import TP

from pipeline import metrics
from pipeline.consumer_state import PartitionView, describe_partition, held_offsets, partition_views

log = logging.getLogger(__name__)

Partition = TypeVar("Partition")


def lost_offsets(view: PartitionView) -> range:
    """The offsets of ``view`` that were handed to Faust but that no agent acknowledged or holds.

    They run from the committed offset (the next one Faust must see acknowledged) up to the first offset
    that is acknowledged, held, or not handed over yet; empty when there are none.
    """
    if view.committed is None or view.position is None:
        return range(0)
    ends = (view.position, view.lowest_acked, view.lowest_held)
    return range(view.committed, max(view.committed, min(end for end in ends if end is not None)))


class RewindWatch(Generic[Partition]):
    """Confirms lost offsets by seeing the same ones twice: a message in passage is never taken for lost."""

    def __init__(self) -> None:
        self._seen: dict[Partition, range] = {}

    def confirm(self, readings: Mapping[Partition, range]) -> dict[Partition, range]:
        """Record one check's lost offsets per partition; return those also lost at the previous check."""
        confirmed = {tp: lost for tp, lost in readings.items() if lost and self._seen.get(tp) == lost}
        self._seen = {tp: lost for tp, lost in readings.items() if lost and tp not in confirmed}
        return confirmed


async def repair(app: faust.App, watch: RewindWatch[TP], kafka_committed: Mapping[TP, int]) -> None:
    """Check the partitions in ``kafka_committed`` (the group's committed offsets, just read from Kafka)
    for lost offsets and read again those lost at this check and the one before."""
    if not _settled(app):
        watch.confirm({})
        return
    acking = app.topics.acking_topics
    tracked = {tp: committed for tp, committed in kafka_committed.items() if tp.topic in acking}
    try:
        views = partition_views(app, tracked)
    except Exception as error:  # Faust's or aiokafka's internals changed: the stall watch still reports
        log.warning("lost offsets: could not read the consumer's state: %r", error)
        return
    readings = {tp: lost_offsets(view) for tp, view in views.items()}
    for tp, lost in watch.confirm(readings).items():
        await _read_again(app, tp, lost)


def _settled(app: faust.App) -> bool:
    """Not rebalancing or recovering, the flow running, and the drainer not held up by a full producer
    buffer (it may then hold fetched messages that it has not delivered yet)."""
    buffer = app.producer.buffer
    return (
        not app.rebalancing
        and not app.in_recovery
        and app.consumer.flow_active
        and buffer.size <= buffer.max_messages
    )


async def _read_again(app: faust.App, tp: TP, lost: range) -> None:
    consumer = app.consumer
    try:
        earliest = (await consumer.earliest_offsets(tp))[tp]
    except Exception as error:  # the broker is away: the lost offsets are confirmed again and retried
        log.warning("%s[%d]: could not read the earliest offset to read lost offsets again: %r", *tp, error)
        return
    if lost.start < earliest:
        lost = _skip_expired(app, tp, lost, earliest)
        if not lost:
            return
    log.warning(
        "%s[%d]: offsets %d-%d were fetched but no agent holds or acknowledged them, so the partition's "
        "commit would wait for them forever (a Faust rebalance race); reading it again from offset %d (%s)",
        tp.topic, tp.partition, lost.start, lost.stop - 1, lost.start, describe_partition(app, tp),
    )  # fmt: skip
    consumer.pass_over_held([tp])
    await consumer.seek_wait({tp: lost.start})
    # The seek also resets Faust's read offset; set it here again, after any record drained meanwhile.
    consumer._read_offset[tp] = lost.start or None
    metrics.PARTITION_REWINDS.labels(topic=tp.topic).inc()


def _skip_expired(app: faust.App, tp: TP, lost: range, earliest: int) -> range:
    """Move the partition's committed offset up to ``earliest`` when the topic's retention deleted the
    messages below it before they were processed (aiokafka then reads on from the earliest offset, and the
    commit would wait for the deleted ones forever); return the lost offsets that are still there."""
    expired = range(lost.start, earliest)
    log.error(
        "%s[%d]: offsets %d-%d were deleted from the topic (its retention) before this consumer group "
        "processed them: those %d posts never reach the pipeline; going on from offset %d",
        tp.topic, tp.partition, expired.start, expired.stop - 1, len(expired), earliest,
    )  # fmt: skip
    app.consumer._committed_offset[tp] = earliest
    metrics.EXPIRED_OFFSETS.labels(topic=tp.topic).inc(len(expired))
    return range(earliest, max(earliest, lost.stop))


def commit_no_lost_head(app: faust.App) -> None:
    """Make ``app``'s consumer refuse to commit past an unacknowledged offset at the head of a partition.

    Faust's consumer lets a commit pass over the head of a partition in two cases, which loses those
    messages without a trace: a single unacknowledged offset at the head (its check lets a gap of one
    through), and any number of them when the partition has no committed offset yet (it then knows no
    head; it also forgets a committed offset of 0). With this, such a partition waits instead and
    :func:`repair` reads the messages again: the consumer takes the partition's earliest offset as the head
    of a partition without a commit (and seeks it there, so that what the rebalance cleared is read again),
    and commits nothing while the head is not acknowledged. The topics hold
    no transaction markers (the pipeline does not use Kafka transactions), so every offset is a message.

    The consumer also exposes what is under way, so that :func:`repair` takes neither a commit that has
    not landed yet nor a fetched batch that the drainer is still delivering for lost offsets.
    """
    base: type = app.transport.Consumer

    class NoLostHeadConsumer(base):  # type: ignore[misc, valid-type]
        #: Per partition, the offset a commit under way is writing: Faust drops the acknowledged offsets it
        #: commits before the commit lands (which can take seconds: it flushes the producer first).
        offsets_in_commit: dict[TP, int]
        #: Per partition, the first offset of the fetched batch the drainer is still handing to the agents:
        #: aiokafka's position is past the whole batch, but no agent has the rest of it yet.
        offsets_in_passage: dict[TP, int]
        #: Per partition sought back, the offsets an agent had at the seek: read again, they are passed over.
        offsets_held_at_seek: dict[TP, set[int]]

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.offsets_in_commit = {}
            self.offsets_in_passage = {}
            self.offsets_held_at_seek = {}

        def pass_over_held(self, tps: Iterable[TP]) -> None:
            """Before seeking ``tps`` back: their messages that an agent has now are not delivered again."""
            held = held_offsets(self.app)
            self.offsets_held_at_seek.update({tp: held.get(tp, set()) for tp in tps})

        async def _commit_tps(self, tps: Iterable[TP], start_new_transaction: bool) -> bool:
            try:
                return await super()._commit_tps(tps, start_new_transaction)
            finally:
                self.offsets_in_commit = {}

        def _filter_committable_offsets(self, tps: Iterable[TP]) -> dict[TP, int]:
            offsets = super()._filter_committable_offsets(tps)
            self.offsets_in_commit = dict(offsets)
            return offsets

        async def _wait_next_records(self, timeout: float) -> tuple[Any, Any]:
            records, active_partitions = await super()._wait_next_records(timeout)
            self.offsets_in_passage = {tp: batch[0].offset for tp, batch in (records or {}).items() if batch}
            return records, active_partitions

        async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Any]]:
            acked_index, committed, read_offset = self._acked_index, self._committed_offset, self._read_offset
            held = self.offsets_held_at_seek
            try:
                async for tp, message in super().getmany(timeout):
                    offset = message.offset
                    if (
                        offset in acked_index.get(tp, ())
                        or offset < (committed.get(tp) or 0)
                        or offset in held.get(tp, ())
                    ):
                        # Read again after a seek back, but acknowledged before it (or committed since, once
                        # the lost head was), or still with an agent: pass it over as the drainer would
                        # after delivering it, so that it reads no gap.
                        read_offset[tp] = offset
                        continue
                    yield tp, message
            finally:
                self.offsets_in_passage = {}

        async def perform_seek(self) -> None:
            await super().perform_seek()
            self.offsets_held_at_seek = {}
            self.pass_over_held(self.assignment())
            acking, committed = self.app.topics.acking_topics, self._committed_offset
            headless = [tp for tp in self.assignment() if tp.topic in acking and committed.get(tp) is None]
            if not headless:
                return
            try:
                earliest = await self.earliest_offsets(*headless)
            except Exception as error:  # the partitions keep Faust's own (weaker) check until the next seek
                log.warning("could not read the earliest offsets of %d partitions: %r", len(headless), error)
                return
            heads = {tp: offset for tp, offset in earliest.items() if committed.get(tp) is None}
            committed.update(heads)
            self.pass_over_held(heads)
            try:
                # aiokafka's seek to the committed offsets leaves these where they were: what was fetched
                # before the seek, and cleared from the stream buffers by the rebalance, is read again.
                await self.seek_wait(heads)
            except Exception as error:  # repair() reads them again later
                log.warning("could not seek %d partitions to their earliest offsets: %r", len(heads), error)

        def _new_offset(self, tp: TP) -> int | None:
            acked = self._acked[tp]
            committed = self._committed_offset[tp]
            if acked and committed is not None and min(acked) > committed:
                return None
            return super()._new_offset(tp)

    app.transport.Consumer = NoLostHeadConsumer
