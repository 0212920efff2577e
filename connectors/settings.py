"""Connector settings: one pydantic model per concern, filled from ``webcare ingest`` options.

They are plain models (not read from the YAML file) so each ``webcare ingest <source>`` invocation is
self-describing; ``docs/connectors.md`` lists every option.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr

DEFAULT_STATE_DIR = Path(os.environ.get("WEBCARE_CONNECTOR_STATE_DIR", ".state/connectors"))


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RunOptions(_Options):
    """How a connector runs: once or following, and where and how often it checkpoints."""

    follow: bool = False
    state_dir: Path = DEFAULT_STATE_DIR
    name: str | None = Field(default=None, description="Checkpoint name (default: derived from the source).")
    checkpoint_every: int = Field(default=500, ge=1, description="Checkpoint after this many items.")
    checkpoint_seconds: float = Field(default=1.0, gt=0, description="... or after this many seconds.")
    reset: bool = Field(default=False, description="Forget the checkpoint and start from the beginning.")


class HttpOptions(_Options):
    """Client side of HTTP sources: rate limit, timeout, retries."""

    rate: float = Field(default=1.0, gt=0, description="Requests per second at most (token bucket).")
    burst: float = Field(default=5.0, ge=1)
    timeout: float = Field(default=30.0, gt=0, description="Seconds per request.")
    max_retries: int = Field(default=6, ge=0)
    backoff_base: float = Field(default=0.5, gt=0)
    backoff_cap: float = Field(default=60.0, gt=0)


class ReplayOptions(_Options):
    """JSON Lines and CSV replay."""

    path: Path
    speed: float | None = Field(default=None, gt=0, description="None: as fast as possible; N: pace x N.")


class WebhookOptions(_Options):
    """The webhook server."""

    host: str = "127.0.0.1"
    port: int = Field(default=8088, ge=0, le=65535)
    tokens: list[SecretStr] = Field(min_length=1)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_batch: int = Field(default=1000, ge=1)
    max_in_flight: int = Field(default=10_000, ge=1, description="Posts waiting for Kafka before 429.")
    retry_after: int = Field(default=1, ge=1)


class FeedOptions(_Options):
    """RSS and Atom feeds."""

    urls: list[str] = Field(min_length=1)
    source: str = Field(default="news", pattern="^(news|blog|review|forum|other)$")
    poll_seconds: float = Field(default=300.0, gt=0)
    max_seen: int = Field(default=2000, ge=10)


class MastodonOptions(_Options):
    """One Mastodon timeline."""

    base_url: str
    hashtag: str | None = None
    local: bool = False
    limit: int = Field(default=40, ge=1, le=40)
    since_id: str | None = None
    streaming: bool = False
    poll_seconds: float = Field(default=30.0, gt=0)
    access_token: SecretStr | None = None


class BlueskyOptions(_Options):
    """The Jetstream firehose."""

    url: str = "wss://jetstream2.us-east.bsky.network"
    keywords: list[str] = Field(default_factory=list)
    cursor: int | None = Field(default=None, ge=0, description="time_us to start at without a checkpoint.")
    rewind_seconds: float = Field(default=0.0, ge=0)
    idle_seconds: float = Field(default=5.0, gt=0, description="One-shot mode ends after this quiet time.")


class GenerateOptions(_Options):
    """The synthetic load generator."""

    rate: float = Field(default=100.0, gt=0, description="Posts per second.")
    count: int = Field(default=1000, ge=0)
    seed: int = 42
    malformed_every: int = Field(default=0, ge=0)
    restamp: bool = Field(default=True, description="Give posts the current time as created_at.")
