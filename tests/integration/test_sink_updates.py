"""Late facts as partial updates on the real OpenSearch node: any order, any number of retries."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from pipeline.settings import SearchSettings
from sinks.bulk import BulkIndexer, BulkOutcome
from sinks.index_template import apply_template
from sinks.search_client import async_client, sync_client
from sinks.updates import MentionFacts, apply_updates
from tests.integration.test_sink_bulk import MARCH, mention, new_family, requests

pytestmark = pytest.mark.stack

ANSWERED = datetime(2025, 3, 10, 12, 45, tzinfo=UTC)
LATER = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def client(real_stack: None) -> Iterator[Elasticsearch]:
    client = sync_client(SearchSettings(mode="opensearch"))
    yield client
    client.close()


@pytest.fixture
def family(client: Elasticsearch) -> Iterator[str]:
    name = new_family("updates")
    apply_template(client, name, "opensearch")
    yield name
    client.options(ignore_status=404).indices.delete(index=f"{name}-*")
    client.indices.delete_index_template(name=name)


def run(family: str, step: str, items: list[Any]) -> BulkOutcome:
    async def go() -> BulkOutcome:
        client = async_client(SearchSettings(mode="opensearch"), "opensearch")
        indexer = BulkIndexer(client, family)
        try:
            return await (indexer.index(items) if step == "index" else apply_updates(indexer, items))
        finally:
            await client.close()

    return asyncio.run(go())


def stored(client: Elasticsearch, family: str) -> dict[str, dict[str, Any]]:
    client.indices.refresh(index=family)
    hits = client.search(index=family, size=100)["hits"]["hits"]
    return {hit["_id"]: hit["_source"] for hit in hits}


def test_facts_after_the_mention_are_merged_into_it(client: Elasticsearch, family: str) -> None:
    assert run(family, "index", requests(mention("p1"))).written == 1
    facts = MentionFacts("p1", MARCH, {"reposts": 3}, ANSWERED)
    assert run(family, "update", [facts]).written == 1
    [document] = stored(client, family).values()
    assert document["text"].startswith("Storing")
    assert document["engagement"] == {"reposts": 3, "replies": 0, "likes": 0}
    assert document["first_response_at"] == "2025-03-10T12:45:00.000000Z"
    assert document["response_seconds"] == 45 * 60


def test_facts_before_the_mention_wait_in_a_stub_that_the_mention_completes(
    client: Elasticsearch, family: str
) -> None:
    facts = MentionFacts("p1", MARCH, {"reposts": 3, "likes": 8}, ANSWERED)
    assert run(family, "update", [facts]).written == 1
    assert stored(client, family) == {
        "p1": {
            "id": "p1",
            "created_at": "2025-03-10T12:00:00.000000Z",
            "engagement": {"reposts": 3, "likes": 8},
            "first_response_at": "2025-03-10T12:45:00.000000Z",
            "response_seconds": 45 * 60,
        }
    }
    late_likes = mention("p1", engagement={"reposts": 0, "replies": 2, "likes": 9})
    assert run(family, "index", requests(late_likes)).written == 1
    documents = stored(client, family)
    assert list(documents) == ["p1"]
    document = documents["p1"]
    assert document["text"].startswith("Storing")
    assert document["engagement"] == {"reposts": 3, "replies": 2, "likes": 9}
    assert document["first_response_at"] == "2025-03-10T12:45:00.000000Z"


def test_retried_stale_and_replayed_writes_change_nothing(client: Elasticsearch, family: str) -> None:
    run(family, "index", requests(mention("p1")))
    facts = MentionFacts("p1", MARCH, {"reposts": 5}, ANSWERED)
    for _ in range(3):
        assert run(family, "update", [facts]).written == 1
    stale = MentionFacts("p1", MARCH, {"reposts": 2}, LATER)
    assert run(family, "update", [stale]).written == 1
    assert run(family, "index", requests(mention("p1"))).written == 1  # replay of the original mention
    documents = stored(client, family)
    assert list(documents) == ["p1"]
    assert documents["p1"]["engagement"]["reposts"] == 5
    assert documents["p1"]["first_response_at"] == "2025-03-10T12:45:00.000000Z"
    earlier = MentionFacts("p1", MARCH, first_response_at=datetime(2025, 3, 10, 12, 5, tzinfo=UTC))
    run(family, "update", [earlier])
    assert stored(client, family)["p1"]["response_seconds"] == 5 * 60


def test_facts_for_many_posts_in_one_batch(client: Elasticsearch, family: str) -> None:
    run(family, "index", requests(*(mention(f"p{n}") for n in range(10))))
    facts = [MentionFacts(f"p{n}", MARCH, {"replies": n}) for n in range(0, 20, 2)]
    outcome = run(family, "update", facts)
    assert (outcome.written, outcome.rejected, outcome.retries) == (10, [], 0)
    documents = stored(client, family)
    assert len(documents) == 15  # 10 mentions + 5 stubs for p10..p18
    stubs = {doc["id"]: doc["engagement"]["replies"] for doc in documents.values() if "text" not in doc}
    assert stubs == {f"p{n}": n for n in range(10, 20, 2)}
