"""Connector building blocks without servers: checkpoints, rate limits, backoff, pacing, file readers."""

from __future__ import annotations

import asyncio
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.base import Malformed
from connectors.checkpoint import CheckpointError, CheckpointStore
from connectors.csv import CsvConnector, CsvFormatError
from connectors.jsonl import JsonLinesConnector
from connectors.publisher import AsyncPublisher, Backpressure
from connectors.ratelimit import Backoff, TokenBucket, rate_limit_reset_seconds, retry_after_seconds
from connectors.runner import Pacer
from connectors.synthetic import generate_posts
from schemas.posts import RawPost

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def test_checkpoint_round_trip_is_atomic(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path / "state", "jsonl-a")
    assert store.load() is None
    store.save({"offset": 10})
    store.save({"offset": 20, "seen": ["é"]})
    assert store.load() == {"offset": 20, "seen": ["é"]}
    assert [p.name for p in (tmp_path / "state").iterdir()] == ["jsonl-a.json"]  # no temporary left behind
    store.clear()
    assert store.load() is None


def test_checkpoint_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="checkpoint name"):
        CheckpointStore(tmp_path, "../escape")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(CheckpointError, match=r"bad\.json"):
        CheckpointStore(tmp_path, "bad").load()


def test_token_bucket_allows_bursts_then_paces() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=2.0, burst=2, clock=lambda: now[0])
    assert [bucket.delay(), bucket.delay()] == [0.0, 0.0]
    assert bucket.delay() == pytest.approx(0.5)
    now[0] = 10.0
    assert bucket.delay() == 0.0


def test_backoff_grows_with_jitter_and_honours_hints() -> None:
    backoff = Backoff(base=1.0, cap=8.0, rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(6)]
    assert all(0 <= delay <= min(8.0, 2**n) for n, delay in enumerate(delays))
    assert backoff.next_delay(hint=3.0) == 3.0
    assert backoff.next_delay(hint=100.0) == 8.0


def test_retry_after_and_mastodon_rate_limit_headers() -> None:
    assert retry_after_seconds({"Retry-After": "7"}) == 7.0
    assert retry_after_seconds({"Retry-After": "Mon, 10 Mar 2025 12:00:30 GMT"}, NOW) == 30.0
    reset = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2025-03-10T12:05:00.000Z"}
    assert retry_after_seconds(reset, NOW) == 300.0
    assert rate_limit_reset_seconds({**reset, "X-RateLimit-Remaining": "12"}, NOW) is None
    assert retry_after_seconds({}, NOW) is None


def test_pacer_keeps_the_original_gaps_times_speed() -> None:
    now = [100.0]
    pacer = Pacer(speed=2.0, clock=lambda: now[0])
    post = next(generate_posts(1))
    first = post.model_copy(update={"created_at": NOW})
    later = post.model_copy(update={"created_at": NOW + timedelta(seconds=10)})
    assert pacer.delay(first) == 0.0
    assert pacer.delay(later) == pytest.approx(5.0)
    now[0] = 103.0
    assert pacer.delay(later) == pytest.approx(2.0)
    assert pacer.delay(Malformed(b"x", "bad", "here")) == 0.0


def _jsonl(path: Path, count: int) -> list[RawPost]:
    posts = list(generate_posts(count, seed=3))
    lines = [p.model_dump_json() for p in posts]
    lines.insert(2, "{broken")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return posts


def test_jsonl_resumes_from_its_position(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    posts = _jsonl(path, 6)
    first = JsonLinesConnector(path)
    reader = first.read()
    head = [next(reader) for _ in range(4)]
    assert isinstance(head[2], Malformed) and head[2].location.endswith(":3")
    rest = list(JsonLinesConnector(path, first.position()).read())
    got = [item.id for item in head + rest if isinstance(item, RawPost)]
    assert got == [post.id for post in posts]


def test_jsonl_follow_leaves_a_partial_last_line(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    post = next(generate_posts(1))
    path.write_bytes(post.model_dump_json().encode() + b"\n" + b'{"partial')
    connector = JsonLinesConnector(path, follow=False)
    assert len(list(connector.read())) == 2  # once: the partial line is read (and is malformed)
    import threading

    stop = threading.Event()
    stop.set()
    following = JsonLinesConnector(path, follow=True, stop=stop)
    assert [item.id for item in following.read()] == [post.id]  # type: ignore[union-attr]
    assert following.position()["offset"] == len(post.model_dump_json()) + 1


CSV_HEADER = "id,source,author_id,author_handle,author_followers,text,created_at,likes\n"


def test_csv_rows_become_posts_and_bad_rows_malformed(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        CSV_HEADER
        + 'twitter:1,twitter,u1,@anna,12,"Storing bij Kabelkat,\nweer!",2025-03-10T09:00:00Z,3\n'
        + "twitter:2,twitter,u2,,many,Hallo,2025-03-10T09:01:00Z,\n"
        + "twitter:3,twitter,u3,,1,Too few cells\n"
        + "twitter:4,twitter,u4,,0,Laatste,2025-03-10T09:02:00Z,\n",
        encoding="utf-8",
    )
    connector = CsvConnector(path)
    reader = connector.read()
    first = next(reader)
    assert isinstance(first, RawPost) and first.text == "Storing bij Kabelkat,\nweer!"
    assert first.author.followers == 12 and first.engagement.likes == 3
    saved = connector.position()
    rest = list(CsvConnector(path, saved).read())
    assert [type(item).__name__ for item in rest] == ["Malformed", "Malformed", "RawPost"]
    assert "author.followers" in rest[0].reason and rest[0].data.startswith(b"twitter:2,")  # type: ignore[union-attr]
    assert "cells" in rest[1].reason  # type: ignore[union-attr]


def test_csv_header_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,text,mood\n1,x,boos\n", encoding="utf-8")
    with pytest.raises(CsvFormatError, match=r"unknown column\(s\) \[\"mood\"\].*missing column"):
        list(CsvConnector(path).read())


class _SlowPublisher:
    def __init__(self, gate: asyncio.Event, loop: asyncio.AbstractEventLoop) -> None:
        self.gate, self.loop = gate, loop

    def send(self, item: object) -> object:
        gate, loop = self.gate, self.loop

        class _Ack:
            def get(self, timeout: float) -> None:
                asyncio.run_coroutine_threadsafe(gate.wait(), loop).result(timeout)

        return _Ack()


def test_async_publisher_answers_backpressure_while_kafka_is_slow() -> None:
    posts = list(generate_posts(3))

    async def scenario() -> None:
        gate = asyncio.Event()
        front = AsyncPublisher(_SlowPublisher(gate, asyncio.get_running_loop()), max_in_flight=2)  # type: ignore[arg-type]
        waiting = asyncio.create_task(front.publish(posts[:2]))
        await asyncio.sleep(0.05)
        with pytest.raises(Backpressure):
            await front.publish(posts[2:])
        gate.set()
        await waiting
        await front.publish(posts[2:])  # room again once Kafka caught up
        front.close()

    asyncio.run(scenario())


def test_checkpoint_file_is_documented_json(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path, "x")
    store.save({"cursor": 1})
    document = json.loads(store.path.read_text())
    assert document["connector"] == "x" and document["position"] == {"cursor": 1} and document["saved_at"]
