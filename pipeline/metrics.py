"""The worker's Prometheus metrics: agents increment them, ``/metrics`` serves them.

Every agent module imports what it needs from here, for example::

    metrics.POSTS_IN.labels(stage="route").inc(len(events))
    metrics.ALERTS_SENT.labels(channel="email").inc()

Counters are incremented once a batch has been fully handled (after ``until_done``), so a retried batch is
counted once. The names are stable: the Grafana dashboard (``deploy/grafana/``) and the alert rules use
them, and a unit test checks that every name the dashboard uses is defined here.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import REGISTRY, Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.exposition import choose_encoder

from schemas.dlq import DlqRecord

disable_created_metrics()  # no *_created series: they double the series count and nothing here reads them

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

POSTS_IN = Counter("webcare_posts_in", "Messages a stage received from its input topic.", ["stage"])
POSTS_OUT = Counter(
    "webcare_posts_out", "Messages a stage handed on (mentions published, documents indexed).", ["stage"]
)
DEAD_LETTERS = Counter(
    "webcare_dlq", "Messages a stage sent to the dead-letter topic, by reason class.", ["stage", "reason"]
)
ENRICH_SECONDS = Histogram(
    "webcare_enrich_batch_seconds", "Time to decode and enrich one batch of posts.", buckets=LATENCY_BUCKETS
)
BULK_SECONDS = Histogram(
    "webcare_bulk_request_seconds",
    "Time to write one batch to the search engine with bulk requests (retries included).",
    buckets=LATENCY_BUCKETS,
)
CONSUMER_LAG = Gauge(
    "webcare_consumer_lag",
    "Messages not yet committed by the consumer group, for the partitions assigned to this worker.",
    ["topic", "partition"],
)
ASSIGNED_PARTITIONS = Gauge(
    "webcare_assigned_partitions", "Partitions of each input topic assigned to this worker.", ["topic"]
)
STALLED_PARTITIONS = Gauge(
    "webcare_stalled_partitions",
    "Assigned partitions with lag whose committed offset has not moved for worker.stall_seconds.",
)
EXPIRED_OFFSETS = Counter(
    "webcare_expired_offsets",
    "Messages that the topic's retention deleted before the consumer group processed them.",
    ["topic"],
)
PARTITION_REWINDS = Counter(
    "webcare_partition_rewinds",
    "Times a partition was read again from its committed offset because Faust lost messages it fetched.",
    ["topic"],
)
ALERTS_SENT = Counter("webcare_alerts_sent", "Alerts delivered, by notifier channel.", ["channel"])

REASON_CLASSES = (
    ("not valid UTF-8", "not_utf8"),
    ("not valid JSON", "not_json"),
    ("not a JSON object", "not_object"),
    ("not a valid RawPost", "invalid_post"),
    ("enrichment failed", "enrichment_failed"),
    ("not a readable mention", "unreadable_mention"),
    ("not indexable", "not_indexable"),
    ("HTTP ", "rejected_by_engine"),
)
"""DLQ reasons by prefix, so that the ``reason`` label has a small, fixed set of values."""


def reason_class(reason: str) -> str:
    """The class of a dead-letter reason (``other`` when no prefix matches)."""
    return next((label for prefix, label in REASON_CLASSES if reason.startswith(prefix)), "other")


def count_handled(stage: str, handed_on: int, dead: Iterable[DlqRecord]) -> None:
    """Count a fully handled batch: messages handed on, and dead letters by stage and reason class."""
    POSTS_OUT.labels(stage=stage).inc(handed_on)
    for record in dead:
        DEAD_LETTERS.labels(stage=record.stage.value, reason=reason_class(record.reason)).inc()


def exposition(accept: str | None) -> tuple[bytes, str]:
    """The current metrics in the format the ``Accept`` header asks for (Prometheus text or OpenMetrics)."""
    encode, content_type = choose_encoder(accept or "")
    return encode(REGISTRY), content_type
