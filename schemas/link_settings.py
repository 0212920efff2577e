"""The ``links`` section of the config: dedupe and response-time linking."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LinkSettings(BaseModel):
    """Reposts and near-duplicates collapse onto one canonical mention; brand replies set response times."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    topic_prefix: str | None = Field(
        default=None,
        description="Prefix of the two internal topics (<prefix>.by-post, <prefix>.by-fingerprint); "
        "default: the mentions topic's name plus '.links'.",
    )
    near_duplicate_hours: float = Field(
        default=24.0, gt=0, description="Copies posted within this time after the first collapse onto it."
    )
    min_words: int = Field(
        default=5, ge=1, description="Texts with fewer words (after normalising) are never near-duplicates."
    )


def link_topics(settings: LinkSettings, mentions_topic: str) -> tuple[str, str]:
    """The internal topics: link events keyed by post id, and copies keyed by text fingerprint."""
    prefix = settings.topic_prefix or f"{mentions_topic}.links"
    return f"{prefix}.by-post", f"{prefix}.by-fingerprint"
