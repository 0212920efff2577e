"""Keyword queries run by the matcher and as OpenSearch span queries select the same posts."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from connectors.synthetic import SAMPLE_BRANDS, generate_posts
from enrichers.keyword_query import (
    KEYWORD_FIELD,
    KeywordQuery,
    opensearch_analysis,
    parse_query,
    to_opensearch,
    tokenize,
)
from pipeline.settings import Settings
from sinks.search_client import sync_client

pytestmark = pytest.mark.stack

SYNTHETIC_POSTS = 240

TEMPLATES = [
    # NEAR and ~n at their limit and one token past it
    "{brand} heeft weer een storing in {city}",
    "{brand} heeft nu weer een storing",
    "het bereik is hier echt slecht",
    "modem is echt kapot",
    "wifi is nu echt kapot",
    "geen internet, al vijf dagen niet bij {brand}",
    "geen internet, al vijf hele dagen niet bij {brand}",
    "internet heeft storing, maar niet bij {brand}",
    "internet heeft een storing, dank je {brand}",
    # the rest
    "storing bij {brand}, al {n} uur geen internet",
    "Internet storing, dank je {brand}",
    "het bereik is echt slecht in {city}",
    "slecht bereik bij {brand} #{tag}storing",
    "concert in de {brand} Arena was top",
    "de jaguar in de zoo van {city}",
    "mijn Jaguar lekt olie, garage in {city}",
    "Café {city}: wifi valt weg, modem kapot",
    "naar het CAFE met @{handle} en #{tag}",
    "so many dropped calls with {brand} lately",
    "dropped the call again, {brand}",
    "ik ga mijn energiecontract opzeggen, {n} euro boete",
    "trein vertraagd bij {city}, aansluiting gemist",
    "trein te laat, het is {n} over",
    "zie https://www.{tag}.example/storingen voor info",
    "It\u2019s not working, {brand} app crashed",
    "OV-chipkaart kwijt in {city}",
]
BRANDS = ["Kabelkat", "Wattwolk", "Zwaluwspoor", "KABELKAT"]
CITIES = ["Utrecht", "Zwolle", "Ede", "Den Haag"]

OPERATOR_QUERIES = [
    'kabelkat NOT "kabelkat arena"',
    "jaguar NOT (dier OR zoo)",
    "jaguar -zoo",
    "storing NEAR/3 kabelkat",
    '"bereik slecht"~2',
    "(wifi OR modem) NEAR/2 kapot",
    '"geen internet" NEAR/5 (kabelkat OR wattwolk)',
    "(storing NEAR/1 internet) NEAR/4 kabelkat",
    "opzeg* AND energiecontract",
    'dropped call* OR "no signal"',
    "trein AND NOT vertraagd",
    "trein -vertraagd",
    '"te laat" OR (aansluiting AND gemist)',
    "cafe",
    "café AND (wifi OR @kabelkat)",
    "#kabelkat OR #zwaluwspoor",
    "@kabelkat_helpt OR @wattwolk",
    "kabelkat.example OR storingen",
    "it's AND not",
    "ov-chipkaart",
]


def _crafted_posts() -> Iterator[str]:
    combinations = itertools.product(TEMPLATES, BRANDS, CITIES)
    for number, (template, brand, city) in enumerate(itertools.islice(combinations, 0, None, 3)):
        handle = ["kabelkat", "kabelkat_helpt", "wattwolk", "zwaluwspoor"][number % 4]
        yield template.format(brand=brand, city=city, n=number % 12, tag=brand.lower(), handle=handle)


def _queries() -> list[KeywordQuery]:
    queries = [parse_query(query) for query in OPERATOR_QUERIES]
    for brand in SAMPLE_BRANDS.brands:
        entries = [*brand.inside_out, *(f"@{handle}" for handle in brand.handles)]
        queries += [parse_query(entry, hashtag_prefix=True) for entry in entries]
        queries += [parse_query(entry) for entry in brand.outside_in]
    return queries


QUERIES = _queries()


@pytest.fixture(scope="module")
def posts() -> dict[str, str]:
    synthetic = [post.text for post in generate_posts(SYNTHETIC_POSTS, seed=11, malformed_every=40)]
    texts = [*synthetic, *_crafted_posts()]
    return {f"post-{number}": text for number, text in enumerate(texts)}


@pytest.fixture(scope="module")
def search(real_stack: None, posts: dict[str, str]) -> Iterator[tuple[Elasticsearch, str]]:
    """A throwaway index with the keyword analyzer on ``text.folded``, holding the posts."""
    client = sync_client(Settings().search)
    index = f"keyword-query-test-{uuid.uuid4().hex[:8]}"
    folded = {"type": "text", "analyzer": "webcare_keywords"}
    client.indices.create(
        index=index,
        settings={"number_of_shards": 1, "number_of_replicas": 0, "analysis": opensearch_analysis()},
        mappings={"properties": {"text": {"type": "text", "fields": {"folded": folded}}}},
    )
    try:
        operations = [
            item for pid, text in posts.items() for item in ({"index": {"_id": pid}}, {"text": text})
        ]
        response = client.bulk(index=index, operations=operations, refresh=True)
        assert not response["errors"]
        yield client, index
    finally:
        client.indices.delete(index=index)
        client.close()


def _selected_by_search(client: Elasticsearch, index: str, query: KeywordQuery) -> set[str]:
    response = client.search(
        index=index,
        query=to_opensearch(query, KEYWORD_FIELD),
        size=10_000,
        source=False,
        track_total_hits=True,
    )
    return {hit["_id"] for hit in response["hits"]["hits"]}


def test_posts_are_varied(posts: dict[str, str]) -> None:
    assert len(posts) >= 300


@pytest.mark.parametrize("query", QUERIES, ids=[query.written for query in QUERIES])
def test_same_posts_selected(
    search: tuple[Elasticsearch, str], posts: dict[str, str], query: KeywordQuery
) -> None:
    client, index = search
    expected = {pid for pid, text in posts.items() if query.matches(text)}
    assert _selected_by_search(client, index, query) == expected


def test_every_operator_query_selects_some_but_not_all(posts: dict[str, str]) -> None:
    for written in OPERATOR_QUERIES:
        query = parse_query(written)
        selected = sum(query.matches(text) for text in posts.values())
        assert 0 < selected < len(posts), written


def test_tokens_are_the_analyzer_tokens(search: tuple[Elasticsearch, str], posts: dict[str, str]) -> None:
    client, index = search
    for text in posts.values():
        analyzed = client.indices.analyze(index=index, analyzer="webcare_keywords", text=text)
        assert [token["token"] for token in analyzed["tokens"]] == tokenize(text), text
