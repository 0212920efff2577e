"""Intent, business rules, priority and per-team topics on the real stack.

``tests/data/scenarios/routing.jsonl`` (30 hand-written posts about the sample brands) is replayed through a
worker configured with ``ROUTING_RULES``; every routed mention must come out on exactly its team's topic
and be indexed with the routing the rules decided, and the inbox order must follow the priority.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from tests.support import PipelineProbe, isolated_config, running_pipeline

pytestmark = pytest.mark.stack

SCENARIO = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "routing.jsonl"
ALL_BRANDS = ["Kabelkat", "Wattwolk", "Zwaluwspoor", "Duitenbank"]

ROUTING_RULES: dict[str, Any] = {
    "mode": "first_match",
    "list": [
        {"name": "own-posts", "when": {"is_brand_account": True}, "then": {"tags": ["own-post"]}},
        {
            "name": "b2b",
            "when": {"terms_any": ["zakelijk*", "business plan", "business account", "kvk"]},
            "then": {"route": "business", "answerable": True, "tags": ["b2b"], "priority_boost": 10},
        },
        {
            "name": "invoice-private",
            "when": {
                "intent": ["question", "complaint"],
                "terms_any": ["factuur", "rekening", "invoice", "bill", "charged", "afschrijving"],
            },
            "then": {"route": "billing", "answerable": False, "tags": ["invoice", "dm"], "priority_boost": 5},
        },
        {
            "name": "outages",
            "when": {"intent": ["outage"], "brand": ["Kabelkat", "Wattwolk", "Duitenbank"]},
            "then": {"route": "network", "answerable": True, "tags": ["outage"], "priority_boost": 20},
        },
        {
            "name": "rail-disruptions",
            "when": {"intent": ["outage"], "brand": ["Zwaluwspoor"]},
            "then": {"route": "travel-info", "answerable": True, "tags": ["outage"]},
        },
        {
            "name": "outside-in-leads",
            "when": {"keyword_set": ["outside_in"], "intent": ["question", "purchase_intent"]},
            "then": {"route": "sales", "tags": ["lead"]},
        },
        {
            "name": "purchase",
            "when": {"intent": ["purchase_intent"]},
            "then": {"route": "sales", "answerable": True, "priority_boost": 5},
        },
        {
            "name": "complaints",
            "when": {"intent": ["complaint"], "brand": ALL_BRANDS},
            "then": {"route": "social-care", "answerable": True, "tags": ["complaint"], "priority_boost": 5},
        },
        {
            "name": "product-questions",
            "when": {"intent": ["question"], "brand": ALL_BRANDS},
            "then": {"route": "social-care", "answerable": True},
        },
        {
            "name": "other-languages",
            "when": {"language": ["de", "fr", "es"], "brand": ALL_BRANDS},
            "then": {"route": "social-care", "tags": ["translate"]},
        },
    ],
}

# Post number -> (rule, team); posts not listed match no rule.
EXPECTED: dict[str, tuple[str, str | None]] = {
    "01": ("outages", "network"),
    "02": ("outages", "network"),
    "03": ("invoice-private", "billing"),
    "04": ("invoice-private", "billing"),
    "05": ("b2b", "business"),
    "06": ("product-questions", "social-care"),
    "07": ("product-questions", "social-care"),
    "09": ("purchase", "sales"),
    "10": ("own-posts", None),
    "11": ("complaints", "social-care"),
    "12": ("outages", "network"),
    "13": ("invoice-private", "billing"),
    "14": ("b2b", "business"),
    "15": ("product-questions", "social-care"),
    "16": ("purchase", "sales"),
    "18": ("complaints", "social-care"),
    "19": ("rail-disruptions", "travel-info"),
    "20": ("product-questions", "social-care"),
    "22": ("outages", "network"),
    "23": ("b2b", "business"),
    "24": ("complaints", "social-care"),
    "25": ("outside-in-leads", "sales"),  # "betaalrekening" is an outside-in term of Duitenbank
    "26": ("outside-in-leads", "sales"),
    "27": ("other-languages", "social-care"),
    "29": ("complaints", "social-care"),
    "30": ("purchase", "sales"),
}
POSTS = 30


def post_id(number: str) -> str:
    return f"scenario:routing-{number}"


def expected_teams() -> dict[str, set[str]]:
    teams: dict[str, set[str]] = {}
    for number, (_, team) in EXPECTED.items():
        if team is not None:
            teams.setdefault(team, set()).add(post_id(number))
    return teams


@pytest.fixture(scope="module")
def routed(real_stack: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineProbe]:
    """A worker with the routing rules and route topics of its own, after the scenario was replayed."""
    rules = {**ROUTING_RULES, "topic_prefix": f"test-{uuid.uuid4().hex[:8]}.route."}
    with running_pipeline(isolated_config(tmp_path_factory.mktemp("routing"), rules=rules)) as probe:
        report = probe.replay(SCENARIO)
        assert report.posts == POSTS and not report.malformed
        probe.wait_until_processed()
        yield probe


def topic_keys(probe: PipelineProbe, topic: str) -> list[str]:
    """The keys of every message on ``topic``, from the beginning to the current end."""
    consumer = KafkaConsumer(
        bootstrap_servers=probe.settings.kafka.bootstrap_servers, enable_auto_commit=False
    )
    try:
        partitions = [TopicPartition(topic, number) for number in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        keys: list[str] = []
        while any(consumer.position(partition) < end[partition] for partition in partitions):
            for batch in consumer.poll(timeout_ms=1_000).values():
                keys.extend(message.key.decode() for message in batch)
        return keys
    finally:
        consumer.close()


def test_every_routed_mention_is_on_its_team_topic_once(routed: PipelineProbe) -> None:
    rules = routed.settings.model_dump()["rules"]
    prefix = rules["topic_prefix"]
    expected = expected_teams()
    assert set(expected) == {"network", "billing", "business", "social-care", "sales", "travel-info"}
    for team, ids in expected.items():
        keys = topic_keys(routed, f"{prefix}{team}")
        assert sorted(keys) == sorted(ids), team


def test_the_index_holds_intent_routing_and_priority(routed: PipelineProbe) -> None:
    documents = {document["id"]: document for document in routed.documents()}
    assert len(documents) == POSTS
    for number in (f"{n:02d}" for n in range(1, POSTS + 1)):
        document = documents[post_id(number)]
        rule, team = EXPECTED.get(number, (None, None))
        assert document["routing"]["rules"] == ([rule] if rule else []), number
        assert document["routing"]["team"] == team, number
        assert 0.0 <= document["priority"] <= 100.0
    invoice = documents[post_id("03")]
    assert invoice["intent"]["label"] == "question"
    assert invoice["routing"] == {
        "team": "billing",
        "answerable": False,
        "tags": ["invoice", "dm"],
        "rules": ["invoice-private"],
        "priority_boost": 5.0,
    }
    assert documents[post_id("27")]["intent"] is None  # German: no intent, routed by language
    assert documents[post_id("10")]["priority"] == 0.0  # the brand's own reply


def test_the_inbox_sorts_by_priority(routed: PipelineProbe) -> None:
    index = routed.settings.search.index
    response = routed.search.search(
        index=index, size=3, sort=[{"priority": "desc"}], query={"exists": {"field": "routing.team"}}
    )
    top = [hit["_source"]["id"] for hit in response["hits"]["hits"]]
    # A journalist's outage report (120k followers, reposted), then a customer's outage report (boost 20),
    # then the consumer programme's complaint (250k followers) and the regional outage news (tied).
    assert top[:2] == [post_id("02"), post_id("01")]
    assert set(top[2:]) <= {post_id("29"), post_id("12")}
