"""Poison messages in a valid stream: each becomes a dead letter with its reason; the rest is indexed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer

from connectors.base import Malformed
from connectors.publisher import Publisher
from connectors.synthetic import generate_posts
from schemas.decode import InvalidPost, decode_raw_post
from schemas.dlq import MAX_KEPT_BYTES
from schemas.posts import MAX_TEXT_CHARS
from tests.reliability.harness import Pipeline, SteadyStream, running_pipelines, unique_posts

pytestmark = pytest.mark.stack

HUGE_BYTES = 400_000
"""A huge post whose dead letter (base64 plus text, about 2.3 times the size) still fits a Kafka message."""
LARGEST_ACCEPTED_BYTES = 1_000_000
"""A message the broker takes with its default limits (message.max.bytes is 1 MiB plus a little)."""


@pytest.fixture
def pipeline(isolated_stack: None, tmp_path: Path) -> Iterator[Pipeline]:
    yield from running_pipelines(tmp_path)


def post(post_id: str, **changes: Any) -> dict[str, Any]:
    """A valid RawPost document with ``changes`` applied (None deletes a field)."""
    document = next(iter(generate_posts(1, seed=51))).model_dump(mode="json")
    document["id"] = post_id
    for name, value in changes.items():
        if value is None:
            del document[name]
        else:
            document[name] = value
    return document


def encoded(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()


def poison() -> dict[str, bytes]:
    """Poison messages by key."""
    return {
        "p-invalid-utf8": encoded(post("p-invalid-utf8")).replace(b'"text": "', b'"text": "caf\xe9 '),
        "p-text-too-long": encoded(post("p-text-too-long", text="a" * (MAX_TEXT_CHARS + 1))),
        "p-huge": encoded(post("p-huge", text="storing " * (HUGE_BYTES // 8))),
        "p-nested": b'{"id": "p-nested", "text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "p-wrong-type": encoded(post("p-wrong-type", author={"id": "u1", "followers": "many"})),
        "p-wrong-date": encoded(post("p-wrong-date", created_at="yesterday")),
        "p-missing-text": encoded(post("p-missing-text", text=None)),
        "p-missing-id": encoded(post("p-missing-id", id=None)),
        "p-unknown-field": encoded(post("p-unknown-field", mood="grumpy")),
        "p-not-json": b"hello, this is not JSON",
        "p-not-object": b"[1, 2, 3]",
        "p-empty": b"",
    }


def reason_for(value: bytes) -> str:
    with pytest.raises(InvalidPost) as raised:
        decode_raw_post(value)
    return str(raised.value)


def test_poison_messages_end_in_the_dlq_with_their_reason_and_valid_posts_are_indexed(
    pipeline: Pipeline,
) -> None:
    valid = unique_posts(1200, seed=52)
    long_but_valid = post("p-long-but-valid", text="lang verhaal " * (19_000 // 13))
    bad = poison()
    pipeline.start_worker()
    producer = KafkaProducer(bootstrap_servers=pipeline.settings.kafka.bootstrap_servers, acks="all")
    raw = pipeline.settings.topics.raw
    with SteadyStream(pipeline.settings, valid, rate=200) as stream:
        for number, (key, value) in enumerate(bad.items()):
            stream.wait_sent(80 * (number + 1))
            producer.send(raw, key=key.encode() if number % 2 else None, value=value).get(timeout=60)
        producer.send(raw, key=b"p-long-but-valid", value=encoded(long_but_valid)).get(timeout=60)
    producer.close()

    report = pipeline.assert_exact(len(valid) + 1, dead_letters={"enrich": len(bad)})
    assert report.raw_messages == len(valid) + 1 + len(bad)
    # A large original is kept in part (its first MAX_KEPT_BYTES), with its whole size.
    dead = {record.original(): record for record in pipeline.dead_letters()}
    dead = {value: dead[value[:MAX_KEPT_BYTES]] for value in bad.values()}
    for value in bad.values():
        record = dead[value]
        assert record.original_size == len(value)
        assert record.original_truncated == (len(value) > MAX_KEPT_BYTES)
        assert record.reason == reason_for(value)
        assert record.stage == "enrich"
        assert record.source_topic == raw
    reasons = {key: dead[value].reason for key, value in bad.items()}
    assert reasons["p-invalid-utf8"].startswith("not valid UTF-8")
    assert reasons["p-nested"] == "not valid JSON: nested too deeply"
    assert reasons["p-huge"].startswith("not a valid RawPost: text: String should have at most 20000")
    assert "author.followers" in reasons["p-wrong-type"]
    assert "text: Field required" in reasons["p-missing-text"]
    assert "mood: Extra inputs are not permitted" in reasons["p-unknown-field"]


def test_a_post_larger_than_the_broker_takes_is_dead_lettered_with_its_size(pipeline: Pipeline) -> None:
    valid = unique_posts(20, seed=54)
    too_big = encoded(post("p-5mb", text="x" * 5_000_000))
    pipeline.start_worker()
    with Publisher(pipeline.settings.kafka.bootstrap_servers, pipeline.settings.topics.raw) as publisher:
        report = publisher.publish([*valid[:10], Malformed(too_big, "text too long", "test"), *valid[10:]])
    assert (report.posts, len(report.malformed)) == (20, 1)

    pipeline.assert_exact(len(valid), dead_letters={"enrich": 1}, timeout=120)
    [record] = pipeline.dead_letters()
    assert record.original() == too_big[:MAX_KEPT_BYTES]
    assert record.reason.startswith(f"{len(too_big):,} bytes: larger than a Kafka message may be")
    assert record.reason.endswith("; also: text too long")


STALLING = {
    "largest-accepted": encoded(post("p-1mb", text="storing " * (LARGEST_ACCEPTED_BYTES // 8 - 200))),
    "tombstone": None,
}


@pytest.mark.slow
@pytest.mark.parametrize("value", STALLING.values(), ids=STALLING.keys())
def test_a_message_that_cannot_be_dead_lettered_does_not_stop_the_stream(
    pipeline: Pipeline, value: bytes | None
) -> None:
    valid = unique_posts(100, seed=53)
    pipeline.start_worker()
    producer = KafkaProducer(bootstrap_servers=pipeline.settings.kafka.bootstrap_servers, acks="all")
    producer.send(pipeline.settings.topics.raw, key=b"p-stalling", value=value).get(timeout=60)
    producer.close()
    with SteadyStream(pipeline.settings, valid, rate=200):
        pass
    pipeline.assert_exact(len(valid), dead_letters={"enrich": 1}, timeout=60)
