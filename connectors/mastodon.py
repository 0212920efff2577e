"""Mastodon: public and hashtag timelines through the REST API, and the streaming API (SSE).

REST: ``GET /api/v1/timelines/public`` or ``/api/v1/timelines/tag/:hashtag`` with ``min_id`` = the newest
status id already published, so each page holds the statuses immediately newer than it (the same query the
``rel="prev"`` Link header points to); pages are read until one comes back short. The first run without a
position (and without ``since_id``) starts at the newest page.

Streaming: ``GET /api/v1/streaming/public`` (or ``/hashtag?tag=``), server-sent events ``event: update`` with
a Status as ``data``. On every (re)connect the stream is opened first, then the gap since the position is
filled through REST, then the stream is read; statuses not newer than the position are skipped.

Post ids are ``mastodon:<instance host>:<status id>`` (status ids are per instance); a boost becomes a post
with ``repost_of`` and the boosted status's text.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from pydantic import ValidationError

from connectors.base import Item, Malformed
from connectors.http import FetchError, HttpFetcher
from connectors.ratelimit import Backoff
from connectors.text import html_to_text
from schemas.decode import describe_validation_error
from schemas.posts import RawPost

log = logging.getLogger(__name__)


def status_key(status_id: str) -> tuple[int, str]:
    """Sort key for Mastodon ids (numeric strings of growing length)."""
    return (len(status_id), status_id)


def status_to_post(status: Any, host: str) -> RawPost:
    """A Mastodon Status entity as a RawPost; raises ValueError with the reason when it cannot be one."""
    if not isinstance(status, dict):
        raise ValueError(f"a Status must be a JSON object, got {type(status).__name__}")
    shown = status.get("reblog") if isinstance(status.get("reblog"), dict) else status
    account = status.get("account")
    if not isinstance(account, dict) or not account.get("id"):
        raise ValueError("Status has no account")
    acct = str(account.get("acct") or account.get("username") or account["id"])
    if "@" not in acct:
        acct = f"{acct}@{host}"
    text = html_to_text(str(shown.get("content") or ""))
    if not text:
        media = shown.get("media_attachments") or []
        text = " ".join(
            str(m.get("description")) for m in media if isinstance(m, dict) and m.get("description")
        )
    if not text.strip():
        raise ValueError("Status has no text (no content and no media descriptions)")
    reply_to = status.get("in_reply_to_id")
    document = {
        "id": f"mastodon:{host}:{status.get('id')}",
        "source": "mastodon",
        "url": status.get("url") or status.get("uri"),
        "author": {
            "id": f"mastodon:{acct}",
            "handle": f"@{acct}",
            "name": account.get("display_name") or None,
            "followers": account.get("followers_count") or 0,
        },
        "text": text,
        "title": status.get("spoiler_text") or None,
        "created_at": status.get("created_at"),
        "lang_hint": shown.get("language"),
        "in_reply_to": f"mastodon:{host}:{reply_to}" if reply_to else None,
        "repost_of": f"mastodon:{host}:{shown.get('id')}" if shown is not status else None,
        "engagement": {
            "reposts": shown.get("reblogs_count") or 0,
            "replies": shown.get("replies_count") or 0,
            "likes": shown.get("favourites_count") or 0,
        },
    }
    if not status.get("id"):
        raise ValueError("Status has no id")
    try:
        return RawPost.model_validate(document)
    except ValidationError as error:
        raise ValueError(describe_validation_error(error)) from None


class MastodonConnector:
    """Statuses of one timeline (public, or one hashtag) of one instance.

    Position: ``{"last_id": <newest status id published>}``.
    """

    name = "mastodon"

    def __init__(
        self,
        fetcher: HttpFetcher,
        base_url: str,
        hashtag: str | None = None,
        local: bool = False,
        limit: int = 40,
        position: dict[str, Any] | None = None,
        since_id: str | None = None,
        follow: bool = False,
        streaming: bool = False,
        poll_seconds: float = 30.0,
        access_token: str | None = None,
        stream_read_timeout: float = 90.0,
    ) -> None:
        self.fetcher = fetcher
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).netloc
        self.hashtag = hashtag.lstrip("#") if hashtag else None
        self.local = local
        self.limit = limit
        self.follow = follow
        self.streaming = streaming
        self.poll_seconds = poll_seconds
        self.stream_read_timeout = stream_read_timeout
        self.headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        self._last_id: str | None = (position or {}).get("last_id") or since_id
        self._bad_pages: set[int] = set()

    def position(self) -> dict[str, Any]:
        return {"last_id": self._last_id} if self._last_id else {}

    async def stream(self) -> AsyncIterator[Item]:
        if self.streaming:
            async for item in self._stream_forever():
                yield item
            return
        while True:
            try:
                async for item in self._catch_up():
                    yield item
            except FetchError as error:
                if not self.follow:
                    raise
                log.error("%s; trying again in %.0fs", error, self.poll_seconds)
            if not self.follow:
                return
            await asyncio.sleep(self.poll_seconds)

    def _timeline_url(self) -> str:
        if self.hashtag:
            return f"{self.base_url}/api/v1/timelines/tag/{self.hashtag}"
        return f"{self.base_url}/api/v1/timelines/public"

    async def _catch_up(self) -> AsyncIterator[Item]:
        """Every status newer than the position, page by page, oldest first."""
        url = self._timeline_url()
        while True:
            params = {"limit": str(self.limit)}
            if self.local:
                params["local"] = "true"
            if self._last_id:
                params["min_id"] = self._last_id
            response = await self.fetcher.get(url, params=params, headers=self.headers)
            if response.status != 200:
                raise FetchError(f"GET {response.url}: HTTP {response.status}: {response.body[:200]!r}")
            try:
                statuses = json.loads(response.body)
                if not isinstance(statuses, list):
                    raise ValueError(f"expected a JSON array of Statuses, got {type(statuses).__name__}")
            except ValueError as error:
                page = hash(response.body)
                if page not in self._bad_pages:  # report a broken page once, not on every poll
                    self._bad_pages.add(page)
                    yield Malformed(response.body, f"not a Mastodon timeline page: {error}", response.url)
                return
            with_id = [s for s in statuses if isinstance(s, dict) and isinstance(s.get("id"), str | int)]
            for status in statuses:
                if not (isinstance(status, dict) and isinstance(status.get("id"), str | int)):
                    yield self._item(status, response.url)
            for status in sorted(with_id, key=lambda s: status_key(str(s["id"]))):
                if self._is_newer(str(status["id"])):
                    item = self._item(status, response.url)
                    self._last_id = str(status["id"])
                    yield item
            if len(statuses) < self.limit:
                return

    def _is_newer(self, status_id: str) -> bool:
        return not self._last_id or status_key(status_id) > status_key(self._last_id)

    def _item(self, status: Any, location: str) -> Item:
        try:
            return status_to_post(status, self.host)
        except ValueError as error:
            data = json.dumps(status, ensure_ascii=False).encode()
            return Malformed(data, f"not a usable Mastodon Status: {error}", location)

    async def _stream_forever(self) -> AsyncIterator[Item]:
        backoff = Backoff(self.fetcher.backoff_base, self.fetcher.backoff_cap)
        path = "hashtag" if self.hashtag else ("public/local" if self.local else "public")
        params = {"tag": self.hashtag} if self.hashtag else {}
        url = f"{self.base_url}/api/v1/streaming/{path}"
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=self.stream_read_timeout)
        while True:
            try:
                async with self.fetcher.session.get(
                    url,
                    params=params,
                    headers={**self.headers, "Accept": "text/event-stream"},
                    timeout=timeout,
                ) as response:
                    if response.status != 200:
                        raise FetchError(f"GET {url}: HTTP {response.status}")
                    async for item in self._catch_up():  # the gap since the position, stream already open
                        yield item
                    backoff.reset()
                    async for event, data in read_sse(response.content):
                        if event != "update":
                            continue
                        try:
                            status = json.loads(data)
                            newer = not self._last_id or status_key(str(status["id"])) > status_key(
                                self._last_id
                            )
                        except (ValueError, KeyError, TypeError) as error:
                            yield Malformed(data.encode(), f"not a Mastodon Status event: {error}", url)
                            continue
                        if newer:
                            item = self._item(status, url)
                            self._last_id = str(status["id"])
                            yield item
                log.warning("stream %s ended; reconnecting", url)
            except (aiohttp.ClientError, TimeoutError, FetchError) as error:
                log.warning("stream %s: %s", url, f"{type(error).__name__}: {error}")
            await asyncio.sleep(backoff.next_delay())


async def read_sse(content: aiohttp.StreamReader) -> AsyncIterator[tuple[str, str]]:
    """(event, data) pairs of a server-sent event stream; comments (``:thump``) are skipped."""
    event, data = "message", []
    async for raw in content:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
