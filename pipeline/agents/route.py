"""Agent ``route``: enriched mentions with a team go to that team's topic, ``<rules.topic_prefix><team>``.

Ticketing systems subscribe to their team's topic. The message is the mention as published on the mentions
topic (same key, bytes and headers). The per-team topics are created on first use with the configured
partition count (``webcare setup`` may create them beforehand). A mention that cannot be read is skipped
here: the ``index`` agent dead-letters it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import faust
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from pipeline.agents.enrich import MENTION_HEADERS
from pipeline.context import PipelineContext, message_of, until_done
from pipeline.kafka_security import kafka_admin
from pipeline.settings import Settings
from pipeline.stages import Message


def team_of(value: bytes) -> str | None:
    """The team a mention message is routed to; None when none, or when the message is unreadable."""
    try:
        routing = json.loads(value).get("routing") or {}
    except (ValueError, AttributeError):
        return None
    team = routing.get("team") if isinstance(routing, dict) else None
    return team if isinstance(team, str) and team else None


def ensure_topics(settings: Settings, names: list[str]) -> None:
    """Create those of ``names`` that do not exist yet (blocking; run it in a thread)."""
    topics = settings.topics
    admin = kafka_admin(settings.kafka, "webcare-route")
    try:
        existing = set(admin.list_topics())
        missing = [name for name in names if name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(
                    [NewTopic(name, topics.partitions, topics.replication_factor) for name in missing],
                    wait_for_metadata=True,
                )
    finally:
        admin.close()


def register(context: PipelineContext) -> None:
    """Add the route agent to the app."""
    settings = context.settings
    worker = settings.worker
    rules = settings.rules
    targets: dict[str, faust.TopicT] = {}

    async def route(messages: list[Message]) -> None:
        by_topic: dict[str, list[tuple[bytes | None, bytes]]] = {}
        for message in messages:
            team = team_of(message.value)
            if team is not None:
                by_topic.setdefault(rules.topic_for(team), []).append((message.key, message.value))
        new = [name for name in by_topic if name not in targets]
        if new:
            await asyncio.to_thread(ensure_topics, settings, new)
            targets.update((name, context.topic(name)) for name in new)
        for name, items in by_topic.items():
            await context.publish(targets[name], items, MENTION_HEADERS)

    @context.app.agent(context.topic(settings.topics.mentions), name="route")
    async def route_mentions(stream: faust.StreamT) -> None:
        async for events in stream.take_events(worker.batch_size, within=worker.batch_seconds):
            messages = [message_of(event) for event in events]
            await until_done("route", lambda messages=messages: route(messages))
