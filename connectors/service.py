"""Wiring a connector to the publisher and its checkpoint, once or as a service until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp

from connectors.base import AsyncConnector, Connector, Item
from connectors.checkpoint import CheckpointStore
from connectors.http import HttpFetcher
from connectors.publisher import Publisher, PublishReport
from connectors.ratelimit import TokenBucket
from connectors.runner import Checkpointer, Throttle, run, run_async
from connectors.settings import HttpOptions, RunOptions

log = logging.getLogger(__name__)


def open_store(options: RunOptions, default_name: str) -> CheckpointStore:
    """The checkpoint store of this instance (cleared first with ``reset``)."""
    store = CheckpointStore(options.state_dir, options.name or default_name)
    if options.reset:
        store.clear()
    return store


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set ``stop`` (the run then flushes and checkpoints) instead of killing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    for number in previous:
        signal.signal(number, lambda *_: stop.set())
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_connector(
    connector: Connector,
    publisher: Publisher,
    store: CheckpointStore | None,
    options: RunOptions,
    throttle: Throttle | None = None,
    on_item: Callable[[Item], None] | None = None,
    stop: threading.Event | None = None,
) -> PublishReport:
    """Run a file-like connector to its end (or until stopped), checkpointing as it goes."""
    stop = stop or threading.Event()
    checkpointer = Checkpointer(
        publisher, connector, store, options.checkpoint_every, options.checkpoint_seconds
    )
    with stop_on_signals(stop):
        return run(connector, publisher, checkpointer, throttle, on_item, stop)


def make_fetcher(session: aiohttp.ClientSession, options: HttpOptions) -> HttpFetcher:
    bucket = TokenBucket(options.rate, options.burst)
    return HttpFetcher(
        session, bucket, options.timeout, options.max_retries, options.backoff_base, options.backoff_cap
    )


async def run_network_connector(
    build: Callable[[aiohttp.ClientSession, dict[str, Any] | None], AsyncConnector],
    publisher: Publisher,
    store: CheckpointStore | None,
    options: RunOptions,
    on_item: Callable[[Item], None] | None = None,
    stop: asyncio.Event | None = None,
) -> PublishReport:
    """Run a network connector built by ``build(session, saved_position)`` until it ends or is stopped."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    handled = []
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
            handled.append(number)
    try:
        async with aiohttp.ClientSession(headers={"User-Agent": "webcare-pipeline"}) as session:
            connector = build(session, store.load() if store else None)
            checkpointer = Checkpointer(
                publisher, connector, store, options.checkpoint_every, options.checkpoint_seconds
            )
            return await run_async(connector, publisher, checkpointer, stop, on_item)
    finally:
        for number in handled:
            loop.remove_signal_handler(number)
