"""Models of the YAML config file's ``rules`` section: business rules that route and tag mentions.

A rule has a ``name``, conditions under ``when`` (all must hold; a list means "any of") and actions under
``then``. ``mode`` says which matching rules apply: ``first_match`` (only the first) or ``all_match`` (all of
them, in order). Semantics and examples: ``docs/rules.md``; evaluation: :mod:`enrichers.rules`.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from schemas.mentions import IntentLabel, KeywordSet, SentimentLabel
from schemas.posts import Source

TEAM_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"

Team = Annotated[str, StringConstraints(pattern=TEAM_PATTERN)]
"""A team name; it becomes part of a Kafka topic name (``webcare.route.<team>``)."""


def _has_a_word(term: str) -> str:
    if not re.search(r"\w", term):
        raise ValueError(f"term {term!r} has no letters or digits")
    return term


Term = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_has_a_word)]
"""A word or phrase matched on whole words, case- and accent-insensitively; a trailing ``*`` for prefixes."""
Language = Annotated[str, StringConstraints(pattern=r"^([a-z]{2}|und)$")]


class RuleMode(StrEnum):
    """Which of the matching rules apply."""

    first_match = "first_match"
    all_match = "all_match"


class RuleConditions(BaseModel):
    """When a rule matches: every condition that is set must hold; unset conditions are ignored."""

    model_config = ConfigDict(extra="forbid")

    brand: list[str] | None = Field(default=None, min_length=1, description="Any of these brands matched.")
    keyword_set: list[KeywordSet] | None = Field(
        default=None,
        min_length=1,
        description="Matched by one of these keyword sets (with brand: by the same match).",
    )
    intent: list[IntentLabel] | None = Field(default=None, min_length=1)
    language: list[Language] | None = Field(default=None, min_length=1)
    sentiment: list[SentimentLabel] | None = Field(default=None, min_length=1)
    sentiment_min: float | None = Field(
        default=None, ge=-1.0, le=1.0, description="Sentiment score at least."
    )
    sentiment_max: float | None = Field(default=None, ge=-1.0, le=1.0, description="Sentiment score at most.")
    source: list[Source] | None = Field(default=None, min_length=1)
    followers_min: int | None = Field(default=None, ge=0)
    followers_max: int | None = Field(default=None, ge=0)
    is_brand_account: bool | None = None
    terms_any: list[Term] | None = Field(default=None, min_length=1, description="The text has any of these.")
    terms_all: list[Term] | None = Field(default=None, min_length=1, description="The text has all of these.")
    terms_none: list[Term] | None = Field(
        default=None, min_length=1, description="The text has none of these."
    )

    @model_validator(mode="after")
    def _sensible(self) -> RuleConditions:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise ValueError("no condition: set at least one (a rule that always matches is a mistake)")
        for low, high in (("sentiment_min", "sentiment_max"), ("followers_min", "followers_max")):
            least, most = getattr(self, low), getattr(self, high)
            if least is not None and most is not None and least > most:
                raise ValueError(f"{low} is greater than {high}: the rule can never match")
        return self


class RuleActions(BaseModel):
    """What a matching rule decides."""

    model_config = ConfigDict(extra="forbid")

    route: Team | None = Field(default=None, description="Team that handles the mention.")
    answerable: bool | None = Field(default=None, description="Whether the team may answer in public.")
    tags: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] = Field(default_factory=list)
    priority_boost: float = Field(default=0.0, ge=-100.0, le=100.0, description="Added to the priority.")

    @model_validator(mode="after")
    def _does_something(self) -> RuleActions:
        if self.route is None and self.answerable is None and not self.tags and self.priority_boost == 0:
            raise ValueError("no action: set route, answerable, tags or priority_boost")
        return self


class Rule(BaseModel):
    """One business rule."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    when: RuleConditions
    then: RuleActions


class RulesConfig(BaseModel):
    """The rules section: the mode and the ordered list of rules."""

    model_config = ConfigDict(extra="forbid")

    mode: RuleMode = RuleMode.first_match
    list: builtins.list[Rule] = Field(default_factory=builtins.list)
    topic_prefix: str = Field(
        default="webcare.route.",
        pattern=r"^[A-Za-z0-9._-]+$",
        description="Routed mentions go to <topic_prefix><team> as well as to the mentions topic.",
    )

    @field_validator("list")
    @classmethod
    def _unique_names(cls, rules: builtins.list[Rule]) -> builtins.list[Rule]:
        seen: set[str] = set()
        for rule in rules:
            if rule.name in seen:
                raise ValueError(f"rule {rule.name!r} is defined twice")
            seen.add(rule.name)
        return rules

    def check_brands(self, brand_names: Iterable[str]) -> None:
        """Raise ValueError naming the rule when a rule's ``brand`` condition names an unknown brand."""
        known = {name.lower(): name for name in brand_names}
        for rule in self.list:
            for brand in rule.when.brand or ():
                if brand.lower() not in known:
                    listed = ", ".join(sorted(known.values())) or "none configured"
                    raise ValueError(f"rule {rule.name!r}: unknown brand {brand!r} (brands: {listed})")

    def teams(self) -> builtins.list[str]:
        """The teams the rules route to, in first-use order."""
        return builtins.list(dict.fromkeys(rule.then.route for rule in self.list if rule.then.route))

    def topic_for(self, team: str) -> str:
        """The per-team topic that routed mentions also go to."""
        return f"{self.topic_prefix}{team}"

    def route_topics(self) -> builtins.list[str]:
        """The per-team topics of every team the rules route to (for ``webcare setup``)."""
        return [self.topic_for(team) for team in self.teams()]
