"""Lag per partition and group membership, read from the real broker (what a stalled test reports)."""

from __future__ import annotations

import uuid

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.structs import OffsetAndMetadata

from pipeline.accounting import KafkaAccounting
from pipeline.settings import Settings

pytestmark = pytest.mark.stack


def test_lag_per_partition_adds_up_and_members_show_what_they_hold(real_stack: None) -> None:
    broker = Settings().kafka.bootstrap_servers
    topic, group = f"test-accounting-{uuid.uuid4().hex[:8]}", f"test-accounting-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=broker)
    admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    admin.close()
    producer = KafkaProducer(bootstrap_servers=broker)
    for partition, messages in enumerate((4, 5, 6)):
        for _ in range(messages):
            producer.send(topic, b"post", partition=partition)
    producer.flush()
    producer.close()

    consumer = KafkaConsumer(topic, bootstrap_servers=broker, group_id=group, enable_auto_commit=False)
    try:
        while not consumer.assignment():
            consumer.poll(timeout_ms=500)
        consumer.commit({TopicPartition(topic, 1): OffsetAndMetadata(2, "", -1)})
        with KafkaAccounting(broker) as accounting:
            assert accounting.partition_lag(topic, group) == {0: 4, 1: 3, 2: 6}
            assert accounting.counts(topic, group).lag == 13
            assert list(accounting.assignments(group).values()) == [{topic: [0, 1, 2]}]
    finally:
        consumer.close()
