"""What the routing agent sends to the by-brand topic, keyed by brand, built from a batch of mentions.

- :class:`MentionObservation`: one mention of one brand, with its terms and the scopes it counts in
  (``brand`` when an inside-out entry matched, ``topic`` when an outside-in entry did);
- :class:`BackgroundBatch`: the term counts of *all* mentions of the batch in one window (with or without a
  brand), once per configured brand: what a brand's terms are compared with for co-occurrence. One message
  per brand per window of a batch, not per mention, so the cost is the number of brands times the number of
  batches (a live batch spans one or two windows).
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
    """The term counts of all mentions of one routed batch, by window start (seconds; one window)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["background"] = "background"
    brand: str
    at: float = Field(description="The latest event time of the batch in its window.")
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
    """The observations of a batch, window by window, oldest first: for each window one observation per
    (mention, brand it names), then that window's background batch for every brand.

    A brand's window closes when an observation of a later window arrives, and is scored one last time
    then; sending window by window means it holds all of the batch's counts, its brand's and the
    background, by that time, however many windows one batch spans.
    """
    by_window: dict[int, list[tuple[float, EnrichedMention]]] = {}
    for mention in mentions:
        at = event_time(mention, max_clock_skew)
        by_window.setdefault(window_start(at, window_seconds), []).append((at, mention))
    known = set(brands)
    routed: list[Observation] = []
    for start in sorted(by_window):
        timed = by_window[start]
        counts: Counter[str] = Counter()
        for at, mention in timed:
            terms = post_terms(mention.text, mention.language)
            counts.update(terms)
            routed += _brand_observations(mention, at, terms, known)
        tally = WindowTally(posts=len(timed), terms=dict(counts))
        latest = max(at for at, _ in timed)
        routed += [BackgroundBatch(brand=brand, at=latest, windows={start: tally}) for brand in brands]
    return routed


def _brand_observations(
    mention: EnrichedMention, at: float, terms: list[str], known: set[str]
) -> list[MentionObservation]:
    """One observation per known brand the mention names, with the scopes its keyword sets give."""
    scopes: dict[str, dict[SuggestionScope, None]] = {}
    for match in mention.brands:
        if match.brand in known:
            scopes.setdefault(match.brand, {})[_SCOPE_OF[match.keyword_set]] = None
    return [
        MentionObservation(
            brand=brand,
            id=mention.id,
            at=at,
            language=mention.language,
            text=mention.text[:EXAMPLE_CHARS],
            terms=terms,
            scopes=list(found),
        )
        for brand, found in scopes.items()
    ]
