"""Agents ``discover-route``, ``discover-count`` and ``discover-index``: outside-in term suggestions.

- ``discover-route`` reads enriched mentions in batches, extracts each post's terms once, and sends one
  observation per (mention, brand) plus one background batch per brand to the by-brand topic, keyed by
  brand, so one worker owns each brand's counts.
- ``discover-count`` counts them per brand in tumbling windows (closed windows in the table
  ``discovery-windows``) and publishes new or improved suggestions to the suggestions topic.
- ``discover-index`` upserts the suggestions into the suggestions index for ``webcare suggest``.
"""

from __future__ import annotations

import asyncio
import logging

import faust
from elasticsearch import AsyncElasticsearch
from pydantic import ValidationError

from pipeline.context import Headers, PipelineContext, until_done
from pipeline.discovery.detector import BrandTerms
from pipeline.discovery.index import ensure_suggestions_index, suggestion_update
from pipeline.discovery.observations import OBSERVATION, route
from schemas.discovery_settings import DiscoverySettings
from schemas.mentions import EnrichedMention
from schemas.suggestions import SUGGESTION_SCHEMA_VERSION, TermSuggestion
from sinks.bulk import BulkIndexer
from sinks.search_client import async_client

log = logging.getLogger(__name__)

SUGGESTION_HEADERS: Headers = [
    ("content-type", b"application/json"),
    ("schema", b"webcare.term-suggestion"),
    ("schema-version", SUGGESTION_SCHEMA_VERSION.encode()),
]
OBSERVATION_HEADERS: Headers = [
    ("content-type", b"application/json"),
    ("schema", b"webcare.discovery-observation"),
]


def register(context: PipelineContext) -> None:
    """Add the discovery agents to the app (none when discovery is disabled or no brand is configured)."""
    settings = context.settings.discovery
    if not settings.enabled or not context.settings.brands:
        return
    _register_route(context, settings)
    _register_count(context, settings)
    _register_index(context, settings)


def _mentions(values: list[bytes]) -> list[EnrichedMention]:
    """The readable mentions; an unreadable one counts nowhere (the index agent dead-letters it)."""
    mentions = []
    for value in values:
        try:
            mentions.append(EnrichedMention.model_validate_json(value))
        except ValidationError as error:
            log.warning("discover-route: unreadable mention not counted: %s", error.errors()[0]["msg"])
    return mentions


def _register_route(context: PipelineContext, settings: DiscoverySettings) -> None:
    by_brand = context.internal_topic(settings.by_brand_topic)
    brands = [brand.name for brand in context.settings.brands]

    async def send(values: list[bytes]) -> None:
        routed = route(_mentions(values), brands, settings.window_seconds, settings.max_clock_skew_seconds)
        pending = [
            await by_brand.send(
                key=observation.brand.encode(),
                value=observation.model_dump_json().encode(),
                headers=OBSERVATION_HEADERS,
            )
            for observation in routed
        ]
        await asyncio.gather(*pending)

    @context.app.agent(context.topic(context.settings.topics.mentions), name="discover-route")
    async def discover_route(stream: faust.StreamT) -> None:
        worker = context.settings.worker
        async for events in stream.take_events(worker.batch_size, within=worker.batch_seconds):
            values = [event.message.value for event in events]
            await until_done("discover-route", lambda values=values: send(values))


def _register_count(context: PipelineContext, settings: DiscoverySettings) -> None:
    configs = {brand.name: brand for brand in context.settings.brands}
    # Keys and values are JSON (Faust's default for tables whose types are not bytes).
    windows = context.app.Table("discovery-windows", partitions=context.settings.topics.partitions)
    states: dict[str, BrandTerms] = {}
    suggestions_topic = context.internal_topic(settings.topic)

    async def publish(suggestions: list[TermSuggestion]) -> None:
        items = [(item.id.encode(), item.model_dump_json().encode()) for item in suggestions]
        await context.publish(suggestions_topic, items, SUGGESTION_HEADERS)

    @context.app.agent(context.internal_topic(settings.by_brand_topic), name="discover-count")
    async def discover_count(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                observation = OBSERVATION.validate_json(event.message.value)
            except ValidationError as error:
                log.error("discover-count: unreadable observation skipped: %s", error)
                continue
            config = configs.get(observation.brand)
            if config is None:
                continue
            try:
                state = states.get(observation.brand)
                if state is None:
                    state = states[observation.brand] = BrandTerms(config, settings, windows)
                suggestions = state.observe(observation)
            except Exception:
                log.exception("discover-count: observation for %s not counted", observation.brand)
                continue
            if suggestions:
                for suggestion in suggestions:
                    log.debug(
                        "suggestion: %s %s %s %r score=%.1f count=%d",
                        suggestion.brand,
                        suggestion.kind,
                        suggestion.scope,
                        suggestion.term,
                        suggestion.score,
                        suggestion.count,
                    )
                await until_done("discover-count", lambda suggestions=suggestions: publish(suggestions))

    @context.app.on_partitions_revoked.connect
    async def forget_brands(app: faust.App, revoked: set, **kwargs: object) -> None:
        if revoked:
            states.clear()  # a brand that comes back reloads its stored windows


def _register_index(context: PipelineContext, settings: DiscoverySettings) -> None:
    search = context.settings.search
    client: AsyncElasticsearch = async_client(search)
    indexer = BulkIndexer(client, settings.index, search.retry_initial_seconds, search.retry_max_seconds)
    ready: list[bool] = []

    async def index(suggestions: list[TermSuggestion]) -> None:
        if not ready:
            await ensure_suggestions_index(client, settings.index)
            ready.append(True)
        outcome = await indexer.write(suggestions, lambda item, _now: suggestion_update(settings.index, item))
        for suggestion, reason in outcome.rejected:
            log.error("suggestions index: refused suggestion %s: %s", suggestion.id, reason)

    @context.app.agent(context.internal_topic(settings.topic), name="discover-index")
    async def discover_index(stream: faust.StreamT) -> None:
        async for events in stream.take_events(100, within=context.settings.worker.batch_seconds):
            suggestions = [item for item in (_suggestion(event.message.value) for event in events) if item]
            if suggestions:
                await until_done("discover-index", lambda suggestions=suggestions: index(suggestions))

    @context.app.on_before_shutdown.connect
    async def close_client(app: faust.App, **kwargs: object) -> None:
        await client.close()


def _suggestion(value: bytes) -> TermSuggestion | None:
    try:
        return TermSuggestion.model_validate_json(value)
    except ValidationError as error:
        log.error("discover-index: unreadable suggestion skipped: %s", error)
        return None
