"""``webcare audit``: is every post that entered accounted for?

It reads the raw, mentions and DLQ topics and the ids in the index, and checks, by id:
- every raw message became a mention or a dead letter of the enrich stage (by count, since malformed
  messages have no id; and by id for every keyed message);
- every mention id is a document in the index, or a dead letter of the index stage.
Messages the worker has not processed yet (consumer lag) are reported as in flight, not as lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from elasticsearch import Elasticsearch

from pipeline.kafka_security import kafka_accounting, kafka_records
from pipeline.settings import Settings
from schemas.dlq import DlqRecord, Stage

SHOWN_IDS = 20


@dataclass
class AuditReport:
    """The counts of one audit, and what does not add up."""

    raw_messages: int = 0
    mentions_messages: int = 0
    distinct_mentions: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)
    indexed_documents: int = 0
    in_flight: int = 0
    missing_from_enrich: list[str] = field(default_factory=list)
    unkeyed_without_dead_letter: int = 0
    missing_from_index: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when nothing is missing (messages in flight are not missing, but make it incomplete)."""
        return not (
            self.in_flight
            or self.missing_from_enrich
            or self.unkeyed_without_dead_letter
            or self.missing_from_index
        )

    def lines(self) -> list[str]:
        """A readable report."""
        dead = ", ".join(f"{stage}: {count}" for stage, count in sorted(self.dead_letters.items()))
        lines = [
            f"raw messages:          {self.raw_messages}",
            f"mention messages:      {self.mentions_messages} ({self.distinct_mentions} distinct ids)",
            f"dead letters:          {sum(self.dead_letters.values())} ({dead or 'none'})",
            f"indexed documents:     {self.indexed_documents}",
            f"in flight (lag):       {self.in_flight}",
        ]
        for label, ids in (
            ("raw posts with neither a mention nor a dead letter", self.missing_from_enrich),
            ("mentions neither indexed nor dead-lettered", self.missing_from_index),
        ):
            if ids:
                shown = ", ".join(ids[:SHOWN_IDS]) + (" ..." if len(ids) > SHOWN_IDS else "")
                lines.append(f"GAP: {len(ids)} {label}: {shown}")
        if self.unkeyed_without_dead_letter:
            lines.append(
                f"GAP: {self.unkeyed_without_dead_letter} malformed raw messages without a dead letter"
            )
        lines.append("complete: every post is accounted for" if self.complete else "NOT complete")
        return lines


def _indexed_ids(client: Elasticsearch, index: str) -> set[str]:
    client.indices.refresh(index=index)
    ids: set[str] = set()
    cursor = None
    while True:
        response = client.search(
            index=index,
            size=10_000,
            source=False,
            sort=[{"id": "asc"}],
            search_after=cursor,
            query={"match_all": {}},
        )
        hits = response["hits"]["hits"]
        if not hits:
            return ids
        ids.update(hit["_id"] for hit in hits)
        cursor = hits[-1]["sort"]


def run_audit(
    settings: Settings, client: Elasticsearch, progress: Callable[[str], None] = print
) -> AuditReport:
    """Read everything and compare; see the module docstring."""
    topics = settings.topics
    report = AuditReport()
    with kafka_accounting(settings.kafka) as kafka_counts:
        report.in_flight = sum(
            kafka_counts.counts(topic, settings.worker.app_id).lag for topic in (topics.raw, topics.mentions)
        )
    progress(f"reading {topics.raw}")
    raw_keys: set[str] = set()
    unkeyed = 0
    for record in kafka_records(settings.kafka, topics.raw):
        report.raw_messages += 1
        if record.key is None:
            unkeyed += 1
        else:
            raw_keys.add(record.key.decode("utf-8", errors="replace"))
    progress(f"reading {topics.mentions}")
    mention_ids: set[str] = set()
    for record in kafka_records(settings.kafka, topics.mentions):
        report.mentions_messages += 1
        mention_ids.add(record.key.decode("utf-8", errors="replace"))
    report.distinct_mentions = len(mention_ids)
    progress(f"reading {topics.dlq}")
    dead_keys: dict[Stage, set[str]] = {stage: set() for stage in Stage}
    dead_unkeyed = 0
    for record in kafka_records(settings.kafka, topics.dlq):
        dead = DlqRecord.model_validate_json(record.value)
        report.dead_letters[dead.stage.value] = report.dead_letters.get(dead.stage.value, 0) + 1
        if dead.key is None:
            dead_unkeyed += dead.stage == Stage.enrich
        else:
            dead_keys[dead.stage].add(dead.key)
    progress(f"reading the ids in {settings.search.index}")
    indexed = _indexed_ids(client, settings.search.index)
    report.indexed_documents = len(indexed)
    report.missing_from_enrich = sorted(raw_keys - mention_ids - dead_keys[Stage.enrich])
    report.unkeyed_without_dead_letter = max(0, unkeyed - dead_unkeyed)
    report.missing_from_index = sorted(mention_ids - indexed - dead_keys[Stage.index])
    return report
