"""The ``discovery`` section of the config: windows, thresholds, topics and index."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DiscoverySettings(BaseModel):
    """Term discovery per brand and scope.

    Windows tumble: ``window_seconds`` long, in event time (the post's ``created_at``). A term *rises* when
    its share of the scope's posts in the current window is significantly above its share in the
    ``baseline_windows`` windows before. A term *co-occurs* when its share of the scope's posts over the
    baseline and current windows is significantly above its share of all other mentions.
    """

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    topic: str = "webcare.term-suggestions"
    by_brand_topic: str = Field(
        default="webcare.discovery-observations", description="Internal: mentions repartitioned by brand."
    )
    index: str = "webcare-suggestions"
    window_seconds: int = Field(default=3600, ge=60)
    baseline_windows: int = Field(default=24, ge=1, description="Windows before the current one compared.")
    evaluate_seconds: int = Field(
        default=300, ge=1, description="A brand's current window is scored at most this often (event time)."
    )
    min_count: int = Field(default=5, ge=1, description="Posts with the term in the window, at least.")
    min_support: int = Field(default=10, ge=1, description="Co-occurring: posts with the term, at least.")
    min_baseline_posts: int = Field(
        default=50,
        ge=1,
        description="No suggestions until the baseline holds this many posts of the scope.",
    )
    min_score: float = Field(default=10.83, ge=0, description="G² at least this (10.83: p < 0.001).")
    min_lift: float = Field(default=3.0, ge=1, description="Share at least this many times the baseline's.")
    top_n: int = Field(default=20, ge=1, description="Suggestions per brand, scope and kind per scoring.")
    reemit_gain: float = Field(
        default=0.5, ge=0, description="Publish a suggestion again only when its score grew by this fraction."
    )
    max_terms_per_window: int = Field(
        default=5000, ge=100, description="Counts kept per closed window and scope (the most frequent)."
    )
    examples: int = Field(default=3, ge=0, le=10, description="Posts quoted per suggestion.")
    ignore_terms: list[str] = Field(default_factory=list, description="Never suggested (any brand).")
    max_clock_skew_seconds: int = Field(
        default=300, ge=0, description="A post dated later than received + this counts at received + this."
    )

    @property
    def horizon_seconds(self) -> int:
        """Event time covered by the baseline and current windows."""
        return (self.baseline_windows + 1) * self.window_seconds
