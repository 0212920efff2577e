"""Agents ``alerts-route``, ``alerts-count`` and ``alerts-deliver``: spike alerts per brand.

- ``alerts-route`` reads enriched mentions and sends one observation per brand to the by-brand topic, keyed
  by brand and timestamped with the post's event time, so one worker owns each brand's counts.
- ``alerts-count`` counts observations in windowed tables and publishes spike and recovery alerts.
- ``alerts-deliver`` indexes alerts and sends them to the notifiers, so slow notifiers never hold up counting.
"""

from __future__ import annotations

import asyncio
import logging
import time

import faust
from faust.exceptions import PartitionsMismatch
from pydantic import ValidationError

from pipeline.alerting.counting import BrandCounter
from pipeline.alerting.delivery import AlertDelivery
from pipeline.alerting.observations import Observation, observations
from pipeline.context import Headers, PipelineContext, until_done
from schemas.alert_settings import AlertSettings
from schemas.alerts import ALERT_SCHEMA_VERSION, Alert
from schemas.mentions import EnrichedMention
from sinks.bulk import BulkIndexer
from sinks.search_client import async_client

log = logging.getLogger(__name__)

ALERT_HEADERS: Headers = [
    ("content-type", b"application/json"),
    ("schema", b"webcare.alert"),
    ("schema-version", ALERT_SCHEMA_VERSION.encode()),
]
OBSERVATION_HEADERS: Headers = [
    ("content-type", b"application/json"),
    ("schema", b"webcare.alert-observation"),
]


def register(context: PipelineContext) -> None:
    """Add the alert agents to the app (none when alerts are disabled)."""
    settings = context.settings.alerts
    if not settings.enabled:
        return
    _register_route(context, settings)
    _register_count(context, settings)
    _register_deliver(context, settings)


def _register_route(context: PipelineContext, settings: AlertSettings) -> None:
    by_brand = context.internal_topic(settings.by_brand_topic)

    async def route(values: list[bytes]) -> None:
        pending = []
        for value in values:
            for observation in _observations(value, settings):
                pending.append(
                    await by_brand.send(
                        key=observation.brand.encode(),
                        value=observation.model_dump_json().encode(),
                        timestamp=observation.at,
                        headers=OBSERVATION_HEADERS,
                    )
                )
        await asyncio.gather(*pending)

    @context.app.agent(context.topic(context.settings.topics.mentions), name="alerts-route")
    async def alerts_route(stream: faust.StreamT) -> None:
        worker = context.settings.worker
        async for events in stream.take_events(worker.batch_size, within=worker.batch_seconds):
            values = [event.message.value for event in events]
            await until_done("alerts-route", lambda values=values: route(values))


def _observations(value: bytes, settings: AlertSettings) -> list[Observation]:
    """The mention's observations; an unreadable mention counts nowhere (the index agent dead-letters it)."""
    try:
        mention = EnrichedMention.model_validate_json(value)
    except ValidationError as error:
        log.warning("alerts-route: unreadable mention not counted: %s", error.errors()[0]["msg"])
        return []
    return observations(mention, settings.ignore_terms, settings.max_clock_skew_seconds)


def _register_count(context: PipelineContext, settings: AlertSettings) -> None:
    counter = BrandCounter(context.app, settings, context.settings.topics.partitions)
    alerts_topic = context.internal_topic(settings.topic)

    async def publish(alerts: list[Alert]) -> None:
        items = [(alert.brand.encode(), alert.model_dump_json().encode()) for alert in alerts]
        await context.publish(alerts_topic, items, ALERT_HEADERS)

    @context.app.agent(context.internal_topic(settings.by_brand_topic), name="alerts-count")
    async def alerts_count(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                observation = Observation.model_validate_json(event.message.value)
            except ValidationError as error:
                log.error("alerts-count: unreadable observation skipped: %s", error)
                continue
            if observation.at < time.time() - settings.expires:
                continue  # its windows are already expired (Faust expires them by wall clock)
            try:
                alerts = counter.observe(observation, event)
            except PartitionsMismatch as error:
                # The by-brand topic exists with another partition count (e.g. auto-created by the broker).
                log.error("alerts-count: not counting: %s (recreate the topic with topics.partitions)", error)
                continue
            except Exception:
                log.exception("alerts-count: observation %s not evaluated", observation.mention_id)
                continue
            if alerts:
                await until_done("alerts-count", lambda alerts=alerts: publish(alerts))


def _register_deliver(context: PipelineContext, settings: AlertSettings) -> None:
    search = context.settings.search
    client = async_client(search)
    indexer = BulkIndexer(client, settings.index, search.retry_initial_seconds, search.retry_max_seconds)
    delivery = AlertDelivery(settings, client, indexer)

    @context.app.agent(context.internal_topic(settings.topic), name="alerts-deliver")
    async def alerts_deliver(stream: faust.StreamT) -> None:
        async for events in stream.take_events(100, within=context.settings.worker.batch_seconds):
            alerts = [alert for alert in (_alert(event.message.value) for event in events) if alert]
            if alerts:
                await until_done("alerts-deliver", lambda alerts=alerts: delivery.deliver(alerts))

    @context.app.on_before_shutdown.connect
    async def close_delivery(app: faust.App, **kwargs: object) -> None:
        await delivery.close()


def _alert(value: bytes) -> Alert | None:
    try:
        return Alert.model_validate_json(value)
    except ValidationError as error:
        log.error("alerts-deliver: unreadable alert skipped: %s", error)
        return None
