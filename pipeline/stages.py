"""What the worker's agents do with one batch, free of Faust so it can be tested without Kafka."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from enrichers.enrichment import Enrichment
from schemas.decode import InvalidPost, decode_raw_post
from schemas.dlq import DlqRecord, Stage
from schemas.posts import RawPost
from sinks.bulk import IndexRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Message:
    """One Kafka message as an agent received it."""

    topic: str
    partition: int | None
    offset: int | None
    key: bytes | None
    value: bytes
    timestamp: float | None = None
    reported_reason: str | None = None
    """Why the connector could not parse it, when it said so (header ``webcare-malformed-reason``)."""

    def received_at(self) -> datetime | None:
        """The message's Kafka timestamp as an aware datetime."""
        return datetime.fromtimestamp(self.timestamp, UTC) if self.timestamp else None

    def dead_letter(self, stage: Stage, reason: str) -> DlqRecord:
        """A DLQ record for this message."""
        return DlqRecord.for_message(
            stage, reason, self.value, self.topic, key=self.key, partition=self.partition, offset=self.offset
        )


@dataclass
class EnrichResult:
    """Mentions to publish (key, JSON bytes) and dead letters."""

    mentions: list[tuple[bytes, bytes]] = field(default_factory=list)
    dead: list[DlqRecord] = field(default_factory=list)


def enrich_batch(enrichment: Enrichment, messages: Sequence[Message]) -> EnrichResult:
    """Decode and enrich a batch; each message becomes a mention or a dead letter."""
    result = EnrichResult()
    posts: list[RawPost] = []
    arrivals: list[datetime | None] = []
    for message in messages:
        try:
            posts.append(decode_raw_post(message.value))
        except InvalidPost as error:
            result.dead.append(message.dead_letter(Stage.enrich, message.reported_reason or str(error)))
            continue
        arrivals.append(message.received_at())
    try:
        mentions = enrichment.enrich(posts, arrivals)
    except Exception:
        log.exception("enrichment failed for a batch of %d posts; enriching them one by one", len(posts))
        return _enrich_one_by_one(enrichment, messages)
    result.mentions.extend((mention.id.encode(), mention.model_dump_json().encode()) for mention in mentions)
    return result


def _enrich_one_by_one(enrichment: Enrichment, messages: Sequence[Message]) -> EnrichResult:
    """The slow path after a batch failed: a post the enrichers cannot handle becomes a dead letter."""
    result = EnrichResult()
    for message in messages:
        try:
            [mention] = enrichment.enrich([decode_raw_post(message.value)], [message.received_at()])
        except InvalidPost as error:
            result.dead.append(message.dead_letter(Stage.enrich, str(error)))
        except Exception as error:
            result.dead.append(message.dead_letter(Stage.enrich, f"enrichment failed: {error!r}"))
        else:
            result.mentions.append((mention.id.encode(), mention.model_dump_json().encode()))
    return result


@dataclass
class IndexBatch:
    """Documents to index, and mentions that cannot even be read."""

    requests: list[IndexRequest] = field(default_factory=list)
    dead: list[DlqRecord] = field(default_factory=list)


def index_requests(messages: Sequence[Message]) -> IndexBatch:
    """Turn mention messages into index requests keyed by mention id."""
    batch = IndexBatch()
    for message in messages:
        try:
            document = json.loads(message.value)
            doc_id = document["id"]
        except (ValueError, TypeError, KeyError) as error:
            batch.dead.append(message.dead_letter(Stage.index, f"not a readable mention: {error!r}"))
            continue
        batch.requests.append(IndexRequest(doc_id=doc_id, document=document, context=message))
    return batch
