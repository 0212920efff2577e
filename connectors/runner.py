"""Running a connector: publish what it yields, and checkpoint its position once Kafka has it.

The order is what makes a restart lose nothing: items are sent, the publisher is flushed (Kafka
acknowledged every item sent so far), and only then is the position taken *before* the flush saved. A crash
between the flush and the save re-sends the items since the last checkpoint (at-least-once); their ids
are stable, so the index (``_id`` = post id) holds each post once.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from connectors.base import AsyncConnector, Connector, Item, Malformed, Resumable
from connectors.checkpoint import CheckpointStore
from connectors.publisher import Publisher, PublishError, PublishReport
from connectors.ratelimit import TokenBucket


class Checkpointer:
    """Flushes the publisher and saves the source's position every ``every_items`` or ``every_seconds``."""

    def __init__(
        self,
        publisher: Publisher,
        source: object,
        store: CheckpointStore | None = None,
        every_items: int = 500,
        every_seconds: float = 1.0,
    ) -> None:
        self.publisher = publisher
        self.source = source if isinstance(source, Resumable) else None
        self.store = store if self.source is not None else None
        self.every_items = every_items
        self.every_seconds = every_seconds
        self.saves = 0
        self._unflushed = 0
        self._last_flush = time.monotonic()
        self._saved: dict[str, Any] | None = None
        self._lock = asyncio.Lock()

    def sent(self) -> bool:
        """Count one sent item; True when a checkpoint is due."""
        self._unflushed += 1
        return (
            self._unflushed >= self.every_items or time.monotonic() - self._last_flush >= self.every_seconds
        )

    def snapshot(self) -> dict[str, Any] | None:
        """The source's position now (call where everything it yielded has been sent)."""
        return self.source.position() if self.source is not None else None

    def commit(self) -> None:
        """Flush, then save the position taken before the flush (if it changed)."""
        self._save(self.snapshot())

    async def acommit(self) -> None:
        """``commit`` for asyncio: the position is taken in the loop, the flush runs in a thread."""
        async with self._lock:
            snapshot = self.snapshot()
            await asyncio.to_thread(self._save, snapshot)

    def _save(self, snapshot: dict[str, Any] | None) -> None:
        self.publisher.flush()
        self._unflushed = 0
        self._last_flush = time.monotonic()
        if self.store is not None and snapshot is not None and snapshot != self._saved:
            self.store.save(snapshot)
            self._saved = snapshot
            self.saves += 1


class Pacer:
    """Delays items so they come out at their original pace (``created_at`` gaps) times ``speed``."""

    def __init__(self, speed: float, clock: Callable[[], float] = time.monotonic) -> None:
        if speed <= 0:
            raise ValueError("speed must be > 0")
        self.speed = speed
        self._clock = clock
        self._anchor: tuple[float, float] | None = None

    def delay(self, item: Item) -> float:
        if isinstance(item, Malformed):
            return 0.0
        created = item.created_at.timestamp()
        now = self._clock()
        if self._anchor is None:
            self._anchor = (now, created)
            return 0.0
        wall, first = self._anchor
        return max(0.0, wall + (created - first) / self.speed - now)


class RateLimit:
    """Delays items to at most ``rate`` per second (the load generator)."""

    def __init__(self, rate: float) -> None:
        self._bucket = TokenBucket(rate, burst=max(1.0, rate / 10))

    def delay(self, item: Item) -> float:
        return self._bucket.delay()


Throttle = Pacer | RateLimit


def run(
    connector: Connector,
    publisher: Publisher,
    checkpointer: Checkpointer,
    throttle: Throttle | None = None,
    on_item: Callable[[Item], None] | None = None,
    stop: threading.Event | None = None,
) -> PublishReport:
    """Publish everything ``connector.read()`` yields until it ends or ``stop`` is set; checkpoint as it
    goes and at the end."""
    stop = stop or threading.Event()
    report = PublishReport()
    try:
        for item in connector.read():
            delay = throttle.delay(item) if throttle else 0.0
            if delay and stop.wait(delay):
                publisher.flush()  # stopped before this item was sent: keep the last saved position
                return report
            publisher.send(item, report)
            if on_item is not None:
                on_item(item)
            if checkpointer.sent() or stop.is_set():
                checkpointer.commit()
            if stop.is_set():
                return report
    except PublishError:
        raise  # Kafka refused something: the saved position stays behind it
    except Exception:
        checkpointer.commit()  # the source failed: keep what was yielded (and sent) so far
        raise
    except BaseException:
        publisher.flush()  # interrupted anywhere (even inside the source): flush, keep the saved position
        raise
    checkpointer.commit()
    return report


async def run_async(
    connector: AsyncConnector,
    publisher: Publisher,
    checkpointer: Checkpointer,
    stop: asyncio.Event,
    on_item: Callable[[Item], None] | None = None,
) -> PublishReport:
    """Publish what ``connector.stream()`` yields until it ends or ``stop`` is set. The position is
    checkpointed every so many items, every ``every_seconds`` while the source is quiet, and at the end."""
    report = PublishReport()

    async def consume() -> None:
        async for item in connector.stream():
            publisher.send(item, report)
            if on_item is not None:
                on_item(item)
            if checkpointer.sent():
                await checkpointer.acommit()

    task = asyncio.create_task(consume())
    stopping = asyncio.create_task(stop.wait())
    try:
        while not task.done() and not stop.is_set():
            await asyncio.wait(
                {task, stopping}, timeout=checkpointer.every_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            if not task.done():
                await checkpointer.acommit()
    finally:
        for pending in (task, stopping):
            pending.cancel()
        await asyncio.gather(task, stopping, return_exceptions=True)
    error = None if task.cancelled() else task.exception()
    if isinstance(error, PublishError):
        raise error  # Kafka refused something: the saved position stays behind it
    await checkpointer.acommit()
    if error is not None:
        raise error  # the source failed: what it yielded before is published and checkpointed
    return report
