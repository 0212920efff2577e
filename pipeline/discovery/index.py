"""The suggestions index: its mapping, the upsert of a suggestion, and the query ``webcare suggest`` runs.

``_id`` is the suggestion id, so a suggestion published again with a better score overwrites itself.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import AsyncElasticsearch, BadRequestError, Elasticsearch

from schemas.suggestions import TermSuggestion
from sinks.bulk import BulkUpdate

SUGGESTIONS_MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "schema_version": {"type": "keyword"},
        "id": {"type": "keyword"},
        "brand": {"type": "keyword"},
        "kind": {"type": "keyword"},
        "scope": {"type": "keyword"},
        "term": {"type": "keyword"},
        "language": {"type": "keyword"},
        "score": {"type": "float"},
        "lift": {"type": "float"},
        "count": {"type": "integer"},
        "posts": {"type": "integer"},
        "baseline_count": {"type": "integer"},
        "baseline_posts": {"type": "integer"},
        "baseline_rate": {"type": "float"},
        "window_start": {"type": "date"},
        "window_end": {"type": "date"},
        "examples": {"properties": {"id": {"type": "keyword"}, "text": {"type": "text"}}},
        "created_at": {"type": "date"},
    },
}


async def ensure_suggestions_index(client: AsyncElasticsearch, index: str) -> None:
    """Create the suggestions index with its mapping unless it exists."""
    if await client.indices.exists(index=index):
        return
    try:
        await client.indices.create(index=index, mappings=SUGGESTIONS_MAPPINGS)
    except BadRequestError as error:
        if error.error != "resource_already_exists_exception":
            raise


def suggestion_update(index: str, suggestion: TermSuggestion) -> BulkUpdate:
    """The bulk upsert of one suggestion under its id."""
    document = suggestion.model_dump(mode="json")
    return BulkUpdate(index, suggestion.id, {"doc": document, "doc_as_upsert": True})


def find_suggestions(
    client: Elasticsearch,
    index: str,
    *,
    brand: str | None = None,
    kind: str | None = None,
    since: str | None = None,
    limit: int = 20,
) -> list[TermSuggestion]:
    """The best suggestions, one per (brand, kind, term) whatever the scope and window, highest score first.

    ``since`` is an OpenSearch date-math offset such as ``24h`` (on ``window_end``, in event time).
    """
    if not client.indices.exists(index=index):
        return []
    filters: list[dict[str, Any]] = []
    if brand:
        filters.append({"term": {"brand": {"value": brand, "case_insensitive": True}}})
    if kind:
        filters.append({"term": {"kind": kind}})
    if since:
        filters.append({"range": {"window_end": {"gte": f"now-{since}"}}})
    response = client.search(
        index=index,
        query={"bool": {"filter": filters}},
        sort=[{"score": "desc"}, {"id": "asc"}],
        size=min(10_000, limit * 20),
    )
    best: dict[tuple[str, str, str], TermSuggestion] = {}
    for hit in response["hits"]["hits"]:
        suggestion = TermSuggestion.model_validate(hit["_source"])
        best.setdefault((suggestion.brand, suggestion.kind, suggestion.term), suggestion)
    return list(best.values())[:limit]
