"""Agents ``links``, ``links-fingerprints`` and ``links-posts``: dedupe and response times (docs/links.md).

- ``links`` reads enriched mentions and repartitions small link events: by post id (the post itself, and a
  brand reply under the id of the post it answers) and by text fingerprint (near-duplicate candidates).
- ``links-fingerprints`` keeps the near-duplicate groups per fingerprint (table ``links-fingerprints``)
  and sends each decided copy -> canonical link to the post-id topic.
- ``links-posts`` keeps each post's links (table ``links-posts``), follows duplicate chains to their root,
  and writes the facts (``duplicate_of``, ``repost_count``, ``first_response_at``) into the index.

Tables live in memory with a changelog topic; they use the key's partitioner, so a table key sits on the
same partition as the topic messages with that key, whichever worker owns it, also after a rebalance.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import timedelta
from typing import Any

import faust
from faust.types import EventT
from pydantic import ValidationError

from pipeline.context import Headers, PipelineContext, until_done
from pipeline.links.events import POST_EVENT, Attach, CopySeen, Keyed, PointTo, link_events
from pipeline.links.groups import Member, place
from pipeline.links.posts import PostLinks, step
from schemas.dlq import DlqRecord, Stage
from schemas.link_settings import LinkSettings, link_topics
from schemas.mentions import EnrichedMention
from sinks.bulk import BulkIndexer
from sinks.search_client import async_client
from sinks.updates import MentionFacts, apply_updates

log = logging.getLogger(__name__)

LINK_HEADERS: Headers = [("content-type", b"application/json"), ("schema", b"webcare.link")]


def register(context: PipelineContext) -> None:
    """Add the link agents to the app (none when links are disabled)."""
    settings = context.settings.links
    if not settings.enabled:
        return
    by_post_name, by_text_name = link_topics(settings, context.settings.topics.mentions)
    partitions = context.settings.topics.partitions

    def table(name: str) -> Any:
        return context.app.Table(
            name, key_type=bytes, value_type=bytes, partitions=partitions, use_partitioner=True
        )

    by_post, by_text = context.internal_topic(by_post_name), context.internal_topic(by_text_name)
    _register_split(context, settings, by_post, by_text)
    _register_fingerprints(context, settings, by_text, by_post, table("links-fingerprints"))
    _register_posts(context, by_post, table("links-posts"))


def _encode(items: list[Keyed]) -> list[tuple[bytes | None, bytes]]:
    return [(key.encode(), event.model_dump_json().encode()) for key, event in items]


def _register_split(
    context: PipelineContext, settings: LinkSettings, by_post: faust.TopicT, by_text: faust.TopicT
) -> None:
    handles = {handle for brand in context.settings.brands for handle in brand.handles}
    worker = context.settings.worker

    async def split(values: list[bytes]) -> None:
        keyed_by_post: list[Keyed] = []
        keyed_by_text: list[Keyed] = []
        for value in values:
            try:
                mention = EnrichedMention.model_validate_json(value)
            except ValidationError as error:
                log.warning("links: unreadable mention not linked: %s", error.errors()[0]["msg"])
                continue
            post_events, text_events = link_events(mention, handles, settings.min_words)
            keyed_by_post += post_events
            keyed_by_text += text_events
        await context.publish(by_post, _encode(keyed_by_post), LINK_HEADERS)
        await context.publish(by_text, _encode(keyed_by_text), LINK_HEADERS)

    @context.app.agent(context.topic(context.settings.topics.mentions), name="links")
    async def links(stream: faust.StreamT) -> None:
        async for events in stream.take_events(worker.batch_size, within=worker.batch_seconds):
            values = [event.message.value for event in events]
            await until_done("links", lambda values=values: split(values))


def _register_fingerprints(
    context: PipelineContext,
    settings: LinkSettings,
    by_text: faust.TopicT,
    by_post: faust.TopicT,
    groups: Any,
) -> None:
    horizon = timedelta(hours=settings.near_duplicate_hours)
    worker = context.settings.worker

    def decide(event: EventT) -> list[Keyed]:
        try:
            copy = CopySeen.model_validate_json(event.message.value)
        except ValidationError as error:
            log.error("links-fingerprints: unreadable link event skipped: %s", error)
            return []
        key = event.message.key
        stored = groups.get(key)
        canonicals: list[Member] = [tuple(member) for member in json.loads(stored)] if stored else []
        kept, decided = place(canonicals, (copy.created_at, copy.id), horizon)
        if kept != canonicals:
            groups[key] = json.dumps(kept).encode()
        return [
            (post_id, PointTo(id=post_id, created_at=created_at, to=canonical_id))
            for (created_at, post_id), (_, canonical_id) in decided
        ]

    async def handle(events: list[EventT]) -> None:
        # Table writes are inside the retried step too: they can fail (e.g. changelog metadata not known
        # yet), and deciding again is safe, since placing a copy that is already placed changes nothing.
        pointers = [pointer for event in events for pointer in decide(event)]
        await context.publish(by_post, _encode(pointers), LINK_HEADERS)

    @context.app.agent(by_text, name="links-fingerprints")
    async def links_fingerprints(stream: faust.StreamT) -> None:
        async for events in stream.take_events(worker.batch_size, within=worker.batch_seconds):
            await until_done("links-fingerprints", lambda events=list(events): handle(events))


def _register_posts(context: PipelineContext, by_post: faust.TopicT, posts: Any) -> None:
    search = context.settings.search
    client = async_client(search)
    indexer = BulkIndexer(client, search.index, search.retry_initial_seconds, search.retry_max_seconds)
    worker = context.settings.worker

    def apply(event: EventT) -> tuple[list[tuple[str, Attach]], list[MentionFacts]]:
        try:
            link = POST_EVENT.validate_json(event.message.value)
        except ValidationError as error:
            log.error("links-posts: unreadable link event skipped: %s", error)
            return [], []
        key = event.message.key
        stored = posts.get(key)
        state = PostLinks.model_validate_json(stored) if stored else None
        result = step(key.decode(), state, link)
        if result.state != state:
            posts[key] = result.state.model_dump_json().encode()
        return result.sends, result.facts

    async def handle(events: list[EventT]) -> None:
        # Applying is inside the retried step: a table write can fail, and applying again is safe
        # (members are a map, facts only move one way).
        sends: list[tuple[str, Attach]] = []
        facts: list[MentionFacts] = []
        for event in events:
            more_sends, more_facts = apply(event)
            sends += more_sends
            facts += more_facts
        await context.publish(by_post, _encode(sends), LINK_HEADERS)
        if facts:
            outcome = await apply_updates(indexer, facts)
            refused = [
                _refused_fact(fact, reason, by_post.get_topic_name()) for fact, reason in outcome.rejected
            ]
            if refused:
                await context.dead_letters(refused)

    @context.app.agent(by_post, name="links-posts")
    async def links_posts(stream: faust.StreamT) -> None:
        async for events in stream.take_events(worker.batch_size, within=worker.batch_seconds):
            await until_done("links-posts", lambda events=list(events): handle(events))

    @context.app.on_before_shutdown.connect
    async def close_search_client(app: faust.App, **kwargs: object) -> None:
        await client.close()


def _refused_fact(fact: MentionFacts, reason: str, topic: str) -> DlqRecord:
    """A dead letter for a fact the search engine refused: the fact as JSON, keyed by the post id."""
    original = json.dumps(dataclasses.asdict(fact), default=str, sort_keys=True).encode()
    return DlqRecord.for_message(
        Stage.links, f"fact refused by the search engine: {reason}", original, topic, fact.doc_id
    )
