"""End-to-end benchmark on the local stack: ``make bench``.

Publishes N synthetic posts (default 20,000) as fast as possible and measures
- throughput: posts per second from the first produce to the moment the last one is searchable;
- latency per post: from its Kafka timestamp (when it was produced) to the first search that finds it
  (searches run every POLL_SECONDS, so latencies are rounded up to that).
Prints a table and writes JSON under ``.bench/``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from connectors.publisher import Publisher
from connectors.synthetic import generate_posts
from tests.bench import exit_on_sigterm
from tests.support import PipelineProbe, isolated_config, local_stack, running_pipeline

POLL_SECONDS = 0.2
REFRESH_MARGIN_MS = 3_000
RESULTS_DIR = Path(".bench")


class VisibilityWatcher(threading.Thread):
    """Polls the index and notes when each document first became searchable."""

    def __init__(self, probe: PipelineProbe, expected: int) -> None:
        super().__init__(daemon=True)
        self._probe = probe
        self._expected = expected
        self.first_seen: dict[str, tuple[float, str]] = {}
        self._cursor: list | None = None
        self.done = threading.Event()

    def run(self) -> None:
        index = self._probe.settings.search.index
        client = self._probe.search
        while len(self.first_seen) < self._expected:
            while True:
                response = client.search(
                    index=index,
                    size=5_000,
                    sort=[{"indexed_at": "asc"}, {"id": "asc"}],
                    search_after=self._cursor,
                    source=["received_at"],
                )
                now = time.time()
                hits = response["hits"]["hits"]
                for hit in hits:
                    self.first_seen.setdefault(hit["_id"], (now, hit["_source"]["received_at"]))
                if not hits:
                    break
                self._cursor = hits[-1]["sort"]
            if self._cursor is not None:
                # Shards refresh at different moments: a document indexed just before the cursor may become
                # searchable after it passed, so every sweep starts again a little before the last one ended.
                self._cursor = [self._cursor[0] - REFRESH_MARGIN_MS, ""]
            time.sleep(POLL_SECONDS)
        self.done.set()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(count: int, partitions: int) -> dict:
    """Run the benchmark once and return its numbers."""
    posts = list(generate_posts(count, seed=2026))
    with local_stack(), tempfile.TemporaryDirectory() as scratch:
        config = isolated_config(Path(scratch), partitions=partitions)
        with running_pipeline(config) as probe:
            watcher = VisibilityWatcher(probe, count)
            watcher.start()
            started = time.time()
            with Publisher(probe.settings.kafka.bootstrap_servers, probe.settings.topics.raw) as publisher:
                publisher.publish(tqdm(posts, desc="produce", unit="post"))
            produced = time.time()
            with tqdm(total=count, desc="searchable", unit="post") as bar:
                while not watcher.done.wait(0.5):
                    bar.update(len(watcher.first_seen) - bar.n)
                bar.update(len(watcher.first_seen) - bar.n)
            last_seen = max(seen for seen, _ in watcher.first_seen.values())
            latencies = [
                seen - datetime.fromisoformat(received).timestamp()
                for seen, received in watcher.first_seen.values()
            ]
    return {
        "benchmark": "end-to-end",
        "at": datetime.now(UTC).isoformat(),
        "posts": count,
        "partitions": partitions,
        "produce_seconds": round(produced - started, 3),
        "total_seconds": round(last_seen - started, 3),
        "throughput_posts_per_second": round(count / (last_seen - started), 1),
        "latency_seconds": {
            "p50": round(_percentile(latencies, 0.50), 3),
            "p95": round(_percentile(latencies, 0.95), 3),
            "p99": round(_percentile(latencies, 0.99), 3),
            "mean": round(statistics.fmean(latencies), 3),
            "max": round(max(latencies), 3),
        },
        "poll_seconds": POLL_SECONDS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--partitions", type=int, default=6)
    arguments = parser.parse_args()
    exit_on_sigterm()
    result = run(arguments.posts, arguments.partitions)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"e2e-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    latency = result["latency_seconds"]
    print(f"\n{'metric':<36}{'value':>12}")
    print(f"{'posts':<36}{result['posts']:>12}")
    print(f"{'produce time (s)':<36}{result['produce_seconds']:>12}")
    print(f"{'first produce -> last searchable (s)':<36}{result['total_seconds']:>12}")
    print(f"{'throughput (posts/s)':<36}{result['throughput_posts_per_second']:>12}")
    for name in ("p50", "p95", "p99", "max"):
        print(f"{'latency ' + name + ' (s)':<36}{latency[name]:>12}")
    print(f"\nwritten: {out}")


if __name__ == "__main__":
    main()
