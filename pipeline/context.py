"""What every agent module gets: the Faust app, the settings, the topics, and safe ways to publish."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field

import faust
from faust.types import EventT

from connectors.publisher import MALFORMED_REASON_HEADER
from pipeline.settings import Settings
from pipeline.stages import Message
from schemas.dlq import DLQ_SCHEMA_VERSION, DlqRecord

log = logging.getLogger(__name__)

Headers = list[tuple[str, bytes]]

DLQ_HEADERS: Headers = [
    ("content-type", b"application/json"),
    ("schema", b"webcare.dlq"),
    ("schema-version", DLQ_SCHEMA_VERSION.encode()),
]


def message_of(event: EventT) -> Message:
    """The Faust event as a plain Message (topic, partition, offset, key, value, timestamp, reason)."""
    raw = event.message
    headers = dict(raw.headers or ())
    reason = headers.get(MALFORMED_REASON_HEADER)
    reported = reason.decode("utf-8", errors="replace") if isinstance(reason, bytes) else reason
    value = raw.value if raw.value is not None else b""  # a tombstone: dead-lettered as empty
    return Message(raw.topic, raw.partition, raw.offset, raw.key, value, raw.timestamp, reported)


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


@dataclass
class PipelineContext:
    """Shared by the agent modules of one worker."""

    app: faust.App
    settings: Settings
    topic_names: set[str] = field(default_factory=set)

    def topic(self, name: str) -> faust.TopicT:
        """A raw-bytes topic with the configured partition count."""
        self.topic_names.add(name)
        return self.app.topic(
            name, key_type=bytes, value_type=bytes, partitions=self.settings.topics.partitions
        )

    def internal_topic(self, name: str) -> faust.TopicT:
        """A raw-bytes topic of the pipeline's own that Faust creates when it is missing, like a changelog."""
        self.topic_names.add(name)
        return self.app.topic(
            name, key_type=bytes, value_type=bytes, partitions=self.settings.topics.partitions, internal=True
        )

    async def publish(
        self, target: faust.TopicT, items: Iterable[tuple[bytes | None, bytes]], headers: Headers
    ) -> None:
        """Send and wait until Kafka acknowledged every message (call before the batch is acknowledged)."""
        pending = [await target.send(key=key, value=value, headers=headers) for key, value in items]
        await asyncio.gather(*pending)

    async def dead_letters(self, records: Sequence[DlqRecord]) -> None:
        """Log and publish dead letters to the DLQ topic."""
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
        await self.publish(self.topic(self.settings.topics.dlq), keyed, DLQ_HEADERS)
