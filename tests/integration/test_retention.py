"""Posts that the raw topic's retention deleted before the consumer group read them: the worker names them
and goes on from the earliest offset left, instead of waiting for them forever."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from kafka import TopicPartition

from connectors.publisher import Publisher
from connectors.synthetic import generate_posts
from pipeline.kafka_security import kafka_admin
from pipeline.worker_process import worker_log
from tests.support import isolated_config, running_pipeline, scrape, value

pytestmark = pytest.mark.stack


def test_posts_deleted_before_they_were_processed_are_reported_and_the_partition_goes_on(
    real_stack: None, tmp_path: Path
) -> None:
    config = isolated_config(tmp_path, partitions=1)
    quick_lag_checks(config)
    with running_pipeline(config) as probe:
        settings = probe.settings
        raw = settings.topics.raw
        with Publisher(settings.kafka.bootstrap_servers, raw) as publisher:
            publisher.publish(generate_posts(10, seed=41))
        probe.wait_until_processed()
    # While no worker runs, ten more posts arrive and retention deletes the first five of them.
    with Publisher(settings.kafka.bootstrap_servers, raw) as publisher:
        publisher.publish(generate_posts(10, seed=42))
    admin = kafka_admin(settings.kafka, client_id="test-retention")
    try:
        admin.delete_records({TopicPartition(raw, 0): 15})
    finally:
        admin.close()

    with running_pipeline(config) as probe:
        probe.wait_until_processed(timeout=120)
        assert probe.indexed_count() == 15
        samples = scrape(settings.worker.web_port)
        assert value(samples, "webcare_expired_offsets_total", topic=raw) == 5
        log = worker_log(name=probe.worker_name).read_text(errors="replace")
        assert f"{raw}[0]: offsets 10-14 were deleted from the topic (its retention)" in log


def quick_lag_checks(config: Path) -> None:
    """Check for lost offsets every second instead of every 15 s."""
    content = yaml.safe_load(config.read_text(encoding="utf-8"))
    content["worker"]["lag_interval_seconds"] = 1.0
    config.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
