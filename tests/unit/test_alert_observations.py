"""From an enriched mention to per-brand observations, and the alerts section's validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from pipeline.alerting.observations import observations
from schemas.alert_settings import AlertSettings
from schemas.alerts import Dimension
from schemas.mentions import EnrichedMention

CREATED = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)


def mention(**changes: Any) -> EnrichedMention:
    fields: dict[str, Any] = {
        "id": "twitter:1",
        "source": "twitter",
        "author": {"id": "u1"},
        "text": "Internetstoring bij Kabelkat, ook Wattwolk app doet raar",
        "created_at": CREATED,
        "language": "nl",
        "language_confidence": 0.9,
        "sentiment": {"label": "negative", "score": -0.6},
        "intent": {"label": "outage", "confidence": 0.9},
        "brands": [
            {"brand": "Kabelkat", "keyword_set": "inside_out", "terms": ["Kabelkat"]},
            {
                "brand": "Kabelkat",
                "keyword_set": "outside_in",
                "terms": ["internetstoring", "Internetstoring"],
            },
            {"brand": "Wattwolk", "keyword_set": "inside_out", "terms": ["Wattwolk App"]},
        ],
        "received_at": CREATED + timedelta(seconds=5),
        "enriched_at": CREATED + timedelta(seconds=6),
    }
    return EnrichedMention.model_validate({**fields, **changes})


def test_one_observation_per_brand_without_the_brand_name_as_a_term() -> None:
    kabelkat, wattwolk = observations(mention(), [], 300)
    assert (kabelkat.brand, kabelkat.terms) == ("Kabelkat", ["internetstoring"])
    assert (wattwolk.brand, wattwolk.terms) == ("Wattwolk", ["Wattwolk App"])
    assert kabelkat.at == CREATED.timestamp()
    assert kabelkat.intent == "outage" and kabelkat.negative


def test_series_follow_the_configured_dimensions() -> None:
    kabelkat = observations(mention(), [], 300)[0]
    assert kabelkat.series(list(Dimension)) == [
        (Dimension.volume, None),
        (Dimension.term, "internetstoring"),
        (Dimension.intent, "outage"),
        (Dimension.negative, None),
    ]
    assert kabelkat.series([Dimension.volume]) == [(Dimension.volume, None)]


def test_ignored_terms_and_missing_intent_or_sentiment() -> None:
    kabelkat = observations(mention(intent=None, sentiment=None), ["INTERNETSTORING"], 300)[0]
    assert kabelkat.terms == [] and kabelkat.intent is None and not kabelkat.negative
    assert kabelkat.series(list(Dimension)) == [(Dimension.volume, None)]


def test_a_post_dated_in_the_future_counts_at_received_plus_skew() -> None:
    received = CREATED - timedelta(hours=2)
    kabelkat = observations(mention(received_at=received), [], 300)[0]
    assert kabelkat.at == received.timestamp() + 300


def test_windows_must_fit_in_each_other() -> None:
    assert AlertSettings().expires == 6 * 3600 + 2 * 600
    assert AlertSettings().warmup == 6 * 3600
    with pytest.raises(ValidationError, match="multiple of step_seconds"):
        AlertSettings(window_seconds=300, step_seconds=70)
    with pytest.raises(ValidationError, match="multiple of window_seconds"):
        AlertSettings(window_seconds=300, step_seconds=60, baseline_seconds=1000)
    with pytest.raises(ValidationError, match="expires_seconds"):
        AlertSettings(window_seconds=300, step_seconds=60, baseline_seconds=3600, expires_seconds=3600)
