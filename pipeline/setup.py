"""``webcare setup``: topics and index template, idempotent."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.settings import Settings
from pipeline.topics import create_topics
from sinks.index_template import ensure_index
from sinks.search_client import resolve_engine, sync_client


def run_setup(settings: Settings, echo: Callable[[str], None] = print) -> None:
    """Create missing topics, apply the index template and create the index."""
    created = create_topics(settings)
    echo(f"topics: created {', '.join(created)}" if created else "topics: all present")
    engine = resolve_engine(settings.search)
    client = sync_client(settings.search, engine)
    try:
        ensure_index(client, settings.search.index)
    finally:
        client.close()
    echo(f"search: {engine} at {settings.search.url}, index {settings.search.index} ready")
