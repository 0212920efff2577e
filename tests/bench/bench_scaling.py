"""Scaling benchmark on the local stack: the same posts through 1, 2, ... workers on 12 partitions.

For each worker count it makes fresh topics, index and consumer group, starts the workers, waits until
Kafka has spread the partitions over all of them, publishes N synthetic posts (default 20,000) and measures
the time from the first produce until the group has no lag (every post enriched and indexed). Each run is
audited: a run whose accounting is not exact is reported as such. The worker counts alternate for
``--rounds`` rounds and the median of each counts (this machine's timings move by tens of percent).
Prints a table; writes JSON under .bench/.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from connectors.publisher import Publisher
from connectors.synthetic import generate_posts
from pipeline.audit import run_audit
from tests.bench import exit_on_sigterm
from tests.support import (
    extra_worker,
    free_port,
    isolated_config,
    local_stack,
    running_pipeline,
    scrape,
    value,
    wait_for,
)

RESULTS_DIR = Path(".bench")


def run_once(posts: list, workers: int, partitions: int) -> dict:
    """One measured run with ``workers`` workers."""
    with tempfile.TemporaryDirectory() as scratch:
        config = isolated_config(Path(scratch), partitions=partitions)
        with running_pipeline(config) as probe, contextlib.ExitStack() as stack:
            settings = probe.settings
            ports = [settings.worker.web_port]
            for number in range(2, workers + 1):
                ports.append(stack.enter_context(extra_worker(config, free_port(), number)))
            raw = settings.topics.raw

            def spread() -> list[float] | None:
                counts = [value(scrape(port), "webcare_assigned_partitions", topic=raw) for port in ports]
                return counts if sum(counts) == partitions and all(counts) else None

            assignment = wait_for(spread, timeout=180, what="partitions spread over every worker")
            started = time.monotonic()
            with Publisher(settings.kafka.bootstrap_servers, raw) as publisher:
                publisher.publish(posts)
            produced = time.monotonic()
            probe.wait_until_processed(timeout=1800)
            finished = time.monotonic()
            enriched = [value(scrape(port), "webcare_posts_in_total", stage="enrich") for port in ports]
            report = run_audit(settings, probe.search, progress=lambda _line: None)
    elapsed = finished - started
    return {
        "workers": workers,
        "partitions_per_worker": assignment,
        "enriched_per_worker": enriched,
        "produce_seconds": round(produced - started, 2),
        "total_seconds": round(elapsed, 2),
        "throughput_posts_per_second": round(len(posts) / elapsed, 1),
        "exact": report.complete and report.indexed_documents == len(posts),
    }


def summarise(runs: list[dict], worker_counts: list[int]) -> list[dict]:
    """Per worker count: the median throughput, its range, the speed-up over the first count's median,
    and whether every run's accounting was exact."""
    rows = []
    for workers in dict.fromkeys(worker_counts):
        mine = [run for run in runs if run["workers"] == workers]
        throughputs = [run["throughput_posts_per_second"] for run in mine]
        rows.append(
            {
                "workers": workers,
                "median_posts_per_second": round(statistics.median(throughputs), 1),
                "range": f"{min(throughputs):.0f}-{max(throughputs):.0f}",
                "exact": all(run["exact"] for run in mine),
            }
        )
    for row in rows:
        row["speedup"] = round(row["median_posts_per_second"] / rows[0]["median_posts_per_second"], 2)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--partitions", type=int, default=12)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs of each worker count, alternating; the median counts"
    )
    arguments = parser.parse_args()
    exit_on_sigterm()
    posts = list(generate_posts(arguments.posts, seed=2026))
    runs = []
    with local_stack():
        for _ in range(arguments.rounds):
            for workers in arguments.workers:
                runs.append(run_once(posts, workers, arguments.partitions))
                print(f"run: {json.dumps(runs[-1])}", flush=True)
    summary = summarise(runs, arguments.workers)
    result = {
        "benchmark": "scaling",
        "at": datetime.now(UTC).isoformat(),
        "posts": arguments.posts,
        "partitions": arguments.partitions,
        "summary": summary,
        "runs": runs,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"scaling-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\n{'workers':>8}{'median posts/s':>16}{'range':>16}{'speed-up':>10}  exact (every run)")
    for row in summary:
        print(
            f"{row['workers']:>8}{row['median_posts_per_second']:>16}{row['range']:>16}"
            f"{row['speedup']:>10.2f}  {row['exact']}"
        )
    print(f"\nwritten: {out}")


if __name__ == "__main__":
    main()
