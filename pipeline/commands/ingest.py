"""``webcare ingest <source>``: publish posts from a source to the raw topic."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.commands.common import settings_from


@click.group()
def ingest() -> None:
    """Publish posts from a source to the raw topic."""


@ingest.command("jsonl")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def ingest_jsonl(context: click.Context, path: Path) -> None:
    """Replay a JSON Lines file of RawPosts (malformed lines are passed on for the DLQ)."""
    from pipeline.replay import replay_jsonl

    settings = settings_from(context)
    report = replay_jsonl(settings, path, show_progress=True)
    for malformed in report.malformed:
        click.echo(f"malformed: {malformed.location}: {malformed.reason}", err=True)
    malformed = len(report.malformed)
    topic = settings.topics.raw
    click.echo(f"published {report.posts} posts and {malformed} malformed line(s) to {topic}", err=True)
