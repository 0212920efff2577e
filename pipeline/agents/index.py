"""Agent ``index``: enriched mentions in, bulk-indexed documents (or dead letters) out."""

from __future__ import annotations

import faust

from pipeline import metrics
from pipeline.context import PipelineContext, message_of, until_done
from pipeline.stages import Message, index_requests
from schemas.dlq import Stage
from sinks.bulk import BulkIndexer
from sinks.search_client import async_client


def register(context: PipelineContext) -> None:
    """Add the index agent to the app, and close its search client when the app stops."""
    settings = context.settings
    search = settings.search
    client = async_client(search)
    indexer = BulkIndexer(client, search.index, search.retry_initial_seconds, search.retry_max_seconds)

    async def index_and_dead_letter(messages: list[Message]) -> None:
        batch = index_requests(messages)
        with metrics.BULK_SECONDS.time():
            outcome = await indexer.index(batch.requests)
        rejected = [request.context.dead_letter(Stage.index, reason) for request, reason in outcome.rejected]
        await context.dead_letters([*batch.dead, *rejected])
        metrics.count_handled("index", outcome.written, [*batch.dead, *rejected])

    @context.app.agent(context.topic(settings.topics.mentions), name="index")
    async def index(stream: faust.StreamT) -> None:
        async for events in stream.take_events(search.bulk_max_docs, within=settings.worker.batch_seconds):
            messages = [message_of(event) for event in events]
            metrics.POSTS_IN.labels(stage="index").inc(len(messages))
            await until_done("index", lambda messages=messages: index_and_dead_letter(messages))

    @context.app.on_before_shutdown.connect
    async def close_search_client(app: faust.App, **kwargs: object) -> None:
        await client.close()
