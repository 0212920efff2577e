"""The statistics: Dunning's log-likelihood ratio G² of a 2x2 table of posts, and a smoothed lift.

A term is in ``count`` of ``posts`` posts here and in ``baseline_count`` of ``baseline_posts`` there. G² is
``2 * sum(observed * ln(observed / expected))`` over the four cells (with and without the term, here and
there), ``expected`` from the pooled share. It follows chi-squared with one degree of freedom, so
G² > 10.83 means p < 0.001, and, unlike a z-score, it stays sound for rare terms (Dunning 1993).
Only a *rise* counts: a term less frequent here than there scores 0.

The lift is the share here over the share there, smoothed with one pseudo-post with the term there (so a
term never seen there has a finite lift that still grows with its count here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def _cell(observed: float, expected: float) -> float:
    return observed * math.log(observed / expected) if observed > 0 else 0.0


def g_squared(count: int, posts: int, baseline_count: int, baseline_posts: int) -> float:
    """G² of the term's share here (``count / posts``) against there; 0 unless the share here is higher."""
    if posts <= 0 or baseline_posts <= 0 or count * baseline_posts <= baseline_count * posts:
        return 0.0
    total = posts + baseline_posts
    with_term = count + baseline_count
    without_term = total - with_term
    cells = (
        (count, posts * with_term / total),
        (posts - count, posts * without_term / total),
        (baseline_count, baseline_posts * with_term / total),
        (baseline_posts - baseline_count, baseline_posts * without_term / total),
    )
    return max(0.0, 2.0 * sum(_cell(observed, expected) for observed, expected in cells))


def lift(count: int, posts: int, baseline_count: int, baseline_posts: int) -> float:
    """The term's share here over its share there, with one pseudo-post with the term there."""
    if posts <= 0:
        return 0.0
    return (count / posts) / ((baseline_count + 1) / (baseline_posts + 1))


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a term is significant."""

    min_count: int
    min_score: float
    min_lift: float


@dataclass(frozen=True, slots=True)
class Evidence:
    """A term's counts here and there, and their scores."""

    count: int
    posts: int
    baseline_count: int
    baseline_posts: int
    score: float
    lift: float

    @property
    def baseline_rate(self) -> float:
        return self.baseline_count / self.baseline_posts if self.baseline_posts else 0.0


def evidence(
    count: int, posts: int, baseline_count: int, baseline_posts: int, thresholds: Thresholds
) -> Evidence | None:
    """The evidence when the term clears every threshold, else None."""
    if count < thresholds.min_count:
        return None
    found_lift = lift(count, posts, baseline_count, baseline_posts)
    if found_lift < thresholds.min_lift:
        return None
    score = g_squared(count, posts, baseline_count, baseline_posts)
    if score < thresholds.min_score:
        return None
    return Evidence(count, posts, baseline_count, baseline_posts, round(score, 3), round(found_lift, 3))
