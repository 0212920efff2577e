"""Delivering alerts from the alerts topic: into the search engine, then to the notifiers.

The alert is already on the topic when this runs, so a notifier that keeps failing only costs its own
retries (logged), never the alert. Indexing retries until the engine takes the document (``_id`` = alert id,
so a re-delivered alert overwrites itself).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
from elasticsearch import AsyncElasticsearch, BadRequestError

from schemas.alert_settings import AlertSettings
from schemas.alerts import Alert
from sinks.bulk import BulkIndexer, BulkUpdate
from sinks.notifiers import Notifier, build_notifiers, notify, wants

log = logging.getLogger(__name__)

ALERTS_MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "schema_version": {"type": "keyword"},
        "id": {"type": "keyword"},
        "kind": {"type": "keyword"},
        "brand": {"type": "keyword"},
        "dimension": {"type": "keyword"},
        "key": {"type": "keyword"},
        "window_start": {"type": "date"},
        "window_end": {"type": "date"},
        "count": {"type": "integer"},
        "baseline_mean": {"type": "float"},
        "baseline_std": {"type": "float"},
        "threshold": {"type": "float"},
        "min_count": {"type": "integer"},
        "spike_id": {"type": "keyword"},
        "examples": {"properties": {"id": {"type": "keyword"}, "text": {"type": "text"}}},
        "created_at": {"type": "date"},
    },
}


async def ensure_alerts_index(client: AsyncElasticsearch, index: str) -> None:
    """Create the alerts index with its mapping unless it exists."""
    if await client.indices.exists(index=index):
        return
    try:
        await client.indices.create(index=index, mappings=ALERTS_MAPPINGS)
    except BadRequestError as error:
        if error.error != "resource_already_exists_exception":
            raise


def alert_update(index: str, alert: Alert) -> BulkUpdate:
    """The bulk upsert of one alert under its id."""
    document = alert.model_dump(mode="json")
    return BulkUpdate(index, alert.id, {"doc": document, "doc_as_upsert": True})


class AlertDelivery:
    """Indexes and notifies batches of alerts; the HTTP session and the index are set up on first use."""

    def __init__(self, settings: AlertSettings, client: AsyncElasticsearch, indexer: BulkIndexer) -> None:
        self.settings = settings
        self.client = client
        self.indexer = indexer
        self.notifiers: list[Notifier] = []
        self._session: aiohttp.ClientSession | None = None

    async def deliver(self, alerts: Sequence[Alert]) -> None:
        """Index the alerts, then notify them."""
        if self._session is None:
            await ensure_alerts_index(self.client, self.settings.index)
            self._session = aiohttp.ClientSession()
            self.notifiers = build_notifiers(self.settings, self._session)
        await self.index(alerts)
        await self.notify(alerts)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        await self.client.close()

    async def index(self, alerts: Sequence[Alert]) -> None:
        """Write every alert; one the engine refuses is logged (its fields are ours, so that is a bug)."""
        outcome = await self.indexer.write(
            alerts, lambda alert, _now: alert_update(self.settings.index, alert)
        )
        for alert, reason in outcome.rejected:
            log.error("alerts index: refused alert %s: %s", alert.id, reason)

    async def notify(self, alerts: Sequence[Alert]) -> None:
        """Send every alert, in order, to each notifier that wants it (notifiers in parallel)."""
        settings = self.settings
        for alert in alerts:
            await asyncio.gather(
                *(
                    notify(notifier, alert, settings.notify_attempts, settings.notify_retry_seconds)
                    for notifier in self.notifiers
                    if wants(notifier, alert)
                )
            )
