"""``webcare search "QUERY"``: a quick look at the indexed mentions from the terminal.

QUERY is a ``simple_query_string`` over the text and title (``storing +wifi``, ``"geen bereik"``,
``factu*``, ``-test``; all words must match), or with ``--keywords`` a query in the brands' keyword
language (``enrichers/keyword_query.py``: ``wifi AND (storing OR "geen bereik")``, ``NEAR/3``) run on
``text.folded`` exactly as the brand matcher runs it. The filters are exact term filters; the result is a
table fitted to the terminal, or JSON Lines with ``--json``.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from typing import Any

import click

from enrichers.keyword_query import QueryError, to_opensearch
from pipeline.commands.common import settings_from
from schemas.mentions import IntentLabel, SentimentLabel

TEXT_FIELDS = ["text", "text.nl", "text.en", "title", "title.nl", "title.en"]
_NEWEST = {"created_at": {"order": "desc"}}
SORTS = {
    "time": [_NEWEST],
    "priority": [{"priority": {"order": "desc", "unmapped_type": "float"}}, _NEWEST],
}
COLUMNS = [("UTC", 11), ("source", 9), ("brands", 11), ("lang", 4), ("sentiment", 9)]
COLUMNS += [("intent", 9), ("prio", 4), ("author", 14)]
MIN_TEXT_WIDTH = 20


def search_body(
    query: str,
    *,
    keywords: bool = False,
    brands: tuple[str, ...] = (),
    languages: tuple[str, ...] = (),
    sentiments: tuple[str, ...] = (),
    intents: tuple[str, ...] = (),
    sources: tuple[str, ...] = (),
    hours: float = 24,
    limit: int = 20,
    sort: str = "time",
) -> dict[str, Any]:
    """The search request: the query, term filters, the time window (none when ``hours`` is 0), the order."""
    filters: list[dict[str, Any]] = [{"exists": {"field": "source"}}]  # no fact-only stubs
    for field, values in (
        ("brand_names", brands),
        ("language", languages),
        ("sentiment.label", sentiments),
        ("intent.label", intents),
        ("source", sources),
    ):
        if values:
            filters.append({"terms": {field: list(values)}})
    if hours:
        filters.append({"range": {"created_at": {"gte": f"now-{round(hours * 3600)}s"}}})
    must: list[dict[str, Any]] = []
    if query.strip() and keywords:
        must.append(to_opensearch(query))
    elif query.strip():
        must.append(
            {"simple_query_string": {"query": query, "fields": TEXT_FIELDS, "default_operator": "and"}}
        )
    return {
        "query": {"bool": {"filter": filters, "must": must}},
        "sort": SORTS[sort],
        "size": limit,
        "track_total_hits": True,
    }


def _cell(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"


def _row(source: dict[str, Any]) -> list[str]:
    created = datetime.fromisoformat(source["created_at"].replace("Z", "+00:00"))
    author = source.get("author") or {}
    return [
        f"{created:%m-%d %H:%M}",
        source.get("source", ""),
        ",".join(source.get("brand_names") or []) or "-",
        source.get("language", ""),
        (source.get("sentiment") or {}).get("label", "-"),
        (source.get("intent") or {}).get("label", "-"),
        f"{source.get('priority', 0):.0f}",
        f"@{author['handle']}" if author.get("handle") else author.get("name") or author.get("id", ""),
        source.get("text", ""),
    ]


def format_table(hits: list[dict[str, Any]], width: int) -> list[str]:
    """Header and one line per hit; the text gets what the other columns leave of ``width``."""
    fixed = sum(size + 1 for _name, size in COLUMNS)
    widths = [size for _name, size in COLUMNS] + [max(MIN_TEXT_WIDTH, width - fixed)]
    names = [name for name, _size in COLUMNS] + ["text"]
    lines = [" ".join(name.ljust(size) for name, size in zip(names, widths, strict=True)).rstrip()]
    for hit in hits:
        cells = [_cell(value, size).ljust(size) for value, size in zip(_row(hit), widths, strict=True)]
        lines.append(" ".join(cells).rstrip())
    return lines


@click.command()
@click.argument("query", default="")
@click.option("--keywords", is_flag=True, help="QUERY is a keyword query (brands' syntax) on text.folded.")
@click.option("--brand", "brands", multiple=True, help="Mentions of this brand (repeat for any of several).")
@click.option("--language", "languages", multiple=True, help="ISO 639-1 code, e.g. nl (repeatable).")
@click.option(
    "--sentiment",
    "sentiments",
    multiple=True,
    type=click.Choice([label.value for label in SentimentLabel]),
    help="Repeatable.",
)
@click.option(
    "--intent",
    "intents",
    multiple=True,
    type=click.Choice([label.value for label in IntentLabel]),
    help="Repeatable.",
)
@click.option("--source", "sources", multiple=True, help="Channel, e.g. twitter (repeatable).")
@click.option(
    "--hours", type=click.FloatRange(min=0), default=24, show_default=True, help="Look back; 0: no limit."
)
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--sort", type=click.Choice(list(SORTS)), default="time", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One mention per line as JSON, for jq and scripts.")
@click.pass_context
def search(
    context: click.Context,
    query: str,
    keywords: bool,
    brands: tuple[str, ...],
    languages: tuple[str, ...],
    sentiments: tuple[str, ...],
    intents: tuple[str, ...],
    sources: tuple[str, ...],
    hours: float,
    limit: int,
    sort: str,
    as_json: bool,
) -> None:
    """Search the indexed mentions, newest (or highest priority) first, as a table or JSON Lines."""
    from elasticsearch import ApiError, NotFoundError

    from sinks.search_client import sync_client

    settings = settings_from(context)
    try:
        body = search_body(
            query,
            keywords=keywords,
            brands=brands,
            languages=languages,
            sentiments=sentiments,
            intents=intents,
            sources=sources,
            hours=hours,
            limit=limit,
            sort=sort,
        )
    except QueryError as error:
        raise click.BadParameter(str(error), param_hint="QUERY") from None
    client = sync_client(settings.search)
    try:
        response = client.search(index=settings.search.index, body=body)
    except NotFoundError:
        index = settings.search.index
        raise click.ClickException(f"no index or alias {index} (yet): run `webcare setup`") from None
    except ApiError as error:
        raise click.ClickException(f"search failed: {error}") from None
    finally:
        client.close()
    hits = [{**hit["_source"], "id": hit["_id"]} for hit in response["hits"]["hits"]]
    if as_json:
        for hit in hits:
            click.echo(json.dumps(hit, ensure_ascii=False))
        return
    for line in format_table(hits, shutil.get_terminal_size((120, 24)).columns):
        click.echo(line)
    window = f"last {hours:g} h" if hours else "all time"
    click.echo(f"{len(hits)} of {response['hits']['total']['value']} mention(s), {window}", err=True)
