"""Counts of one brand in one tumbling window: posts and posts per term, for each scope and the background.

Scopes are ``brand`` and ``topic`` (see :class:`schemas.suggestions.SuggestionScope`) and ``all``: every
mention of the stream, the background that co-occurrence compares with. A closed window is stored as JSON,
cut to its most frequent terms, so the state per brand is bounded by windows x scopes x ``max_terms``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

ALL = "all"
"""The background scope: every mention, with or without a brand."""


@dataclass
class WindowCounts:
    """Posts per scope, and posts per scope and term."""

    posts: Counter[str] = field(default_factory=Counter)
    terms: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, scope: str, terms: list[str], posts: int = 1, counts: dict[str, int] | None = None) -> None:
        """Count ``posts`` posts of ``scope``: one each for ``terms``, or ``counts`` when given."""
        self.posts[scope] += posts
        found = self.terms.setdefault(scope, Counter())
        if counts is None:
            found.update(terms)
        else:
            found.update(counts)

    def count(self, scope: str, term: str) -> int:
        found = self.terms.get(scope)
        return found.get(term, 0) if found else 0

    def to_json(self, max_terms: int) -> dict[str, Any]:
        """The counts, each scope cut to its ``max_terms`` most frequent terms."""
        return {
            "posts": dict(self.posts),
            "terms": {scope: dict(counts.most_common(max_terms)) for scope, counts in self.terms.items()},
        }

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> WindowCounts:
        return cls(
            Counter(stored.get("posts", {})),
            {scope: Counter(counts) for scope, counts in stored.get("terms", {}).items()},
        )
