"""``webcare audit``: check that every post that entered is accounted for."""

from __future__ import annotations

import click

from pipeline.commands.common import settings_from


@click.command()
@click.pass_context
def audit(context: click.Context) -> None:
    """Compare raw topic, mentions topic, DLQ and index by id; exit 1 if anything is missing."""
    from pipeline.audit import run_audit
    from sinks.search_client import sync_client

    settings = settings_from(context)
    report = run_audit(
        settings, sync_client(settings.search), progress=lambda line: click.echo(line, err=True)
    )
    for line in report.lines():
        click.echo(line)
    if not report.complete:
        raise SystemExit(1)
