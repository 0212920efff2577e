"""What one post knows about its links, and how each link event changes it.

The state of a post (key = post id) lives on the partition of its id, so all events about one post meet in
one place, whichever worker published them:
- a duplicate has a ``canonical`` (what it reposts, or the near-duplicate stage's choice); it forwards
  itself and everything attached to it to that canonical, which may forward again (a chain ends at the
  root, the earliest post);
- a root collects ``members`` and writes the facts once its own ``created_at`` is known: every member's
  ``duplicate_of`` and its own ``repost_count``;
- a customer post keeps the earliest brand reply and writes ``first_response_at`` once it is known itself.

Every step is idempotent: a repeated event gives the same facts and sends again, and the facts are
retry-safe (:mod:`sinks.updates`), so at-least-once delivery gives the same index.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from pipeline.links.events import Attach, PointTo, PostSeen, ReplySeen
from sinks.indices import parse_created_at
from sinks.updates import MentionFacts

log = logging.getLogger(__name__)

MAX_HOPS = 16
"""An attach forwarded this often is dropped: the repost ids form a cycle (bad input)."""


class PostLinks(BaseModel):
    """The table value of one post id."""

    model_config = ConfigDict(extra="forbid")

    created_at: str | None = Field(default=None, description="None until the post itself was seen.")
    brand: bool = False
    canonical: str | None = None
    members: dict[str, str] = Field(default_factory=dict, description="Post id -> created_at.")
    first_reply_at: str | None = None


@dataclass
class Step:
    """The post's new state, attaches to send (key = target post id), and facts to write."""

    state: PostLinks
    sends: list[tuple[str, Attach]] = field(default_factory=list)
    facts: list[MentionFacts] = field(default_factory=list)


def step(key: str, state: PostLinks | None, event: PostSeen | ReplySeen | PointTo | Attach) -> Step:
    """Apply one link event to the post ``key``."""
    links = state.model_copy(deep=True) if state else PostLinks()
    result = Step(links)
    moving: dict[str, str] = {}
    hops = 0
    if isinstance(event, PostSeen):
        links.created_at, links.brand = event.created_at, event.brand
        if event.repost_of and links.canonical is None:
            links.canonical = event.repost_of
        moving = {**links.members, key: event.created_at}
    elif isinstance(event, PointTo):
        own = links.created_at = links.created_at or event.created_at
        if links.canonical is None and event.to != key:
            links.canonical = event.to
        moving = {**links.members, key: own}
    elif isinstance(event, Attach):
        moving = {member: at for member, at in event.members.items() if member != key}
        links.members.update(moving)
        hops = event.hops
    else:
        links.first_reply_at = min(filter(None, (links.first_reply_at, event.created_at)))
    answered = links.created_at and links.first_reply_at and not links.brand
    if answered and isinstance(event, (PostSeen, ReplySeen)):
        first = parse_created_at(links.first_reply_at)
        result.facts.append(MentionFacts(key, links.created_at, first_response_at=first))
    if links.canonical is not None:
        _forward(key, links.canonical, moving, hops, result)
    elif links.created_at is not None:
        _settle(key, links, {member: at for member, at in moving.items() if member != key}, result)
    return result


def _forward(key: str, canonical: str, moving: dict[str, str], hops: int, result: Step) -> None:
    if not moving:
        return
    if hops >= MAX_HOPS:
        log.warning("links: dropped %d post(s) at %s: the repost links form a cycle", len(moving), key)
        return
    result.sends.append((canonical, Attach(members=moving, hops=hops + 1)))


def _settle(key: str, links: PostLinks, new: dict[str, str], result: Step) -> None:
    """A root that knows its own time: each new member points here, and the count goes up."""
    if not new or links.created_at is None:
        return
    created = links.created_at
    result.facts.extend(
        MentionFacts(member, at, duplicate_of=key, duplicate_of_created_at=created)
        for member, at in new.items()
    )
    result.facts.append(MentionFacts(key, created, repost_count=len(links.members)))
