"""DlqRecord: what the dead-letter topic holds for every message the pipeline could not process."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

DLQ_SCHEMA_VERSION = "1.1"

MAX_KEPT_BYTES = 256 * 1024
"""Larger originals are kept in part, so that the dead letter itself still fits in a Kafka message."""


class Stage(StrEnum):
    """Where the message was given up on."""

    enrich = "enrich"
    index = "index"
    links = "links"  # a later fact about an indexed mention (duplicate, response, counts) the engine refused


class DlqRecord(BaseModel):
    """The original bytes (base64, exactly as received) and why they were not processed."""

    model_config = ConfigDict(extra="forbid")

    schema_version: str = Field(default=DLQ_SCHEMA_VERSION, pattern=r"^1\.\d+$")
    stage: Stage
    reason: str = Field(min_length=1)
    source_topic: str
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    original_base64: str = Field(description="The original bytes (their first MAX_KEPT_BYTES if truncated).")
    original_size: int | None = Field(default=None, ge=0, description="Size of the whole original in bytes.")
    original_truncated: bool = Field(
        default=False,
        description="The original was too large to copy whole; it stays at source_topic/partition/offset.",
    )
    original_text: str | None = Field(
        default=None, description="The original as text, when it was valid UTF-8."
    )
    failed_at: AwareDatetime

    @classmethod
    def for_message(
        cls,
        stage: Stage,
        reason: str,
        original: bytes,
        source_topic: str,
        key: bytes | str | None = None,
        partition: int | None = None,
        offset: int | None = None,
    ) -> DlqRecord:
        """Build a record for one message, keeping its bytes whole."""
        kept = original[:MAX_KEPT_BYTES]
        try:
            text: str | None = kept.decode("utf-8") if len(kept) == len(original) else None
        except UnicodeDecodeError:
            text = None
        if isinstance(key, bytes):
            key = key.decode("utf-8", errors="replace")
        return cls(
            stage=stage,
            reason=reason,
            source_topic=source_topic,
            partition=partition,
            offset=offset,
            key=key,
            original_base64=base64.b64encode(kept).decode("ascii"),
            original_size=len(original),
            original_truncated=len(kept) < len(original),
            original_text=text,
            failed_at=datetime.now(UTC),
        )

    def original(self) -> bytes:
        """The original message bytes."""
        return base64.b64decode(self.original_base64)
