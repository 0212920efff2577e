"""The ``alerts`` section of the config: windows, thresholds, topics, index and notifiers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from schemas.alerts import AlertKind, Dimension


class NotifierFilter(BaseModel):
    """Which alerts a notifier gets (all of them by default)."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[AlertKind] = Field(default_factory=lambda: list(AlertKind))
    dimensions: list[Dimension] = Field(default_factory=lambda: list(Dimension))


class EmailSettings(NotifierFilter):
    """E-mail over SMTP."""

    host: str
    port: int = Field(default=25, ge=1, le=65535)
    security: Literal["none", "starttls", "tls"] = "none"
    username: str | None = None
    password: SecretStr | None = Field(
        default=None, description="Set it with WEBCARE_ALERTS__EMAIL__PASSWORD."
    )
    sender: str
    recipients: list[str] = Field(min_length=1)
    timeout_seconds: float = Field(default=10.0, gt=0)


class SmsSettings(NotifierFilter):
    """SMS through an HTTP gateway: one request per recipient, with the body rendered from a template."""

    url: str
    method: Literal["POST", "PUT"] = "POST"
    recipients: list[str] = Field(min_length=1)
    body_template: dict[str, str] = Field(
        default_factory=lambda: {"to": "{to}", "text": "{text}"},
        description="JSON body; '{to}' and '{text}' in the values are replaced.",
    )
    auth_header: str = "Authorization"
    auth_value: SecretStr | None = Field(
        default=None,
        description="Header value, e.g. 'Bearer ...'; set it with WEBCARE_ALERTS__SMS__AUTH_VALUE.",
    )
    max_chars: int = Field(default=160, ge=20, description="Texts are cut to this length.")
    timeout_seconds: float = Field(default=10.0, gt=0)


class WebhookSettings(NotifierFilter):
    """A generic webhook that takes Slack-compatible JSON (``text`` plus ``blocks``)."""

    name: str = Field(min_length=1, description="Used in logs instead of the URL (which may hold a token).")
    url: SecretStr
    timeout_seconds: float = Field(default=10.0, gt=0)


class AlertSettings(BaseModel):
    """Spike detection per brand, and where alerts go.

    Windows hop: ``window_seconds`` long, one every ``step_seconds``. The baseline is the
    ``baseline_seconds`` before the current window, cut into back-to-back windows of the same length.
    """

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    topic: str = "webcare.alerts"
    by_brand_topic: str = Field(
        default="webcare.alert-observations", description="Internal: mentions repartitioned by brand."
    )
    index: str = "webcare-alerts"
    dimensions: list[Dimension] = Field(default_factory=lambda: list(Dimension))
    window_seconds: int = Field(default=600, ge=60)
    step_seconds: int = Field(default=120, ge=1)
    baseline_seconds: int = Field(default=6 * 3600, ge=60)
    warmup_seconds: int | None = Field(
        default=None, ge=0, description="No spikes until a brand was seen this long (default: the baseline)."
    )
    expires_seconds: int | None = Field(
        default=None, description="Window counts kept this long (wall clock; default: baseline + 2 windows)."
    )
    k: float = Field(default=3.0, gt=0, description="Spike when count > mean + k * std.")
    min_count: int = Field(default=10, ge=1, description="Spike only when the window has at least this many.")
    std_floor: float = Field(default=1.0, ge=0, description="The std used is at least this (and sqrt(mean)).")
    cooldown_seconds: int = Field(
        default=3600, ge=0, description="No new spike alert for a series this long."
    )
    max_clock_skew_seconds: int = Field(
        default=300, ge=0, description="A post dated later than received + this counts at received + this."
    )
    ignore_terms: list[str] = Field(
        default_factory=list, description="Terms not counted per term (the brand's own name never is)."
    )
    examples: int = Field(default=3, ge=0, le=20, description="Mentions quoted in an alert.")
    notify_attempts: int = Field(default=5, ge=1, description="Tries per notifier before giving up (logged).")
    notify_retry_seconds: float = Field(default=2.0, gt=0, description="First backoff; it doubles.")
    email: EmailSettings | None = None
    sms: SmsSettings | None = None
    webhooks: list[WebhookSettings] = Field(default_factory=list)

    @model_validator(mode="after")
    def _windows_fit(self) -> AlertSettings:
        if self.window_seconds % self.step_seconds:
            raise ValueError("window_seconds must be a multiple of step_seconds")
        if self.baseline_seconds % self.window_seconds:
            raise ValueError("baseline_seconds must be a multiple of window_seconds")
        if (
            self.expires_seconds is not None
            and self.expires_seconds < self.baseline_seconds + 2 * self.window_seconds
        ):
            raise ValueError("expires_seconds must be at least baseline_seconds + 2 * window_seconds")
        return self

    @property
    def expires(self) -> int:
        """Seconds window counts are kept; posts older than this (wall clock) are not counted."""
        return self.expires_seconds or self.baseline_seconds + 2 * self.window_seconds

    @property
    def warmup(self) -> int:
        """Seconds a brand must have been seen before it can spike."""
        return self.baseline_seconds if self.warmup_seconds is None else self.warmup_seconds
