"""What a worker's consumer knows about one partition: the facts needed to tell why it is not served.

When a partition stalls (``pipeline.stalls``) the worker logs this next to the ERROR line. A stalled
partition can be out of Faust's active set (fetching paused for a full stream buffer and never resumed),
paused in aiokafka, holding fetched records that no one drains, or have messages delivered to an agent
that never acknowledges them. The description names each of those so the cause can be read from one log
line. It reads private attributes of Faust and aiokafka on purpose (there is no public API for this) and
guards every read, so it can never fail the caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import faust
from faust.types import TP


@dataclass(frozen=True)
class PartitionView:
    """Faust's bookkeeping of one partition: what it committed, read, saw acknowledged and still holds."""

    committed: int | None
    read: int | None
    lowest_acked: int | None
    held: tuple[int, ...]


def partition_view(app: faust.App, tp: TP) -> PartitionView:
    """``tp`` as Faust's consumer sees it; ``held`` are the offsets of messages an agent still has (taken
    and not acknowledged, or waiting in a stream buffer)."""
    consumer = _faust_consumer(app)
    acked = consumer._acked.get(tp)
    return PartitionView(
        committed=consumer._committed_offset.get(tp),
        read=consumer._read_offset.get(tp),
        lowest_acked=min(acked) if acked else None,
        held=tuple(_held_offsets(app, tp)),
    )


def _held_offsets(app: faust.App, tp: TP) -> Iterator[int]:
    for message in list(_faust_consumer(app)._unacked_messages):
        if message.tp == tp:
            yield message.offset
    for channel in app.topics._tp_index.get(tp, ()):
        for event in list(channel.queue._queue):
            message = getattr(event, "message", None)
            if message is not None and message.tp == tp:
                yield message.offset


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
