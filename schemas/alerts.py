"""Alert: the contract of the alerts topic and the alerts index."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

ALERT_SCHEMA_VERSION = "1.0"


class AlertKind(StrEnum):
    """A spike starts an episode; a recovery ends it."""

    spike = "spike"
    recovery = "recovery"


class Dimension(StrEnum):
    """What is counted per brand."""

    volume = "volume"
    term = "term"
    intent = "intent"
    negative = "negative"


class AlertExample(BaseModel):
    """One mention that was counted in the alert's window."""

    model_config = ConfigDict(extra="forbid")

    id: str
    text: str


def alert_id(
    kind: AlertKind, brand: str, dimension: Dimension, key: str | None, window_start: datetime
) -> str:
    """Stable id: the same alert sent again (after a restart or a replay) has the same id."""
    parts = "\x1f".join((kind, brand, dimension, key or "", window_start.isoformat()))
    return hashlib.sha256(parts.encode()).hexdigest()[:32]


class Alert(BaseModel):
    """A spike in a brand's mentions, or the recovery from one.

    Counts are per window of ``window_end - window_start``; the baseline is the mean and standard deviation
    of the counts of the windows before it.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: str = Field(default=ALERT_SCHEMA_VERSION, pattern=r"^1\.\d+$")
    id: str = Field(description="Stable id of (kind, brand, dimension, key, window_start).")
    kind: AlertKind
    brand: str
    dimension: Dimension
    key: str | None = Field(
        default=None, description="The term or intent counted; null for volume, negative."
    )
    window_start: AwareDatetime
    window_end: AwareDatetime
    count: int = Field(ge=0, description="Mentions in the window.")
    baseline_mean: float = Field(ge=0.0)
    baseline_std: float = Field(ge=0.0)
    threshold: float = Field(description="Spike when count exceeds this (mean + k * max(std, floors)).")
    min_count: int = Field(ge=0, description="Spike only when count is at least this.")
    spike_id: str | None = Field(default=None, description="For a recovery: the id of the spike it ends.")
    examples: list[AlertExample] = Field(default_factory=list, description="A few mentions in the window.")
    created_at: AwareDatetime = Field(description="Event time at which the alert was decided.")

    def subject(self) -> str:
        """One line for an e-mail subject, an SMS or a chat message."""
        what = {
            Dimension.volume: "mentions",
            Dimension.term: f"mentions with '{self.key}'",
            Dimension.intent: f"mentions with intent {self.key}",
            Dimension.negative: "negative mentions",
        }[self.dimension]
        minutes = round((self.window_end - self.window_start).total_seconds() / 60)
        if self.kind is AlertKind.spike:
            return (
                f"[webcare] Spike: {self.brand}: {self.count} {what} in {minutes} min "
                f"(normal {self.baseline_mean:.1f} ± {self.baseline_std:.1f})"
            )
        return f"[webcare] Recovered: {self.brand}: {self.count} {what} in {minutes} min"
