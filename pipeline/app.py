"""The Faust app: topics and the enrich and index agents."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence

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
    enrichment = Enrichment(settings.brands)

    async def send_all(target: faust.TopicT, items: Iterable[tuple[bytes | None, bytes]], headers) -> None:
        """Send and wait until Kafka acknowledged every message (before the batch is acked)."""
        pending = [await target.send(key=key, value=value, headers=headers) for key, value in items]
        await asyncio.gather(*pending)

    async def dead_letters(records: Sequence[DlqRecord]) -> None:
        if records:
            for record in records:
                log.warning(
                    "dlq: %s %s at %s[%s]@%s",
                    record.stage,
                    record.reason,
                    record.source_topic,
                    record.partition,
                    record.offset,
                )
            await send_all(
                dlq_topic,
                (
                    (record.key.encode() if record.key else None, record.model_dump_json().encode())
                    for record in records
                ),
                DLQ_HEADERS,
            )

    @app.agent(raw_topic, name="enrich")
    async def enrich(stream: faust.StreamT) -> None:
        async for events in stream.take_events(worker.batch_size, within=worker.batch_seconds):
            result = enrich_batch(enrichment, [_message(event) for event in events])
            await send_all(mentions_topic, result.mentions, MENTION_HEADERS)
            await dead_letters(result.dead)

    search = settings.search
    indexer = BulkIndexer(
        async_client(search), search.index, search.retry_initial_seconds, search.retry_max_seconds
    )

    @app.agent(mentions_topic, name="index")
    async def index(stream: faust.StreamT) -> None:
        async for events in stream.take_events(settings.search.bulk_max_docs, within=worker.batch_seconds):
            batch = index_requests([_message(event) for event in events])
            outcome = await indexer.index(batch.requests)
            rejected = [
                request.context.dead_letter(Stage.index, reason) for request, reason in outcome.rejected
            ]
            await dead_letters([*batch.dead, *rejected])

    return app
