"""Tests of the synthetic post generator and of the committed sample files."""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from pydantic import ValidationError

from connectors.synthetic import (
    DEFAULT_START,
    MALFORMED_KINDS,
    SAMPLE_BRANDS,
    SPAN,
    PostLabel,
    generate_labelled,
    generate_posts,
    malformed_lines,
    sample_brands,
)
from schemas.config import BrandsConfig
from schemas.posts import RawPost, Source

ROOT = Path(__file__).resolve().parents[2]
COUNT = 3_000


@pytest.fixture(scope="module")
def labelled() -> list[tuple[RawPost, PostLabel]]:
    return list(generate_labelled(COUNT, seed=7))


@pytest.fixture(scope="module")
def make_sample() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "samples" / "make_sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tokens(text: str) -> list[str]:
    """Lowercase, accent-free word tokens (a simple stand-in for the real keyword matcher)."""
    text = unicodedata.normalize("NFKD", text.lower())
    return re.findall(r"[\w-]+", "".join(ch for ch in text if not unicodedata.combining(ch)))


def _matches(tokens: list[str], term: str) -> bool:
    """Whole-token match of a term; a trailing ``*`` matches any continuation of the last word."""
    wanted = _tokens(term.rstrip("*"))
    prefix = term.endswith("*")
    for i in range(len(tokens) - len(wanted) + 1):
        window = tokens[i : i + len(wanted)]
        last_ok = window[-1].startswith(wanted[-1]) if prefix else window[-1] == wanted[-1]
        if window[:-1] == wanted[:-1] and last_ok:
            return True
    return False


def _rejected(line: bytes) -> bool:
    """True when a replay must reject the line: not a JSON object, or not a valid RawPost."""
    try:
        value = json.loads(line)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        return True
    if not isinstance(value, dict):
        return True
    try:
        RawPost.model_validate(value)
    except ValidationError:
        return True
    return False


# ---- the generator


def test_same_seed_same_posts() -> None:
    first = [post.model_dump_json() for post in generate_posts(500, seed=3)]
    second = [post.model_dump_json() for post in generate_posts(500, seed=3)]
    other = [post.model_dump_json() for post in generate_posts(500, seed=4)]
    assert first == second
    assert first != other


def test_count_and_empty() -> None:
    assert len(list(generate_posts(10))) == 10
    assert list(generate_posts(0)) == []


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        list(generate_posts(10, start=datetime(2025, 1, 1)))  # naive start
    with pytest.raises(ValueError):
        list(generate_posts(-1))


def test_posts_are_valid_raw_posts(labelled: list[tuple[RawPost, PostLabel]]) -> None:
    for post, _ in labelled:
        again = RawPost.model_validate_json(post.model_dump_json())
        assert again == post


def test_ids_unique_and_prefixed(labelled: list[tuple[RawPost, PostLabel]]) -> None:
    ids = [post.id for post, _ in labelled]
    assert len(set(ids)) == len(ids)
    for post, _ in labelled:
        assert post.id.startswith(f"{post.source.value}:")


def test_time_order_and_span(labelled: list[tuple[RawPost, PostLabel]]) -> None:
    times = [post.created_at for post, _ in labelled]
    assert times == sorted(times)
    assert all(t.utcoffset() == timedelta(0) for t in times)
    assert times[0] >= DEFAULT_START and times[-1] < DEFAULT_START + SPAN
    assert times[-1] - times[0] > timedelta(days=3)


def test_start_moves_the_period() -> None:
    start = datetime(2024, 6, 1, tzinfo=UTC)
    posts = list(generate_posts(200, start=start))
    assert all(start <= post.created_at < start + SPAN for post in posts)


def test_language_mix(labelled: list[tuple[RawPost, PostLabel]]) -> None:
    langs = Counter(label.lang for _, label in labelled)
    share = {lang: count / COUNT for lang, count in langs.items()}
    assert 0.50 <= share["nl"] <= 0.60
    assert 0.35 <= share["en"] <= 0.45
    other = share.get("de", 0) + share.get("fr", 0) + share.get("es", 0)
    assert 0.03 <= other <= 0.08
    assert {"de", "fr", "es"} <= set(langs)


def test_content_mix(labelled: list[tuple[RawPost, PostLabel]]) -> None:
    kinds = Counter(label.kind for _, label in labelled)
    for kind in (
        "mention",
        "outside_in",
        "brand_reply",
        "customer_followup",
        "repost",
        "article",
        "spam",
        "off_topic",
        "announcement",
    ):
        assert kinds[kind] > 0, kind
    intents = Counter(label.intent for _, label in labelled if label.kind == "mention")
    for intent in (
        "complaint",
        "question",
        "invoice_question",
        "b2b_question",
        "praise",
        "outage",
        "purchase_intent",
    ):
        assert intents[intent] > 0, intent
    brands = Counter(label.brand for _, label in labelled if label.kind == "mention")
    assert set(brands) == {brand.name for brand in SAMPLE_BRANDS.brands}
    assert {post.source for post, _ in labelled} == set(Source) - {Source.webhook, Source.other}


def test_brand_replies_answer_earlier_posts(labelled: list[tuple[RawPost, PostLabel]]) -> None:
    by_id = {post.id: post for post, _ in labelled}
    replies = [post for post, label in labelled if label.kind == "brand_reply"]
    assert len(replies) > COUNT * 0.05
    for reply in replies:
        assert reply.author.is_brand_account
        assert reply.in_reply_to is not None
        original = by_id[reply.in_reply_to]
        assert original.created_at < reply.created_at
        assert original.source == reply.source
        assert not original.author.is_brand_account
    customers = [post for post, label in labelled if label.kind != "brand_reply"]
    assert not any(post.author.is_brand_account for post in customers if post.in_reply_to)


def test_reposts_point_back(labelled: list[tuple[RawPost, PostLabel]]) -> None:
    by_id = {post.id: post for post, _ in labelled}
    reposts = [post for post, label in labelled if label.kind == "repost"]
    assert reposts
    for repost in reposts:
        assert repost.repost_of is not None
        original = by_id[repost.repost_of]
        assert original.created_at < repost.created_at
        assert repost.text == f"RT @{original.author.handle}: {original.text}"


def test_mentions_name_the_brand(labelled: list[tuple[RawPost, PostLabel]]) -> None:
    terms = {brand.name: brand.inside_out for brand in SAMPLE_BRANDS.brands}
    for post, label in labelled:
        if label.kind == "mention":
            assert label.brand is not None
            tokens = _tokens(post.text)
            assert any(_matches(tokens, term) for term in terms[label.brand]), post.text


def test_outside_in_posts_use_customer_words_only(labelled: list[tuple[RawPost, PostLabel]]) -> None:
    brands = {brand.name: brand for brand in SAMPLE_BRANDS.brands}
    all_inside = [term for brand in SAMPLE_BRANDS.brands for term in brand.inside_out]
    outside = [(post, label) for post, label in labelled if label.kind == "outside_in"]
    assert len(outside) > COUNT * 0.08
    for post, label in outside:
        assert label.brand is not None
        tokens = _tokens(post.text)
        assert not any(_matches(tokens, term) for term in all_inside), post.text
        assert any(_matches(tokens, term) for term in brands[label.brand].outside_in), post.text


def test_outage_bursts(labelled: list[tuple[RawPost, PostLabel]]) -> None:
    """Several people report the same outage within an hour, far above the usual rate."""
    outages = [(post.created_at, label.brand) for post, label in labelled if label.intent == "outage"]
    peak = 0
    for i, (start, brand) in enumerate(outages):
        in_hour = [b for t, b in outages[i:] if t < start + timedelta(hours=1) and b == brand]
        peak = max(peak, len(in_hour))
    assert peak >= 15


def test_titles_only_where_sources_have_them(labelled: list[tuple[RawPost, PostLabel]]) -> None:
    with_title = {Source.forum, Source.review, Source.blog, Source.news}
    for post, _ in labelled:
        if post.title is not None:
            assert post.source in with_title
    originals = [post for post, _ in labelled if post.in_reply_to is None]
    assert all(post.title for post in originals if post.source in (Source.news, Source.review))


def test_followers_skewed(labelled: list[tuple[RawPost, PostLabel]]) -> None:
    followers = sorted(post.author.followers for post, _ in labelled if not post.author.is_brand_account)
    median = followers[len(followers) // 2]
    assert median < 500
    assert followers[-1] > 20_000


def test_malformed_every_mixes_in_odd_but_valid_posts() -> None:
    items = list(generate_labelled(240, malformed_every=20))
    odd = [post for post, label in items if label.kind == "odd"]
    assert len(odd) == 12
    assert len(items) == 240
    assert any(len(post.text) > 15_000 for post in odd)
    assert any(not post.text.strip() for post in odd)


# ---- malformed lines


def test_malformed_lines_are_rejected() -> None:
    lines = malformed_lines(42)
    assert len(lines) == len(MALFORMED_KINDS) == 8
    for kind, line in zip(MALFORMED_KINDS, lines, strict=True):
        assert line.strip() and b"\n" not in line, kind
        assert _rejected(line), kind
        with pytest.raises(ValidationError):
            RawPost.model_validate_json(line)
    assert malformed_lines(42) == lines


# ---- brand config


def test_sample_brands() -> None:
    config = sample_brands()
    assert [brand.name for brand in config.brands] == ["Kabelkat", "Wattwolk", "Zwaluwspoor", "Duitenbank"]
    assert config == SAMPLE_BRANDS
    assert config is not sample_brands()
    for brand in config.brands:
        assert len(brand.handles) == 2
        assert any(term.startswith("#") for term in brand.inside_out)
        assert any(term.endswith(".example") for term in brand.inside_out)
        assert len(brand.outside_in) >= 10


# ---- committed sample files


def test_sample_posts_file_is_up_to_date(make_sample: ModuleType) -> None:
    on_disk = (ROOT / "samples" / "posts.jsonl").read_bytes()
    assert on_disk == make_sample.posts_jsonl(), "run: python samples/make_sample.py"


def test_sample_config_file_is_up_to_date(make_sample: ModuleType) -> None:
    on_disk = (ROOT / "samples" / "webcare.yaml").read_text(encoding="utf-8")
    assert on_disk == make_sample.webcare_yaml(), "run: python samples/make_sample.py"
    assert on_disk.startswith("#") and "fictional" in on_disk.splitlines()[1]
    assert BrandsConfig.model_validate({"brands": yaml.safe_load(on_disk)["brands"]}) == SAMPLE_BRANDS


def test_sample_posts_file_content(make_sample: ModuleType) -> None:
    lines = (ROOT / "samples" / "posts.jsonl").read_bytes().splitlines()
    assert len(lines) == make_sample.POST_COUNT + len(make_sample.MALFORMED_AT)
    bad = [number for number, line in enumerate(lines) if _rejected(line)]
    assert bad == list(make_sample.MALFORMED_AT)
