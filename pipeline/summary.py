"""The numbers a person wants after a run: posts in, mentions indexed, dead letters, and breakdowns."""

from __future__ import annotations

import json
from dataclasses import dataclass

from elasticsearch import Elasticsearch

from pipeline.kafka_security import kafka_accounting
from pipeline.settings import Settings


@dataclass
class Summary:
    """Counts from Kafka and the index after a run."""

    raw_messages: int
    dlq_messages: int
    indexed: int
    per_language: dict[str, int]
    per_brand: dict[str, int]
    per_source: dict[str, int]
    per_intent: dict[str, int]
    per_team: dict[str, int]
    unmatched: int


def _buckets(aggregation: dict) -> dict[str, int]:
    return {bucket["key"]: bucket["doc_count"] for bucket in aggregation["buckets"]}


def collect_summary(settings: Settings, client: Elasticsearch) -> Summary:
    """Read the counts from the topics and the index (the index is refreshed first)."""
    index = settings.search.index
    client.indices.refresh(index=index)
    response = client.search(
        index=index,
        size=0,
        track_total_hits=True,
        # Only documents of mentions: a late fact can briefly make a stub without the post's fields.
        query={"exists": {"field": "source"}},
        aggs={
            "language": {"terms": {"field": "language", "size": 20}},
            "source": {"terms": {"field": "source", "size": 20}},
            "brand": {"terms": {"field": "brand_names", "size": 50}},
            "intent": {"terms": {"field": "intent.label", "size": 10}},
            "team": {"terms": {"field": "routing.team", "size": 20}},
            "unmatched": {"filter": {"bool": {"must_not": {"exists": {"field": "brand_names"}}}}},
        },
    )
    aggregations = response["aggregations"]
    with kafka_accounting(settings.kafka) as kafka_counts:
        raw = kafka_counts.counts(settings.topics.raw).messages
        dlq = kafka_counts.counts(settings.topics.dlq).messages
    return Summary(
        raw_messages=raw,
        dlq_messages=dlq,
        indexed=response["hits"]["total"]["value"],
        per_language=_buckets(aggregations["language"]),
        per_brand=_buckets(aggregations["brand"]),
        per_source=_buckets(aggregations["source"]),
        per_intent=_buckets(aggregations["intent"]),
        per_team=_buckets(aggregations["team"]),
        unmatched=aggregations["unmatched"]["doc_count"],
    )


def _table(title: str, counts: dict[str, int]) -> list[str]:
    lines = [f"  {title}:"]
    lines += [f"    {key:<14} {count:>7}" for key, count in counts.items()]
    return lines


def _curl_search(url: str, index: str, body: dict) -> str:
    header = "-H 'Content-Type: application/json'"
    return f"  curl -s {header} '{url}/{index}/_search?pretty' -d '{json.dumps(body)}'"


def format_summary(summary: Summary, settings: Settings) -> str:
    """A short, readable report with example queries to paste."""
    url = settings.search.url.rstrip("/")
    index = settings.search.index
    brand = next(iter(summary.per_brand), "Telvio")
    totals = [
        (f"posts in ({settings.topics.raw})", summary.raw_messages),
        (f"mentions indexed ({index})", summary.indexed),
        (f"dead letters ({settings.topics.dlq})", summary.dlq_messages),
        ("mentions matching no brand", summary.unmatched),
    ]
    width = max(len(label) for label, _ in totals)
    lines = [
        "Webcare pipeline summary",
        *(f"  {label:<{width}}  {count:>7}" for label, count in totals),
        *_table("per language", summary.per_language),
        *_table("per brand (mentions)", summary.per_brand),
        *_table("per source", summary.per_source),
        *_table("per intent", summary.per_intent),
        *_table("routed per team", summary.per_team),
        "",
        "Try these:",
        f"  curl -s '{url}/{index}/_count?q=language:nl'",
        _curl_search(
            url,
            index,
            {"size": 3, "query": {"nested": {"path": "brands", "query": {"term": {"brands.brand": brand}}}}},
        ),
        _curl_search(
            url,
            index,
            {
                "size": 3,
                "query": {"match": {"text.nl": "storing"}},
                "_source": ["text", "language", "brands"],
            },
        ),
    ]
    return "\n".join(lines)
