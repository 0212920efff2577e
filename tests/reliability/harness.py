"""Shared by the fault tests and the soak: a second stack instance, pipelines on it, and a steady stream.

The fault tests kill and stop servers, so they never touch the shared stack (9092/9200): they run on an
instance of their own under ``.stack/reliability`` (same jars) with other ports.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from elasticsearch import Elasticsearch

from connectors.publisher import Publisher
from connectors.synthetic import generate_posts
from pipeline import stack
from pipeline.accounting import KafkaAccounting, read_topic
from pipeline.audit import AuditReport, run_audit
from pipeline.settings import Settings, load_settings
from pipeline.setup import run_setup
from pipeline.worker_process import start_worker, stop_worker, worker_log, worker_pid
from schemas.dlq import DlqRecord
from schemas.posts import RawPost
from sinks.search_client import sync_client
from tests.support import free_port, isolated_config

STACK_DIR = stack.stack_root() / "reliability"
PORTS = stack.StackPorts(kafka=19092, controller=19093, opensearch_http=9291, opensearch_transport=19300)
OPENSEARCH_SETTINGS = {"thread_pool.write.size": "1", "thread_pool.write.queue_size": "4"}
"""A small write pool, so that concurrent bulk requests really get 429s (only the overload test has those)."""

FAST_REBALANCE = {"session_timeout_seconds": 10.0, "heartbeat_interval_seconds": 1.0}


def start_isolated_stack(progress: Callable[[str], None] = print) -> list[str]:
    """Start the isolated instance; return the services this call started (the others were running)."""
    before = stack.status(STACK_DIR) if (STACK_DIR / "instance.json").is_file() else {}
    started = [name for name in stack.SERVICES if not before.get(name, {}).get("healthy")]
    if started == list(stack.SERVICES):
        stack.down(STACK_DIR, wipe=True)  # a fresh broker recovers quickly after a kill
    stack.up(
        stack_dir=STACK_DIR,
        ports=PORTS,
        jars_dir=stack.stack_root() / "jars",
        opensearch_settings=OPENSEARCH_SETTINGS,
        progress=progress,
    )
    return started


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = _merge(base.get(key, {}), value) if isinstance(value, dict) else value
    return merged


def pipeline_config(directory: Path, partitions: int = 3, **sections: dict[str, Any]) -> Path:
    """An isolated config (own topics, index, group) on the isolated stack; ``sections`` are merged in."""
    path = isolated_config(directory, partitions)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    on_isolated_stack = {
        "kafka": {"bootstrap_servers": stack.address("kafka", STACK_DIR)},
        "search": {
            "url": stack.address("opensearch", STACK_DIR),
            "mode": "opensearch",
            "retry_initial_seconds": 0.2,
            "retry_max_seconds": 2.0,
        },
        "worker": {"batch_seconds": 0.2},
    }
    config = _merge(_merge(config, on_isolated_stack), sections)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Pipeline:
    """One isolated pipeline on the isolated stack: its settings and the workers started for it."""

    config: Path
    settings: Settings = field(init=False)
    workers: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.settings = load_settings(self.config)
        run_setup(self.settings, echo=lambda _line: None)

    def worker_name(self, number: int) -> str:
        return f"worker-{self.settings.worker.app_id}-{number}"

    def start_worker(self, number: int = 0) -> int:
        """Start worker ``number`` (its own web port) and wait until its web server answers."""
        config = self.config
        if number:
            config = self.config.with_name(f"worker-{number}.yaml")
            data = yaml.safe_load(self.config.read_text(encoding="utf-8"))
            data["worker"]["web_port"] = free_port()
            data["worker"]["data_dir"] = f"{data['worker']['data_dir']}-{number}"
            config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        port = load_settings(config).worker.web_port
        pid = start_worker(config, port, stack_dir=STACK_DIR, name=self.worker_name(number))
        self.workers[self.worker_name(number)] = pid
        return pid

    def kill_worker(self, number: int = 0) -> None:
        """SIGKILL worker ``number`` (its whole process group) and wait until it is gone."""
        pid = worker_pid(STACK_DIR, self.worker_name(number))
        assert pid is not None, f"worker {number} is not running"
        os.killpg(pid, signal.SIGKILL)
        while worker_pid(STACK_DIR, self.worker_name(number)) is not None:
            time.sleep(0.1)
        (STACK_DIR / "run" / f"{self.worker_name(number)}.pid").unlink(missing_ok=True)

    def stop_workers(self) -> None:
        for name in self.workers:
            stop_worker(STACK_DIR, name)
            print(f"worker log: {worker_log(STACK_DIR, name)}")

    def search(self) -> Elasticsearch:
        return sync_client(self.settings.search)

    def wait_until_consumed(self, timeout: float = 300.0) -> None:
        topics = self.settings.topics
        with KafkaAccounting(self.settings.kafka.bootstrap_servers) as accounting:
            accounting.wait_until_consumed(
                [topics.raw, topics.mentions], self.settings.worker.app_id, timeout, poll_seconds=1.0
            )

    def audit(self) -> AuditReport:
        client = self.search()
        try:
            return run_audit(self.settings, client, progress=lambda _line: None)
        finally:
            client.close()

    def dead_letters(self) -> list[DlqRecord]:
        """Every record on the DLQ topic."""
        records = read_topic(self.settings.kafka.bootstrap_servers, self.settings.topics.dlq)
        return [DlqRecord.model_validate_json(record.value) for record in records]

    def documents_in_index(self) -> int:
        """Documents behind the index alias, counting any id twice that is in two indices."""
        client = self.search()
        try:
            client.indices.refresh(index=self.settings.search.index)
            return client.count(index=self.settings.search.index)["count"]
        finally:
            client.close()

    def assert_exact(
        self, posts: int, dead_letters: dict[str, int] | None = None, timeout: float = 300.0
    ) -> AuditReport:
        """Every post indexed once, nothing missing, exactly the expected dead letters."""
        self.wait_until_consumed(timeout)
        report = self.audit()
        print("\n".join(report.lines()))
        assert report.complete, report.lines()
        assert report.distinct_mentions == posts
        assert report.indexed_documents == posts
        assert self.documents_in_index() == posts
        assert report.dead_letters == (dead_letters or {})
        return report


def unique_posts(count: int, seed: int) -> list[RawPost]:
    """``count`` synthetic posts with distinct ids."""
    posts = list({post.id: post for post in generate_posts(count, seed=seed)}.values())
    assert len(posts) == count, "the generator repeated an id"
    return posts


class SteadyStream:
    """Publishes posts at a steady rate from a background thread and records which ones Kafka acked."""

    def __init__(self, settings: Settings, posts: list[RawPost], rate: float) -> None:
        self.posts = posts
        self.rate = rate
        self.sent = 0
        self.acked: set[str] = set()
        self.error: BaseException | None = None
        self._publisher = Publisher(settings.kafka.bootstrap_servers, settings.topics.raw)
        self._thread = threading.Thread(target=self._run, name="steady-stream", daemon=True)

    def __enter__(self) -> SteadyStream:
        self._thread.start()
        return self

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        if exc_type is None:  # else let the test's own error through
            self.join()

    def _run(self) -> None:
        started = time.monotonic()
        try:
            for number, post in enumerate(self.posts):
                delay = started + number / self.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                future = self._publisher.send(post)
                future.add_callback(lambda _meta, post_id=post.id: self.acked.add(post_id))
                self.sent += 1
            self._publisher.close()
        except BaseException as error:
            self.error = error

    def wait_sent(self, count: int, timeout: float = 300.0) -> None:
        """Block until at least ``count`` posts were handed to the producer."""
        deadline = time.monotonic() + timeout
        while self.sent < count and self._thread.is_alive():
            assert time.monotonic() < deadline, f"only {self.sent} of {count} posts sent"
            time.sleep(0.05)

    def join(self, timeout: float = 300.0) -> None:
        """Wait until every post is sent and acknowledged; raise what the publisher raised."""
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the stream did not finish"
        if self.error is not None:
            raise self.error
        assert self.acked == {post.id for post in self.posts}


def running_pipelines(directory: Path, **sections: dict[str, Any]) -> Iterator[Pipeline]:
    """A pipeline (no worker started yet) whose workers are stopped afterwards; use as a fixture body."""
    pipeline = Pipeline(pipeline_config(directory, **sections))
    try:
        yield pipeline
    finally:
        pipeline.stop_workers()
