"""What the counters need of a mention, once per brand it names, with its event time.

The event time is the post's ``created_at``, so a replayed file counts the same way every time. A post dated
more than ``max_clock_skew`` after it reached Kafka (``received_at``) counts at ``received_at + skew``, so
one post with a clock far ahead cannot move a brand's clock into the future.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from schemas.alerts import Dimension
from schemas.mentions import EnrichedMention, SentimentLabel

EXAMPLE_CHARS = 280


class Observation(BaseModel):
    """One brand named by one mention: the message the counting agent reads, keyed by brand."""

    model_config = ConfigDict(extra="forbid")

    mention_id: str
    brand: str
    at: float
    terms: list[str]
    intent: str | None
    negative: bool
    text: str

    def series(self, dimensions: list[Dimension]) -> list[tuple[Dimension, str | None]]:
        """The (dimension, key) series this observation counts in."""
        wanted = set(dimensions)
        found: list[tuple[Dimension, str | None]] = []
        if Dimension.volume in wanted:
            found.append((Dimension.volume, None))
        if Dimension.term in wanted:
            found += [(Dimension.term, term) for term in self.terms]
        if Dimension.intent in wanted and self.intent is not None:
            found.append((Dimension.intent, self.intent))
        if Dimension.negative in wanted and self.negative:
            found.append((Dimension.negative, None))
        return found


def event_time(mention: EnrichedMention, max_clock_skew: float) -> float:
    """Seconds since the epoch at which the mention counts."""
    created = mention.created_at.timestamp()
    if mention.received_at is None:
        return created
    return min(created, mention.received_at.timestamp() + max_clock_skew)


def observations(
    mention: EnrichedMention, ignore_terms: list[str], max_clock_skew: float
) -> list[Observation]:
    """One observation per brand the mention names.

    Terms are compared case-insensitively and counted once per mention; the brand's own name and
    ``ignore_terms`` are left out (they would only repeat the volume).
    """
    at = event_time(mention, max_clock_skew)
    ignored = {term.casefold() for term in ignore_terms}
    negative = mention.sentiment is not None and mention.sentiment.label is SentimentLabel.negative
    intent = mention.intent.label.value if mention.intent is not None else None
    result = []
    for brand in mention.brand_names():
        skip = ignored | {brand.casefold()}
        terms: dict[str, str] = {}
        for match in mention.brands:
            if match.brand == brand:
                for term in match.terms:
                    terms.setdefault(term.casefold(), term)
        result.append(
            Observation(
                mention_id=mention.id,
                brand=brand,
                at=at,
                terms=[term for folded, term in terms.items() if folded not in skip],
                intent=intent,
                negative=negative,
                text=mention.text[:EXAMPLE_CHARS],
            )
        )
    return result
