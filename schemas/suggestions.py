"""TermSuggestion: the contract of the term-suggestions topic and the suggestions index."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SUGGESTION_SCHEMA_VERSION = "1.0"


class SuggestionKind(StrEnum):
    """Why a term is suggested."""

    rising = "rising"
    co_occurring = "co_occurring"


class SuggestionScope(StrEnum):
    """Which of a brand's mentions were counted: those naming it (inside-out) or those about its subject
    (outside-in)."""

    brand = "brand"
    topic = "topic"


class SuggestionExample(BaseModel):
    """One mention in the window that contains the term."""

    model_config = ConfigDict(extra="forbid")

    id: str
    text: str


def suggestion_id(
    brand: str, kind: SuggestionKind, scope: SuggestionScope, term: str, window_start: datetime
) -> str:
    """Stable id: the same suggestion found again (a replay, a restart, a better score) has the same id."""
    parts = "\x1f".join((brand, kind, scope, term, window_start.isoformat()))
    return hashlib.sha256(parts.encode()).hexdigest()[:32]


class TermSuggestion(BaseModel):
    """A word or two-word phrase that a brand's outside-in keyword set does not cover yet, with the evidence.

    ``score`` is Dunning's log-likelihood ratio G² of a 2x2 table of posts (with and without the term):
    for ``rising`` the current window against the baseline windows before it, for ``co_occurring`` the
    scope's posts against all other mentions over the baseline and current windows. G² > 10.83 means
    p < 0.001 (chi-squared, one degree of freedom).
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: str = Field(default=SUGGESTION_SCHEMA_VERSION, pattern=r"^1\.\d+$")
    id: str = Field(description="Stable id of (brand, kind, scope, term, window_start).")
    brand: str
    kind: SuggestionKind
    scope: SuggestionScope
    term: str = Field(description="A keyword query to paste into the brand's outside_in list.")
    language: str = Field(pattern=r"^([a-z]{2}|und)$", description="Language of most posts with the term.")
    score: float = Field(ge=0.0, description="G² (log-likelihood ratio); higher is more significant.")
    lift: float = Field(ge=0.0, description="The term's share of posts here over its (smoothed) share there.")
    count: int = Field(ge=0, description="Posts in the scope with the term (window, or whole horizon).")
    posts: int = Field(ge=0, description="Posts in the scope (window, or whole horizon).")
    baseline_count: int = Field(ge=0, description="Posts with the term in what it is compared with.")
    baseline_posts: int = Field(ge=0, description="Posts in what it is compared with.")
    baseline_rate: float = Field(ge=0.0, le=1.0, description="baseline_count / baseline_posts.")
    window_start: AwareDatetime
    window_end: AwareDatetime
    examples: list[SuggestionExample] = Field(default_factory=list, description="Up to a few posts.")
    created_at: AwareDatetime = Field(description="Event time at which the suggestion was made.")
