"""RSS/Atom, Mastodon and Bluesky connectors against real local servers of each platform's wire format,
on the real Kafka + worker + OpenSearch stack: exact counts across connector and server restarts.

Each fake platform is a real aiohttp server on 127.0.0.1 serving documented payloads (RSS 2.0, Atom 1.0,
Mastodon Status entities with Link and X-RateLimit headers and SSE streaming, Jetstream JSON events over a
WebSocket), including malformed payloads, 429 with Retry-After, 503, slow answers (timeouts), 304 Not
Modified, and restarts. Counts: posts served -> posts indexed (by id), bad payloads -> DLQ records (by
original bytes); the raw topic's message count rises by exactly posts + bad payloads.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from connectors.base import Item, Malformed
from connectors.bluesky import JetstreamConnector
from connectors.checkpoint import CheckpointStore
from connectors.feeds import FeedConnector
from connectors.http import HttpFetcher
from connectors.mastodon import MastodonConnector
from connectors.publisher import Publisher, PublishReport
from connectors.ratelimit import TokenBucket
from connectors.service import run_network_connector
from connectors.settings import RunOptions
from tests.support import PipelineProbe

pytestmark = pytest.mark.stack

START = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


class BackgroundServer:
    """An aiohttp application served from a thread; ``restart`` stops it and serves it again on its port."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.port = 0
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._runner: web.AppRunner | None = None

    def call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def start(self) -> BackgroundServer:
        self.call(self._start())
        return self

    def stop(self) -> None:
        self.call(self._stop())

    def close(self) -> None:
        self.stop()

        async def cancel_the_rest() -> None:
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        self.call(cancel_the_rest())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Counted:
    """Counts what a connector run published, and lets a test wait for it."""

    def __init__(self) -> None:
        self.posts: list[str] = []
        self.malformed: list[Malformed] = []

    def __call__(self, item: Item) -> None:
        if isinstance(item, Malformed):
            self.malformed.append(item)
        else:
            self.posts.append(item.id)

    def wait_for(self, posts: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.posts) < posts:
            assert time.monotonic() < deadline, f"only {len(self.posts)} of {posts} posts arrived"
            time.sleep(0.05)


def _run(
    pipeline: PipelineProbe,
    build: Callable[[aiohttp.ClientSession, dict[str, Any] | None], Any],
    store: CheckpointStore,
    counted: Counted | None = None,
    stop: asyncio.Event | None = None,
) -> PublishReport:
    settings = pipeline.settings
    with Publisher(settings.kafka.bootstrap_servers, settings.topics.raw) as publisher:
        options = RunOptions(checkpoint_every=3, checkpoint_seconds=0.2)
        return asyncio.run(run_network_connector(build, publisher, store, options, counted, stop))


class BackgroundRun:
    """A long-running (follow) connector in a thread, stopped like SIGTERM stops it."""

    def __init__(self, pipeline: PipelineProbe, build: Callable[..., Any], store: CheckpointStore) -> None:
        self.counted = Counted()
        self.report: PublishReport | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        ready = threading.Event()

        def main() -> None:
            async def go() -> PublishReport:
                self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
                ready.set()
                settings = pipeline.settings
                with Publisher(settings.kafka.bootstrap_servers, settings.topics.raw) as publisher:
                    options = RunOptions(follow=True, checkpoint_every=3, checkpoint_seconds=0.2)
                    return await run_network_connector(
                        build, publisher, store, options, self.counted, self._stop
                    )

            self.report = asyncio.run(go())

        self._thread = threading.Thread(target=main, daemon=True)
        self._thread.start()
        ready.wait(10)

    def stop(self) -> PublishReport:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)
        assert self.report is not None
        return self.report


def _fetcher(session: aiohttp.ClientSession, timeout: float = 5.0) -> HttpFetcher:
    return HttpFetcher(
        session, TokenBucket(rate=50, burst=10), timeout=timeout, max_retries=5, backoff_base=0.05
    )


def _settle(pipeline: PipelineProbe, ids: set[str], bad: list[bytes]) -> None:
    """Wait for the worker; every id must be indexed once, every bad payload dead-lettered once."""
    pipeline.wait_until_processed()
    indexed = [document["id"] for document in pipeline.documents() if document["id"] in ids]
    assert sorted(indexed) == sorted(ids)
    dead = [record for record in pipeline.dead_letters() if record.original() in bad]
    assert sorted(record.original() for record in dead) == sorted(bad)
    assert all(record.reason and record.stage == "enrich" for record in dead)


# ------------------------------------------------------------------------------------------------ RSS/Atom


def _rss(items: list[dict[str, str]]) -> bytes:
    entries = "".join(
        "<item>"
        + (f"<guid>{item['guid']}</guid>" if item.get("guid") else "")
        + f"<title>{item['title']}</title><description>{item['text']}</description>"
        + f"<pubDate>{item['date']}</pubDate></item>"
        for item in reversed(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Energiepraat</title>'
        f"<link>https://energie.example/</link><language>nl</language>{entries}</channel></rss>"
    ).encode()


def _atom(entries: list[dict[str, str]]) -> bytes:
    body = "".join(
        f'<entry><id>{e["id"]}</id><title>{e["title"]}</title><link href="https://review.example/{e["id"]}"/>'
        f"<updated>{e['date']}</updated><author><name>Reviewer</name></author>"
        f'<content type="html">{e["text"]}</content></entry>'
        for e in reversed(entries)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Reviews</title>'
        f"<id>urn:reviews</id><updated>2025-03-10T10:00:00Z</updated>{body}</feed>"
    ).encode()


class FeedServer:
    """RSS 2.0 and Atom 1.0 feeds with ETag/Last-Modified, a 429 and a slow answer, and a broken feed."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}
        self.versions: dict[str, int] = {}
        self.not_modified = 0
        self.throttle_once = {"/reviews.atom"}
        self.slow_once = {"/energie.rss"}
        app = web.Application()
        app.router.add_get("/{name}", self.handle)
        self.server = BackgroundServer(app).start()

    def publish(self, path: str, body: bytes) -> None:
        self.bodies[path] = body
        self.versions[path] = self.versions.get(path, 0) + 1

    async def handle(self, request: web.Request) -> web.Response:
        path = request.path
        if path in self.throttle_once:
            self.throttle_once.discard(path)
            return web.Response(status=429, headers={"Retry-After": "1"})
        if path in self.slow_once:
            self.slow_once.discard(path)
            await asyncio.sleep(3)  # longer than the client's timeout
        etag = f'"{path}-v{self.versions[path]}"'
        modified = format_datetime(START + timedelta(hours=self.versions[path]), usegmt=True)
        if request.headers.get("If-None-Match") == etag:
            self.not_modified += 1
            return web.Response(status=304, headers={"ETag": etag, "Last-Modified": modified})
        return web.Response(
            body=self.bodies[path],
            headers={"ETag": etag, "Last-Modified": modified},
            content_type="application/xml",
        )


def test_feeds_conditional_get_restarts_and_bad_payloads(pipeline: PipelineProbe, tmp_path: Path) -> None:
    raw = pipeline.settings.topics.raw
    before = pipeline.topic_messages(raw)
    date = "Mon, 10 Mar 2025 09:{:02d}:00 GMT"
    rss_items = [
        {
            "guid": f"https://energie.example/p/{n}",
            "title": f"Energierekening {n}",
            "text": f"Voorschot weer omhoog bij Wattwolk ({n})",
            "date": date.format(n),
        }
        for n in range(5)
    ]
    rss_items.insert(
        2, {"title": "Geen guid", "text": "", "date": date.format(30)}
    )  # no id, no link, no text
    atom = [
        {
            "id": f"urn:review:{n}",
            "title": f"Review {n}",
            "text": f"&lt;p&gt;KatFiber 1000 review {n}&lt;/p&gt;",
            "date": f"2025-03-10T08:{n:02d}:00Z",
        }
        for n in range(4)
    ]
    broken = b"<html><body>503 upstream error, this is not a feed"
    feeds = FeedServer()
    try:
        feeds.publish("/energie.rss", _rss(rss_items))
        feeds.publish("/reviews.atom", _atom(atom))
        feeds.publish("/broken.xml", broken)
        urls = [f"{feeds.server.url}/{name}" for name in ("energie.rss", "reviews.atom", "broken.xml")]
        store = CheckpointStore(tmp_path / "state", "rss-test")

        def build(session: aiohttp.ClientSession, position: dict[str, Any] | None) -> FeedConnector:
            return FeedConnector(_fetcher(session, timeout=1.0), urls, "blog", position)

        first = Counted()
        _run(pipeline, build, store, first)
        assert len(first.posts) == 9 and len(first.malformed) == 2
        assert {m.reason.split(":")[0] for m in first.malformed} == {
            "not a usable feed entry",
            "not an RSS or Atom feed",
        }

        feeds.server.stop()  # the platform restarts; the connector restarts from its checkpoint
        feeds.server.start()
        second = Counted()
        _run(pipeline, build, store, second)
        assert (second.posts, second.malformed, feeds.not_modified) == ([], [], 2)

        rss_items.extend(
            {
                "guid": f"https://energie.example/p/{n}",
                "title": f"Nieuw {n}",
                "text": f"Storing {n}",
                "date": date.format(40 + n),
            }
            for n in range(10, 12)
        )
        feeds.publish("/energie.rss", _rss(rss_items))
        third = Counted()
        _run(pipeline, build, store, third)
        assert len(third.posts) == 2 and third.malformed == []
    finally:
        feeds.server.close()

    ids = set(first.posts + third.posts)
    assert len(ids) == 11
    bad = [m.data for m in first.malformed]
    assert broken in bad
    assert pipeline.topic_messages(raw) - before == 11 + 2
    _settle(pipeline, ids, bad)


# ------------------------------------------------------------------------------------------------ Mastodon


def _status(number: int, **changes: Any) -> dict[str, Any]:
    status = {
        "id": str(113_000_000_000_000_000 + number),
        "created_at": (START + timedelta(minutes=number)).isoformat().replace("+00:00", ".000Z"),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "nl",
        "uri": f"https://social.example/users/anna/statuses/{number}",
        "url": f"https://social.example/@anna/{number}",
        "replies_count": 0,
        "reblogs_count": number % 3,
        "favourites_count": number % 5,
        "content": f'<p>Weer geen bereik bij <a href="https://social.example/tags/kabelkat">#kabelkat</a> '
        f"({number})</p>",
        "reblog": None,
        "account": {
            "id": str(number % 4 + 1),
            "username": f"user{number % 4}",
            "acct": f"user{number % 4}",
            "display_name": f"User {number % 4}",
            "followers_count": 10 * number,
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": "kabelkat", "url": "https://social.example/tags/kabelkat"}],
    }
    status.update(changes)
    return status


class MastodonServer:
    """``/api/v1/timelines/public`` (min_id/since_id/max_id/limit, Link, X-RateLimit-*) and SSE streaming."""

    def __init__(self, statuses: list[dict[str, Any]]) -> None:
        self.statuses = statuses
        self.failures = [web.Response(status=503), web.Response(status=429, headers={"Retry-After": "0"})]
        self.remaining = 300
        self.streams: list[asyncio.Queue] = []
        app = web.Application()
        app.router.add_get("/api/v1/timelines/public", self.timeline)
        app.router.add_get("/api/v1/streaming/public", self.streaming)
        self.server = BackgroundServer(app).start()

    async def timeline(self, request: web.Request) -> web.Response:
        if self.failures:
            return self.failures.pop(0)
        query = request.query
        limit = min(int(query.get("limit", 20)), 40)
        key = lambda s: int(s["id"])  # noqa: E731
        ordered = sorted(self.statuses, key=key)
        lower = query.get("min_id") or query.get("since_id")
        if lower:
            ordered = [s for s in ordered if int(s["id"]) > int(lower)]
        if query.get("max_id"):
            ordered = [s for s in ordered if int(s["id"]) < int(query["max_id"])]
        page = ordered[:limit] if query.get("min_id") else ordered[-limit:]
        page.reverse()  # newest first, as Mastodon answers
        self.remaining -= 1
        reset = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
        headers = {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": reset,
        }
        if page:
            base = f"{request.url.with_query(None)}?limit={limit}"
            headers["Link"] = (
                f'<{base}&max_id={page[-1]["id"]}>; rel="next", <{base}&min_id={page[0]["id"]}>; rel="prev"'
            )
        return web.json_response(page, headers=headers)

    async def streaming(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        queue: asyncio.Queue = asyncio.Queue()
        self.streams.append(queue)
        await response.write(b":)\n")
        try:
            while (chunk := await queue.get()) is not None:
                await response.write(chunk)
        finally:
            self.streams.remove(queue)
        return response

    def push(self, status: dict[str, Any] | None, raw: bytes | None = None) -> None:
        """A new status: stored for REST, and sent to open streams (``raw``: a broken event instead)."""
        if status is not None:
            self.statuses.append(status)
        chunk = raw or b"event: update\ndata: " + json.dumps(status).encode() + b"\n\n"
        for queue in list(self.streams):
            self.server.loop.call_soon_threadsafe(queue.put_nowait, chunk)

    def end_streams(self) -> None:
        for queue in list(self.streams):
            self.server.loop.call_soon_threadsafe(queue.put_nowait, None)


def _status_bytes(status: dict[str, Any]) -> bytes:
    return json.dumps(status, ensure_ascii=False).encode()


def test_mastodon_rest_paging_retries_and_restart(pipeline: PipelineProbe, tmp_path: Path) -> None:
    raw = pipeline.settings.topics.raw
    before = pipeline.topic_messages(raw)
    statuses = [_status(n) for n in range(1, 11)]
    bad = [_status(11, account=None), _status(12, content="<p> </p>")]
    mastodon = MastodonServer(statuses + bad)
    store = CheckpointStore(tmp_path / "state", "mastodon-rest")
    try:

        def build(session: aiohttp.ClientSession, position: dict[str, Any] | None) -> MastodonConnector:
            return MastodonConnector(
                _fetcher(session), mastodon.server.url, limit=5, position=position, since_id="0"
            )

        first = Counted()
        _run(pipeline, build, store, first)
        assert len(first.posts) == 10 and len(first.malformed) == 2
        assert store.load() == {"last_id": bad[-1]["id"]}

        mastodon.server.stop()
        mastodon.statuses.extend(_status(n) for n in range(13, 17))
        mastodon.server.start()
        second = Counted()
        _run(pipeline, build, store, second)
        assert len(second.posts) == 4 and second.malformed == []
    finally:
        mastodon.server.close()
    ids = set(first.posts + second.posts)
    assert len(ids) == 14 and "mastodon:127.0.0.1" in next(iter(ids))
    assert pipeline.topic_messages(raw) - before == 14 + 2
    _settle(pipeline, ids, [_status_bytes(status) for status in bad])


def test_mastodon_streaming_survives_a_server_restart(pipeline: PipelineProbe, tmp_path: Path) -> None:
    raw = pipeline.settings.topics.raw
    before = pipeline.topic_messages(raw)
    mastodon = MastodonServer([_status(n) for n in range(101, 106)])
    mastodon.failures.clear()
    store = CheckpointStore(tmp_path / "state", "mastodon-stream")
    broken_event = b'event: update\ndata: {"id": "113000000000000999", "content": \n\n'
    try:

        def build(session: aiohttp.ClientSession, position: dict[str, Any] | None) -> MastodonConnector:
            return MastodonConnector(
                _fetcher(session),
                mastodon.server.url,
                limit=40,
                position=position,
                since_id="0",
                follow=True,
                streaming=True,
            )

        run = BackgroundRun(pipeline, build, store)
        run.counted.wait_for(5)
        deadline = time.monotonic() + 10
        while not mastodon.streams and time.monotonic() < deadline:
            time.sleep(0.05)
        for n in range(106, 109):
            mastodon.push(_status(n))
        mastodon.push(None, raw=broken_event)
        run.counted.wait_for(8)

        mastodon.end_streams()
        mastodon.server.stop()  # down: what is posted now reaches the connector through the REST catch-up
        mastodon.statuses.extend(_status(n) for n in range(109, 111))
        time.sleep(0.3)
        mastodon.server.start()
        run.counted.wait_for(10)
        mastodon.push(_status(111))
        run.counted.wait_for(11)
        report = run.stop()
    finally:
        mastodon.server.close()
    assert report.posts == 11 and len(report.malformed) == 1
    ids = set(run.counted.posts)
    assert len(ids) == 11 and len(run.counted.posts) == 11
    assert store.load() == {"last_id": _status(111)["id"]}
    assert pipeline.topic_messages(raw) - before == 11 + 1
    _settle(pipeline, ids, [report.malformed[0].data])


# ------------------------------------------------------------------------------------------------ Bluesky


def _event(number: int, text: str | None = "Storing bij Kabelkat?", **record_changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "createdAt": f"2025-03-10T09:{number % 60:02d}:00.000Z",
        "langs": ["nl"],
        "text": text,
    }
    if text is None:
        del record["text"]
    record.update(record_changes)
    return {
        "did": f"did:plc:user{number % 5}",
        "time_us": 1_741_597_200_000_000 + number * 1_000,
        "kind": "commit",
        "commit": {
            "rev": f"3l{number:06d}",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": f"3lrk{number:06d}",
            "record": record,
            "cid": f"bafyrei{number:06d}",
        },
    }


class JetstreamServer:
    """``/subscribe``: events from ``cursor`` (inclusive) on; can drop the connection after N messages."""

    def __init__(self) -> None:
        self.messages: list[tuple[int, bytes]] = []
        self.drop_after: int | None = None
        self.cursors: list[str | None] = []
        app = web.Application()
        app.router.add_get("/subscribe", self.subscribe)
        self.server = BackgroundServer(app).start()

    def add(self, event: dict[str, Any] | None = None, raw: bytes | None = None) -> bytes:
        time_us = event["time_us"] if event else (self.messages[-1][0] + 1 if self.messages else 0)
        data = raw or json.dumps(event).encode()
        self.messages.append((time_us, data))
        return data

    async def subscribe(self, request: web.Request) -> web.WebSocketResponse:
        assert request.query.get("wantedCollections") == "app.bsky.feed.post"
        cursor = request.query.get("cursor")
        self.cursors.append(cursor)
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        sent = 0
        for time_us, data in list(self.messages):
            if cursor is not None and time_us < int(cursor):
                continue
            await socket.send_str(data.decode())
            sent += 1
            if self.drop_after is not None and sent >= self.drop_after:
                self.drop_after = None
                await socket.close()  # a restart of the firehose mid-stream
                return socket
        async for _ in socket:  # live tail: nothing more for now, until the client leaves
            pass
        return socket


def test_bluesky_jetstream_keywords_cursor_and_restarts(pipeline: PipelineProbe, tmp_path: Path) -> None:
    raw = pipeline.settings.topics.raw
    before = pipeline.topic_messages(raw)
    jetstream = JetstreamServer()
    expected: list[str] = []
    bad: list[bytes] = []
    for n in range(1, 21):
        if n == 3:
            bad.append(jetstream.add(raw=b"{not json: jetstream hiccup"))
        if n in (5, 9, 13):
            jetstream.add(_event(n, text="Mooi weer vandaag"))  # filtered out by the keywords
        elif n == 7:
            bad.append(jetstream.add(_event(n, text=None)))  # a post without text
        elif n == 11:
            bad.append(jetstream.add(_event(n, createdAt="gisteren")))
        elif n == 15:
            event = _event(n)
            event["commit"] = {**event["commit"], "operation": "delete", "record": None}
            jetstream.add(event)
        else:
            jetstream.add(_event(n))
            expected.append(f"bluesky:did:plc:user{n % 5}:3lrk{n:06d}")
    jetstream.drop_after = 12
    store = CheckpointStore(tmp_path / "state", "bluesky-test")
    try:

        def build(session: aiohttp.ClientSession, position: dict[str, Any] | None) -> JetstreamConnector:
            return JetstreamConnector(
                session,
                jetstream.server.url.replace("http", "ws"),
                ["storing", "KABELKAT"],
                position,
                follow=False,
                idle_seconds=1.0,
                backoff_base=0.05,
            )

        first = Counted()
        _run(pipeline, build, store, first)
        assert sorted(first.posts) == sorted(expected) and len(first.malformed) == 3
        assert len(jetstream.cursors) == 2 and jetstream.cursors[1] is not None  # reconnected from the cursor

        jetstream.server.stop()
        later = [_event(n, text=f"Kabelkat storing {n}") for n in range(21, 24)]
        for event in later:
            jetstream.add(event)
        jetstream.server.start()
        second = Counted()
        _run(pipeline, build, store, second)
        assert len(second.posts) == 3 and second.malformed == []
        assert store.load() == {"cursor": later[-1]["time_us"]}
    finally:
        jetstream.server.close()
    ids = set(first.posts + second.posts)
    assert len(ids) == len(expected) + 3
    assert pipeline.topic_messages(raw) - before == len(ids) + len(bad)
    _settle(pipeline, ids, bad)
