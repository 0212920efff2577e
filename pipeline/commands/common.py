"""Helpers shared by the command modules."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.settings import ConfigError, Settings, load_settings


def settings_from(context: click.Context, config: Path | None = None) -> Settings:
    """The settings for this invocation, or a clear error: from ``config`` when given (a subcommand's own
    ``--config``), else from ``--config`` of the root command."""
    if config is None:
        config = (context.find_root().obj or {}).get("config")
    try:
        return load_settings(config)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
