"""``webcare audit`` finds every post accounted for, and names the ones that are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.synthetic import generate_posts, malformed_lines
from pipeline.audit import run_audit
from tests.support import PipelineProbe

pytestmark = pytest.mark.stack

POSTS = 150


@pytest.fixture(scope="module")
def processed(pipeline: PipelineProbe, tmp_path_factory: pytest.TempPathFactory) -> PipelineProbe:
    lines = [post.model_dump_json().encode() for post in generate_posts(POSTS, seed=5)] + malformed_lines(5)
    path = Path(tmp_path_factory.mktemp("audit")) / "posts.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    pipeline.replay(path)
    pipeline.replay(path)  # a replay adds messages but no documents
    pipeline.wait_until_processed()
    return pipeline


def test_everything_is_accounted_for(processed: PipelineProbe) -> None:
    report = run_audit(processed.settings, processed.search, progress=lambda _line: None)
    bad = len(malformed_lines(5))
    assert report.complete, report.lines()
    assert report.raw_messages == 2 * (POSTS + bad)
    assert report.mentions_messages == 2 * POSTS
    assert report.distinct_mentions == POSTS
    assert report.dead_letters == {"enrich": 2 * bad}
    assert report.indexed_documents == POSTS


def test_a_lost_document_is_named(processed: PipelineProbe) -> None:
    victim = processed.documents(size=1)[0]["id"]
    processed.search.delete_by_query(
        index=processed.settings.search.index, query={"ids": {"values": [victim]}}, refresh=True
    )
    report = run_audit(processed.settings, processed.search, progress=lambda _line: None)
    assert not report.complete
    assert report.missing_from_index == [victim]
    assert f"GAP: 1 mentions neither indexed nor dead-lettered: {victim}" in report.lines()
