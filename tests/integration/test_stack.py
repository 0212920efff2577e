"""Integration tests of pipeline.stack against the real local Kafka broker and OpenSearch node."""

from __future__ import annotations

import json
import signal
import socket
import urllib.request
import uuid
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer

from pipeline import stack

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def running_stack(real_stack: None) -> dict[str, dict[str, object]]:
    """The stack's status while it runs (the session fixture starts it and stops what it started)."""
    return stack.status()


def _first_message(topic: str) -> tuple[bytes | None, bytes]:
    """Key and value of the first record of ``topic`` (fails after 20 s without one)."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=stack.SERVICES["kafka"].address,
        auto_offset_reset="earliest",
        consumer_timeout_ms=20_000,
    )
    try:
        record = next(iter(consumer))
    finally:
        consumer.close()
    return record.key, record.value


def _http(method: str, path: str, body: dict[str, object] | None = None) -> dict[str, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{stack.SERVICES['opensearch'].address}{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.load(resp)


def test_status_reports_both_services_healthy(running_stack: dict[str, dict[str, object]]) -> None:
    for name in ("kafka", "opensearch"):
        report = running_stack[name]
        assert report["running"] and report["healthy"], report
        assert isinstance(report["pid"], int)
        assert Path(str(report["log"])).is_file()
    assert running_stack["kafka"]["address"] == "127.0.0.1:9092"
    assert running_stack["opensearch"]["address"] == "http://127.0.0.1:9200"


def test_second_up_is_a_noop(running_stack: dict[str, dict[str, object]]) -> None:
    before = {name: s["pid"] for name, s in stack.status().items()}
    messages: list[str] = []
    stack.up(progress=messages.append)
    after = {name: s["pid"] for name, s in stack.status().items()}
    assert after == before
    assert all("already running" in m for m in messages), messages


def test_kafka_produce_consume_round_trip(running_stack: dict[str, dict[str, object]]) -> None:
    topic = f"stack-test-{uuid.uuid4().hex[:8]}"
    producer = KafkaProducer(bootstrap_servers=stack.SERVICES["kafka"].address)
    producer.send(topic, key=b"k", value=b"hello").get(timeout=30)
    producer.close()
    assert _first_message(topic) == (b"k", b"hello")


def test_opensearch_index_and_get(running_stack: dict[str, dict[str, object]]) -> None:
    index = f"stack-test-{uuid.uuid4().hex[:8]}"
    try:
        created = _http("PUT", f"/{index}/_doc/1?refresh=true", {"text": "hallo webcare"})
        assert created["result"] == "created"
        assert _http("GET", f"/{index}/_doc/1")["_source"] == {"text": "hallo webcare"}
        assert _http("GET", f"/_cluster/health/{index}")["status"] == "green"
    finally:
        _http("DELETE", f"/{index}")


def test_port_taken_by_a_stranger_is_reported(
    running_stack: dict[str, dict[str, object]], tmp_path: Path
) -> None:
    with pytest.raises(stack.StackError, match="did not start"):
        stack.start("kafka", stack_dir=tmp_path, progress=lambda _: None)
    assert not (tmp_path / "jars").exists()


def test_killed_broker_restarts_with_its_data(running_stack: dict[str, dict[str, object]]) -> None:
    topic = f"stack-test-{uuid.uuid4().hex[:8]}"
    producer = KafkaProducer(bootstrap_servers=stack.SERVICES["kafka"].address)
    producer.send(topic, value=b"before-kill").get(timeout=30)
    producer.close()
    old_pid = stack.kill("kafka", signal.SIGKILL)
    assert old_pid is not None
    assert not stack.status()["kafka"]["running"]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9092), timeout=1).close()
    stack.start("kafka", progress=lambda _: None)
    assert stack.status()["kafka"]["pid"] not in (None, old_pid)
    assert _first_message(topic) == (None, b"before-kill")
