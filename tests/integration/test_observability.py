"""A real worker's /metrics, /health and /ready, and its JSON logs, on the real Kafka and OpenSearch.

The worker reaches OpenSearch through a TCP relay that the test owns, so "the search engine is
unreachable" is the relay closing, never the shared OpenSearch node stopping.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from connectors.publisher import Publisher
from connectors.synthetic import generate_posts
from pipeline.metrics import reason_class
from pipeline.worker_process import worker_log
from tests.support import (
    PipelineProbe,
    free_port,
    get,
    isolated_config,
    running_pipeline,
    scrape,
    value,
    wait_for,
)

pytestmark = pytest.mark.stack

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "posts.jsonl"
SEARCH = ("127.0.0.1", 9200)
STALL_SECONDS = 4.0


class TcpRelay:
    """Forwards a local port to ``target`` until stopped; can be started again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._server: socket.socket | None = None
        self._connections: list[socket.socket] = []

    def start(self) -> None:
        server = socket.create_server(("127.0.0.1", self.port))
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and cut the open ones (shutdown wakes the threads blocked on them)."""
        sockets = [self._server] if self._server is not None else []
        for end in [*sockets, *self._connections]:
            _cut(end)
        self._server = None
        self._connections.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _cut(source)
            _cut(sink)


def _cut(end: socket.socket) -> None:
    with contextlib.suppress(OSError):
        end.shutdown(socket.SHUT_RDWR)
    end.close()


@pytest.fixture(scope="module")
def relay() -> Iterator[TcpRelay]:
    relay = TcpRelay(SEARCH)
    relay.start()
    yield relay
    relay.stop()


@pytest.fixture(scope="module")
def observed(
    real_stack: None, relay: TcpRelay, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PipelineProbe]:
    path = isolated_config(tmp_path_factory.mktemp("observability"), partitions=3)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["search"].update(url=f"http://127.0.0.1:{relay.port}", mode="opensearch")
    config["worker"].update(log_format="json", lag_interval_seconds=1.0, stall_seconds=STALL_SECONDS)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    with running_pipeline(path) as probe:
        yield probe


def port_of(probe: PipelineProbe) -> int:
    return probe.settings.worker.web_port


def test_health_and_ready(observed: PipelineProbe) -> None:
    assert get(port_of(observed), "/health") == (200, '{"status":"ok"}')
    wait_for(lambda: get(port_of(observed), "/ready")[0] == 200, what="/ready 200")
    body = json.loads(get(port_of(observed), "/ready")[1])
    assert body == {"ready": True, "checks": {"assigned": True, "kafka": True, "search": True}}


def test_metrics_count_every_post_exactly(observed: PipelineProbe) -> None:
    report = observed.replay(SAMPLE)
    observed.wait_until_processed()
    posts, malformed = report.posts, len(report.malformed)
    assert (posts, malformed) == (2400, 8)
    expected_dead: dict[str, int] = {}
    for record in observed.dead_letters():
        expected_dead[reason_class(record.reason)] = expected_dead.get(reason_class(record.reason), 0) + 1
    samples = scrape(port_of(observed))
    assert value(samples, "webcare_posts_in_total", stage="enrich") == posts + malformed
    assert value(samples, "webcare_posts_out_total", stage="enrich") == posts
    assert value(samples, "webcare_posts_in_total", stage="index") == posts
    assert value(samples, "webcare_posts_out_total", stage="index") == posts == observed.indexed_count()
    for reason, count in expected_dead.items():
        assert value(samples, "webcare_dlq_total", stage="enrich", reason=reason) == count
    assert sum(expected_dead.values()) == malformed
    assert value(samples, "webcare_enrich_batch_seconds_count") >= 1
    assert value(samples, "webcare_bulk_request_seconds_count") >= 1
    raw = observed.settings.topics.raw
    assert value(samples, "webcare_assigned_partitions", topic=raw) == 3

    def lag_is_zero() -> bool:
        current = scrape(port_of(observed))
        lags = [
            lag
            for (name, labels), lag in current.items()
            if name == "webcare_consumer_lag" and ("topic", raw) in labels
        ]
        return len(lags) == 3 and not any(lags)

    wait_for(lag_is_zero, what="consumer lag gauges at 0 for the 3 raw partitions")


def test_logs_are_json_lines(observed: PipelineProbe) -> None:
    log = worker_log(name=f"worker-{observed.settings.worker.app_id}")
    lines = log.read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(entries) > 10
    assert {"time", "level", "logger", "message"} <= entries[0].keys()
    assert any(entry["logger"].startswith("faust") for entry in entries)


def test_ready_fails_while_the_search_engine_is_unreachable(observed: PipelineProbe, relay: TcpRelay) -> None:
    port = port_of(observed)
    wait_for(lambda: get(port, "/ready")[0] == 200, what="/ready 200 first")
    relay.stop()
    try:
        _, body = wait_for(
            lambda: (reply := get(port, "/ready"))[0] == 503 and reply, what="/ready 503 without search"
        )
        assert json.loads(body)["checks"] == {"assigned": True, "kafka": True, "search": False}
        _publish(observed, 30, seed=61)
        time.sleep(STALL_SECONDS + 3)  # the mentions wait for the engine, longer than a stall takes
        assert observed.accounting.counts(
            observed.settings.topics.mentions, observed.settings.worker.app_id
        ).lag
        assert get(port, "/health") == (200, '{"status":"ok"}')  # explained by the engine: not a stall
    finally:
        relay.start()
    wait_for(lambda: get(port, "/ready")[0] == 200, what="/ready 200 again")
    observed.wait_until_processed()


def test_health_fails_while_a_partition_stalls_and_recovers_after(observed: PipelineProbe) -> None:
    """The engine answers, but refuses every bulk request (429 from its in-flight request breaker): the
    mentions wait with their offsets unmoved, which is a stall."""
    port = port_of(observed)
    breaker = "network.breaker.inflight_requests.limit"
    observed.search.cluster.put_settings(transient={breaker: "1b"})
    try:
        _publish(observed, 30, seed=62)
        mentions = observed.settings.topics.mentions
        waiting = {f"{mentions}[{partition}]" for partition in range(3)}  # to be indexed

        def mentions_stalled() -> dict | None:
            status, body = get(port, "/health")
            answer = json.loads(body)
            return answer if status == 503 and waiting <= set(answer.get("partitions", [])) else None

        answer = wait_for(mentions_stalled, timeout=60, what="/health 503 naming the mentions partitions")
        assert answer["status"] == "stalled"
        # Link facts and term suggestions, written to the engine too, may stall as well, each once it has
        # waited long enough: the count only grows while the breaker holds.
        stalled = set(answer["partitions"])
        assert value(scrape(port), "webcare_stalled_partitions") >= len(stalled)
        assert get(port, "/ready")[0] == 200  # reachable and assigned: only liveness says something is wrong
    finally:
        observed.search.cluster.put_settings(transient={breaker: None})
    observed.wait_until_processed()
    wait_for(lambda: get(port, "/health")[0] == 200, timeout=180, what="/health 200 again")  # backoffs end
    log = worker_log(name=observed.worker_name).read_text(encoding="utf-8")
    assert f"stalled: {mentions}[" in log


def _publish(probe: PipelineProbe, count: int, seed: int) -> None:
    with Publisher(probe.settings.kafka.bootstrap_servers, probe.settings.topics.raw) as publisher:
        publisher.publish(generate_posts(count, seed=seed))
