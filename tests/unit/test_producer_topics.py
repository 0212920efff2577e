"""The worker tracks every topic its agents write, changelogs included (see pipeline/producer_topics.py)."""

from __future__ import annotations

from pipeline.app import create_context
from pipeline.producer_topics import written_topics
from pipeline.settings import load_settings
from schemas.link_settings import link_topics
from tests.support import SAMPLE_CONFIG


def test_written_topics_hold_the_pipeline_topics_the_internal_ones_and_the_changelogs() -> None:
    settings = load_settings(SAMPLE_CONFIG)
    settings.search.mode = "opensearch"  # a unit test: 'auto' would ask the search engine which it is
    context = create_context(settings)
    topics = written_topics(context)
    topic_settings = settings.topics
    assert {topic_settings.raw, topic_settings.mentions, topic_settings.dlq} <= topics
    assert set(link_topics(settings.links, topic_settings.mentions)) <= topics
    assert {settings.discovery.topic, settings.discovery.by_brand_topic, settings.alerts.topic} <= topics
    changelogs = {name for name in topics if name.endswith("-changelog")}
    app_id = settings.worker.app_id
    assert {f"{app_id}-links-posts-changelog", f"{app_id}-discovery-windows-changelog"} <= changelogs
    assert len(changelogs) == len(context.app.tables)
