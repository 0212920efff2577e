"""The one Kafka publisher every connector shares (kafka-python, idempotent, acks=all, key = post id)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kafka import KafkaProducer

from connectors.base import Malformed
from schemas.posts import RAW_POST_SCHEMA_VERSION, RawPost

JSON_HEADERS = [
    ("content-type", b"application/json"),
    ("schema", b"webcare.raw-post"),
    ("schema-version", RAW_POST_SCHEMA_VERSION.encode()),
]
MALFORMED_HEADERS = [("content-type", b"application/octet-stream")]


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

    def publish(
        self,
        items: Iterable[RawPost | Malformed],
        on_item: Callable[[RawPost | Malformed], None] | None = None,
    ) -> PublishReport:
        """Send every item, wait until Kafka has acknowledged all of them, and report the counts."""
        report = PublishReport()
        for item in items:
            if isinstance(item, Malformed):
                self._send(None, item.data, MALFORMED_HEADERS)
                report.malformed.append(item)
            else:
                self._send(item.id.encode(), item.model_dump_json().encode(), JSON_HEADERS)
                report.posts += 1
            if on_item is not None:
                on_item(item)
        self.flush()
        return report

    def _send(self, key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]) -> None:
        future = self._producer.send(self.topic, key=key, value=value, headers=headers)
        future.add_errback(self._failures.append)

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
