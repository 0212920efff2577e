"""The aiokafka race behind pipeline/producer_topics.py, on the real broker: a producer forgets a topic it
found in a full metadata fetch, and a batch for it waits; tracking the topic keeps it sent."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from pipeline.producer_topics import track_topics
from pipeline.settings import Settings

pytestmark = pytest.mark.stack

FLUSH_SECONDS = 8.0
REQUEST_TIMEOUT_MS = 15_000  # an unsent batch expires then, so the producer can stop


def _new_topic(admin: KafkaAdminClient) -> str:
    name = f"test-producer-topics-{uuid.uuid4().hex[:8]}"
    admin.create_topics([NewTopic(name, num_partitions=2, replication_factor=1)])
    return name


async def _flushed(bootstrap: str, track: bool) -> bool:
    """Send to an existing topic found by a full metadata fetch (as Faust forces one after creating a
    topic), then to a topic created afterwards; True when the first message is sent within the time."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    first = _new_topic(admin)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, linger_ms=500, request_timeout_ms=REQUEST_TIMEOUT_MS
    )
    await producer.start()
    try:
        await producer.client.force_metadata_update()  # a full fetch: ``first`` is known, not tracked
        if track:
            track_topics(producer.client, [first])
        sent = await producer.send(first, b"first", partition=1)  # waits for its linger
        second = _new_topic(admin)
        await producer.send_and_wait(second, b"second")  # tracks ``second``: untracked topics drop out
        try:
            await asyncio.wait_for(asyncio.shield(sent), FLUSH_SECONDS)
        except TimeoutError:
            return False
        return True
    finally:
        await producer.stop()
        admin.close()


@pytest.fixture
def bootstrap(real_stack: None) -> str:
    return Settings().kafka.bootstrap_servers


def test_aiokafka_forgets_a_topic_found_by_a_full_fetch_and_its_batch_waits(bootstrap: str) -> None:
    """If this fails, aiokafka fixed the race and pipeline/producer_topics.py can go."""
    assert asyncio.run(_flushed(bootstrap, track=False)) is False


def test_a_tracked_topic_keeps_its_metadata_and_its_batch_is_sent(bootstrap: str) -> None:
    assert asyncio.run(_flushed(bootstrap, track=True)) is True
