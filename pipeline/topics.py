"""Creating the pipeline's topics with the configured partition counts (before any worker starts)."""

from __future__ import annotations

import contextlib

from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from pipeline.kafka_security import kafka_admin
from pipeline.settings import Settings


def pipeline_topics(settings: Settings) -> list[NewTopic]:
    """The topics the pipeline reads and writes, as they should be created."""
    topics = settings.topics
    return [
        NewTopic(name, num_partitions=topics.partitions, replication_factor=topics.replication_factor)
        for name in (topics.raw, topics.mentions, topics.dlq, *settings.rules.route_topics())
    ]


def create_topics(settings: Settings) -> list[str]:
    """Create the missing topics; return the names of those created. Existing ones are left as they are."""
    admin = kafka_admin(settings.kafka, "webcare-setup")
    try:
        existing = set(admin.list_topics())
        wanted = [topic for topic in pipeline_topics(settings) if topic.name not in existing]
        if wanted:
            # Already exists = created meanwhile by another process: fine.
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(wanted, wait_for_metadata=True)
        return [topic.name for topic in wanted]
    finally:
        admin.close()
