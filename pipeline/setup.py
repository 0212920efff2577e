"""``webcare setup``: topics, index template, lifecycle policy and read alias, idempotent."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.settings import Settings
from pipeline.topics import create_topics
from sinks.index_template import apply_template
from sinks.indices import ensure_read_alias
from sinks.lifecycle import apply_lifecycle
from sinks.search_client import resolve_engine, sync_client


def run_setup(settings: Settings, echo: Callable[[str], None] = print) -> None:
    """Create missing topics, install the template and retention policy, and create the read alias."""
    created = create_topics(settings)
    echo(f"topics: created {', '.join(created)}" if created else "topics: all present")
    search = settings.search
    engine = resolve_engine(search)
    client = sync_client(search, engine)
    try:
        echo(f"search: {apply_template(client, search.index, engine)}")
        echo(f"search: {apply_lifecycle(client, engine, search.index, search.retention_days)}")
        ensure_read_alias(client, search.index)
    finally:
        client.close()
    echo(f"search: {engine} at {search.url}, alias {search.index} ready")
