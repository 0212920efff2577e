"""EnrichedMention: the contract of the mentions topic and the search index."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from schemas.posts import RawPost

MENTION_SCHEMA_VERSION = "1.0"


class KeywordSet(StrEnum):
    """Which of a brand's keyword sets matched."""

    inside_out = "inside_out"
    outside_in = "outside_in"


class BrandMatch(BaseModel):
    """One brand matched by one keyword set, with the terms that matched."""

    model_config = ConfigDict(extra="forbid")

    brand: str
    keyword_set: KeywordSet
    terms: list[str] = Field(min_length=1)


class SentimentLabel(StrEnum):
    """The overall tone of a post."""

    positive = "positive"
    negative = "negative"
    neutral = "neutral"


class Sentiment(BaseModel):
    """Sentiment of a Dutch or English post: a label and a score from -1 (negative) to 1 (positive)."""

    model_config = ConfigDict(extra="forbid")

    label: SentimentLabel
    score: float = Field(ge=-1.0, le=1.0)


class IntentLabel(StrEnum):
    """What the author wants."""

    complaint = "complaint"
    question = "question"
    praise = "praise"
    outage = "outage"
    purchase_intent = "purchase_intent"
    other = "other"


class Intent(BaseModel):
    """The author's intent and the classifier's confidence in it."""

    model_config = ConfigDict(extra="forbid")

    label: IntentLabel
    confidence: float = Field(ge=0.0, le=1.0)


class Routing(BaseModel):
    """What the business rules decided: who handles the mention, whether to answer in public, tags."""

    # Frozen: the mentions no rule routes share one empty Routing (enrichers.rules.NOT_ROUTED).
    model_config = ConfigDict(extra="forbid", frozen=True)

    team: str | None = Field(default=None, description="Team the mention is routed to, if any.")
    answerable: bool | None = Field(default=None, description="Whether the team answers it in public.")
    tags: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list, description="Names of the rules that matched, in order.")
    priority_boost: float = 0.0


class EnrichedMention(RawPost):
    """A RawPost (all its fields, flat) plus what the enrichers added.

    ``schema_version`` here is the version of this contract, not of the raw post it came from.
    """

    schema_version: str = Field(default=MENTION_SCHEMA_VERSION, pattern=r"^1\.\d+$")
    language: str = Field(pattern=r"^([a-z]{2}|und)$", description="ISO 639-1 code, or 'und' when undecided.")
    language_confidence: float = Field(ge=0.0, le=1.0)
    sentiment: Sentiment | None = Field(
        default=None, description="Set for Dutch and English posts; null for other languages."
    )
    brands: list[BrandMatch] = Field(default_factory=list)
    intent: Intent | None = Field(default=None, description="Set for Dutch and English posts.")
    routing: Routing = Field(default_factory=Routing)
    priority: float = Field(default=0.0, ge=0.0, le=100.0, description="Inbox order: higher first.")
    received_at: AwareDatetime | None = Field(
        default=None, description="When the raw post was written to Kafka (the raw message's timestamp)."
    )
    enriched_at: AwareDatetime

    def brand_names(self) -> list[str]:
        """Distinct brands matched, in first-match order."""
        return list(dict.fromkeys(match.brand for match in self.brands))
