"""Scaling by partitions and workers: two workers in one consumer group on 12 partitions share the work,
and every post is still accounted for exactly. (The throughput comparison is `make bench`:
tests/bench/bench_scaling.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.publisher import Publisher
from connectors.synthetic import generate_posts
from pipeline.audit import run_audit
from tests.support import extra_worker, free_port, isolated_config, running_pipeline, scrape, value, wait_for

pytestmark = pytest.mark.stack

PARTITIONS = 12
POSTS = 3_000


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
        with Publisher(settings.kafka.bootstrap_servers, raw) as publisher:
            publisher.publish(generate_posts(POSTS, seed=12))
        probe.wait_until_processed(timeout=600)

        per_worker = [scrape(port) for port in ports]
        enriched = [value(samples, "webcare_posts_in_total", stage="enrich") for samples in per_worker]
        indexed = [value(samples, "webcare_posts_out_total", stage="index") for samples in per_worker]
        print(f"partitions per worker: {partitions}; enriched: {enriched}; indexed: {indexed}")
        assert all(enriched), "each worker enriched posts from its partitions"
        assert sum(enriched) == POSTS
        assert sum(indexed) == POSTS
        assert probe.indexed_count() == POSTS
        report = run_audit(settings, probe.search, progress=lambda _line: None)
        assert report.complete, "\n".join(report.lines())
        assert report.raw_messages == report.distinct_mentions == report.indexed_documents == POSTS
