"""Agent ``enrich``: raw posts in, enriched mentions (or dead letters) out."""

from __future__ import annotations

import faust

from enrichers.enrichment import Enrichment
from pipeline import metrics
from pipeline.context import Headers, PipelineContext, message_of, until_done
from pipeline.stages import Message, enrich_batch
from schemas.mentions import MENTION_SCHEMA_VERSION

MENTION_HEADERS: Headers = [
    ("content-type", b"application/json"),
    ("schema", b"webcare.mention"),
    ("schema-version", MENTION_SCHEMA_VERSION.encode()),
]


def register(context: PipelineContext) -> None:
    """Add the enrich agent to the app."""
    settings = context.settings
    worker = settings.worker
    enrichment = Enrichment.from_settings(settings)
    mentions = context.topic(settings.topics.mentions)

    async def enrich_and_publish(messages: list[Message]) -> None:
        with metrics.ENRICH_SECONDS.time():
            result = enrich_batch(enrichment, messages)
        await context.publish(mentions, result.mentions, MENTION_HEADERS)
        await context.dead_letters(result.dead)
        metrics.count_handled("enrich", len(result.mentions), result.dead)

    @context.app.agent(context.topic(settings.topics.raw), name="enrich")
    async def enrich(stream: faust.StreamT) -> None:
        async for events in stream.take_events(worker.batch_size, within=worker.batch_seconds):
            messages = [message_of(event) for event in events]
            metrics.POSTS_IN.labels(stage="enrich").inc(len(messages))
            await until_done("enrich", lambda messages=messages: enrich_and_publish(messages))
