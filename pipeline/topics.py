"""Creating the pipeline's topics with the configured partition counts (before any worker starts)."""

from __future__ import annotations

import contextlib

from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from pipeline.kafka_security import kafka_admin
from pipeline.settings import Settings
from schemas.link_settings import link_topics


def pipeline_topics(settings: Settings) -> list[NewTopic]:
    """The topics the pipeline reads and writes, as they should be created: the contract topics, the team
    topics, and the internal topics of the enabled agents (alert and discovery observations, link events).

    The worker would create the internal ones itself, but a topic created at its start can be missing
    from the metadata its consumer and producer read next, and an agent then sat idle (or a send waited)
    until a later refresh; created beforehand, they are there from the first metadata on. (Faust's table
    changelog topics are left to Faust, which creates them with its own settings.)
    """
    topics = settings.topics
    names = [topics.raw, topics.mentions, topics.dlq, *settings.rules.route_topics()]
    if settings.alerts.enabled:
        names += [settings.alerts.by_brand_topic, settings.alerts.topic]
    if settings.discovery.enabled:
        names += [settings.discovery.by_brand_topic, settings.discovery.topic]
    if settings.links.enabled:
        names += link_topics(settings.links, topics.mentions)
    return [
        NewTopic(name, num_partitions=topics.partitions, replication_factor=topics.replication_factor)
        for name in dict.fromkeys(names)
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
