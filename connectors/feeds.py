"""RSS 2.0 and Atom 1.0 feeds (blogs, news, review sites), parsed with feedparser.

Each feed is fetched with conditional GET: the ``ETag`` and ``Last-Modified`` of the last complete read go
back as ``If-None-Match`` / ``If-Modified-Since``, and a ``304 Not Modified`` costs nothing. Entries are
published oldest first; the ids of entries already published are kept per feed (the newest
``max_seen`` of them), so an entry that stays in the feed is published once. A feed's validators are
stored only after all its entries were yielded, so a crash mid-feed re-reads it rather than skip entries.

Post ids are ``<source>:<sha256 of the entry id>`` (the entry's ``id``/``guid``, else its link), so the same
article is one post whichever feed it came through.
"""

from __future__ import annotations

import asyncio
import calendar
import hashlib
import json
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

import feedparser
from pydantic import ValidationError

from connectors.base import Item, Malformed
from connectors.http import FetchError, HttpFetcher
from connectors.text import html_to_text
from schemas.decode import describe_validation_error
from schemas.posts import RawPost

log = logging.getLogger(__name__)


def entry_key(entry: Any) -> str | None:
    """The entry's stable identity: its id (Atom ``id``, RSS ``guid``), else its link."""
    return entry.get("id") or entry.get("link") or None


def entry_to_post(entry: Any, feed: Any, source: str, fetched_at: datetime) -> RawPost:
    """A feedparser entry as a RawPost; raises ValueError with the reason when it cannot be one."""
    key = entry_key(entry)
    if not key:
        raise ValueError("entry has neither an id/guid nor a link")
    content = entry.get("content") or []
    html = content[0].get("value") if content else entry.get("summary") or entry.get("description") or ""
    text = html_to_text(html or "") or html_to_text(entry.get("title") or "")
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    created = datetime.fromtimestamp(calendar.timegm(when), UTC) if when else fetched_at
    author = entry.get("author") or feed.get("title") or feed.get("link") or "unknown"
    document = {
        "id": f"{source}:{hashlib.sha256(key.encode()).hexdigest()[:32]}",
        "source": source,
        "url": entry.get("link"),
        "author": {"id": f"{source}:{feed.get('link') or feed.get('title') or 'feed'}:{author}"[:256],
                   "name": str(author)[:512]},
        "text": text,
        "title": html_to_text(entry.get("title") or "")[:2048] or None,
        "created_at": created,
        "lang_hint": (feed.get("language") or "")[:16] or None,
    }  # fmt: skip
    try:
        return RawPost.model_validate(document)
    except ValidationError as error:
        raise ValueError(describe_validation_error(error)) from None


class FeedConnector:
    """New entries of one or more feeds.

    Position: ``{"feeds": {<url>: {"etag", "last_modified", "seen": [entry ids, newest last],
    "bad": <hash of the last unparsable body>}}}``.
    """

    name = "rss"

    def __init__(
        self,
        fetcher: HttpFetcher,
        urls: Sequence[str],
        source: str = "news",
        position: dict[str, Any] | None = None,
        follow: bool = False,
        poll_seconds: float = 300.0,
        max_seen: int = 2000,
    ) -> None:
        self.fetcher = fetcher
        self.urls = list(urls)
        self.source = source
        self.follow = follow
        self.poll_seconds = poll_seconds
        self.max_seen = max_seen
        saved = (position or {}).get("feeds") or {}
        self._feeds: dict[str, dict[str, Any]] = {url: dict(saved.get(url) or {}) for url in self.urls}
        self._seen: dict[str, list[str]] = {
            url: list(self._feeds[url].get("seen") or []) for url in self.urls
        }
        self.not_modified = 0

    def position(self) -> dict[str, Any]:
        return {
            "feeds": {url: {**state, "seen": list(self._seen[url])} for url, state in self._feeds.items()}
        }

    async def stream(self) -> AsyncIterator[Item]:
        while True:
            for url in self.urls:
                try:
                    async for item in self._read_feed(url):
                        yield item
                except FetchError as error:
                    if not self.follow:
                        raise
                    log.error("%s; trying again at the next poll", error)
            if not self.follow:
                return
            await asyncio.sleep(self.poll_seconds)

    async def _read_feed(self, url: str) -> AsyncIterator[Item]:
        state = self._feeds[url]
        headers = {"Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5"}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            headers["If-Modified-Since"] = state["last_modified"]
        response = await self.fetcher.get(url, headers=headers)
        if response.status == 304:
            self.not_modified += 1
            return
        if response.status != 200:
            raise FetchError(f"GET {url}: HTTP {response.status}")
        parsed = feedparser.parse(response.body)
        if parsed.bozo and not parsed.entries:
            digest = hashlib.sha256(response.body).hexdigest()
            if state.get("bad") != digest:  # the same broken body is reported once, not on every poll
                reason = f"not an RSS or Atom feed: {parsed.get('bozo_exception')}"
                state["bad"] = digest
                yield Malformed(response.body, reason, url)
            return
        fetched_at = datetime.now(UTC)
        seen = self._seen[url]
        known = set(seen)
        for entry in reversed(parsed.entries):  # feeds list the newest first
            key = entry_key(entry)
            marker = (
                key or hashlib.sha256(json.dumps(entry, default=str, sort_keys=True).encode()).hexdigest()
            )
            if marker in known:
                continue
            item = self._item(entry, parsed.feed, fetched_at, url)
            known.add(marker)
            seen.append(marker)
            del seen[: max(0, len(seen) - self.max_seen)]
            yield item
        state.pop("bad", None)
        state["etag"] = response.headers.get("ETag")
        state["last_modified"] = response.headers.get("Last-Modified")

    def _item(self, entry: Any, feed: Any, fetched_at: datetime, url: str) -> Item:
        try:
            return entry_to_post(entry, feed, self.source, fetched_at)
        except ValueError as error:
            data = json.dumps(entry, default=str, ensure_ascii=False).encode()
            return Malformed(data, f"not a usable feed entry: {error}", url)
