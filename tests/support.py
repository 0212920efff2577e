"""Shared by the integration tests and the benchmarks: the local stack, isolated pipelines, and probes."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from prometheus_client.parser import text_string_to_metric_families

from connectors.publisher import PublishReport
from pipeline import stack
from pipeline.accounting import TopicCounts
from pipeline.kafka_security import kafka_accounting, kafka_records
from pipeline.replay import replay_jsonl
from pipeline.settings import Settings, load_settings
from pipeline.setup import run_setup
from pipeline.worker_process import start_worker, stop_worker, worker_log, worker_pid
from schemas.dlq import DlqRecord
from sinks.search_client import sync_client

SAMPLE_CONFIG = Path(__file__).resolve().parents[1] / "samples" / "webcare.yaml"


@contextlib.contextmanager
def local_stack() -> Iterator[None]:
    """The real Kafka broker and OpenSearch node: started if needed, and then only those stopped again."""
    started = [name for name, info in stack.status().items() if not info.get("healthy")]
    stack.up(progress=print)
    _wait_for_group_coordinator(stack.status()["kafka"]["address"])
    try:
        yield
    finally:
        for name in started:
            stack.stop(name)


def _wait_for_group_coordinator(bootstrap_servers: str, timeout: float = 60.0) -> None:
    """Join and commit in a consumer group once, so a freshly formatted broker has its offsets topic
    (the first group otherwise waits for it, and a worker's first seconds go to that)."""
    from kafka import KafkaConsumer, KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap_servers)
    producer.send("webcare-test-warmup", b"warm-up").get(timeout=timeout)
    producer.close()
    consumer = KafkaConsumer(
        "webcare-test-warmup",
        bootstrap_servers=bootstrap_servers,
        group_id="webcare-test-warmup",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    try:
        deadline = time.monotonic() + timeout
        while not consumer.poll(timeout_ms=1_000) and time.monotonic() < deadline:
            pass
        consumer.commit()
    finally:
        consumer.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def isolated_config(directory: Path, partitions: int = 3, **overrides: Any) -> Path:
    """A config file with topics, index and consumer group of its own, and the sample brands."""
    suffix = uuid.uuid4().hex[:8]
    brands = yaml.safe_load(SAMPLE_CONFIG.read_text(encoding="utf-8"))["brands"]
    config = {
        "topics": {
            "raw": f"test-{suffix}.raw",
            "mentions": f"test-{suffix}.mentions",
            "dlq": f"test-{suffix}.dlq",
            "partitions": partitions,
        },
        "search": {"index": f"webcare-mentions-test-{suffix}"},
        "alerts": {
            "topic": f"test-{suffix}.alerts",
            "by_brand_topic": f"test-{suffix}.alert-observations",
            "index": f"webcare-alerts-test-{suffix}",
        },
        "discovery": {
            "topic": f"test-{suffix}.term-suggestions",
            "by_brand_topic": f"test-{suffix}.discovery-observations",
            "index": f"webcare-suggestions-test-{suffix}",
        },
        "worker": {
            "app_id": f"webcare-test-{suffix}",
            "web_port": free_port(),
            "data_dir": str(directory / "worker"),
            "batch_seconds": 0.2,
        },
        "brands": brands,
        **overrides,
    }
    path = directory / "webcare.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


@contextlib.contextmanager
def running_pipeline(config: Path) -> Iterator[PipelineProbe]:
    """Set up topics and index for ``config``, run a worker on it, and stop the worker afterwards."""
    settings = load_settings(config)
    run_setup(settings, echo=lambda _line: None)
    name = f"worker-{settings.worker.app_id}"
    start_worker(config, settings.worker.web_port, name=name)
    probe = PipelineProbe(settings, worker_name=name)
    try:
        yield probe
    finally:
        stop_worker(name=name)
        probe.close()
        print(f"worker log: {worker_log(name=name)}")


class PipelineProbe:
    """Drives one isolated pipeline and reads its outputs."""

    def __init__(self, settings: Settings, worker_name: str | None = None) -> None:
        self.settings = settings
        self.worker_name = worker_name
        self.search = sync_client(settings.search)
        self.accounting = kafka_accounting(settings.kafka)

    def close(self) -> None:
        self.accounting.close()
        self.search.close()

    def replay(self, path: Path) -> PublishReport:
        return replay_jsonl(self.settings, path)

    def wait_until_processed(self, timeout: float = 180.0) -> dict[str, TopicCounts]:
        topics = self.settings.topics
        try:
            return self.accounting.wait_until_consumed(
                [topics.raw, topics.mentions], self.settings.worker.app_id, timeout, poll_seconds=0.5
            )
        except TimeoutError as error:
            diagnosis = self.diagnosis()  # before the task dumps, which the workers log as warnings
            self.show_worker_tasks()
            raise TimeoutError(f"{error}\n{diagnosis}") from None

    def worker_names(self) -> list[str]:
        """This pipeline's workers (the first, and any ``extra_worker``), by their log files."""
        if self.worker_name is None:
            return []
        logs = worker_log(name=self.worker_name).parent.glob(f"{self.worker_name}*.log")
        return sorted(log.stem for log in logs)

    def diagnosis(self) -> str:
        """What a stalled pipeline looks like, short enough for a failure message: the raw partitions
        that still lag with the member holding each, and each worker's last warnings and errors."""
        group, raw = self.settings.worker.app_id, self.settings.topics.raw
        lines = []
        try:
            owners = {
                partition: member[-8:]
                for member, topics in self.accounting.assignments(group).items()
                for partition in topics.get(raw, [])
            }
            lagging = {p: lag for p, lag in self.accounting.partition_lag(raw, group).items() if lag}
            lines.append(
                "raw partitions lagging (partition: lag @member): "
                + ", ".join(f"{p}: {lag} @{owners.get(p, 'none')}" for p, lag in sorted(lagging.items()))
            )
        except Exception as error:  # a diagnosis must not hide the failure it explains
            lines.append(f"partition lag unavailable: {error!r}")
        for name in self.worker_names():
            log = worker_log(name=name).read_text(errors="replace").splitlines()
            complaints = [line[:240] for line in log if "[WARNING]" in line or "[ERROR]" in line]
            complaints = [line for line in complaints if "producer buffer full" not in line]
            lines.append(f"{name}: {len(complaints)} warnings/errors; last ones:")
            lines.extend(f"  {line}" for line in complaints[-8:])
        return "\n".join(lines)

    def show_worker_tasks(self) -> None:
        """Ask each worker to log every asyncio task's stack (SIGUSR1, see mode's Worker) and print those
        stacks without their local variables, so a stuck worker in CI shows where it waits."""
        for name in self.worker_names():
            pid = worker_pid(name=name)
            if pid is None:
                continue
            log = worker_log(name=name)
            start = log.stat().st_size
            os.kill(pid, signal.SIGUSR1)
            time.sleep(3.0)
            with log.open("rb") as file:
                file.seek(start)
                dump = file.read().decode(errors="replace").splitlines()
            stacks = [line for line in dump if not re.match(r"^\s{4}\w+ = ", line)]
            print(f"--- the asyncio tasks of {name} (SIGUSR1) ---", *stacks, sep="\n")

    def topic_messages(self, topic: str) -> int:
        return self.accounting.counts(topic).messages

    def indexed_count(self) -> int:
        index = self.settings.search.index
        self.search.indices.refresh(index=index)
        return self.search.count(index=index)["count"]

    def documents(self, size: int = 10_000) -> list[dict[str, Any]]:
        index = self.settings.search.index
        self.search.indices.refresh(index=index)
        response = self.search.search(index=index, size=size, query={"match_all": {}})
        return [hit["_source"] for hit in response["hits"]["hits"]]

    def dead_letters(self) -> list[DlqRecord]:
        """Every record on the DLQ topic, read from the beginning to the current end."""
        records = kafka_records(self.settings.kafka, self.settings.topics.dlq)
        return [DlqRecord.model_validate_json(record.value) for record in records]


@contextlib.contextmanager
def extra_worker(config: Path, web_port: int, number: int = 2) -> Iterator[int]:
    """One more worker on ``config`` (same consumer group) with its own web port; yields the port."""
    name = f"worker-{load_settings(config).worker.app_id}-{number}"
    start_worker(config, web_port, name=name, environment={"WEBCARE_WORKER__WEB_PORT": str(web_port)})
    try:
        yield web_port
    finally:
        stop_worker(name=name)


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(check: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics as {(name, sorted labels): value}."""
    status, text = get(port, "/metrics")
    assert status == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)
