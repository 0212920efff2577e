"""RawPost: what every connector publishes to the raw topic."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

RAW_POST_SCHEMA_VERSION = "1.0"

MAX_TEXT_CHARS = 20_000


class Source(StrEnum):
    """The channel a post was found on."""

    twitter = "twitter"
    facebook = "facebook"
    instagram = "instagram"
    forum = "forum"
    review = "review"
    blog = "blog"
    news = "news"
    mastodon = "mastodon"
    bluesky = "bluesky"
    webhook = "webhook"
    other = "other"


class Author(BaseModel):
    """Who wrote the post, as far as the source tells."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=256)
    handle: str | None = Field(default=None, max_length=256)
    name: str | None = Field(default=None, max_length=512)
    followers: int = Field(default=0, ge=0, description="Reach of the author at posting time.")
    is_brand_account: bool = Field(
        default=False, description="True when the author is one of the monitored brands' own accounts."
    )


class Engagement(BaseModel):
    """Engagement counters as seen by the connector."""

    model_config = ConfigDict(extra="forbid")

    reposts: int = Field(default=0, ge=0)
    replies: int = Field(default=0, ge=0)
    likes: int = Field(default=0, ge=0)


class RawPost(BaseModel):
    """A post as a connector found it, before any enrichment.

    ``id`` is unique across sources (connectors prefix it with the source) and is the Kafka key,
    so that every later stage can be idempotent on it.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    schema_version: str = Field(default=RAW_POST_SCHEMA_VERSION, pattern=r"^1\.\d+$")
    id: str = Field(min_length=1, max_length=512, pattern=r"^\S+$")
    source: Source
    url: str | None = Field(default=None, max_length=4096)
    author: Author
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    title: str | None = Field(default=None, max_length=2048)
    created_at: AwareDatetime
    lang_hint: str | None = Field(
        default=None, max_length=16, description="Language the platform claims, if any (not trusted)."
    )
    in_reply_to: str | None = Field(default=None, max_length=512, description="Id of the post this answers.")
    repost_of: str | None = Field(default=None, max_length=512, description="Id of the post this reposts.")
    engagement: Engagement = Field(default_factory=Engagement)
