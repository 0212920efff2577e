"""The worker's producer keeps the metadata of every topic the worker writes, from the first rebalance on.

This works around an aiokafka race (aiokafka 0.14) that stalls the producer and with it every offset commit.
While an aiokafka client tracks no topic, a metadata refresh fetches *all* topics, and Faust forces such a
refresh after it creates a topic. A send to a topic found that way does not start tracking it. Once any
other topic is tracked, refreshes ask for the tracked topics only; the untracked topic drops out of the
metadata, its partitions have no leader, and a batch for it waits until the request timeout (20 minutes in
Faust). Faust flushes the producer before it commits offsets, so nothing is committed meanwhile.
``tests/integration/test_producer_topics.py`` shows the race, and the cure, on the real broker.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import faust
from aiokafka import AIOKafkaClient

from pipeline.context import PipelineContext
from pipeline.topics import pipeline_topics

log = logging.getLogger(__name__)


def written_topics(context: PipelineContext) -> set[str]:
    """The pipeline's topics (with the DLQ and the team topics), every topic the agents declared, and every
    table's changelog topic."""
    pipeline = {topic.name for topic in pipeline_topics(context.settings)}
    changelogs = {table.changelog_topic.get_topic_name() for table in context.app.tables.values()}
    return pipeline | context.topic_names | changelogs


def track_topics(client: AIOKafkaClient, topics: Iterable[str]) -> None:
    """Make ``client`` keep the metadata of ``topics`` (added to the topics it already tracks)."""
    for topic in sorted(topics):
        client.add_topic(topic)


def register(context: PipelineContext) -> None:
    """Track the worker's topics on every assignment, before any event of it is processed."""

    @context.app.on_partitions_assigned.connect
    async def track_written_topics(app: faust.App, assigned: set, **kwargs: object) -> None:
        producer = getattr(app.producer, "_producer", None)  # Faust keeps the aiokafka producer private
        if producer is None:
            log.warning("producer topics: no aiokafka producer to track topics on")
            return
        track_topics(producer.client, written_topics(context))
