"""Replaying a JSON Lines file onto the raw topic, with a progress bar."""

from __future__ import annotations

from pathlib import Path

from tqdm import tqdm

from connectors.jsonl import JsonLinesConnector
from connectors.publisher import Publisher, PublishReport
from pipeline.settings import Settings


def _count_lines(path: Path) -> int:
    with path.open("rb") as lines:
        return sum(1 for line in lines if line.strip())


def replay_jsonl(settings: Settings, path: Path, show_progress: bool = False) -> PublishReport:
    """Publish every line of ``path``; return when Kafka has acknowledged all of them."""
    connector = JsonLinesConnector(path)
    total = _count_lines(path) if show_progress else None
    with (
        Publisher(settings.kafka.bootstrap_servers, settings.topics.raw) as publisher,
        tqdm(total=total, unit="post", desc=f"replay {path.name}", disable=not show_progress) as bar,
    ):
        return publisher.publish(connector.read(), on_item=lambda _item: bar.update())
