"""Bluesky through Jetstream: the WebSocket firehose as JSON, filtered by keywords, resumed by cursor.

Connects to ``<url>/subscribe?wantedCollections=app.bsky.feed.post&cursor=<time_us>``. Each message is an
event ``{"did", "time_us", "kind", "commit": {"operation", "collection", "rkey", "cid", "record"}}``; only
``commit`` events that ``create`` an ``app.bsky.feed.post`` become posts (updates, deletes, identity and
account events only move the cursor). With keywords, only posts whose text contains one of them
(case-insensitive) are published. Jetstream replays from ``cursor`` (inclusive), so on every (re)connect
the cursor is the last processed ``time_us`` and events at or before it are skipped; ``rewind_seconds``
starts earlier (for a switch to another Jetstream instance) at the price of re-sending what was already
sent (posts dedupe on their ids; re-sent bad events are dead-lettered again).

Post ids are ``bluesky:<did>:<rkey>``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiohttp
from pydantic import ValidationError

from connectors.base import Item, Malformed
from connectors.ratelimit import Backoff
from schemas.decode import describe_validation_error
from schemas.posts import RawPost

log = logging.getLogger(__name__)

POST_COLLECTION = "app.bsky.feed.post"


def at_uri_to_id(uri: Any) -> str | None:
    """``at://<did>/app.bsky.feed.post/<rkey>`` as a post id, or None."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    parts = uri[5:].split("/")
    return f"bluesky:{parts[0]}:{parts[2]}" if len(parts) == 3 and parts[1] == POST_COLLECTION else None


def commit_to_post(event: dict[str, Any]) -> RawPost:
    """A Jetstream ``create`` commit of a post as a RawPost; ValueError with the reason otherwise."""
    did, commit = event.get("did"), event.get("commit")
    if not isinstance(did, str) or not isinstance(commit, dict):
        raise ValueError("commit event without did or commit")
    record = commit.get("record")
    if not isinstance(record, dict):
        raise ValueError("commit has no record")
    rkey = commit.get("rkey")
    langs = record.get("langs")
    reply = record.get("reply")
    parent = reply.get("parent") if isinstance(reply, dict) else None
    document = {
        "id": f"bluesky:{did}:{rkey}",
        "source": "bluesky",
        "url": f"https://bsky.app/profile/{did}/post/{rkey}",
        "author": {"id": did},
        "text": record.get("text"),
        "created_at": record.get("createdAt"),
        "lang_hint": langs[0] if isinstance(langs, list) and langs else None,
        "in_reply_to": at_uri_to_id(parent.get("uri")) if isinstance(parent, dict) else None,
    }
    try:
        return RawPost.model_validate(document)
    except ValidationError as error:
        raise ValueError(describe_validation_error(error)) from None


class JetstreamConnector:
    """Posts from a Jetstream instance. Position: ``{"cursor": <time_us of the last processed event>}``."""

    name = "bluesky"

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        keywords: Sequence[str] = (),
        position: dict[str, Any] | None = None,
        cursor: int | None = None,
        follow: bool = True,
        idle_seconds: float = 5.0,
        rewind_seconds: float = 0.0,
        backoff_base: float = 0.5,
        backoff_cap: float = 60.0,
        heartbeat: float = 30.0,
    ) -> None:
        self.session = session
        self.url = url.rstrip("/")
        self.keywords = [keyword.casefold() for keyword in keywords if keyword.strip()]
        self.follow = follow
        self.idle_seconds = idle_seconds
        self.rewind_us = int(rewind_seconds * 1_000_000)
        self.backoff = Backoff(backoff_base, backoff_cap)
        self.heartbeat = heartbeat
        saved = (position or {}).get("cursor")
        self._cursor: int | None = int(saved) if saved is not None else cursor

    def position(self) -> dict[str, Any]:
        return {"cursor": self._cursor} if self._cursor is not None else {}

    def _subscribe_url(self) -> tuple[str, dict[str, str]]:
        params = {"wantedCollections": POST_COLLECTION}
        if self._cursor is not None:
            params["cursor"] = str(max(0, self._cursor - self.rewind_us))
        return f"{self.url}/subscribe", params

    async def stream(self) -> AsyncIterator[Item]:
        """Events until stopped; without ``follow``, until the firehose is quiet for ``idle_seconds``."""
        while True:
            url, params = self._subscribe_url()
            try:
                async with self.session.ws_connect(url, params=params, heartbeat=self.heartbeat) as socket:
                    self.backoff.reset()
                    async for item in self._messages(socket, url):
                        yield item
                    if not self.follow and not socket.closed:
                        return  # one-shot: quiet for idle_seconds
                log.warning("Jetstream %s closed the connection; reconnecting", url)
            except (aiohttp.ClientError, TimeoutError) as error:
                log.warning("Jetstream %s: %s: %s", url, type(error).__name__, error)
            await asyncio.sleep(self.backoff.next_delay())

    async def _messages(self, socket: aiohttp.ClientWebSocketResponse, url: str) -> AsyncIterator[Item]:
        last = self._cursor
        while True:
            try:
                timeout = None if self.follow else self.idle_seconds
                message = await asyncio.wait_for(socket.receive(), timeout)
            except TimeoutError:
                return
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return
            if message.type is aiohttp.WSMsgType.ERROR:
                raise aiohttp.ClientError(f"WebSocket error: {socket.exception()}")
            data = message.data if message.type is aiohttp.WSMsgType.BINARY else message.data.encode()
            try:
                event = json.loads(data)
                time_us = int(event["time_us"])
            except (ValueError, KeyError, TypeError) as error:
                yield Malformed(data, f"not a Jetstream event: {error}", url)
                continue
            if last is not None and time_us <= last:
                continue  # already processed before this (re)connect
            item = self._item(event, data, url)
            self._cursor = last = time_us
            if item is not None:
                yield item

    def _item(self, event: dict[str, Any], data: bytes, url: str) -> Item | None:
        commit = event.get("commit")
        if event.get("kind") != "commit" or not isinstance(commit, dict):
            return None
        if commit.get("collection") != POST_COLLECTION or commit.get("operation") != "create":
            return None
        try:
            post = commit_to_post(event)
        except ValueError as error:
            return Malformed(data, f"not a usable Bluesky post: {error}", url)
        if self.keywords and not any(keyword in post.text.casefold() for keyword in self.keywords):
            return None
        return post
