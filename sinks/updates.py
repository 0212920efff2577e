"""Facts that arrive after a post: engagement counts, the brand's first response, and duplicate links.

Each fact is a partial update by post id in the index of the post's month, so the caller passes the
post's ``created_at`` along. The updates are safe to retry and to apply in any order: counts only go up
(max), the first response only moves earlier (min), a duplicate points at the earliest canonical it was
given (min of the canonical's ``created_at`` and id). A document that points at a canonical has no
``repost_count``: only canonicals count. A fact that arrives before its mention creates a stub document
(``id``, ``created_at`` and the facts); the mention merges into it when it is indexed.
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
DUPLICATE_OF_FIELD = "duplicate_of"
"""Index-only field: the id of the canonical mention this post is a repost or near-duplicate of."""
DUPLICATE_OF_CREATED_AT_FIELD = "duplicate_of_created_at"
"""Index-only field: when that canonical was posted (the earliest canonical wins)."""
REPOST_COUNT_FIELD = "repost_count"
"""Index-only field, on canonicals: how many posts collapsed onto this one."""
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
def canonical = params.duplicate_of;
if (canonical != null && canonical != params.id) {
  String given = params.duplicate_of_created_at + ' ' + canonical;
  if (s.duplicate_of == null || (s.duplicate_of_created_at + ' ' + s.duplicate_of).compareTo(given) > 0) {
    s.duplicate_of = canonical;
    s.duplicate_of_created_at = params.duplicate_of_created_at;
    changed = true;
  }
}
if (s.duplicate_of != null) {
  if (s.containsKey('repost_count')) { s.remove('repost_count'); changed = true; }
} else if (params.repost_count != null && (s.repost_count == null || s.repost_count < params.repost_count)) {
  s.repost_count = params.repost_count;
  changed = true;
}
if (!changed) { ctx.op = 'noop'; }
"""


def utc_text(moment: datetime) -> str:
    """One fixed ISO 8601 form, so the script can compare stored and new values as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class MentionFacts:
    """Later facts about one post: engagement counts (highest wins), the first response (earliest wins),
    the canonical it duplicates (earliest wins, with its ``created_at``) and, on a canonical, how many
    posts collapsed onto it (highest wins)."""

    doc_id: str
    created_at: datetime | str
    engagement: Mapping[str, int] = field(default_factory=dict)
    first_response_at: datetime | None = None
    duplicate_of: str | None = None
    duplicate_of_created_at: datetime | str | None = None
    repost_count: int | None = None

    def __post_init__(self) -> None:
        parse_created_at(self.created_at)
        unknown = set(self.engagement) - COUNTS
        if unknown:
            raise ValueError(f"unknown engagement counts {sorted(unknown)}; known: {sorted(COUNTS)}")
        if any(not isinstance(count, int) or count < 0 for count in self.engagement.values()):
            raise ValueError(f"engagement counts must be non-negative integers: {dict(self.engagement)}")
        if self.first_response_at is not None and self.first_response_at.tzinfo is None:
            raise ValueError("first_response_at must be timezone-aware")
        if (self.duplicate_of is None) != (self.duplicate_of_created_at is None):
            raise ValueError("duplicate_of needs duplicate_of_created_at (and the other way round)")
        if self.duplicate_of_created_at is not None:
            parse_created_at(self.duplicate_of_created_at)
        if self.repost_count is not None and self.repost_count < 0:
            raise ValueError(f"repost_count must not be negative: {self.repost_count}")

    def params(self) -> dict[str, Any]:
        """The script parameters (the duplicate facts only when set: a missing parameter reads as null)."""
        created = parse_created_at(self.created_at)
        first = self.first_response_at
        params: dict[str, Any] = {
            "id": self.doc_id,
            "created_at": utc_text(created),
            "engagement": dict(self.engagement),
            "first_response_at": utc_text(first) if first else None,
            "response_seconds": round((first - created).total_seconds()) if first else None,
        }
        if self.duplicate_of is not None and self.duplicate_of_created_at is not None:
            params["duplicate_of"] = self.duplicate_of
            params["duplicate_of_created_at"] = utc_text(parse_created_at(self.duplicate_of_created_at))
        if self.repost_count is not None:
            params["repost_count"] = self.repost_count
        return params


def facts_update(family: str, facts: MentionFacts) -> BulkUpdate:
    """The scripted upsert of one set of facts."""
    script = {"source": APPLY_FACTS, "lang": "painless", "params": facts.params()}
    body = {"script": script, "scripted_upsert": True, "upsert": {}}
    return BulkUpdate(month_index(family, facts.created_at), facts.doc_id, body)


async def apply_updates(indexer: BulkIndexer, facts: Sequence[MentionFacts]) -> BulkOutcome:
    """Write the facts with the indexer's retries; rejected facts come back with the engine's reason."""
    return await indexer.write(facts, lambda item, _now: facts_update(indexer.family, item))
