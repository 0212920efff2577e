"""Priority: the documented formula, its bounds, and the examples of docs/priority.md."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from enrichers.priority import priority, priority_parts
from schemas.mentions import EnrichedMention, Intent, IntentLabel, Routing, Sentiment, SentimentLabel

CREATED = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def mention(
    followers: int = 0,
    reposts: int = 0,
    replies: int = 0,
    likes: int = 0,
    minutes: float = 10,
    intent: IntentLabel | None = None,
    confidence: float = 1.0,
    sentiment: float | None = None,
    boost: float = 0.0,
    **author: Any,
) -> EnrichedMention:
    mood = None
    if sentiment is not None:
        tone = SentimentLabel.negative if sentiment < 0 else SentimentLabel.positive
        mood = Sentiment(label=tone, score=sentiment)
    return EnrichedMention(
        id="twitter:1",
        source="twitter",
        author={"id": "u1", "followers": followers, **author},
        text="x",
        created_at=CREATED,
        engagement={"reposts": reposts, "replies": replies, "likes": likes},
        language="nl",
        language_confidence=1.0,
        sentiment=mood,
        intent=Intent(label=intent, confidence=confidence) if intent else None,
        routing=Routing(priority_boost=boost),
        received_at=CREATED + timedelta(minutes=minutes),
        enriched_at=CREATED + timedelta(minutes=minutes, seconds=1),
    )


# The table in docs/priority.md.
EXAMPLES = [
    (mention(followers=50, intent=IntentLabel.question, confidence=0.8), 15.1),
    (mention(followers=50, intent=IntentLabel.praise, confidence=0.9, sentiment=0.7), 8.9),
    (mention(followers=800, intent=IntentLabel.complaint, confidence=0.9, sentiment=-0.6), 34.6),
    (mention(followers=800, intent=IntentLabel.complaint, confidence=0.9, sentiment=-0.6, boost=5), 39.6),
    (
        mention(
            followers=120_000,
            reposts=40,
            replies=25,
            likes=300,
            minutes=30,
            intent=IntentLabel.outage,
            confidence=0.95,
            sentiment=-0.5,
        ),
        63.5,
    ),
    (
        mention(
            followers=2_000_000,
            reposts=900,
            replies=400,
            likes=5_000,
            minutes=20,
            intent=IntentLabel.complaint,
            confidence=1.0,
            sentiment=-0.9,
        ),
        78.3,
    ),
    (
        mention(
            followers=50_000,
            reposts=300,
            minutes=60,
            intent=IntentLabel.other,
            confidence=0.6,
            is_brand_account=True,
        ),
        0.0,
    ),
]


@pytest.mark.parametrize(("item", "expected"), EXAMPLES)
def test_documented_examples(item: EnrichedMention, expected: float) -> None:
    assert priority(item) == expected


def test_more_followers_rank_higher_up_to_the_cap() -> None:
    scores = [priority(mention(followers=count)) for count in (0, 10, 1_000, 100_000, 1_000_000, 10**8)]
    assert scores == sorted(scores) and scores[0] == 0.0
    assert scores[-1] == scores[-2] == 25.0


def test_the_same_engagement_sooner_is_more_viral() -> None:
    slow = priority_parts(mention(reposts=50, minutes=600))
    fast = priority_parts(mention(reposts=50, minutes=6))
    assert fast.volume == slow.volume and fast.velocity > slow.velocity


def test_a_fresh_post_is_not_viral_from_one_like() -> None:
    assert priority_parts(mention(likes=1, minutes=0)).velocity < 1.0


def test_negative_tone_and_urgent_intents_weigh_more() -> None:
    assert priority(mention(sentiment=-0.8)) > priority(mention(sentiment=0.8)) == 0.0
    order = [
        IntentLabel.outage,
        IntentLabel.complaint,
        IntentLabel.question,
        IntentLabel.praise,
        IntentLabel.other,
    ]
    scores = [priority(mention(intent=label)) for label in order]
    assert scores == sorted(scores, reverse=True)


def test_boost_is_added_and_the_total_is_clipped() -> None:
    assert priority(mention(followers=10**7, intent=IntentLabel.outage, sentiment=-1.0, boost=50)) == 100.0
    assert priority(mention(followers=100, boost=-80)) == 0.0


def test_brand_accounts_only_get_the_boost() -> None:
    assert (
        priority(mention(followers=10**6, intent=IntentLabel.complaint, is_brand_account=True, boost=3))
        == 3.0
    )
