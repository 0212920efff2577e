"""Enrichment: composes the enrichers over a batch of posts. No Kafka, no I/O.

The Faust agent and the offline ``webcare enrich`` command both call :meth:`Enrichment.enrich`, so
what analysts try offline is exactly what the stream does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from enrichers.brands import BrandMatcher
from enrichers.intent import IntentClassifier
from enrichers.language import DEFAULT_PRIORS, LanguageDetector
from enrichers.priority import priority
from enrichers.rules import NOT_ROUTED, RuleEngine
from enrichers.sentiment import SentimentAnalyzer
from schemas.config import BrandConfig
from schemas.construct import construct
from schemas.mentions import MENTION_SCHEMA_VERSION, EnrichedMention
from schemas.posts import RawPost
from schemas.rules import RulesConfig

if TYPE_CHECKING:
    from pipeline.settings import Settings


class Enrichment:
    """Loads every enricher once; then enriches batches of posts."""

    @classmethod
    def from_settings(cls, settings: Settings) -> Enrichment:
        """The enrichment the worker and ``webcare enrich`` build from the configuration."""
        options = settings.enrichment
        return cls(
            settings.brands,
            options.language_priors,
            options.language_min_confidence,
            rules=settings.rules,
        )

    def __init__(
        self,
        brands: Iterable[BrandConfig],
        language_priors: Mapping[str, float] = DEFAULT_PRIORS,
        language_min_confidence: float = 0.3,
        rules: RulesConfig | None = None,
    ) -> None:
        brands = list(brands)
        self._languages = LanguageDetector(language_priors, min_confidence=language_min_confidence)
        self._sentiment = SentimentAnalyzer()
        self._intents = IntentClassifier()
        self._brands = BrandMatcher(brands)
        self._rules = RuleEngine(rules or RulesConfig(), [brand.name for brand in brands])

    def enrich(
        self, posts: Sequence[RawPost], received_at: Sequence[datetime | None] | None = None
    ) -> list[EnrichedMention]:
        """One EnrichedMention per post, in the same order; ``received_at`` gives each post's arrival.

        Intent uses language and sentiment; the rules see everything else; priority uses the rules' boost.
        """
        texts = [_searchable_text(post) for post in posts]
        languages = self._languages.detect(texts, [post.lang_hint for post in posts])
        codes = [guess.language for guess in languages]
        sentiments = self._sentiment.analyze(texts, codes)
        intents = self._intents.classify(texts, codes, sentiments)
        enriched_at = datetime.now(UTC)
        arrivals = received_at if received_at is not None else [None] * len(posts)
        # construct (fields in the model's order): every value is already valid (the RawPost, and what the
        # enrichers return, which a unit test checks against the model); validating again costs ~25 µs a post.
        mentions = [
            construct(
                EnrichedMention,
                {
                    **post.__dict__,  # the RawPost's fields, in its order (schema_version first)
                    "schema_version": MENTION_SCHEMA_VERSION,
                    "language": guess.language,
                    "language_confidence": guess.confidence,
                    "sentiment": sentiment,
                    "brands": self._brands.match(text),
                    "intent": intent,
                    "routing": NOT_ROUTED,  # replaced below, once the rules have seen the whole mention
                    "priority": 0.0,
                    "received_at": arrival,
                    "enriched_at": enriched_at,
                },
            )
            for post, text, guess, sentiment, intent, arrival in zip(
                posts, texts, languages, sentiments, intents, arrivals, strict=True
            )
        ]
        for mention, routing in zip(mentions, self._rules.route(mentions), strict=True):
            mention.routing = routing
            mention.priority = priority(mention)
        return mentions


def _searchable_text(post: RawPost) -> str:
    return f"{post.title}\n{post.text}" if post.title else post.text
