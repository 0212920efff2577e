"""The Faust app of a worker: its settings, and the agents each module registers."""

from __future__ import annotations

import faust

from pipeline import observability, producer_topics, rewind
from pipeline.agents import alerts, discovery, enrich, index, links, route
from pipeline.context import PipelineContext
from pipeline.kafka_security import faust_broker_options
from pipeline.settings import Settings

AGENT_MODULES = (enrich, index, alerts, route, links, discovery)


CONSUMER_METADATA_MAX_AGE_MS = 30_000


def create_app(settings: Settings) -> faust.App:
    """Build the worker's Faust app from settings, with every agent registered on it."""
    return create_context(settings).app


def create_context(settings: Settings) -> PipelineContext:
    """The worker's Faust app and what its agent modules share, with every agent registered."""
    worker = settings.worker
    app = faust.App(
        worker.app_id,
        broker=f"kafka://{settings.kafka.bootstrap_servers}",
        datadir=str(worker.data_dir),
        store="memory://",
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=settings.topics.partitions,
        topic_replication_factor=settings.topics.replication_factor,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        web_port=worker.web_port,
        web_host=worker.web_host,
        broker_session_timeout=worker.session_timeout_seconds,
        broker_heartbeat_interval=worker.heartbeat_interval_seconds,
        # On a rebalance Faust drops the buffered events, which are never acknowledged, and would wait for
        # them forever; not waiting is safe: their offsets are not committed, so they are processed again.
        stream_wait_empty=False,
        # A topic the worker creates at start can be missing from the first metadata the consumer gets;
        # the consumer then ignores it until its next metadata refresh (5 minutes by default), and that
        # topic's agent sits idle meanwhile. 30 s bounds the gap.
        consumer_metadata_max_age_ms=CONSUMER_METADATA_MAX_AGE_MS,
        **faust_broker_options(settings.kafka),
    )
    rewind.commit_no_lost_head(app)
    context = PipelineContext(app, settings)
    for module in AGENT_MODULES:
        module.register(context)
    observability.register(context)
    producer_topics.register(context)
    return context
