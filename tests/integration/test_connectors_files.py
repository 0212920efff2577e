"""JSON Lines, CSV and generated posts on the real stack: interrupted runs resume with exact counts.

Counting: every test reads the raw topic's message count before and after, the indexed documents with its
own ids, and the DLQ records with its own bad bytes. A clean stop (SIGINT/SIGTERM, or the stop event here)
flushes and checkpoints, so the raw topic gets every item exactly once; after a *crash* between Kafka's ack
and the checkpoint write (simulated by restoring an older checkpoint) the raw topic gets some posts twice,
and the index still holds each post once.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from connectors.base import Item, Malformed
from connectors.checkpoint import CheckpointStore
from connectors.csv import CsvConnector
from connectors.generate import GenerateConnector
from connectors.jsonl import JsonLinesConnector
from connectors.publisher import Publisher
from connectors.runner import RateLimit
from connectors.service import run_connector
from connectors.settings import GenerateOptions, RunOptions
from connectors.synthetic import generate_posts, malformed_lines
from pipeline.replay import replay_file
from schemas.dlq import MAX_KEPT_BYTES
from tests.support import PipelineProbe

pytestmark = pytest.mark.stack


def _publisher(pipeline: PipelineProbe) -> Publisher:
    return Publisher(pipeline.settings.kafka.bootstrap_servers, pipeline.settings.topics.raw)


def _indexed(pipeline: PipelineProbe, ids: set[str]) -> set[str]:
    return {document["id"] for document in pipeline.documents() if document["id"] in ids}


def _dead(pipeline: PipelineProbe, originals: list[bytes]) -> list:
    return [record for record in pipeline.dead_letters() if record.original() in originals]


def _stop_after(count: int, stop: threading.Event):
    seen: list[Item] = []

    def on_item(item: Item) -> None:
        seen.append(item)
        if len(seen) == count:
            stop.set()

    return on_item


def test_jsonl_replay_interrupted_and_resumed_is_exact(pipeline: PipelineProbe, tmp_path: Path) -> None:
    posts = list(generate_posts(60, seed=11))
    bad = malformed_lines(seed=11)[:3]
    lines = [post.model_dump_json().encode() for post in posts]
    for number, line in enumerate(bad):
        lines.insert(10 + 20 * number, line)
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    store = CheckpointStore(tmp_path / "state", "jsonl-test")
    raw = pipeline.settings.topics.raw
    before = pipeline.topic_messages(raw)

    stop = threading.Event()
    with _publisher(pipeline) as publisher:
        first = run_connector(
            JsonLinesConnector(path, store.load()), publisher, store, RunOptions(checkpoint_every=7),
            on_item=_stop_after(25, stop), stop=stop,
        )  # fmt: skip
    assert first.posts + len(first.malformed) == 25
    report = replay_file(pipeline.settings, path, "jsonl", store=store)  # the restart, as the CLI runs it
    assert first.posts + report.posts == len(posts)
    assert len(first.malformed) + len(report.malformed) == len(bad)
    assert pipeline.topic_messages(raw) - before == len(posts) + len(bad)

    pipeline.wait_until_processed()
    assert _indexed(pipeline, {post.id for post in posts}) == {post.id for post in posts}
    dead = _dead(pipeline, bad)
    assert sorted(record.original() for record in dead) == sorted(bad)
    assert all(record.reason for record in dead)


def test_a_line_too_large_for_kafka_is_dead_lettered_not_fatal(
    pipeline: PipelineProbe, tmp_path: Path
) -> None:
    posts = list(generate_posts(2, seed=13))
    huge = b'{"id": "huge-1", "text": "' + b"storing " * 150_000 + b'"}'  # 1.2 MB, over Kafka's 1 MB
    path = tmp_path / "posts.jsonl"
    lines = [posts[0].model_dump_json().encode(), huge, posts[1].model_dump_json().encode()]
    path.write_bytes(b"\n".join(lines))
    raw = pipeline.settings.topics.raw
    before = pipeline.topic_messages(raw)

    report = replay_file(pipeline.settings, path, "jsonl")

    assert (report.posts, len(report.malformed)) == (2, 1)
    assert pipeline.topic_messages(raw) - before == 3
    pipeline.wait_until_processed()
    assert _indexed(pipeline, {post.id for post in posts}) == {post.id for post in posts}
    [dead] = _dead(pipeline, [huge[:MAX_KEPT_BYTES]])
    assert dead.reason.startswith("1,200,028 bytes: larger than a Kafka message may be"), dead.reason


def test_crash_before_checkpoint_resends_but_indexes_once(pipeline: PipelineProbe, tmp_path: Path) -> None:
    posts = list(generate_posts(30, seed=12))
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(post.model_dump_json() + "\n" for post in posts), encoding="utf-8")
    store = CheckpointStore(tmp_path / "state", "jsonl-crash")
    raw = pipeline.settings.topics.raw
    before = pipeline.topic_messages(raw)
    stop = threading.Event()
    with _publisher(pipeline) as publisher:
        run_connector(
            JsonLinesConnector(path), publisher, store, RunOptions(), on_item=_stop_after(10, stop), stop=stop
        )
    shutil.copy(store.path, tmp_path / "older.json")
    replay_file(pipeline.settings, path, store=store)
    shutil.copy(tmp_path / "older.json", store.path)  # as if the last checkpoint write was lost in a crash
    again = replay_file(pipeline.settings, path, store=store)
    assert again.posts == 20
    assert pipeline.topic_messages(raw) - before == 30 + 20  # at-least-once on Kafka
    pipeline.wait_until_processed()
    assert _indexed(pipeline, {post.id for post in posts}) == {post.id for post in posts}  # once in the index


def test_csv_replay_interrupted_and_resumed_is_exact(pipeline: PipelineProbe, tmp_path: Path) -> None:
    posts = list(generate_posts(40, seed=13))
    header = "id,source,url,author_id,author_handle,author_followers,text,created_at,lang_hint,likes\n"
    rows = [
        ",".join(
            [p.id, p.source.value, p.url or "", p.author.id, p.author.handle or "", str(p.author.followers),
             '"' + p.text.replace('"', '""') + '"', p.created_at.isoformat(), p.lang_hint or "",
             str(p.engagement.likes)]
        )
        for p in posts
    ]  # fmt: skip
    bad = [
        b"twitter:csv-bad-1,twitter,,u1,,many,Storing?,2025-03-10T09:00:00Z,nl,",
        b"twitter:csv-bad-2,twitter,,u2,,1,too short",
    ]
    rows.insert(5, bad[0].decode())
    rows.insert(30, bad[1].decode())
    path = tmp_path / "posts.csv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    store = CheckpointStore(tmp_path / "state", "csv-test")
    raw = pipeline.settings.topics.raw
    before = pipeline.topic_messages(raw)
    stop = threading.Event()
    with _publisher(pipeline) as publisher:
        first = run_connector(
            CsvConnector(path), publisher, store, RunOptions(checkpoint_every=4),
            on_item=_stop_after(17, stop), stop=stop,
        )  # fmt: skip
    report = replay_file(pipeline.settings, path, "csv", store=store, speed=1e6)  # 4 days of posts in 0.35 s
    assert first.posts + report.posts == len(posts)
    malformed: list[Malformed] = first.malformed + report.malformed
    assert sorted(m.data for m in malformed) == sorted(bad)
    assert pipeline.topic_messages(raw) - before == len(posts) + len(bad)
    pipeline.wait_until_processed()
    assert _indexed(pipeline, {post.id for post in posts}) == {post.id for post in posts}
    assert sorted(record.original() for record in _dead(pipeline, bad)) == sorted(bad)


def test_generate_publishes_count_posts(pipeline: PipelineProbe) -> None:
    options = GenerateOptions(count=50, seed=99, rate=500.0)
    ids = {post.id for post in generate_posts(50, seed=99)}
    with _publisher(pipeline) as publisher:
        report = run_connector(
            GenerateConnector(options), publisher, None, RunOptions(), RateLimit(options.rate)
        )
    assert report.posts == 50
    pipeline.wait_until_processed()
    assert _indexed(pipeline, ids) == ids
