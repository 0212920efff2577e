"""The Faust app: topics and the enrich and index agents."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence

import faust
from faust.types import EventT

from enrichers.enrichment import Enrichment
from pipeline.settings import Settings
from pipeline.stages import Message, enrich_batch, index_requests
from schemas.dlq import DLQ_SCHEMA_VERSION, DlqRecord, Stage
from schemas.mentions import MENTION_SCHEMA_VERSION
from sinks.bulk import BulkIndexer
from sinks.search_client import async_client

log = logging.getLogger(__name__)

MENTION_HEADERS = [
    ("content-type", b"application/json"),
    ("schema", b"webcare.mention"),
    ("schema-version", MENTION_SCHEMA_VERSION.encode()),
]
DLQ_HEADERS = [
    ("content-type", b"application/json"),
    ("schema", b"webcare.dlq"),
    ("schema-version", DLQ_SCHEMA_VERSION.encode()),
]


def _message(event: EventT) -> Message:
    raw = event.message
    return Message(raw.topic, raw.partition, raw.offset, raw.key, raw.value, raw.timestamp)


async def until_done(stage: str, step: Callable[[], Awaitable[None]], max_backoff: float = 60.0) -> None:
    """Run ``step`` until it succeeds.

    Faust acknowledges a batch whose agent raised, so an error must never leave the agent: the batch is
    retried (with backoff, logged) and only acknowledged once it was fully handled.
    """
    backoff = 1.0
    while True:
        try:
            await step()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s: batch failed; retrying in %.0fs (not acknowledged)", stage, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, max_backoff)


def create_app(settings: Settings) -> faust.App:
    """Build the worker's Faust app from settings; the agents are registered on it."""
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
        web_host="127.0.0.1",
    )
    topics = settings.topics

    def topic(name: str) -> faust.TopicT:
        return app.topic(name, key_type=bytes, value_type=bytes, partitions=topics.partitions)

    raw_topic, mentions_topic, dlq_topic = topic(topics.raw), topic(topics.mentions), topic(topics.dlq)
    enrichment = Enrichment.from_settings(settings)

    async def send_all(target: faust.TopicT, items: Iterable[tuple[bytes | None, bytes]], headers) -> None:
        """Send and wait until Kafka acknowledged every message (before the batch is acked)."""
        pending = [await target.send(key=key, value=value, headers=headers) for key, value in items]
        await asyncio.gather(*pending)

    async def dead_letters(records: Sequence[DlqRecord]) -> None:
        for record in records:
            log.warning(
                "dlq: %s: %s (%s[%s]@%s)",
                record.stage,
                record.reason,
                record.source_topic,
                record.partition,
                record.offset,
            )
        keyed = (
            (record.key.encode() if record.key else None, record.model_dump_json().encode())
            for record in records
        )
        await send_all(dlq_topic, keyed, DLQ_HEADERS)

    async def enrich_and_publish(messages: list[Message]) -> None:
        result = enrich_batch(enrichment, messages)
        await send_all(mentions_topic, result.mentions, MENTION_HEADERS)
        await dead_letters(result.dead)

    @app.agent(raw_topic, name="enrich")
    async def enrich(stream: faust.StreamT) -> None:
        async for events in stream.take_events(worker.batch_size, within=worker.batch_seconds):
            messages = [_message(event) for event in events]
            await until_done("enrich", lambda messages=messages: enrich_and_publish(messages))

    search = settings.search
    search_client = async_client(search)
    indexer = BulkIndexer(search_client, search.index, search.retry_initial_seconds, search.retry_max_seconds)

    async def index_and_dead_letter(messages: list[Message]) -> None:
        batch = index_requests(messages)
        outcome = await indexer.index(batch.requests)
        rejected = [request.context.dead_letter(Stage.index, reason) for request, reason in outcome.rejected]
        await dead_letters([*batch.dead, *rejected])

    @app.agent(mentions_topic, name="index")
    async def index(stream: faust.StreamT) -> None:
        async for events in stream.take_events(search.bulk_max_docs, within=worker.batch_seconds):
            messages = [_message(event) for event in events]
            await until_done("index", lambda messages=messages: index_and_dead_letter(messages))

    @app.on_before_shutdown.connect
    async def close_search_client(app: faust.App, **kwargs: object) -> None:
        await search_client.close()

    return app
