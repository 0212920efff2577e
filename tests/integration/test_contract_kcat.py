"""A client not written in Python reads the enriched topic: kcat (librdkafka) consumes it, and every
message validates against the published JSON Schema and carries the schema headers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from connectors.synthetic import generate_posts, malformed_lines
from schemas.export import SCHEMA_DIR
from tests.support import PipelineProbe

pytestmark = pytest.mark.stack

POSTS = 120


def _kcat() -> str:
    path = shutil.which("kcat")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("kcat is not installed (make install installs the Debian package kcat)")
        pytest.skip("kcat is not installed: apt-get install kcat")
    return path


def _consume(kcat: str, brokers: str, topic: str) -> list[dict]:
    """Every message of ``topic`` as kcat's JSON envelope (-J), read from the beginning to the end."""
    result = subprocess.run(
        [kcat, "-b", brokers, "-C", "-t", topic, "-o", "beginning", "-e", "-J", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _headers(envelope: dict) -> dict[str, str]:
    flat = envelope.get("headers") or []
    return dict(zip(flat[::2], flat[1::2], strict=True))


@pytest.fixture(scope="module")
def processed(pipeline: PipelineProbe, tmp_path_factory: pytest.TempPathFactory) -> PipelineProbe:
    bad = malformed_lines(seed=3)[:3]
    lines = [post.model_dump_json().encode() for post in generate_posts(POSTS, seed=11)] + bad
    path = Path(tmp_path_factory.mktemp("contract")) / "posts.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    pipeline.replay(path)
    pipeline.wait_until_processed()
    return pipeline


def test_kcat_reads_mentions_that_match_the_published_schema(processed: PipelineProbe) -> None:
    validator = Draft202012Validator(json.loads((SCHEMA_DIR / "enriched-mention.schema.json").read_text()))
    envelopes = _consume(
        _kcat(), processed.settings.kafka.bootstrap_servers, processed.settings.topics.mentions
    )
    assert len(envelopes) == POSTS
    for envelope in envelopes:
        message = json.loads(envelope["payload"])
        assert list(validator.iter_errors(message)) == []
        assert envelope["key"] == message["id"]
        assert _headers(envelope) == {
            "content-type": "application/json",
            "schema": "webcare.mention",
            "schema-version": "1.0",
        }


def test_kcat_reads_dead_letters_that_match_the_published_schema(processed: PipelineProbe) -> None:
    validator = Draft202012Validator(json.loads((SCHEMA_DIR / "dlq-record.schema.json").read_text()))
    envelopes = _consume(_kcat(), processed.settings.kafka.bootstrap_servers, processed.settings.topics.dlq)
    assert len(envelopes) == 3
    for envelope in envelopes:
        assert list(validator.iter_errors(json.loads(envelope["payload"]))) == []
        assert _headers(envelope)["schema"] == "webcare.dlq"
