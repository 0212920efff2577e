"""Bulk writing that never gives up on a document silently.

Hand-written rather than ``helpers.async_streaming_bulk`` because each item needs one of three fates:
written, retried (429, 5xx, version conflicts, connection trouble: with exponential backoff, for as long
as it takes), or refused by the engine (other 4xx: handed back with the engine's reason, for the dead-letter
topic).

Every write is a bulk ``update`` of ``_id`` = post id in the index of the post's month. A mention is an
upsert that merges into what is there, so facts written earlier by ``sinks.updates`` (a first response,
higher repost counts) survive a later or repeated write of the mention itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, AsyncElasticsearch

from sinks.indices import NoCreatedAt, month_index

log = logging.getLogger(__name__)

INDEXED_AT_FIELD = "indexed_at"
"""Index-only field: when the sink last sent the mention, for pipeline latency."""
BRAND_NAMES_FIELD = "brand_names"
"""Index-only field: the distinct ``brands.brand`` values, flat, for Kibana filters and terms aggregations."""

RETRY_ON_CONFLICT = 3

MERGE_MENTION = """
Map old = ctx._source.engagement;
ctx._source.putAll(params.doc);
if (old != null) {
  Map now = ctx._source.engagement;
  if (now == null) {
    ctx._source.engagement = old;
  } else {
    for (def key : old.keySet()) {
      def before = old.get(key);
      def after = now.get(key);
      if (before != null && (after == null || before > after)) { now.put(key, before); }
    }
  }
}
"""
"""Update of an existing document: the mention's fields win, except that counts never go down."""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class IndexRequest:
    """One mention to write under a stable id; ``context`` is handed back untouched if it is rejected."""

    doc_id: str
    document: dict[str, Any]
    context: Any = None


@dataclass(frozen=True, slots=True)
class BulkUpdate:
    """One bulk ``update`` action of one document in one index."""

    index: str
    doc_id: str
    body: dict[str, Any]


@dataclass
class BulkOutcome:
    """How a batch ended: how many were written, what was retried, and what was refused and why.

    ``retried`` counts item attempts to repeat by cause: an HTTP status, ``timeout`` or ``connection``.
    ``rejected`` holds the items as they were handed in (``IndexRequest`` for mentions).
    """

    written: int = 0
    retries: int = 0
    retried: Counter[str] = field(default_factory=Counter)
    rejected: list[tuple[Any, str]] = field(default_factory=list)


def _is_transient(status: int) -> bool:
    return status in (409, 429) or status >= 500


def brand_names(document: dict[str, Any]) -> list[str]:
    """Distinct brand names of a mention document, in first-match order."""
    return list(dict.fromkeys(match["brand"] for match in document.get("brands") or ()))


def mention_update(family: str, request: IndexRequest, indexed_at: str) -> BulkUpdate:
    """The upsert of one mention into its month's index (raises NoCreatedAt)."""
    index = month_index(family, request.document.get("created_at"))
    doc = {
        **request.document,
        BRAND_NAMES_FIELD: brand_names(request.document),
        INDEXED_AT_FIELD: indexed_at,
    }
    body = {"script": {"source": MERGE_MENTION, "lang": "painless", "params": {"doc": doc}}, "upsert": doc}
    return BulkUpdate(index, request.doc_id, body)


class BulkIndexer:
    """Writes batches into the monthly indices of one family, retrying until each item is done."""

    def __init__(
        self,
        client: AsyncElasticsearch,
        index: str,
        initial_backoff: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self.family = index
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._sleep = sleep

    async def index(self, requests: Sequence[IndexRequest]) -> BulkOutcome:
        """Write every mention; return only when each one is written or rejected."""
        outcome = BulkOutcome()
        routable: list[IndexRequest] = []
        for request in requests:
            try:
                month_index(self.family, request.document.get("created_at"))
            except NoCreatedAt as error:
                outcome.rejected.append((request, f"not indexable: {error}"))
            else:
                routable.append(request)
        return await self.write(
            routable, lambda request, now: mention_update(self.family, request, now), outcome
        )

    async def write(
        self,
        items: Sequence[T],
        action: Callable[[T, str], BulkUpdate],
        outcome: BulkOutcome | None = None,
    ) -> BulkOutcome:
        """Send ``action(item, attempt time)`` for every item until each is written or rejected."""
        outcome = outcome or BulkOutcome()
        pending = list(items)
        backoff = self._initial_backoff
        while pending:
            retry, problem = await self._attempt(pending, action, outcome)
            if not retry:
                break
            outcome.retries += 1
            log.warning("bulk: %d item(s) to retry in %.1fs: %s", len(retry), backoff, problem)
            await self._sleep(backoff)
            backoff = min(backoff * 2, self._max_backoff)
            pending = retry
        return outcome

    async def _attempt(
        self, pending: list[T], action: Callable[[T, str], BulkUpdate], outcome: BulkOutcome
    ) -> tuple[list[T], str]:
        now = datetime.now(UTC).isoformat()
        operations: list[dict[str, Any]] = []
        for item in pending:
            update = action(item, now)
            meta = {"_index": update.index, "_id": update.doc_id, "retry_on_conflict": RETRY_ON_CONFLICT}
            operations += [{"update": meta}, update.body]
        try:
            response = await self._client.bulk(operations=operations)
        except ConnectionTimeout as error:
            outcome.retried["timeout"] += len(pending)
            return pending, f"timeout: {error}"
        except TransportConnectionError as error:
            outcome.retried["connection"] += len(pending)
            return pending, f"connection: {error}"
        except ApiError as error:
            if _is_transient(error.status_code):
                outcome.retried[str(error.status_code)] += len(pending)
                return pending, f"HTTP {error.status_code}: {error.message}"
            raise
        retry: list[T] = []
        problem = ""
        for item, answer in zip(pending, response["items"], strict=True):
            result = answer["update"]
            status = result["status"]
            if 200 <= status < 300:
                outcome.written += 1
            elif _is_transient(status):
                retry.append(item)
                outcome.retried[str(status)] += 1
                problem = f"HTTP {status}: {_reason(result)}"
            else:
                outcome.rejected.append((item, f"HTTP {status}: {_reason(result)}"))
        return retry, problem


def _reason(result: dict[str, Any]) -> str:
    error = result.get("error")
    if isinstance(error, dict):
        reason = f"{error.get('type', 'error')}: {error.get('reason', '')}"
        caused_by = error.get("caused_by")
        if isinstance(caused_by, dict):
            reason += f" (caused by {caused_by.get('type')}: {caused_by.get('reason')})"
        return reason
    return str(error)
