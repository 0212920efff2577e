"""``webcare suggest``: the discovered terms a user can add to a brand's outside-in keyword set."""

from __future__ import annotations

import re

import click

from pipeline.commands.common import settings_from
from schemas.suggestions import SuggestionKind, TermSuggestion

_DURATION = re.compile(r"\d+[smhdw]")
_EXAMPLE_CHARS = 60


def _since(context: click.Context, parameter: click.Parameter, value: str) -> str | None:
    if value == "all":
        return None
    if _DURATION.fullmatch(value) is None:
        raise click.BadParameter("use a number with s, m, h, d or w (e.g. 24h, 7d), or 'all'")
    return value


def _short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def format_table(suggestions: list[TermSuggestion]) -> list[str]:
    """The suggestions as aligned lines: term, brand, kind, scope, score, count, example."""
    rows = [("term", "brand", "kind", "scope", "score", "count", "example")]
    for item in suggestions:
        example = _short(item.examples[0].text, _EXAMPLE_CHARS) if item.examples else ""
        rows.append(
            (
                item.term,
                item.brand,
                item.kind,
                item.scope,
                f"{item.score:.1f}",
                f"{item.count}/{item.posts}",
                example,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def _hint(suggestions: list[TermSuggestion]) -> list[str]:
    first = suggestions[0]
    return [
        "",
        "score: log-likelihood ratio G² (above 10.83: p < 0.001); count: posts with the term / posts.",
        "To monitor a term, add it to the brand's outside_in list in the config file, for example:",
        "  brands:",
        f"    - name: {first.brand}",
        "      outside_in:",
        f"        - {first.term}",
        "and restart the worker.",
    ]


@click.command()
@click.option("--brand", help="Only this brand (case-insensitive).")
@click.option("--kind", type=click.Choice([kind.value for kind in SuggestionKind]), help="Only this kind.")
@click.option(
    "--since",
    default="24h",
    show_default=True,
    callback=_since,
    help="Windows that ended this long ago at most (event time), e.g. 2h, 7d; or 'all'.",
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@click.pass_context
def suggest(
    context: click.Context, brand: str | None, kind: str | None, since: str | None, limit: int
) -> None:
    """List discovered terms (rising, co-occurring) not yet in the brands' keyword sets, best first."""
    from pipeline.discovery.index import find_suggestions
    from sinks.search_client import sync_client

    settings = settings_from(context)
    client = sync_client(settings.search)
    try:
        found = find_suggestions(
            client, settings.discovery.index, brand=brand, kind=kind, since=since, limit=limit
        )
    finally:
        client.close()
    if not found:
        click.echo("no suggestions (yet): discovery needs a baseline of earlier windows first", err=True)
        return
    for line in [*format_table(found), *_hint(found)]:
        click.echo(line)
