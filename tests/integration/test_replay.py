"""A post's whole journey on the real stack: replay -> Kafka -> Faust -> index, with exact accounting."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.synthetic import generate_posts, malformed_lines
from schemas.decode import InvalidPost, decode_raw_post
from tests.support import PipelineProbe

pytestmark = pytest.mark.stack

VALID_POSTS = 600


@pytest.fixture(scope="module")
def replay_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[bytes]]:
    """600 valid posts with the malformed lines spread between them."""
    bad = malformed_lines(seed=7)
    lines = [post.model_dump_json().encode() for post in generate_posts(VALID_POSTS, seed=7)]
    step = len(lines) // (len(bad) + 1)
    for number, line in enumerate(bad, start=1):
        lines.insert(number * step + number - 1, line)
    path = tmp_path_factory.mktemp("replay") / "posts.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, bad


def test_every_post_is_indexed_or_dead_lettered(pipeline: PipelineProbe, replay_file) -> None:
    path, bad = replay_file
    report = pipeline.replay(path)
    assert report.posts == VALID_POSTS
    assert len(report.malformed) == len(bad)

    pipeline.wait_until_processed()

    topics = pipeline.settings.topics
    assert pipeline.topic_messages(topics.raw) == VALID_POSTS + len(bad)
    assert pipeline.topic_messages(topics.mentions) == VALID_POSTS
    assert pipeline.indexed_count() == VALID_POSTS
    dead = pipeline.dead_letters()
    assert len(dead) == len(bad)
    assert sorted(record.original() for record in dead) == sorted(bad)


def test_dead_letters_keep_their_reasons(pipeline: PipelineProbe, replay_file) -> None:
    _, bad = replay_file
    expected = {}
    for line in bad:
        with pytest.raises(InvalidPost) as raised:
            decode_raw_post(line)
        expected[line] = str(raised.value)
    dead = {record.original(): record for record in pipeline.dead_letters()}
    for line, reason in expected.items():
        record = dead[line]
        assert record.reason == reason
        assert record.stage == "enrich"
        assert record.source_topic == pipeline.settings.topics.raw
        assert record.offset is not None and record.partition is not None


def test_documents_carry_language_and_brands(pipeline: PipelineProbe) -> None:
    documents = pipeline.documents()
    assert len(documents) == VALID_POSTS
    languages = {document["language"] for document in documents}
    assert {"nl", "en"} <= languages
    assert all(document["indexed_at"] and document["received_at"] for document in documents)
    assert sum(1 for document in documents if document["brands"]) > VALID_POSTS // 2


def test_replaying_the_same_file_adds_no_documents(pipeline: PipelineProbe, replay_file) -> None:
    path, bad = replay_file
    pipeline.replay(path)
    pipeline.wait_until_processed()
    topics = pipeline.settings.topics
    assert pipeline.topic_messages(topics.raw) == 2 * (VALID_POSTS + len(bad))
    assert pipeline.indexed_count() == VALID_POSTS
    assert len(pipeline.dead_letters()) == 2 * len(bad)
