"""Bulk indexing that never gives up on a document silently.

Hand-written rather than ``helpers.async_streaming_bulk`` because each item needs one of three fates:
indexed, retried (429, 5xx, connection trouble: with exponential backoff, for as long as it takes), or
rejected by the engine (other 4xx: handed back with the engine's reason, for the dead-letter topic).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, AsyncElasticsearch

log = logging.getLogger(__name__)

INDEXED_AT_FIELD = "indexed_at"
"""Index-only field: when the sink sent the document (the latest attempt), for pipeline latency."""


@dataclass(frozen=True, slots=True)
class IndexRequest:
    """One document to index under a stable id; ``context`` is handed back untouched if it is rejected."""

    doc_id: str
    document: dict[str, Any]
    context: Any = None


@dataclass
class BulkOutcome:
    """How a batch ended: how many were indexed, and which the engine refused and why."""

    indexed: int = 0
    retries: int = 0
    rejected: list[tuple[IndexRequest, str]] = field(default_factory=list)


def _is_transient(status: int) -> bool:
    return status == 429 or status >= 500


class BulkIndexer:
    """Indexes batches with ``_id`` = the document id, so a retried or replayed batch makes no duplicate."""

    def __init__(
        self,
        client: AsyncElasticsearch,
        index: str,
        initial_backoff: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._index = index
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._sleep = sleep

    async def index(self, requests: Sequence[IndexRequest]) -> BulkOutcome:
        """Index every request; return only when each one is indexed or rejected."""
        outcome = BulkOutcome()
        pending = list(requests)
        backoff = self._initial_backoff
        while pending:
            retry, problem = await self._attempt(pending, outcome)
            if not retry:
                break
            outcome.retries += 1
            log.warning("bulk: %d document(s) to retry in %.1fs: %s", len(retry), backoff, problem)
            await self._sleep(backoff)
            backoff = min(backoff * 2, self._max_backoff)
            pending = retry
        return outcome

    async def _attempt(
        self, pending: list[IndexRequest], outcome: BulkOutcome
    ) -> tuple[list[IndexRequest], str]:
        operations: list[dict[str, Any]] = []
        indexed_at = datetime.now(UTC).isoformat()
        for request in pending:
            operations.append({"index": {"_index": self._index, "_id": request.doc_id}})
            operations.append({**request.document, INDEXED_AT_FIELD: indexed_at})
        try:
            response = await self._client.bulk(operations=operations)
        except (TransportConnectionError, ConnectionTimeout) as error:
            return pending, f"connection: {error}"
        except ApiError as error:
            if _is_transient(error.status_code):
                return pending, f"HTTP {error.status_code}: {error.message}"
            raise
        retry: list[IndexRequest] = []
        problem = ""
        for request, item in zip(pending, response["items"], strict=True):
            result = item["index"]
            status = result["status"]
            if 200 <= status < 300:
                outcome.indexed += 1
            elif _is_transient(status):
                retry.append(request)
                problem = f"HTTP {status}: {_reason(result)}"
            else:
                outcome.rejected.append((request, f"HTTP {status}: {_reason(result)}"))
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
