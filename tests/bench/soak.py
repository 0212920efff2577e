"""Soak test: ``make soak`` (not part of ``make test``).

Runs one worker on the isolated stack instance of the fault tests (``tests/reliability/harness.py``) and
publishes synthetic posts at a steady rate for a long time (default 100 posts/s for 15 minutes), plus the
malformed sample lines. Every SAMPLE_SECONDS it records posts produced and indexed, throughput, consumer
lag and the worker's resident memory (VmRSS from /proc). At the end it waits until everything is consumed
and runs the exact audit. Prints a table and writes JSON under ``.bench/``; exits 1 unless exact.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from connectors.base import Malformed
from connectors.publisher import Publisher
from connectors.synthetic import malformed_lines
from pipeline import stack
from pipeline.accounting import KafkaAccounting
from tests.bench import exit_on_sigterm
from tests.reliability.harness import (
    STACK_DIR,
    Pipeline,
    SteadyStream,
    pipeline_config,
    start_isolated_stack,
    unique_posts,
)

RESULTS_DIR = Path(".bench")


@dataclass
class Sample:
    """One row of the soak table."""

    seconds: float
    produced: int
    indexed: int
    produced_per_second: float
    indexed_per_second: float
    raw_lag: int
    mentions_lag: int
    worker_rss_mb: float


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB (0 when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def indexed(pipeline: Pipeline) -> int:
    client = pipeline.search()
    try:
        return client.count(index=pipeline.settings.search.index)["count"]
    finally:
        client.close()


def print_row(sample: Sample) -> None:
    print(
        f"{sample.seconds:>7.0f} {sample.produced:>9} {sample.indexed:>9} {sample.produced_per_second:>8.1f} "
        f"{sample.indexed_per_second:>8.1f} {sample.raw_lag:>8} {sample.mentions_lag:>8} "
        f"{sample.worker_rss_mb:>8.1f}",
        flush=True,
    )


def soak(pipeline: Pipeline, rate: float, minutes: float, every: float) -> dict[str, object]:
    """Run the soak on a started pipeline; return the results."""
    settings = pipeline.settings
    posts = unique_posts(int(rate * minutes * 60), seed=61)
    bad = malformed_lines(seed=61)
    pid = pipeline.start_worker()
    with Publisher(settings.kafka.bootstrap_servers, settings.topics.raw) as publisher:
        publisher.publish(Malformed(line, "malformed sample line", "soak") for line in bad)
    samples: list[Sample] = []
    print(f"soak: {len(posts)} posts at {rate:g}/s for {minutes:g} min, worker pid {pid}", flush=True)
    print(
        f"{'seconds':>7} {'produced':>9} {'indexed':>9} {'prod/s':>8} {'index/s':>8} {'raw lag':>8} "
        f"{'ment lag':>8} {'rss MiB':>8}"
    )
    started = time.monotonic()
    with (
        KafkaAccounting(settings.kafka.bootstrap_servers) as accounting,
        SteadyStream(settings, posts, rate) as stream,
    ):
        previous = (0.0, 0, 0)
        while stream.sent < len(posts) or len(samples) == 0:
            time.sleep(every - (time.monotonic() - started) % every)
            now = time.monotonic() - started
            produced, done = len(stream.acked), indexed(pipeline)
            span = now - previous[0]
            sample = Sample(
                round(now, 1),
                produced,
                done,
                round((produced - previous[1]) / span, 1),
                round((done - previous[2]) / span, 1),
                accounting.counts(settings.topics.raw, settings.worker.app_id).lag,
                accounting.counts(settings.topics.mentions, settings.worker.app_id).lag,
                round(rss_mb(pid), 1),
            )
            samples.append(sample)
            print_row(sample)
            previous = (now, produced, done)
    publish_seconds = time.monotonic() - started
    pipeline.wait_until_consumed(timeout=600)
    drained_seconds = time.monotonic() - started
    report = pipeline.audit()
    print("\n".join(report.lines()))
    exact = (
        report.complete
        and report.indexed_documents == len(posts)
        and pipeline.documents_in_index() == len(posts)
        and report.dead_letters == {"enrich": len(bad)}
    )
    steady = [sample for sample in samples if sample.seconds >= 60] or samples
    return {
        "benchmark": "soak",
        "at": datetime.now(UTC).isoformat(),
        "rate": rate,
        "minutes": minutes,
        "posts": len(posts),
        "malformed": len(bad),
        "publish_seconds": round(publish_seconds, 1),
        "drained_seconds": round(drained_seconds, 1),
        "throughput_posts_per_second": round(len(posts) / drained_seconds, 1),
        "max_raw_lag": max(sample.raw_lag for sample in samples),
        "max_mentions_lag": max(sample.mentions_lag for sample in samples),
        "rss_mb_first_minute_end": steady[0].worker_rss_mb,
        "rss_mb_last": samples[-1].worker_rss_mb,
        "rss_mb_max": max(sample.worker_rss_mb for sample in samples),
        "audit": report.lines(),
        "exact": exact,
        "samples": [asdict(sample) for sample in samples],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="posts per second")
    parser.add_argument("--minutes", type=float, default=15.0, help="how long to publish")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    args = parser.parse_args()
    exit_on_sigterm()
    started = start_isolated_stack()
    try:
        with tempfile.TemporaryDirectory(prefix="webcare-soak-") as directory:
            pipeline = Pipeline(pipeline_config(Path(directory)))
            try:
                result = soak(pipeline, args.rate, args.minutes, args.every)
            finally:
                pipeline.stop_workers()
    finally:
        for name in reversed(started):
            stack.stop(name, STACK_DIR)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"soak-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"throughput {result['throughput_posts_per_second']} posts/s (publish to all indexed), max lag raw "
        f"{result['max_raw_lag']} mentions {result['max_mentions_lag']}, worker RSS "
        f"{result['rss_mb_first_minute_end']} -> {result['rss_mb_last']} MiB (max {result['rss_mb_max']}), "
        f"exact: {result['exact']}; results: {out}"
    )
    sys.exit(0 if result["exact"] else 1)


if __name__ == "__main__":
    main()
