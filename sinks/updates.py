"""Facts that arrive after a post: higher engagement counts and the brand's first response.

Each fact is a partial update by post id in the index of the post's month, so the caller passes the
post's ``created_at`` along. The updates are safe to retry and to apply in any order: counts only go up
(max), the first response only moves earlier (min). A fact that arrives before its mention creates a
stub document (``id``, ``created_at`` and the facts); the mention merges into it when it is indexed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sinks.bulk import BulkIndexer, BulkOutcome, BulkUpdate
from sinks.indices import month_index, parse_created_at

FIRST_RESPONSE_AT_FIELD = "first_response_at"
"""Index-only field: when the brand first answered the post (the earliest answer seen)."""
RESPONSE_SECONDS_FIELD = "response_seconds"
"""Index-only field: seconds from the post to the brand's first answer."""
COUNTS = frozenset({"reposts", "replies", "likes"})

APPLY_FACTS = """
Map s = ctx._source;
boolean changed = false;
if (s.id == null) { s.id = params.id; s.created_at = params.created_at; changed = true; }
if (!params.engagement.isEmpty()) {
  if (s.engagement == null) { s.engagement = new HashMap(); }
  for (def entry : params.engagement.entrySet()) {
    def before = s.engagement.get(entry.getKey());
    if (before == null || before < entry.getValue()) {
      s.engagement.put(entry.getKey(), entry.getValue());
      changed = true;
    }
  }
}
def first = params.first_response_at;
if (first != null && (s.first_response_at == null || s.first_response_at.compareTo(first) > 0)) {
  s.first_response_at = first;
  s.response_seconds = params.response_seconds;
  changed = true;
}
if (!changed) { ctx.op = 'noop'; }
"""


def _utc_text(moment: datetime) -> str:
    """One fixed ISO 8601 form, so the script can compare stored and new values as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class MentionFacts:
    """Later facts about one post: engagement counts (highest wins) and the first response (earliest wins)."""

    doc_id: str
    created_at: datetime | str
    engagement: Mapping[str, int] = field(default_factory=dict)
    first_response_at: datetime | None = None

    def __post_init__(self) -> None:
        parse_created_at(self.created_at)
        unknown = set(self.engagement) - COUNTS
        if unknown:
            raise ValueError(f"unknown engagement counts {sorted(unknown)}; known: {sorted(COUNTS)}")
        if any(not isinstance(count, int) or count < 0 for count in self.engagement.values()):
            raise ValueError(f"engagement counts must be non-negative integers: {dict(self.engagement)}")
        if self.first_response_at is not None and self.first_response_at.tzinfo is None:
            raise ValueError("first_response_at must be timezone-aware")

    def params(self) -> dict[str, Any]:
        """The script parameters."""
        created = parse_created_at(self.created_at)
        first = self.first_response_at
        return {
            "id": self.doc_id,
            "created_at": _utc_text(created),
            "engagement": dict(self.engagement),
            "first_response_at": _utc_text(first) if first else None,
            "response_seconds": round((first - created).total_seconds()) if first else None,
        }


def facts_update(family: str, facts: MentionFacts) -> BulkUpdate:
    """The scripted upsert of one set of facts."""
    script = {"source": APPLY_FACTS, "lang": "painless", "params": facts.params()}
    body = {"script": script, "scripted_upsert": True, "upsert": {}}
    return BulkUpdate(month_index(family, facts.created_at), facts.doc_id, body)


async def apply_updates(indexer: BulkIndexer, facts: Sequence[MentionFacts]) -> BulkOutcome:
    """Write the facts with the indexer's retries; rejected facts come back with the engine's reason."""
    return await indexer.write(facts, lambda item, _now: facts_update(indexer.family, item))
