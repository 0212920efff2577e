"""Scaling by partitions and workers: two workers in one consumer group on 12 partitions share the work,
and every post is still accounted for exactly. (The throughput comparison is `make bench`:
tests/bench/bench_scaling.py.)"""

from __future__ import annotations

import warnings
from datetime import datetime
from pathlib import Path

import pytest

from connectors.publisher import Publisher
from connectors.synthetic import generate_posts
from pipeline.audit import run_audit
from pipeline.worker_process import worker_log
from tests.support import extra_worker, free_port, isolated_config, running_pipeline, scrape, value, wait_for

pytestmark = pytest.mark.stack

PARTITIONS = 12
POSTS = 3_000

#: Worker log lines that read messages again: a rebalance (Faust revokes the partitions and seeks them to
#: their committed offsets) or a rewind of lost offsets (pipeline.rewind).
READ_AGAIN = ("Revoking previously assigned partitions", "reading it again")


def test_two_workers_share_12_partitions_and_account_for_every_post(real_stack: None, tmp_path: Path) -> None:
    config = isolated_config(tmp_path, partitions=PARTITIONS)
    with running_pipeline(config) as probe, extra_worker(config, free_port()) as second_port:
        settings = probe.settings
        ports = [settings.worker.web_port, second_port]
        raw = settings.topics.raw

        def spread() -> list[float] | None:
            counts = [value(scrape(port), "webcare_assigned_partitions", topic=raw) for port in ports]
            return counts if sum(counts) == PARTITIONS and all(counts) else None

        partitions = wait_for(spread, timeout=120, what="the 12 partitions spread over both workers")
        published_at = datetime.now()
        with Publisher(settings.kafka.bootstrap_servers, raw) as publisher:
            publisher.publish(generate_posts(POSTS, seed=12))
        probe.wait_until_processed(timeout=600)

        per_worker = [scrape(port) for port in ports]
        enriched = [value(samples, "webcare_posts_in_total", stage="enrich") for samples in per_worker]
        indexed = [value(samples, "webcare_posts_out_total", stage="index") for samples in per_worker]
        print(f"partitions per worker: {partitions}; enriched: {enriched}; indexed: {indexed}")
        assert all(enriched), "each worker enriched posts from its partitions"
        # The promise is exact on the index; processing is at-least-once: a post is enriched twice only when
        # its partition was read again (a rebalance or a rewind) after it was processed and before its commit.
        surplus = sum(enriched) - POSTS
        reads_again = read_again_events(settings.worker.app_id, since=published_at)
        assert surplus >= 0, f"{-surplus} posts were never enriched"
        assert surplus == 0 or reads_again, f"{surplus} posts enriched twice with no rebalance or rewind"
        if surplus:
            warnings.warn(f"{surplus} posts enriched twice, after:\n" + "\n".join(reads_again), stacklevel=1)
        assert probe.indexed_count() == POSTS
        report = run_audit(settings, probe.search, progress=lambda _line: None)
        assert report.complete, "\n".join(report.lines())
        assert report.raw_messages == report.distinct_mentions == report.indexed_documents == POSTS


def read_again_events(app_id: str, since: datetime) -> list[str]:
    """The lines of both workers' logs, stamped ``since`` or later, that read messages again."""
    lines = []
    for name in (f"worker-{app_id}", f"worker-{app_id}-2"):
        with worker_log(name=name).open(encoding="utf-8", errors="replace") as log:
            for line in log:
                if line.startswith("[") and any(e in line for e in READ_AGAIN) and logged_at(line) >= since:
                    lines.append(f"{name}: {line.rstrip()[:300]}")
    return lines


def logged_at(line: str) -> datetime:
    """The time stamp of a worker log line: ``[2026-12-05 12:30:57,218] ...``."""
    return datetime.strptime(line[1:24], "%Y-%m-%d %H:%M:%S,%f")
