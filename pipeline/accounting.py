"""Counting messages and consumer lag, so that 'nothing lost' can be checked, not assumed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.admin import OffsetSpec
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import CoordinatorLoadInProgressError, CoordinatorNotAvailableError, NotCoordinatorError

# What a freshly started broker answers before it coordinates consumer groups: retried until the deadline.
_NO_COORDINATOR_YET = (CoordinatorNotAvailableError, CoordinatorLoadInProgressError, NotCoordinatorError)


@dataclass(frozen=True, slots=True)
class TopicCounts:
    """Messages currently held by a topic, and how many of them a consumer group has not yet done."""

    messages: int
    lag: int


class KafkaAccounting:
    """Offsets and lag of the pipeline's topics, read through the admin API.

    ``client_options``: kafka-python security kwargs (``pipeline.kafka_security.kafka_python_options``).
    """

    def __init__(self, bootstrap_servers: str, **client_options: Any) -> None:
        self._admin = KafkaAdminClient(
            bootstrap_servers=bootstrap_servers, client_id="webcare-accounting", **client_options
        )

    def close(self) -> None:
        """Close the admin connection."""
        self._admin.close()

    def __enter__(self) -> KafkaAccounting:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _partitions(self, topic: str) -> list[TopicPartition]:
        described = self._admin.describe_topics([topic])
        return [TopicPartition(topic, p["partition_index"]) for p in described[0]["partitions"]]

    def _offsets(self, partitions: list[TopicPartition], spec: OffsetSpec) -> dict[TopicPartition, int]:
        found = self._admin.list_partition_offsets({partition: spec for partition in partitions})
        return {partition: result.offset for partition, result in found.items()}

    def counts(self, topic: str, group: str | None = None) -> TopicCounts:
        """Messages in ``topic`` and, when ``group`` is given, that group's total lag on it."""
        partitions = self._partitions(topic)
        latest = self._offsets(partitions, OffsetSpec.LATEST)
        earliest = self._offsets(partitions, OffsetSpec.EARLIEST)
        messages = sum(latest[p] - earliest[p] for p in partitions)
        if group is None:
            return TopicCounts(messages, 0)
        _, lag = self._group_progress(partitions, group, earliest, latest)
        return TopicCounts(messages, sum(lag.values()))

    def partition_lag(self, topic: str, group: str) -> dict[int, int]:
        """``group``'s lag on each partition of ``topic``."""
        _, lag = self.group_progress(self._partitions(topic), group)
        return {partition.partition: behind for partition, behind in lag.items()}

    def group_progress(
        self, partitions: list[TopicPartition], group: str
    ) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
        """``group``'s position on each partition (its committed offset, or the earliest offset when it
        committed none) and its lag there (the end offset minus that position)."""
        earliest = self._offsets(partitions, OffsetSpec.EARLIEST)
        latest = self._offsets(partitions, OffsetSpec.LATEST)
        return self._group_progress(partitions, group, earliest, latest)

    def _group_progress(
        self,
        partitions: list[TopicPartition],
        group: str,
        earliest: dict[TopicPartition, int],
        latest: dict[TopicPartition, int],
    ) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
        committed = self._admin.list_group_offsets({group: partitions}).get(group, {})
        positions, lag = {}, {}
        for partition in partitions:
            done = committed.get(partition)
            positions[partition] = (
                done.offset if done is not None and done.offset >= 0 else earliest[partition]
            )
            lag[partition] = max(0, latest[partition] - positions[partition])
        return positions, lag

    def assignments(self, group: str) -> dict[str, dict[str, list[int]]]:
        """Each member of ``group`` (by member id) with the partitions it holds, per topic."""
        described = self._admin.describe_groups([group]).get(group, {})
        members = {}
        for member in described.get("members", []):
            assignment = member.get("member_assignment") or {}
            held = assignment.get("assigned_partitions", [])
            members[member["member_id"]] = {item["topic"]: sorted(item["partitions"]) for item in held}
        return members

    def wait_until_consumed(
        self,
        topics: Iterable[str],
        group: str,
        timeout: float,
        progress: Callable[[dict[str, TopicCounts]], None] | None = None,
        poll_seconds: float = 1.0,
    ) -> dict[str, TopicCounts]:
        """Wait until ``group`` has no lag on any of ``topics``; raise TimeoutError with the lag if not."""
        deadline = time.monotonic() + timeout
        topics = list(topics)
        while True:
            try:
                counts = {topic: self.counts(topic, group) for topic in topics}
            except _NO_COORDINATOR_YET as error:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no group coordinator for {group!r}: {error}") from None
                time.sleep(poll_seconds)
                continue
            if progress is not None:
                progress(counts)
            if all(count.lag == 0 for count in counts.values()):
                return counts
            if time.monotonic() > deadline:
                lag = ", ".join(f"{topic}: {count.lag}" for topic, count in counts.items())
                raise TimeoutError(f"consumer group {group!r} still has lag after {timeout:.0f}s ({lag})")
            time.sleep(poll_seconds)


def read_topic(
    bootstrap_servers: str, topic: str, poll_ms: int = 1_000, **client_options: Any
) -> Iterator[ConsumerRecord]:
    """Every message of ``topic``, from the beginning to the end it had when reading started.

    No consumer group is used and no offset is committed: reading changes nothing.
    """
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False, **client_options)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        while any(consumer.position(p) < end[p] for p in partitions):
            for batch in consumer.poll(timeout_ms=poll_ms).values():
                yield from (
                    record for record in batch if record.offset < end[TopicPartition(topic, record.partition)]
                )
    finally:
        consumer.close()
