"""Outside-in term discovery on the real stack: a scenario replayed through a worker, suggestions checked on
the topic, in the index and through ``webcare suggest``.

The scenario (``tests/data/scenarios/discovery.jsonl``, see its generator) has 70 minutes of ordinary talk,
then 10 minutes in which customers write about an outage in new words, then 20 ordinary minutes. It is
shifted by whole hours to end less than an hour ago (so ``webcare suggest``'s default ``--since 24h`` finds
it) and replayed through one partition so the posts keep their order.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from pipeline.accounting import read_topic
from pipeline.cli import main
from pipeline.discovery.index import find_suggestions
from pipeline.discovery.terms import Coverage
from schemas.export import SCHEMA_DIR
from schemas.suggestions import SuggestionKind, TermSuggestion
from tests.support import PipelineProbe, isolated_config, running_pipeline

pytestmark = pytest.mark.stack

SCENARIO = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "discovery.jsonl"
SCENARIO_START = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
OUTAGE_WINDOW = SCENARIO_START + timedelta(minutes=70)
RISING = {"storing", "zenders", "kastje knippert", "kwijt"}
CO_OCCURRING = {"monteur"}
COVERED = {"glasvezel", "glasvezel storing", "wifi", "wifi kwijt", "kabelkat", "kabelkat storing", "modem"}


def shifted_scenario(directory: Path) -> tuple[Path, timedelta]:
    """The scenario moved by whole hours so that its last post is less than an hour old."""
    posts = [json.loads(line) for line in SCENARIO.read_text(encoding="utf-8").splitlines()]
    last = max(datetime.fromisoformat(post["created_at"]) for post in posts)
    shift = timedelta(hours=(datetime.now(UTC) - last) // timedelta(hours=1))
    for post in posts:
        post["created_at"] = (datetime.fromisoformat(post["created_at"]) + shift).isoformat()
    path = directory / "discovery.jsonl"
    path.write_text("".join(json.dumps(post) + "\n" for post in posts), encoding="utf-8")
    return path, shift


def discovery_config(suffix: str) -> dict[str, Any]:
    """The ``discovery`` section: 10-minute windows scored every minute, an hour of baseline."""
    return {
        "topic": f"test-{suffix}.term-suggestions",
        "by_brand_topic": f"test-{suffix}.discovery-observations",
        "index": f"webcare-suggestions-test-{suffix}",
        "window_seconds": 600,
        "baseline_windows": 6,
        "evaluate_seconds": 60,
        "min_count": 5,
        "min_support": 8,
        "min_baseline_posts": 20,
    }


@dataclass
class DiscoveryRun:
    probe: PipelineProbe
    config: Path
    shift: timedelta
    messages: list[Any]

    @property
    def index(self) -> str:
        return self.probe.settings.discovery.index  # type: ignore[attr-defined]

    def suggestions(self) -> list[TermSuggestion]:
        return [TermSuggestion.model_validate_json(message.value) for message in self.messages]

    def terms(self, brand: str, kind: SuggestionKind) -> set[str]:
        return {item.term for item in self.suggestions() if item.brand == brand and item.kind is kind}


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def run(real_stack: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DiscoveryRun]:
    """A worker with discovery on (alerts off), the scenario replayed through it, and what it published."""
    directory = tmp_path_factory.mktemp("discovery")
    suffix = uuid.uuid4().hex[:8]
    config = isolated_config(
        directory, partitions=1, discovery=discovery_config(suffix), alerts={"enabled": False}
    )
    with running_pipeline(config) as probe:
        path, shift = shifted_scenario(directory)
        probe.replay(path)
        probe.wait_until_processed()
        settings = probe.settings.discovery  # type: ignore[attr-defined]
        probe.accounting.wait_until_consumed(
            [settings.by_brand_topic, settings.topic], probe.settings.worker.app_id, 120.0, poll_seconds=0.5
        )
        messages = list(read_topic(probe.settings.kafka.bootstrap_servers, settings.topic))
        found = DiscoveryRun(probe, config, shift, messages)
        ids = {item.id for item in found.suggestions()}
        wait_for(lambda: indexed_ids(found) >= ids, 60, "the suggestions in the index")
        yield found


def indexed_ids(run: DiscoveryRun) -> set[str]:
    search = run.probe.search
    if not search.indices.exists(index=run.index):
        return set()
    search.indices.refresh(index=run.index)
    hits = search.search(index=run.index, size=10_000, query={"match_all": {}})["hits"]["hits"]
    return {hit["_id"] for hit in hits}


def test_the_outage_words_are_suggested_as_rising_in_the_outage_window(run: DiscoveryRun) -> None:
    assert run.terms("Kabelkat", SuggestionKind.rising) >= RISING
    for item in run.suggestions():
        if item.kind is SuggestionKind.rising:
            assert item.brand == "Kabelkat", item
            assert item.window_start == OUTAGE_WINDOW + run.shift, item
            assert item.count >= 5 and item.score >= 10.83 and item.lift >= 3.0


def test_terms_said_together_with_the_brand_are_suggested_as_co_occurring(run: DiscoveryRun) -> None:
    assert run.terms("Kabelkat", SuggestionKind.co_occurring) >= CO_OCCURRING
    assert "monteur" not in run.terms("Wattwolk", SuggestionKind.co_occurring)


def test_terms_the_keyword_sets_cover_are_never_suggested(run: DiscoveryRun) -> None:
    brands = {brand.name: brand for brand in run.probe.settings.brands}
    suggested = run.suggestions()
    assert not COVERED & {item.term for item in suggested if item.brand == "Kabelkat"}
    assert not [item.term for item in suggested if Coverage(brands[item.brand]).covers(item.term)]


def test_suggestions_quote_posts_with_the_term(run: DiscoveryRun) -> None:
    for item in run.suggestions():
        if item.kind is SuggestionKind.rising:
            assert 1 <= len(item.examples) <= 3
            assert all(item.term.split()[0] in example.text.lower() for example in item.examples), item


def test_messages_follow_the_json_schema_and_are_keyed_by_id(run: DiscoveryRun) -> None:
    schema = json.loads((SCHEMA_DIR / "term-suggestion.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    for message in run.messages:
        validator.validate(json.loads(message.value))
        assert message.key.decode() == json.loads(message.value)["id"]
        assert ("schema", b"webcare.term-suggestion") in message.headers


def test_a_suggestion_is_published_again_only_with_a_better_score(run: DiscoveryRun) -> None:
    scores: dict[str, float] = {}
    for item in run.suggestions():
        assert item.score > scores.get(item.id, 0.0), item
        scores[item.id] = item.score
    assert len(scores) < len(run.messages)


def test_webcare_suggest_lists_them_best_first_with_a_hint(run: DiscoveryRun) -> None:
    result = CliRunner().invoke(
        main,
        ["--config", str(run.config), "suggest", "--brand", "kabelkat", "--kind", "rising", "--limit", "50"],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["term", "brand", "kind", "scope", "score", "count", "example"]
    rows = [line.split("  ")[0] for line in lines[1 : lines.index("")]]
    assert set(rows) >= RISING
    assert "outside_in:" in result.output and "- name: Kabelkat" in result.output


def test_the_index_answers_filters(run: DiscoveryRun) -> None:
    found = find_suggestions(run.probe.search, run.index, brand="Kabelkat", kind="co_occurring", since="24h")
    assert found and all(item.kind is SuggestionKind.co_occurring for item in found)
    assert [item.score for item in found] == sorted((item.score for item in found), reverse=True)
    assert find_suggestions(run.probe.search, run.index, brand="Zwaluwspoor", since="24h") == []
