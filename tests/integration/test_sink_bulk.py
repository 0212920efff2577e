"""The bulk sink on the real OpenSearch node: monthly indices, idempotent writes, rejects, 429s."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from pipeline.settings import SearchSettings
from schemas.mentions import EnrichedMention
from sinks.bulk import BulkIndexer, BulkOutcome, IndexRequest
from sinks.index_template import apply_template
from sinks.search_client import async_client, sync_client

pytestmark = pytest.mark.stack

MARCH = "2025-03-10T12:00:00Z"


def mention(doc_id: str, created_at: str = MARCH, **fields: Any) -> dict[str, Any]:
    """A valid EnrichedMention document (as the mentions topic carries it), with ``fields`` changed."""
    document = EnrichedMention(
        id=doc_id,
        source="twitter",
        author={"id": "u1", "handle": "@klant"},
        text="Storing bij @KabelKat! #wifi ligt eruit in café",
        created_at=created_at,
        language="nl",
        language_confidence=0.9,
        brands=[
            {"brand": "Kabelkat", "keyword_set": "inside_out", "terms": ["@kabelkat"]},
            {"brand": "Kabelkat", "keyword_set": "outside_in", "terms": ["storing"]},
        ],
        enriched_at=datetime(2026, 1, 1, tzinfo=UTC),
    ).model_dump(mode="json")
    document.update(fields)
    return document


def requests(*documents: dict[str, Any]) -> list[IndexRequest]:
    return [IndexRequest(document["id"], document) for document in documents]


def new_family(purpose: str) -> str:
    return f"webcare-mentions-test-{purpose}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def search(real_stack: None) -> Iterator[tuple[SearchSettings, Elasticsearch]]:
    settings = SearchSettings(mode="opensearch")
    client = sync_client(settings)
    yield settings, client
    client.close()


@pytest.fixture
def family(search: tuple[SearchSettings, Elasticsearch]) -> Iterator[str]:
    """A fresh index family with the real template; its indices and template are removed afterwards."""
    _, client = search
    name = new_family("bulk")
    apply_template(client, name, "opensearch")
    yield name
    client.options(ignore_status=404).indices.delete(index=f"{name}-*")
    client.indices.delete_index_template(name=name)


def write(
    settings: SearchSettings, family: str, batch: list[IndexRequest], indexer_options: dict | None = None
) -> BulkOutcome:
    async def run() -> BulkOutcome:
        client = async_client(settings, "opensearch")
        try:
            return await BulkIndexer(client, family, **(indexer_options or {})).index(batch)
        finally:
            await client.close()

    return asyncio.run(run())


def count(client: Elasticsearch, family: str) -> int:
    client.indices.refresh(index=family)
    return client.count(index=family)["count"]


def test_mentions_go_to_the_index_of_their_month_behind_the_alias(search, family: str) -> None:
    settings, client = search
    batch = requests(
        mention("a", "2025-03-01T00:00:00Z"),
        mention("b", "2025-03-31T23:30:00-01:00"),  # April in UTC
        mention("c", "2025-04-15T08:00:00+02:00"),
    )
    outcome = write(settings, family, batch)
    assert (outcome.written, outcome.rejected, outcome.retries) == (3, [], 0)
    assert sorted(client.indices.get_alias(name=family)) == [f"{family}-2025.03", f"{family}-2025.04"]
    assert count(client, family) == 3
    assert client.count(index=f"{family}-2025.04")["count"] == 2
    stored = client.get(index=f"{family}-2025.03", id="a")["_source"]
    assert stored["brand_names"] == ["Kabelkat"]
    assert stored["indexed_at"]


def test_writing_a_batch_again_adds_no_document(search, family: str) -> None:
    settings, client = search
    batch = requests(*(mention(f"post-{n}") for n in range(5)))
    first, second = write(settings, family, batch), write(settings, family, batch)
    assert (first.written, second.written) == (5, 5)
    assert count(client, family) == 5


def test_rejected_documents_come_back_with_the_engines_reason(search, family: str) -> None:
    settings, client = search
    wrong_type = mention("wrong-type", engagement={"reposts": "many", "replies": 0, "likes": 0})
    unknown_field = mention("unknown-field", mood="grumpy")
    no_date = {**mention("no-date"), "created_at": "yesterday"}
    batch = requests(mention("ok-1"), wrong_type, mention("ok-2"), unknown_field, no_date, mention("ok-3"))
    outcome = write(settings, family, batch)
    assert outcome.written == 3
    assert outcome.retries == 0
    reasons = {request.doc_id: reason for request, reason in outcome.rejected}
    assert sorted(reasons) == ["no-date", "unknown-field", "wrong-type"]
    assert reasons["wrong-type"].startswith("HTTP 400: mapper_parsing_exception")
    assert "engagement.reposts" in reasons["wrong-type"]
    assert reasons["unknown-field"].startswith("HTTP 400: strict_dynamic_mapping_exception")
    assert "mood" in reasons["unknown-field"]
    assert reasons["no-date"] == "not indexable: created_at is not an ISO 8601 date-time: 'yesterday'"
    assert count(client, family) == 3


def test_429s_are_retried_with_backoff_until_the_engine_takes_writes_again(search, family: str) -> None:
    """The flood-stage block makes the engine answer every write to the index with 429."""
    settings, client = search
    assert write(settings, family, requests(mention("before"))).written == 1
    index = f"{family}-2025.03"
    client.indices.put_settings(index=index, settings={"index.blocks.read_only_allow_delete": True})
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            await asyncio.to_thread(
                client.indices.put_settings,
                index=index,
                settings={"index.blocks.read_only_allow_delete": None},
            )

    batch = requests(*(mention(f"blocked-{n}") for n in range(4)))
    outcome = write(settings, family, batch, {"initial_backoff": 0.1, "max_backoff": 0.3, "sleep": sleep})
    assert waits == [0.1, 0.2, 0.3]
    assert outcome.retries == 3
    assert outcome.retried == {"429": 12}
    assert (outcome.written, outcome.rejected) == (4, [])
    assert count(client, family) == 5
