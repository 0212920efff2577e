"""The one Kafka publisher every connector shares (kafka-python, idempotent, acks=all, key = post id)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from kafka import KafkaProducer
from kafka.producer.future import FutureRecordMetadata as Ack

from connectors.base import Malformed
from schemas.dlq import MAX_KEPT_BYTES
from schemas.posts import RAW_POST_SCHEMA_VERSION, RawPost

JSON_HEADERS = [
    ("content-type", b"application/json"),
    ("schema", b"webcare.raw-post"),
    ("schema-version", RAW_POST_SCHEMA_VERSION.encode()),
]
MALFORMED_HEADERS = [("content-type", b"application/octet-stream")]
MALFORMED_REASON_HEADER = "webcare-malformed-reason"
MALFORMED_LOCATION_HEADER = "webcare-malformed-location"
_HEADER_LIMIT = 1024
_ENVELOPE_BYTES = 16 * 1024
"""Room left in a Kafka request for the key, the headers and the record batch around a message."""


class PublishError(RuntimeError):
    """Kafka did not accept some of the messages; the message says how many and why."""


@dataclass
class PublishReport:
    """What one publishing run sent."""

    posts: int = 0
    malformed: list[Malformed] = field(default_factory=list)


class Publisher:
    """Sends RawPosts to the raw topic; malformed input goes there too, as is, so the stream can DLQ it."""

    def __init__(self, bootstrap_servers: str, topic: str, **producer_options: object) -> None:
        self.topic = topic
        self._failures: list[BaseException] = []
        self._producer = KafkaProducer(
            bootstrap_servers=bootstrap_servers,
            acks="all",
            enable_idempotence=True,
            linger_ms=20,
            batch_size=256 * 1024,
            client_id="webcare-publisher",
            **producer_options,
        )
        self._max_value_bytes = self._producer.config["max_request_size"] - _ENVELOPE_BYTES

    def publish(
        self,
        items: Iterable[RawPost | Malformed],
        on_item: Callable[[RawPost | Malformed], None] | None = None,
    ) -> PublishReport:
        """Send every item, wait until Kafka has acknowledged all of them, and report the counts."""
        report = PublishReport()
        for item in items:
            self.send(item, report)
            if on_item is not None:
                on_item(item)
        self.flush()
        return report

    def send(self, item: RawPost | Malformed, report: PublishReport | None = None) -> Ack:
        """Queue one item (no wait); ``flush`` waits for Kafka. Malformed bytes go as they are, with the
        connector's reason and location in headers."""
        if isinstance(item, Malformed):
            headers = [
                *MALFORMED_HEADERS,
                (MALFORMED_REASON_HEADER, item.reason.encode()[:_HEADER_LIMIT]),
                (MALFORMED_LOCATION_HEADER, item.location.encode()[:_HEADER_LIMIT]),
            ]
            future = self._send(None, item.data, headers)
            if report is not None:
                report.malformed.append(item)
        else:
            future = self._send(item.id.encode(), item.model_dump_json().encode(), JSON_HEADERS)
            if report is not None:
                report.posts += 1
        return future

    def _send(self, key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]) -> Ack:
        if len(value) > self._max_value_bytes:
            value, headers = _oversized(value, headers, self._max_value_bytes)
        future = self._producer.send(self.topic, key=key, value=value, headers=headers)
        future.add_errback(self._failures.append)
        return future

    def flush(self) -> None:
        """Block until everything sent is acknowledged; raise PublishError if anything failed."""
        self._producer.flush()
        if self._failures:
            first = self._failures[0]
            count = len(self._failures)
            self._failures.clear()
            raise PublishError(f"{count} message(s) were not accepted by Kafka; first error: {first!r}")

    def close(self) -> None:
        """Flush and close the producer."""
        try:
            self.flush()
        finally:
            self._producer.close()

    def __enter__(self) -> Publisher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _oversized(
    value: bytes, headers: list[tuple[str, bytes]], limit: int
) -> tuple[bytes, list[tuple[str, bytes]]]:
    """What goes to Kafka instead of an item too large for a message: its first bytes, marked malformed
    with the reason, so the stream dead-letters it (Kafka would refuse the whole item and stop the run)."""
    given = dict(headers)
    location = given.get(MALFORMED_LOCATION_HEADER, b"")
    reason = (
        f"{len(value):,} bytes: larger than a Kafka message may be ({limit:,} bytes); "
        f"its first {MAX_KEPT_BYTES:,} bytes are kept"
    ).encode()
    if MALFORMED_REASON_HEADER in given:
        reason += b"; also: " + given[MALFORMED_REASON_HEADER]
    marked = [
        *MALFORMED_HEADERS,
        (MALFORMED_REASON_HEADER, reason[:_HEADER_LIMIT]),
        (MALFORMED_LOCATION_HEADER, location),
    ]
    return value[:MAX_KEPT_BYTES], marked


class Backpressure(RuntimeError):
    """Too many posts are waiting for Kafka; the caller should retry later (HTTP 429)."""


class AsyncPublisher:
    """The publisher seen from asyncio (the webhook server): ``publish`` returns once Kafka acknowledged.

    Sending and waiting run in a small thread pool, so the event loop never blocks on Kafka. At most
    ``max_in_flight`` items wait for Kafka at once; beyond that ``publish`` raises Backpressure at once.
    """

    def __init__(self, publisher: Publisher, max_in_flight: int = 10_000, ack_timeout: float = 30.0) -> None:
        self.publisher = publisher
        self.max_in_flight = max_in_flight
        self.ack_timeout = ack_timeout
        self.in_flight = 0
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webcare-publish")

    async def publish(self, items: Sequence[RawPost | Malformed]) -> None:
        """Send ``items`` and wait for Kafka's acknowledgement; raise Backpressure when too much waits."""
        if not items:
            return
        if self.in_flight + len(items) > self.max_in_flight:
            raise Backpressure(f"{self.in_flight} posts are waiting for Kafka (limit {self.max_in_flight})")
        self.in_flight += len(items)
        try:
            await asyncio.get_running_loop().run_in_executor(self._pool, self._send_and_wait, items)
        finally:
            self.in_flight -= len(items)

    def _send_and_wait(self, items: Sequence[RawPost | Malformed]) -> None:
        futures = [self.publisher.send(item) for item in items]
        try:
            for future in futures:
                future.get(timeout=self.ack_timeout)
        except Exception as error:
            raise PublishError(f"Kafka did not accept {len(items)} message(s): {error!r}") from error

    def close(self) -> None:
        """Stop the thread pool (the Publisher is closed by its owner)."""
        self._pool.shutdown(wait=True)
