"""The search engine is stopped for a minute mid-stream, paused (slow), and overloaded (real 429s)."""

from __future__ import annotations

import contextlib
import json
import signal
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import stack
from pipeline.accounting import KafkaAccounting
from pipeline.worker_process import worker_log
from tests.reliability.harness import STACK_DIR, Pipeline, SteadyStream, running_pipelines, unique_posts

pytestmark = pytest.mark.stack

OUTAGE_SECONDS = 60


@pytest.fixture
def pipeline(isolated_stack: None, tmp_path: Path) -> Iterator[Pipeline]:
    yield from running_pipelines(tmp_path, search={"request_timeout": 5.0})


def mentions_lag(pipeline: Pipeline) -> int:
    topics = pipeline.settings.topics
    with KafkaAccounting(pipeline.settings.kafka.bootstrap_servers) as accounting:
        return accounting.counts(topics.mentions, pipeline.settings.worker.app_id).lag


@pytest.mark.slow
def test_a_search_engine_stopped_for_a_minute_loses_nothing(pipeline: Pipeline) -> None:
    posts = unique_posts(3000, seed=41)
    pipeline.start_worker()
    with SteadyStream(pipeline.settings, posts, rate=100) as stream:
        stream.wait_sent(500)
        stack.stop("opensearch", STACK_DIR)
        stopped = time.monotonic()
        stream.wait_sent(2000)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
        assert mentions_lag(pipeline) > 0, "nothing may be acknowledged while the engine is down"
        stack.start("opensearch", STACK_DIR, progress=print)
    pipeline.assert_exact(len(posts))
    assert "connection" in worker_log(STACK_DIR, pipeline.worker_name(0)).read_text()


def test_a_paused_search_engine_loses_nothing(pipeline: Pipeline) -> None:
    """SIGSTOP/SIGCONT: requests hang and time out (5 s), then the engine answers slowly again."""
    posts = unique_posts(2000, seed=42)
    pipeline.start_worker()
    with SteadyStream(pipeline.settings, posts, rate=150) as stream:
        for _ in range(3):
            stream.wait_sent(stream.sent + 300)
            stack.kill("opensearch", signal.SIGSTOP, STACK_DIR, wait=False)
            time.sleep(8)
            stack.kill("opensearch", signal.SIGCONT, STACK_DIR, wait=False)
    pipeline.assert_exact(len(posts))
    assert "timeout" in worker_log(STACK_DIR, pipeline.worker_name(0)).read_text()


def write_rejections(url: str) -> int:
    """Requests the node's write thread pool has rejected (answered with 429) since it started."""
    with urllib.request.urlopen(f"{url}/_nodes/stats/thread_pool", timeout=10) as response:
        nodes = json.load(response)["nodes"].values()
    return sum(node["thread_pool"]["write"]["rejected"] for node in nodes)


class Flood:
    """Threads that send bulk writes to another index as fast as they can, so the node answers 429."""

    def __init__(self, url: str, index: str, threads: int = 6) -> None:
        self.url, self.index = url, index
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self) -> Flood:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def _run(self) -> None:
        line = json.dumps({"index": {"_index": self.index}}) + "\n" + json.dumps({"text": "x" * 200}) + "\n"
        body = (line * 300).encode()
        while not self._stop.is_set():
            request = urllib.request.Request(
                f"{self.url}/_bulk", data=body, headers={"Content-Type": "application/x-ndjson"}
            )
            with contextlib.suppress(OSError):  # 429s are the point of the flood
                urllib.request.urlopen(request, timeout=30).close()


def test_an_overloaded_search_engine_answering_429_loses_nothing(pipeline: Pipeline) -> None:
    url = stack.address("opensearch", STACK_DIR)
    posts = unique_posts(2000, seed=43)
    rejected_before = write_rejections(url)
    pipeline.start_worker()
    flood_index = f"flood-{pipeline.settings.worker.app_id}"
    with SteadyStream(pipeline.settings, posts, rate=150) as stream:
        stream.wait_sent(300)
        with Flood(url, flood_index):
            stream.wait_sent(1500)
    try:
        pipeline.assert_exact(len(posts))
    finally:
        urllib.request.urlopen(urllib.request.Request(f"{url}/{flood_index}", method="DELETE")).close()
    assert write_rejections(url) > rejected_before
    assert "HTTP 429" in worker_log(STACK_DIR, pipeline.worker_name(0)).read_text()
