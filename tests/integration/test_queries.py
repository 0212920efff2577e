"""The ready queries (deploy/queries) and every dashboard panel's query, run on the real OpenSearch node.

The sample (samples/posts.jsonl) is enriched with the stream's own code and business rules like those in
docs/rules.md, moved in time so that its last post is ten minutes old (the queries look at the last hours
and days), and written with the sink's own bulk indexer into an index family of its own. The brands' replies
in the sample become first-response facts (sinks.updates), and a few alerts go into an alerts index of its
own, written like the alerts agent writes them.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from enrichers.enrichment import Enrichment
from pipeline.alerting.delivery import alert_update, ensure_alerts_index
from pipeline.settings import load_settings
from schemas.alerts import Alert, AlertKind, Dimension, alert_id
from schemas.mentions import EnrichedMention
from schemas.posts import RawPost
from schemas.rules import RulesConfig
from sinks.bulk import BulkIndexer, IndexRequest
from sinks.index_template import apply_template
from sinks.indices import ensure_read_alias
from sinks.search_client import async_client, resolve_engine, sync_client
from sinks.updates import MentionFacts, apply_updates
from tests.support import SAMPLE_CONFIG

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]
QUERIES = sorted((ROOT / "deploy" / "queries").glob("*.json"))
PANELS = sorted((ROOT / "deploy" / "kibana" / "panels").glob("*.json"))
RULES = RulesConfig.model_validate(
    {
        "list": [
            {"name": "own-posts", "when": {"is_brand_account": True}, "then": {"tags": ["own-post"]}},
            {
                "name": "b2b",
                "when": {"terms_any": ["zakelijk*", "business energy", "business account", "kvk"]},
                "then": {"route": "business", "answerable": True, "tags": ["b2b"]},
            },
            {
                "name": "invoice-private",
                "when": {
                    "intent": ["question", "complaint"],
                    "terms_any": ["factuur", "rekening", "invoice", "bill", "double charge"],
                },
                "then": {"route": "billing", "answerable": False, "tags": ["invoice", "dm"]},
            },
            {
                "name": "outages",
                "when": {"intent": ["outage"]},
                "then": {"route": "network", "answerable": True, "tags": ["outage"]},
            },
        ]
    }
)


@dataclass
class Sample:
    """The indices holding the sample, and what was written."""

    client: Elasticsearch
    mentions: str
    alerts: str
    documents: dict[str, EnrichedMention]
    answered: set[str]

    def index_of(self, title: str) -> str:
        return {"webcare-mentions": self.mentions, "webcare-alerts": self.alerts}[title]


def _recent_sample_posts() -> list[RawPost]:
    posts = []
    for line in (ROOT / "samples" / "posts.jsonl").read_bytes().splitlines():
        try:
            posts.append(RawPost.model_validate_json(line))
        except ValueError:
            continue  # the sample's malformed lines
    shift = datetime.now(UTC) - timedelta(minutes=10) - max(post.created_at for post in posts)
    return [post.model_copy(update={"created_at": post.created_at + shift}) for post in posts]


def _first_responses(mentions: list[EnrichedMention]) -> list[MentionFacts]:
    """The brands' earliest reply to each post, as the reply linker would report it."""
    by_id = {mention.id: mention for mention in mentions}
    first: dict[str, datetime] = {}
    for reply in mentions:
        post = by_id.get(reply.in_reply_to or "")
        if reply.author.is_brand_account and post is not None and reply.created_at > post.created_at:
            first[post.id] = min(first.get(post.id, reply.created_at), reply.created_at)
    return [
        MentionFacts(doc_id, by_id[doc_id].created_at, first_response_at=moment)
        for doc_id, moment in first.items()
    ]


def _alerts(now: datetime) -> list[Alert]:
    def alert(kind: AlertKind, brand: str, dimension: Dimension, key: str | None, minutes: int) -> Alert:
        start = now - timedelta(minutes=minutes)
        return Alert(
            id=alert_id(kind, brand, dimension, key, start),
            kind=kind,
            brand=brand,
            dimension=dimension,
            key=key,
            window_start=start,
            window_end=start + timedelta(minutes=10),
            count=40 if kind is AlertKind.spike else 4,
            baseline_mean=3.0,
            baseline_std=1.5,
            threshold=8.2,
            min_count=10,
            created_at=start + timedelta(minutes=10),
        )

    return [
        alert(AlertKind.spike, "Kabelkat", Dimension.volume, None, 300),
        alert(AlertKind.recovery, "Kabelkat", Dimension.volume, None, 200),
        alert(AlertKind.spike, "Wattwolk", Dimension.term, "stroomstoring", 120),
        alert(AlertKind.spike, "Duitenbank", Dimension.negative, None, 60),
    ]


async def _write(sample: Sample, mentions: list[EnrichedMention], facts: list[MentionFacts]) -> None:
    client = async_client(load_settings(SAMPLE_CONFIG).search)
    try:
        requests = [IndexRequest(m.id, json.loads(m.model_dump_json())) for m in mentions]
        written = await BulkIndexer(client, sample.mentions).index(requests)
        assert not written.rejected, written.rejected[:3]
        assert not (await apply_updates(BulkIndexer(client, sample.mentions), facts)).rejected
        await ensure_alerts_index(client, sample.alerts)
        alerts = BulkIndexer(client, sample.alerts)
        outcome = await alerts.write(
            _alerts(datetime.now(UTC)), lambda a, _now: alert_update(sample.alerts, a)
        )
        assert not outcome.rejected
    finally:
        await client.close()


@pytest.fixture(scope="module")
def sample(real_stack: None) -> Iterator[Sample]:
    settings = load_settings(SAMPLE_CONFIG)
    engine = resolve_engine(settings.search)
    client = sync_client(settings.search, engine)
    suffix = uuid.uuid4().hex[:8]
    family, alerts = f"webcare-mentions-test-{suffix}", f"webcare-alerts-test-{suffix}"
    apply_template(client, family, engine)
    ensure_read_alias(client, family)
    mentions = Enrichment(settings.brands, rules=RULES).enrich(_recent_sample_posts())
    facts = _first_responses(mentions)
    state = Sample(client, family, alerts, {m.id: m for m in mentions}, {f.doc_id for f in facts})
    try:
        asyncio.run(_write(state, mentions, facts))
        client.indices.refresh(index=[family, alerts])
        yield state
    finally:
        client.options(ignore_status=404).indices.delete(index=[f"{family}-*", alerts])
        client.indices.delete_index_template(name=family)
        client.close()


def _query(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "deploy" / "queries" / f"{name}.json").read_text(encoding="utf-8"))


def _first_buckets(aggregations: dict[str, Any]) -> list[dict[str, Any]]:
    """The buckets of the first bucketed aggregation, looking through single-bucket wrappers."""
    for value in aggregations.values():
        if isinstance(value, dict) and "buckets" in value:
            return value["buckets"]
        if isinstance(value, dict) and "doc_count" in value:
            return _first_buckets(value)
    raise AssertionError(f"no buckets in {list(aggregations)}")


HIT_CHECKS: dict[str, Callable[[EnrichedMention, Sample], bool]] = {
    "01-negative-dutch-complaints-24h": lambda m, _s: (
        "Kabelkat" in m.brand_names()
        and m.language == "nl"
        and m.sentiment is not None
        and m.sentiment.label == "negative"
        and m.intent is not None
        and m.intent.label == "complaint"
    ),
    "03-unanswered-older-than-1h": lambda m, s: m.id not in s.answered and not m.author.is_brand_account,
    "06-influencer-mentions": lambda m, _s: m.author.followers >= 10_000 and bool(m.brands),
    "07-outside-in-without-brand-name": lambda m, _s: {b.keyword_set for b in m.brands} == {"outside_in"},
    "08-b2b-questions": lambda m, _s: m.intent is not None and m.intent.label == "question",
    "10-routed-not-answerable-in-public": lambda m, _s: (
        m.routing.team is not None and m.routing.answerable is False
    ),
}


@pytest.mark.parametrize("path", QUERIES, ids=[path.stem for path in QUERIES])
def test_a_ready_query_runs_and_finds_what_the_sample_holds(sample: Sample, path: Path) -> None:
    body = _query(path.stem)
    response = sample.client.search(index=sample.mentions, body=body)
    assert not response["timed_out"] and response["_shards"]["failed"] == 0
    if body.get("size", 10) > 0:
        hits = response["hits"]["hits"]
        assert hits, "the sample holds matching mentions"
        check = HIT_CHECKS.get(path.stem)
        if check is not None:
            assert all(check(sample.documents[hit["_id"]], sample) for hit in hits), path.stem
    if "aggs" in body:
        assert _first_buckets(response["aggregations"]), "buckets"


def test_the_unanswered_query_lists_no_answered_post_and_the_highest_priority_first(sample: Sample) -> None:
    body = _query("03-unanswered-older-than-1h")
    hits = sample.client.search(index=sample.mentions, body=body)["hits"]["hits"]
    priorities = [hit["_source"]["priority"] for hit in hits]
    assert priorities == sorted(priorities, reverse=True)
    assert sample.answered and not {hit["_id"] for hit in hits} & sample.answered


def test_response_times_per_team_are_percentiles_of_the_answered_posts(sample: Sample) -> None:
    body = json.loads(
        (ROOT / "deploy" / "queries" / "04-response-time-per-team-and-channel.json").read_text()
    )
    teams = sample.client.search(index=sample.mentions, body=body)["aggregations"]["team"]["buckets"]
    assert sum(channel["doc_count"] for team in teams for channel in team["channel"]["buckets"]) == len(
        sample.answered
    )
    medians = [c["response_seconds"]["values"]["50.0"] for t in teams for c in t["channel"]["buckets"]]
    assert all(median is not None and median > 0 for median in medians)


def _fill_dashboard_context(value: Any) -> Any:
    """What Kibana / OSD put in for the Vega placeholders: an empty dashboard, the last seven days."""
    if isinstance(value, list):
        filled = [_fill_dashboard_context(item) for item in value]
        return [item for item in filled if item is not None]
    if isinstance(value, str) and value.startswith("%dashboard_context-"):
        return {"match_all": {}} if value.endswith("must_clause%") else None
    if isinstance(value, dict):
        if value == {"%timefilter%": True}:
            return {"gte": "now-7d", "lte": "now"}
        return {key: _fill_dashboard_context(item) for key, item in value.items()}
    return value


@pytest.mark.parametrize("path", PANELS, ids=[path.stem for path in PANELS])
def test_a_dashboard_panel_query_runs_and_has_buckets(sample: Sample, path: Path) -> None:
    request = json.loads(path.read_text(encoding="utf-8"))
    body = _fill_dashboard_context(request["body"])
    response = sample.client.search(index=sample.index_of(request["index"]), body=body)
    assert response["_shards"]["failed"] == 0
    if body["size"]:
        assert response["hits"]["hits"]
    else:
        buckets = _first_buckets(response["aggregations"])
        assert buckets and all(bucket["doc_count"] > 0 for bucket in buckets)
