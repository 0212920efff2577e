"""What a worker shows its operators: ``/metrics``, ``/health``, ``/ready``, the lag gauge, and JSON logs.

- ``/health`` (liveness): 200 while the event loop answers, the app has not crashed and no assigned
  partition is stalled (``pipeline.stalls``: lag, and a committed offset unmoved for
  ``worker.stall_seconds``, while the search engine answers); else 503 with the reason.
- ``/ready`` (readiness): 200 once the worker has had its first partition assignment, is not rebalancing,
  and can reach Kafka (a bootstrap broker accepts a connection) and the search engine (its root endpoint
  answers); else 503. The JSON body says which check failed.
- ``/metrics``: Prometheus text format (``pipeline.metrics``), refreshed assignment and lag included.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import faust
from faust import web
from faust.types import TP
from kafka import TopicPartition

from pipeline import metrics, rewind
from pipeline.accounting import KafkaAccounting
from pipeline.consumer_state import describe_partition
from pipeline.context import PipelineContext
from pipeline.kafka_security import kafka_accounting
from pipeline.settings import Settings
from pipeline.stalls import StallWatch
from sinks.search_client import async_client, resolve_engine

log = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2.0


@dataclass
class _WorkerState:
    """What the endpoints need to know about the worker."""

    settings: Settings
    assigned_once: bool = False
    search: Any = None
    accounting: KafkaAccounting | None = None
    lag: dict[TP, int] = field(default_factory=dict)
    stalled: list[TP] = field(default_factory=list)


def register(context: PipelineContext) -> None:
    """Add the endpoints, the assignment hook and the lag timer to the app."""
    app, settings = context.app, context.settings
    state = _WorkerState(settings)
    watch: StallWatch[TP] = StallWatch(settings.worker.stall_seconds)
    rewinds: rewind.RewindWatch[TP] = rewind.RewindWatch()

    @app.on_partitions_assigned.connect
    async def note_assignment(sender: faust.App, assigned: set[TP], **kwargs: object) -> None:
        state.assigned_once = True

    @app.page("/health")
    async def health(view: web.View, request: web.Request) -> web.Response:
        crashed = app.crash_reason
        if crashed is not None:
            return view.json({"status": "crashed", "reason": repr(crashed)}, status=503)
        if state.stalled:
            partitions = [f"{tp.topic}[{tp.partition}]" for tp in state.stalled]
            return view.json({"status": "stalled", "partitions": partitions}, status=503)
        return view.json({"status": "ok"})

    @app.page("/ready")
    async def ready(view: web.View, request: web.Request) -> web.Response:
        checks = {
            "assigned": state.assigned_once and not app.rebalancing,
            "kafka": await _kafka_reachable(settings.kafka.bootstrap_servers),
            "search": await _search_reachable(state),
        }
        status = 200 if all(checks.values()) else 503
        return view.json({"ready": status == 200, "checks": checks}, status=status)

    @app.page("/metrics")
    async def metrics_page(view: web.View, request: web.Request) -> web.Response:
        _update_partition_gauges(app, _input_partitions(app), state.lag)
        body, content_type = metrics.exposition(request.headers.get("Accept"))
        return view.bytes(body, headers={"Content-Type": content_type})

    @app.timer(interval=settings.worker.lag_interval_seconds)
    async def refresh_lag() -> None:
        partitions = _input_partitions(app)
        if not partitions:
            return
        loop = asyncio.get_running_loop()
        try:
            committed, state.lag = await loop.run_in_executor(None, _group_lag, state, partitions)
        except Exception as error:  # the gauge keeps its last value; the next tick tries again
            log.warning("consumer lag: could not read offsets: %r", error)
            return
        await rewind.repair(app, rewinds, committed)
        stalled = watch.update(committed, state.lag, loop.time())
        if stalled and not await _search_reachable(state):
            stalled = []  # the index agent waits for the search engine: explained, and /ready says so
        for tp in set(stalled) - set(state.stalled):
            log.error(
                "stalled: %s[%d] has %d messages to do and its committed offset has not moved for %.0fs; %s",
                tp.topic, tp.partition, state.lag[tp], settings.worker.stall_seconds,
                describe_partition(app, tp),
            )  # fmt: skip
        state.stalled = sorted(stalled)
        metrics.STALLED_PARTITIONS.set(len(stalled))

    @app.on_before_shutdown.connect
    async def close_clients(sender: faust.App, **kwargs: object) -> None:
        if state.search is not None:
            await state.search.close()
        if state.accounting is not None:
            state.accounting.close()


def _input_partitions(app: faust.App) -> set[TP]:
    """This worker's partitions of the pipeline's topics (not Faust's own internal topics)."""
    internal = f"{app.conf.id}-"
    return {tp for tp in app.consumer.assignment() if not tp.topic.startswith(internal)}


def _update_partition_gauges(app: faust.App, partitions: set[TP], lag: Mapping[TP, int]) -> None:
    per_topic: dict[str, int] = {}
    for tp in partitions:
        per_topic[tp.topic] = per_topic.get(tp.topic, 0) + 1
    metrics.ASSIGNED_PARTITIONS.clear()
    for topic, count in per_topic.items():
        metrics.ASSIGNED_PARTITIONS.labels(topic=topic).set(count)
    metrics.CONSUMER_LAG.clear()
    for tp in partitions & lag.keys():
        metrics.CONSUMER_LAG.labels(topic=tp.topic, partition=str(tp.partition)).set(lag[tp])


def _group_lag(state: _WorkerState, partitions: set[TP]) -> tuple[dict[TP, int], dict[TP, int]]:
    """The group's position (committed offset, or the earliest offset if none) and lag per partition;
    blocking."""
    if state.accounting is None:
        state.accounting = kafka_accounting(state.settings.kafka)
    wanted = [TopicPartition(tp.topic, tp.partition) for tp in partitions]
    positions, lag = state.accounting.group_progress(wanted, state.settings.worker.app_id)
    as_faust = {tp: TP(tp.topic, tp.partition) for tp in wanted}
    return {as_faust[tp]: at for tp, at in positions.items()}, {as_faust[tp]: n for tp, n in lag.items()}


async def _kafka_reachable(bootstrap_servers: str) -> bool:
    """True when any bootstrap broker accepts a TCP connection."""
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection(host.strip("[]"), int(port)), CHECK_TIMEOUT_SECONDS
            )
        except (OSError, TimeoutError, ValueError):
            continue
        writer.close()
        return True
    return False


async def _search_reachable(state: _WorkerState) -> bool:
    """True when the search engine's root endpoint answers (the client is made on first success)."""
    search = state.settings.search.model_copy(update={"request_timeout": CHECK_TIMEOUT_SECONDS})
    try:
        if state.search is None:
            engine = await asyncio.get_running_loop().run_in_executor(None, resolve_engine, search)
            state.search = async_client(search, engine)
        await state.search.info()
    except Exception:
        return False
    return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(log_format: str, loglevel: str) -> dict[str, Any] | None:
    """The ``logging.config`` dict for the worker: None keeps Faust's text logs, 'json' logs JSON lines."""
    if log_format != "json":
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"level": loglevel.upper(), "handlers": ["stdout"]},
    }
