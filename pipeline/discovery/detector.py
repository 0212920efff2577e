"""One brand's term counts over tumbling windows, and the suggestions they give.

The brand's clock is the latest event time it has seen (from its mentions and from the background
batches, so the windows of a quiet brand close too). When the clock enters a new window, the window it
leaves is scored one last time (publishing any better score), stored (:class:`WindowCounts`, cut to
``max_terms_per_window``) and the windows older than the baseline are deleted. The current window is
scored at most every ``evaluate_seconds`` of event time, and lives in memory only: after a restart or a
rebalance it starts again empty, which can only lower its counts. Examples are kept for the current
window, for terms not covered.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import MutableMapping
from datetime import UTC, datetime
from typing import Any

from pipeline.discovery.counts import ALL, WindowCounts
from pipeline.discovery.observations import BackgroundBatch, MentionObservation, window_start
from pipeline.discovery.scoring import Evidence, Thresholds, evidence
from pipeline.discovery.terms import Coverage
from schemas.config import BrandConfig
from schemas.discovery_settings import DiscoverySettings
from schemas.suggestions import (
    SuggestionExample,
    SuggestionKind,
    SuggestionScope,
    TermSuggestion,
    suggestion_id,
)

log = logging.getLogger(__name__)

Example = tuple[str, str, str]  # id, text, language


def utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class BrandTerms:
    """Counts one brand's terms and decides its suggestions; ``store`` (a table) keeps closed windows."""

    def __init__(
        self, brand: BrandConfig, settings: DiscoverySettings, store: MutableMapping[str, Any]
    ) -> None:
        self.brand = brand.name
        self.settings = settings
        self.coverage = Coverage(brand, settings.ignore_terms)
        self.store = store
        self.size = settings.window_seconds
        self.rising = Thresholds(settings.min_count, settings.min_score, settings.min_lift)
        self.co_occurring = Thresholds(settings.min_support, settings.min_score, settings.min_lift)
        self.windows: dict[int, WindowCounts] = {}
        self.examples: dict[tuple[str, str], deque[Example]] = {}
        self.emitted: dict[int, dict[str, float]] = {}
        self.clock: float | None = None
        self.evaluated_at = float("-inf")
        self.dirty: set[int] = set()

    def key(self, start: int) -> str:
        return f"{self.brand}|{start}"

    def observe(self, observation: MentionObservation | BackgroundBatch) -> list[TermSuggestion]:
        """Count one observation; return the suggestions to publish."""
        if self.clock is None:
            self._load(window_start(observation.at, self.size))
            self.clock = observation.at
        suggestions: list[TermSuggestion] = []
        current = window_start(self.clock, self.size)
        if window_start(observation.at, self.size) > current:
            suggestions += self._evaluate(current, final=True)
            self.dirty.add(current)
            self.examples.clear()
        self.clock = max(self.clock, observation.at)
        current = window_start(self.clock, self.size)
        self._expire(current)
        if isinstance(observation, MentionObservation):
            self._count_mention(observation, current)
        else:
            self._count_background(observation, current)
        if self.clock - self.evaluated_at >= self.settings.evaluate_seconds:
            suggestions += self._evaluate(current)
            self.evaluated_at = self.clock
        self._store_closed(current)
        return suggestions

    # -- counting --------------------------------------------------------------------------------------

    def _window(self, start: int, current: int) -> WindowCounts | None:
        """The window at ``start`` if it is still kept (late posts count in closed windows)."""
        if start < current - self.settings.baseline_windows * self.size:
            return None
        if start < current:
            self.dirty.add(start)
        return self.windows.setdefault(start, WindowCounts())

    def _count_mention(self, observation: MentionObservation, current: int) -> None:
        start = window_start(observation.at, self.size)
        window = self._window(start, current)
        if window is None:
            return
        for scope in observation.scopes:
            window.add(scope, observation.terms)
        if start != current or not self.settings.examples:
            return
        example = (observation.id, observation.text, observation.language)
        for term in observation.terms:
            if not self.coverage.covers(term):
                for scope in observation.scopes:
                    found = self.examples.setdefault((scope, term), deque(maxlen=self.settings.examples))
                    found.append(example)

    def _count_background(self, batch: BackgroundBatch, current: int) -> None:
        for start, tally in batch.windows.items():
            window = self._window(start, current)
            if window is not None:
                window.add(ALL, [], tally.posts, tally.terms)

    # -- storage ---------------------------------------------------------------------------------------

    def _load(self, current: int) -> None:
        """Read the stored windows of the baseline (after a start or a rebalance)."""
        for back in range(self.settings.baseline_windows + 1):
            start = current - back * self.size
            stored = self.store.get(self.key(start))
            if stored:
                self.windows[start] = WindowCounts.from_json(stored)

    def _store_closed(self, current: int) -> None:
        for start in sorted(self.dirty):
            if start < current and start in self.windows:
                self.store[self.key(start)] = self.windows[start].to_json(self.settings.max_terms_per_window)
        self.dirty.clear()

    def _expire(self, current: int) -> None:
        oldest = current - self.settings.baseline_windows * self.size
        for start in [start for start in self.windows if start < oldest]:
            del self.windows[start]
            if self.key(start) in self.store:
                del self.store[self.key(start)]
        for start in [start for start in self.emitted if start < oldest]:
            del self.emitted[start]

    # -- scoring ---------------------------------------------------------------------------------------

    def _evaluate(self, start: int, final: bool = False) -> list[TermSuggestion]:
        """The new or improved suggestions of the window at ``start``, against the windows before it; the
        ``final`` scoring of a closing window publishes any improvement, so the last numbers are kept."""
        current = self.windows.get(start)
        if current is None:
            return []
        baseline = [
            self.windows[begin]
            for back in range(1, self.settings.baseline_windows + 1)
            if (begin := start - back * self.size) in self.windows
        ]
        found: list[TermSuggestion] = []
        for scope in SuggestionScope:
            for kind, scored in self._scores(scope, current, baseline).items():
                best = sorted(scored.items(), key=lambda item: -item[1].score)[: self.settings.top_n]
                for term, proof in best:
                    suggestion = self._suggestion(kind, scope, term, proof, start)
                    if self._is_news(start, suggestion, 0.0 if final else self.settings.reemit_gain):
                        found.append(suggestion)
        return found

    def _scores(
        self, scope: str, current: WindowCounts, baseline: list[WindowCounts]
    ) -> dict[SuggestionKind, dict[str, Evidence]]:
        """Every term of the scope's current window that clears the thresholds, by kind."""
        posts = current.posts[scope]
        scored: dict[SuggestionKind, dict[str, Evidence]] = {kind: {} for kind in SuggestionKind}
        if not posts:
            return scored
        base_posts = sum(window.posts[scope] for window in baseline)
        scope_posts = posts + base_posts
        other_posts = sum(window.posts[ALL] for window in (current, *baseline)) - scope_posts
        minimum = min(self.rising.min_count, self.co_occurring.min_count)
        for term, count in current.terms.get(scope, Counter()).items():
            if self.coverage.covers(term):
                continue
            base_count = sum(window.count(scope, term) for window in baseline)
            if base_posts >= self.settings.min_baseline_posts and count >= minimum:
                proof = evidence(count, posts, base_count, base_posts, self.rising)
                if proof is not None:
                    scored[SuggestionKind.rising][term] = proof
            support = count + base_count
            if other_posts >= self.settings.min_baseline_posts and support >= self.co_occurring.min_count:
                other = sum(window.count(ALL, term) for window in (current, *baseline)) - support
                proof = evidence(support, scope_posts, max(0, other), other_posts, self.co_occurring)
                if proof is not None:
                    scored[SuggestionKind.co_occurring][term] = proof
        return scored

    def _suggestion(
        self, kind: SuggestionKind, scope: SuggestionScope, term: str, proof: Evidence, start: int
    ) -> TermSuggestion:
        examples = list(reversed(self.examples.get((scope, term), ())))
        languages = Counter(language for _, _, language in examples)
        window = utc(start)
        return TermSuggestion(
            id=suggestion_id(self.brand, kind, scope, term, window),
            brand=self.brand,
            kind=kind,
            scope=scope,
            term=term,
            language=languages.most_common(1)[0][0] if languages else "und",
            score=proof.score,
            lift=proof.lift,
            count=proof.count,
            posts=proof.posts,
            baseline_count=proof.baseline_count,
            baseline_posts=proof.baseline_posts,
            baseline_rate=round(proof.baseline_rate, 6),
            window_start=window,
            window_end=utc(start + self.size),
            examples=[SuggestionExample(id=post_id, text=text) for post_id, text, _ in examples],
            created_at=utc(self.clock or start),
        )

    def _is_news(self, start: int, suggestion: TermSuggestion, gain: float) -> bool:
        """True (and remembered) when the suggestion is new or its score grew by more than ``gain``."""
        emitted = self.emitted.setdefault(start, {})
        before = emitted.get(suggestion.id)
        if before is not None and suggestion.score <= before * (1 + gain):
            return False
        emitted[suggestion.id] = suggestion.score
        return True
