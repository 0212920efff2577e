"""The messages on the two internal link topics (JSON), and what a mention sends to them.

Keyed by post id (``<prefix>.by-post``):
- ``post``: the post itself was seen (key = its id), with its ``repost_of`` unless it is the brand's own;
- ``reply``: a brand account answered the post (key = the answered post's id);
- ``pointer``: the near-duplicate stage decided that the post (key) is a copy of ``to``;
- ``attach``: posts (id -> created_at) collapse onto the post (key), or onto its canonical.

Keyed by fingerprint (``<prefix>.by-fingerprint``):
- ``copy``: a post with that text fingerprint was seen.

Times are UTC text in one fixed form (:func:`sinks.updates.utc_text`), so they compare as text.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from pipeline.links.fingerprint import fingerprint
from schemas.mentions import EnrichedMention
from sinks.updates import utc_text


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PostSeen(_Event):
    kind: Literal["post"] = "post"
    id: str
    created_at: str
    brand: bool
    repost_of: str | None = None


class ReplySeen(_Event):
    kind: Literal["reply"] = "reply"
    id: str
    created_at: str


class PointTo(_Event):
    kind: Literal["pointer"] = "pointer"
    id: str
    created_at: str
    to: str


class Attach(_Event):
    kind: Literal["attach"] = "attach"
    members: dict[str, str] = Field(description="Post id -> its created_at.")
    hops: int = 0


class CopySeen(_Event):
    kind: Literal["copy"] = "copy"
    id: str
    created_at: str


PostEvent = Annotated[PostSeen | ReplySeen | PointTo | Attach, Field(discriminator="kind")]
POST_EVENT: TypeAdapter[PostSeen | ReplySeen | PointTo | Attach] = TypeAdapter(PostEvent)

Keyed = tuple[str, _Event]
"""A link event and its key (a post id or a fingerprint)."""


def is_brand_post(mention: EnrichedMention, brand_handles: Collection[str]) -> bool:
    """Written by one of the monitored brands' own accounts (flagged, or a configured handle)."""
    handle = (mention.author.handle or "").lstrip("@").lower()
    return mention.author.is_brand_account or (bool(handle) and handle in brand_handles)


def link_events(
    mention: EnrichedMention, brand_handles: Collection[str], min_words: int
) -> tuple[list[Keyed], list[Keyed]]:
    """What one mention sends: (events keyed by post id, events keyed by fingerprint)."""
    brand = is_brand_post(mention, brand_handles)
    created = utc_text(mention.created_at)
    repost_of = mention.repost_of if mention.repost_of != mention.id and not brand else None
    by_post: list[Keyed] = [
        (mention.id, PostSeen(id=mention.id, created_at=created, brand=brand, repost_of=repost_of))
    ]
    if brand and mention.in_reply_to and mention.in_reply_to != mention.id:
        by_post.append((mention.in_reply_to, ReplySeen(id=mention.id, created_at=created)))
    by_text: list[Keyed] = []
    if not brand and mention.repost_of is None:
        found = fingerprint(mention.text, min_words)
        if found is not None:
            by_text.append((found, CopySeen(id=mention.id, created_at=created)))
    return by_post, by_text
