"""Replaying a JSON Lines or CSV file onto the raw topic, with a progress bar, speed control and a
checkpoint (so an interrupted replay resumes where it stopped)."""

from __future__ import annotations

import threading
from pathlib import Path

from tqdm import tqdm

from connectors.checkpoint import CheckpointStore
from connectors.csv import CsvConnector
from connectors.jsonl import JsonLinesConnector
from connectors.publisher import PublishReport
from connectors.runner import Pacer
from connectors.service import run_connector
from connectors.settings import RunOptions
from pipeline.kafka_security import kafka_publisher
from pipeline.settings import Settings


def _count_lines(path: Path) -> int:
    with path.open("rb") as lines:
        return sum(1 for line in lines if line.strip())


def replay_file(
    settings: Settings,
    path: Path,
    kind: str = "jsonl",
    show_progress: bool = False,
    speed: float | None = None,
    store: CheckpointStore | None = None,
    run_options: RunOptions | None = None,
    stop: threading.Event | None = None,
) -> PublishReport:
    """Publish ``path`` (``kind`` "jsonl" or "csv") from its checkpoint on; return when Kafka has it all.

    ``speed`` None replays as fast as possible, N at the original pace (created_at gaps) N times faster.
    """
    options = run_options or RunOptions()
    position = store.load() if store else None
    connector_type = CsvConnector if kind == "csv" else JsonLinesConnector
    connector = connector_type(path, position, follow=options.follow, stop=stop)
    total = _count_lines(path) if show_progress and not options.follow else None
    with (
        kafka_publisher(settings.kafka, settings.topics.raw) as publisher,
        tqdm(total=total, unit="post", desc=f"replay {path.name}", disable=not show_progress) as bar,
    ):
        pacer = Pacer(speed) if speed else None
        return run_connector(connector, publisher, store, options, pacer, lambda _item: bar.update(), stop)


def replay_jsonl(settings: Settings, path: Path, show_progress: bool = False) -> PublishReport:
    """Publish every line of ``path`` (no checkpoint); return when Kafka has acknowledged all of them."""
    return replay_file(settings, path, "jsonl", show_progress)
