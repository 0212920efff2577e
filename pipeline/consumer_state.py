"""What a worker's Faust and aiokafka consumers know about its partitions.

Two uses. :func:`partition_views` tells which offsets were handed to Faust but reached no agent
(``pipeline.rewind`` reads those again). :func:`describe_partition` is logged next to a stall's ERROR line:
a stalled partition can be out of Faust's active set (fetching paused for a full stream buffer and never
resumed), paused in aiokafka, holding fetched records that no one drains, or have messages an agent never
acknowledges, and the description names each of those. Both read private attributes of Faust and aiokafka
on purpose (there is no public API for this); the callers guard against their absence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import faust
from faust.types import TP


@dataclass(frozen=True)
class PartitionView:
    """What one partition's messages have become, as this worker's consumers know it.

    ``committed`` is the next offset to commit, ``position`` the next one aiokafka hands to Faust (every
    offset below it was handed over), ``lowest_acked`` the lowest acknowledged offset Faust has not
    committed yet, and ``lowest_held`` the lowest offset of a message an agent still has.
    """

    committed: int | None
    position: int | None
    lowest_acked: int | None
    lowest_held: int | None


def partition_views(app: faust.App, kafka_committed: Mapping[TP, int]) -> dict[TP, PartitionView]:
    """A view of each partition in ``kafka_committed`` (the group's committed offsets as Kafka has them).

    Faust's own committed offset is used when it has one: it can be ahead of a reading taken a moment ago,
    and a commit under way counts as landed. A message is held while the drainer is still delivering its
    fetched batch, while it waits in a stream buffer, or when it was taken and not acknowledged.
    """
    consumer = _faust_consumer(app)
    lowest_held = _lowest_held_offsets(app)
    in_commit = getattr(consumer, "offsets_in_commit", {})
    views = {}
    for tp, committed in kafka_committed.items():
        acked = consumer._acked.get(tp)
        state = _partition_state(app, tp)
        faust_committed = consumer._committed_offset.get(tp)
        known = [offset for offset in (faust_committed, in_commit.get(tp)) if offset is not None]
        views[tp] = PartitionView(
            committed=max(known) if known else committed,
            position=state.position if state is not None and state.has_valid_position else None,
            lowest_acked=min(acked) if acked else None,
            lowest_held=lowest_held.get(tp),
        )
    return views


def held_offsets(app: faust.App) -> dict[TP, set[int]]:
    """Per partition, the offsets of the messages an agent has: waiting in a stream buffer, or taken and
    not acknowledged."""
    messages = list(_faust_consumer(app)._unacked_messages)
    channels = {id(channel): channel for each in list(app.topics._tp_index.values()) for channel in each}
    for channel in channels.values():
        messages.extend(event.message for event in list(channel.queue._queue) if hasattr(event, "message"))
    held: dict[TP, set[int]] = {}
    for message in messages:
        held.setdefault(message.tp, set()).add(message.offset)
    return held


def _lowest_held_offsets(app: faust.App) -> dict[TP, int]:
    lowest: dict[TP, int] = dict(getattr(_faust_consumer(app), "offsets_in_passage", {}))
    for tp, offsets in held_offsets(app).items():
        lowest[tp] = min(offsets | ({lowest[tp]} if tp in lowest else set()))
    return lowest


def describe_partition(app: faust.App, tp: TP) -> str:
    """A one-line description of ``tp`` as this worker's Faust and aiokafka consumers see it."""
    facts: dict[str, Any] = {}
    for name, read in _READINGS:
        try:
            facts[name] = read(app, tp)
        except Exception as error:  # a diagnosis must not fail: say what could not be read
            facts[name] = f"unreadable ({type(error).__name__})"
    return " ".join(f"{name}={value}" for name, value in facts.items())


def _faust_consumer(app: faust.App) -> Any:
    return app.consumer


def _kafka_consumer(app: faust.App) -> Any:
    return app.consumer._thread._consumer


def _partition_state(app: faust.App, tp: TP) -> Any:
    return _kafka_consumer(app)._subscription.subscription.assignment.state_value(tp)


def _faust_flags(app: faust.App, tp: TP) -> str:
    consumer = _faust_consumer(app)
    flags = [
        name
        for name, members in (
            ("assigned", consumer.assignment()),
            ("active", consumer._active_partitions or ()),
            ("paused", consumer._paused_partitions),
            ("buffer-full", consumer._buffered_partitions),
        )
        if tp in members
    ]
    if not consumer.flow_active:
        flags.append("flow-stopped")
    return ",".join(flags) or "none"


def _faust_offsets(app: faust.App, tp: TP) -> str:
    consumer = _faust_consumer(app)
    unacked = sum(1 for message in consumer._unacked_messages if message.tp == tp)
    acked = consumer._acked.get(tp) or []
    gaps = sorted((gap.begin, gap.end) for gap in consumer._gap.get(tp) or ())
    return (
        f"read:{consumer._read_offset.get(tp)}/committed:{consumer._committed_offset.get(tp)}"
        f"/unacked:{unacked}/acked:{len(acked)}(lowest:{min(acked, default=None)})/gaps:{gaps[:3]}"
    )


def _kafka_partition(app: faust.App, tp: TP) -> str:
    state = _partition_state(app, tp)
    if state is None:
        return "unassigned"
    position = state.position if state.has_valid_position else None
    return (
        f"position:{position}/highwater:{state.highwater}/paused:{state.paused}"
        f"/awaiting-reset:{state.awaiting_reset}"
    )


def _fetched_not_drained(app: faust.App, tp: TP) -> bool:
    return tp in _kafka_consumer(app)._fetcher._records


def _stream_buffers(app: faust.App, tp: TP) -> str:
    channels = app.topics._tp_index.get(tp, ())
    sizes = [
        f"{channel.queue.qsize()}/{channel.queue.maxsize}"
        f"(drop-callbacks:{len(channel.queue._pending_pressure_drop_callbacks)})"
        for channel in channels
    ]
    return ",".join(sizes) or "no-channel"


_READINGS = (
    ("faust", _faust_flags),
    ("offsets", _faust_offsets),
    ("aiokafka", _kafka_partition),
    ("fetched-not-drained", _fetched_not_drained),
    ("stream-buffers", _stream_buffers),
)
