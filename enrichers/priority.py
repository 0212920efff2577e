"""Priority: one number from 0 to 100 that an inbox sorts by (higher first). Documented in docs/priority.md.

    reach     = 25 x min(1, log10(1 + followers) / 6)              1,000,000 followers give the full 25
    weighted  = 3 x reposts + 2 x replies + likes
    volume    = 10 x min(1, log10(1 + weighted) / 4)               10,000 weighted interactions: 10
    velocity  = 15 x min(1, log10(1 + weighted / minutes) / 2)    100 weighted interactions a minute: 15
    intent    = INTENT_WEIGHT[intent] x confidence                 outage 20, complaint 15, ..., other 0
    sentiment = 15 x max(0, -sentiment score)                      only negative tone adds
    priority  = clip(reach + volume + velocity + intent + sentiment + rules' boost, 0, 100)

``minutes`` is the post's age when its counters were read: from ``created_at`` to ``received_at`` (when it
reached Kafka; else ``enriched_at``), at least ``MIN_AGE_MINUTES`` so that a fresh post with one like is not
"viral". The brand's own posts (``author.is_brand_account``) get no base score: there is nothing to answer;
only a rule's boost can lift them. The parts without the boost add up to at most 85, so a rule's boost can
always move a mention.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from schemas.mentions import EnrichedMention, IntentLabel

REACH_POINTS, REACH_FULL_DECADES = 25.0, 6.0
VOLUME_POINTS, VOLUME_FULL_DECADES = 10.0, 4.0
VELOCITY_POINTS, VELOCITY_FULL_DECADES = 15.0, 2.0
SENTIMENT_POINTS = 15.0
MIN_AGE_MINUTES = 5.0
REPOST_WEIGHT, REPLY_WEIGHT, LIKE_WEIGHT = 3, 2, 1
INTENT_WEIGHT = {
    IntentLabel.outage: 20.0,
    IntentLabel.complaint: 15.0,
    IntentLabel.question: 10.0,
    IntentLabel.purchase_intent: 10.0,
    IntentLabel.praise: 2.0,
    IntentLabel.other: 0.0,
}


class PriorityParts(NamedTuple):
    """The terms of one mention's priority, to show why it ranks where it does (a named tuple: it is
    built for every mention, and a frozen dataclass takes three times as long)."""

    reach: float
    volume: float
    velocity: float
    intent: float
    sentiment: float
    boost: float

    @property
    def total(self) -> float:
        """The priority: the sum of the parts, clipped to 0..100 and rounded to 0.1."""
        raw = self.reach + self.volume + self.velocity + self.intent + self.sentiment + self.boost
        return round(min(100.0, max(0.0, raw)), 1)


def priority_parts(mention: EnrichedMention) -> PriorityParts:
    """The priority terms of a mention whose intent, sentiment and routing are already set."""
    boost = mention.routing.priority_boost
    if mention.author.is_brand_account:
        return PriorityParts(0.0, 0.0, 0.0, 0.0, 0.0, boost)
    engagement = mention.engagement
    weighted = (
        REPOST_WEIGHT * engagement.reposts
        + REPLY_WEIGHT * engagement.replies
        + LIKE_WEIGHT * engagement.likes
    )
    read_at = mention.received_at or mention.enriched_at
    minutes = max(MIN_AGE_MINUTES, (read_at - mention.created_at).total_seconds() / 60)
    intent = mention.intent
    sentiment = mention.sentiment
    return PriorityParts(
        reach=_decades(mention.author.followers, REACH_FULL_DECADES) * REACH_POINTS,
        volume=_decades(weighted, VOLUME_FULL_DECADES) * VOLUME_POINTS,
        velocity=_decades(weighted / minutes, VELOCITY_FULL_DECADES) * VELOCITY_POINTS,
        intent=INTENT_WEIGHT[intent.label] * intent.confidence if intent else 0.0,
        sentiment=SENTIMENT_POINTS * max(0.0, -sentiment.score) if sentiment else 0.0,
        boost=boost,
    )


def priority(mention: EnrichedMention) -> float:
    """The mention's priority, 0..100."""
    return priority_parts(mention).total


def _decades(value: float, full: float) -> float:
    """log10(1 + value) as a share of ``full`` decades, at most 1."""
    return min(1.0, math.log10(1.0 + value) / full)
