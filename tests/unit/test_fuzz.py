"""Property-based fuzzing (hypothesis) of everything that parses input from outside.

Each parser either accepts its input or refuses it with its own error type and a message; no other
exception may escape, since in the stream it would turn into a retried batch instead of a dead letter.
Runs are derandomized (the same examples on every run, so CI is repeatable); set HYPOTHESIS_PROFILE=explore
for fresh random examples and more of them.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrichers.brands import BrandMatcher
from enrichers.enrichment import Enrichment
from enrichers.keyword_query import QueryError, parse_query, to_opensearch, tokenize
from schemas.config import BrandConfig
from schemas.decode import InvalidPost, decode_raw_post
from schemas.posts import RawPost

settings.register_profile(
    "ci", max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("explore", max_examples=5_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

BRANDS = [
    BrandConfig(
        name="Kabelkat",
        handles=["kabelkat"],
        inside_out=["Kabelkat", "KatFiber*", '"kat tv" NEAR/2 box', "kabelkat NOT (dier OR poes)"],
        outside_in=["geen bereik", "beste provider", "dropped call*"],
    )
]
MATCHER = BrandMatcher(BRANDS)
ENRICHMENT = Enrichment(BRANDS)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
post_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=20), st.integers(), st.none()),
        "source": st.sampled_from(["twitter", "forum", "myspace", ""]) | json_values,
        "author": st.fixed_dictionaries(
            {}, optional={"id": st.text(max_size=8) | json_values, "followers": st.integers() | json_values}
        )
        | json_values,
        "text": st.text(max_size=80) | json_values,
        "created_at": st.sampled_from(["2026-11-20T10:00:00Z", "2026-11-20T10:00:00", "yesterday"])
        | json_values,
        "engagement": st.dictionaries(
            st.sampled_from(["likes", "reposts", "shares"]), json_values, max_size=3
        ),
        "surprise": json_values,
    },
)


@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_a_post_or_refused_with_a_reason(data: bytes) -> None:
    try:
        decode_raw_post(data)
    except InvalidPost as error:
        assert str(error)


@given(post_like)
def test_post_shaped_json_is_a_post_or_refused_with_a_reason(document: dict) -> None:
    try:
        post = decode_raw_post(json.dumps(document).encode())
    except InvalidPost as error:
        assert str(error).startswith(("not a valid RawPost: ", "not valid JSON"))
    else:
        assert post.text and post.created_at.tzinfo is not None


@given(st.integers(min_value=1, max_value=20_000))
def test_deep_nesting_is_refused_not_crashed(depth: int) -> None:
    data = b'{"text": %s}' % (b"[" * depth + b"]" * depth)
    try:
        decode_raw_post(data)
    except InvalidPost as error:
        assert "not a valid RawPost" in str(error) or "nested too deeply" in str(error)


query_text = st.lists(
    st.sampled_from([*'ab c"()*@#-~/é1', "AND ", "OR ", "NOT ", "NEAR/2 ", " NEAR/", "kabelkat "]),
    max_size=14,
).map("".join)


@given(query_text, st.text(max_size=60))
def test_any_query_parses_or_is_refused_and_matching_never_raises(written: str, post: str) -> None:
    try:
        query = parse_query(written)
    except QueryError as error:
        assert written in str(error) or str(error)
        return
    query.matches(post)
    assert to_opensearch(query)


@given(st.text(max_size=200))
def test_matching_and_tokenizing_never_raise(text: str) -> None:
    tokenize(text)
    MATCHER.match(text)


@given(st.lists(st.text(min_size=1, max_size=120).filter(str.strip), min_size=1, max_size=5))
def test_enrichment_handles_any_text(texts: list[str]) -> None:
    posts = [
        RawPost(
            id=f"fuzz:{number}",
            source="forum",
            author={"id": "a"},
            text=text,
            created_at=datetime(2026, 11, 20, tzinfo=UTC),
        )
        for number, text in enumerate(texts)
    ]
    mentions = ENRICHMENT.enrich(posts)
    assert [mention.id for mention in mentions] == [post.id for post in posts]
    for mention in mentions:
        assert mention.language == "und" or len(mention.language) == 2
        assert mention.sentiment is None or -1.0 <= mention.sentiment.score <= 1.0
