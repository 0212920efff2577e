"""What the routing agent sends to the by-brand topic, keyed by brand, built from a batch of mentions.

- :class:`MentionObservation`: one mention of one brand, with its terms and the scopes it counts in
  (``brand`` when an inside-out entry matched, ``topic`` when an outside-in entry did);
- :class:`BackgroundBatch`: the term counts of *all* mentions of the batch (with or without a brand), per
  window, once per configured brand: what a brand's terms are compared with for co-occurrence. One message
  per brand per batch, not per mention, so the cost is the number of brands times the number of batches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from pipeline.alerting.observations import event_time
from pipeline.discovery.terms import post_terms
from schemas.mentions import EnrichedMention, KeywordSet
from schemas.suggestions import SuggestionScope

EXAMPLE_CHARS = 280


class MentionObservation(BaseModel):
    """One mention of one brand."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["mention"] = "mention"
    brand: str
    id: str
    at: float
    language: str
    text: str
    terms: list[str]
    scopes: list[SuggestionScope]


class WindowTally(BaseModel):
    """Posts in one window, and in how many of them each term occurs."""

    model_config = ConfigDict(extra="forbid")

    posts: int = 0
    terms: dict[str, int] = Field(default_factory=dict)


class BackgroundBatch(BaseModel):
    """The term counts of all mentions of one routed batch, by window start (seconds)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["background"] = "background"
    brand: str
    at: float = Field(description="The latest event time in the batch.")
    windows: dict[int, WindowTally]


Observation = Annotated[MentionObservation | BackgroundBatch, Field(discriminator="type")]
OBSERVATION = TypeAdapter(Observation)

_SCOPE_OF = {KeywordSet.inside_out: SuggestionScope.brand, KeywordSet.outside_in: SuggestionScope.topic}


def window_start(at: float, window_seconds: int) -> int:
    """Start of the tumbling window holding ``at``."""
    return int(at // window_seconds) * window_seconds


def route(
    mentions: Iterable[EnrichedMention], brands: list[str], window_seconds: int, max_clock_skew: float
) -> list[Observation]:
    """The observations of a batch: one per (mention, brand it names), then one background batch per brand."""
    routed: list[Observation] = []
    tallies: dict[int, tuple[list[int], Counter[str]]] = {}
    latest: float | None = None
    known = set(brands)
    for mention in mentions:
        at = event_time(mention, max_clock_skew)
        latest = at if latest is None else max(latest, at)
        terms = post_terms(mention.text, mention.language)
        posts, counts = tallies.setdefault(window_start(at, window_seconds), ([0], Counter()))
        posts[0] += 1
        counts.update(terms)
        scopes: dict[str, dict[SuggestionScope, None]] = {}
        for match in mention.brands:
            if match.brand in known:
                scopes.setdefault(match.brand, {})[_SCOPE_OF[match.keyword_set]] = None
        for brand, found in scopes.items():
            routed.append(
                MentionObservation(
                    brand=brand,
                    id=mention.id,
                    at=at,
                    language=mention.language,
                    text=mention.text[:EXAMPLE_CHARS],
                    terms=terms,
                    scopes=list(found),
                )
            )
    if latest is not None:
        windows = {
            start: WindowTally(posts=posts[0], terms=dict(counts))
            for start, (posts, counts) in tallies.items()
        }
        routed += [BackgroundBatch(brand=brand, at=latest, windows=windows) for brand in brands]
    return routed
