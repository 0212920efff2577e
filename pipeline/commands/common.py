"""Helpers shared by the command modules."""

from __future__ import annotations

import click

from pipeline.settings import ConfigError, Settings, load_settings


def settings_from(context: click.Context) -> Settings:
    """The settings for this invocation (``--config`` of the root command), or a clear error."""
    root = context.find_root()
    config = (root.obj or {}).get("config")
    try:
        return load_settings(config)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
