"""``webcare search`` on the real stack: posts replayed through a running worker, then searched.

Expected rows for the enrichment filters (language, sentiment, intent) are worked out by running the
stream's own enrichment offline on the same posts, so the test checks the command, not the classifiers;
the posts are written so that those sets are not empty.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from enrichers.enrichment import Enrichment
from pipeline.cli import main
from schemas.mentions import EnrichedMention
from schemas.posts import RawPost
from tests.support import PipelineProbe

pytestmark = pytest.mark.stack

POSTS = [  # (key, source, handle, hours ago, text)
    (
        "storing",
        "twitter",
        "anna_nl",
        1,
        "@kabelkat al drie dagen storing en geen internet. Echt slecht, niemand helpt!",
    ),
    (
        "bill",
        "twitter",
        "mark_uk",
        2,
        "@wattwolk my energy bill doubled again, this is terrible. I want a refund",
    ),
    ("praise", "facebook", None, 3, "Wat een top service van Zwaluwspoor vandaag, dank jullie wel!"),
    ("b2b", "instagram", "sam_b", 4, "Does Duitenbank offer a business account for a small company?"),
    ("german", "twitter", "jonas_de", 5, "Kabelkat ist wirklich super, ich bin sehr zufrieden"),
    ("old", "forum", "piet", 30, "Storing bij Kabelkat? Mijn wifi doet het niet meer sinds vanochtend"),
]


@pytest.fixture(scope="module")
def mentions(pipeline: PipelineProbe, tmp_path_factory: pytest.TempPathFactory) -> dict[str, EnrichedMention]:
    """The posts, replayed and indexed; by key, as the stream's enrichment sees them."""
    now = datetime.now(UTC)
    run = uuid.uuid4().hex[:8]
    posts = {
        key: RawPost(
            id=f"{source}:search-{run}-{key}",
            source=source,
            author={"id": f"{source}-{key}", "handle": handle, "name": f"Name {key}"},
            text=text,
            created_at=now - timedelta(hours=hours),
        )
        for key, source, handle, hours, text in POSTS
    }
    path = tmp_path_factory.mktemp("search") / "posts.jsonl"
    path.write_text("".join(post.model_dump_json() + "\n" for post in posts.values()), encoding="utf-8")
    pipeline.replay(path)
    pipeline.wait_until_processed()
    assert pipeline.indexed_count() == len(posts)
    enriched = Enrichment.from_settings(pipeline.settings).enrich(list(posts.values()))
    return dict(zip(posts, enriched, strict=True))


def webcare(pipeline: PipelineProbe, *args: str, columns: int = 120) -> tuple[str, str]:
    runner = CliRunner()
    env = {"WEBCARE_SEARCH__INDEX": pipeline.settings.search.index, "COLUMNS": str(columns)}
    result = runner.invoke(main, ["search", *args], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def found_ids(pipeline: PipelineProbe, *args: str) -> list[str]:
    stdout, _ = webcare(pipeline, *args, "--json")
    return [json.loads(line)["id"] for line in stdout.splitlines()]


def newest_first(mentions: list[EnrichedMention]) -> list[str]:
    return [m.id for m in sorted(mentions, key=lambda m: m.created_at, reverse=True)]


def test_text_and_brand_within_the_last_hours(pipeline: PipelineProbe, mentions: dict) -> None:
    assert found_ids(pipeline, "storing", "--brand", "Kabelkat") == [mentions["storing"].id]
    assert found_ids(pipeline, "storing", "--brand", "Kabelkat", "--hours", "48") == [
        mentions["storing"].id,
        mentions["old"].id,
    ]
    assert found_ids(pipeline, "storing", "--brand", "Wattwolk", "--hours", "48") == []


def test_language_and_sentiment_filters(pipeline: PipelineProbe, mentions: dict) -> None:
    expected = [m for m in mentions.values() if m.language == "nl" and m.sentiment.label == "negative"]
    assert mentions["storing"] in expected
    found = found_ids(pipeline, "--language", "nl", "--sentiment", "negative", "--hours", "0")
    assert found == newest_first(expected)


def test_intent_and_source_filters(pipeline: PipelineProbe, mentions: dict) -> None:
    questions = [m for m in mentions.values() if m.intent is not None and m.intent.label == "question"]
    assert mentions["b2b"] in questions
    assert found_ids(pipeline, "--intent", "question", "--hours", "0") == newest_first(questions)
    twitter = [m for m in mentions.values() if m.source == "twitter"]
    assert found_ids(pipeline, "--source", "twitter", "--limit", "2") == newest_first(twitter)[:2]


def test_keyword_query_on_the_folded_text(pipeline: PipelineProbe, mentions: dict) -> None:
    found = found_ids(pipeline, "(wifi OR internet) AND NOT dagen", "--keywords", "--hours", "0")
    assert found == [mentions["old"].id]


def test_priority_order(pipeline: PipelineProbe, mentions: dict) -> None:
    stdout, _ = webcare(pipeline, "--sort", "priority", "--hours", "0", "--json")
    priorities = [json.loads(line)["priority"] for line in stdout.splitlines()]
    assert len(priorities) == len(mentions) and priorities == sorted(priorities, reverse=True)


def test_a_readable_table_fitted_to_the_terminal(pipeline: PipelineProbe, mentions: dict) -> None:
    stdout, stderr = webcare(pipeline, "--hours", "24", columns=100)
    header, *rows = stdout.splitlines()
    assert header.split() == [
        "UTC",
        "source",
        "brands",
        "lang",
        "sentiment",
        "intent",
        "prio",
        "author",
        "text",
    ]
    assert len(rows) == 5 and all(len(line) <= 100 for line in rows)
    storing = mentions["storing"]
    first = rows[0]
    assert first.startswith(f"{storing.created_at:%m-%d %H:%M} twitter   Kabelkat    nl   ")
    assert "@anna_nl" in first and first.endswith("…")
    assert "Name praise" in stdout  # no handle: the name
    assert stderr.strip() == "5 of 5 mention(s), last 24 h"
