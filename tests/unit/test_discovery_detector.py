"""Routing mentions by brand, and one brand's windows, scores, storage and re-emissions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipeline.discovery.detector import BrandTerms
from pipeline.discovery.observations import BackgroundBatch, MentionObservation, route
from pipeline.discovery.terms import post_terms
from schemas.config import BrandConfig
from schemas.discovery_settings import DiscoverySettings
from schemas.mentions import EnrichedMention
from schemas.suggestions import SuggestionKind, SuggestionScope, TermSuggestion

BRAND = BrandConfig(name="Kabelkat", inside_out=["Kabelkat"], outside_in=["glasvezel", "wifi"])
SETTINGS = DiscoverySettings(
    window_seconds=600,
    baseline_windows=3,
    evaluate_seconds=60,
    min_count=3,
    min_support=5,
    min_baseline_posts=10,
)
T0 = 1_750_000_200  # a window start (a multiple of 600)
ORDINARY = (
    "Kabelkat monteur komt morgen",
    "Vraagje aan Kabelkat over mijn abonnement",
    "Kabelkat top service",
)
OUTAGE = "Kabelkat storing, glasvezel kapot en het kastje knippert rood"


def mention(number: int, text: str, at: float) -> MentionObservation:
    return MentionObservation(
        brand="Kabelkat",
        id=f"p{number}",
        at=at,
        language="nl",
        text=text,
        terms=post_terms(text, "nl"),
        scopes=[SuggestionScope.brand],
    )


def background(posts: int, counts: dict[str, int], at: float) -> BackgroundBatch:
    start = int(at // 600) * 600
    return BackgroundBatch.model_validate(
        {"brand": "Kabelkat", "at": at, "windows": {start: {"posts": posts, "terms": counts}}}
    )


def replay(detector: BrandTerms, outage_posts: int = 6) -> list[TermSuggestion]:
    """Three ordinary windows (6 posts each, plus 20 other mentions), then a window with an outage."""
    found: list[TermSuggestion] = []
    number = 0
    for window in range(4):
        start = T0 + window * 600
        texts = list(ORDINARY * 2) + ([OUTAGE] * outage_posts if window == 3 else [])
        for slot, text in enumerate(texts):
            number += 1
            at = start + slot * 20
            found += detector.observe(mention(number, text, at))
        found += detector.observe(background(20 + len(texts), {"weer": 5, "monteur": 1}, start + 590))
    found += detector.observe(background(1, {}, T0 + 4 * 600 + 1))  # closes the outage window
    return found


def enriched(
    post_id: str, text: str, brands: list[dict[str, Any]], created_at: str = "2025-06-02T08:00:10Z"
) -> EnrichedMention:
    return EnrichedMention.model_validate(
        {
            "id": post_id,
            "source": "twitter",
            "author": {"id": "u1", "handle": "u1"},
            "text": text,
            "created_at": created_at,
            "language": "nl",
            "language_confidence": 1.0,
            "brands": brands,
            "enriched_at": created_at,
        }
    )


def test_route_sends_one_observation_per_brand_and_a_background_batch_per_brand() -> None:
    mentions = [
        enriched(
            "a",
            "Kabelkat glasvezel storing",
            [
                {"brand": "Kabelkat", "keyword_set": "inside_out", "terms": ["Kabelkat"]},
                {"brand": "Kabelkat", "keyword_set": "outside_in", "terms": ["glasvezel"]},
            ],
        ),
        enriched("b", "Zonnig terras in Utrecht", []),
    ]
    routed = route(mentions, ["Kabelkat", "Wattwolk"], 600, 300)
    observations = [item for item in routed if isinstance(item, MentionObservation)]
    assert [(item.brand, item.id, item.scopes) for item in observations] == [
        ("Kabelkat", "a", [SuggestionScope.brand, SuggestionScope.topic])
    ]
    assert observations[0].at == datetime(2025, 6, 2, 8, 0, 10, tzinfo=UTC).timestamp()
    batches = [item for item in routed if isinstance(item, BackgroundBatch)]
    assert [item.brand for item in batches] == ["Kabelkat", "Wattwolk"]
    (tally,) = batches[0].windows.values()
    assert tally.posts == 2 and tally.terms["storing"] == 1 and tally.terms["terras"] == 1


def _windows_of_mentions(windows: int) -> list[EnrichedMention]:
    """Per window 20 posts of other people about the weather; in all but the last window also the ordinary
    brand posts twice (so only windows that closed can suggest anything)."""
    names = [{"brand": "Kabelkat", "keyword_set": "inside_out", "terms": ["Kabelkat"]}]
    mentions = []
    for window in range(windows):
        brand_posts = [*ORDINARY * 2] if window < windows - 1 else []
        texts = [*brand_posts, *["Weer regen vandaag"] * 20]
        for slot, text in enumerate(texts):
            at = datetime.fromtimestamp(T0 + window * 600 + slot * 20, UTC).isoformat()
            mentions.append(enriched(f"w{window}-{slot}", text, names if "Kabelkat" in text else [], at))
    return mentions


def test_one_batch_over_many_windows_finds_what_a_batch_per_window_finds() -> None:
    """A busy worker takes many windows in one batch: each window must still close with its brand and
    background counts both in (they used to come after every window had closed, finding nothing)."""

    def co_occurring(batches: list[list[EnrichedMention]]) -> set[str]:
        detector = BrandTerms(BRAND, SETTINGS, {})
        found = [
            suggestion
            for batch in batches
            for observation in route(batch, ["Kabelkat"], 600, 300)
            for suggestion in detector.observe(observation)
        ]
        return {item.term for item in found if item.kind is SuggestionKind.co_occurring}

    mentions = _windows_of_mentions(5)
    per_window = co_occurring([mentions[start : start + 26] for start in range(0, len(mentions), 26)])
    assert "abonnement" in per_window and "regen" not in per_window
    assert co_occurring([mentions]) == per_window


def test_a_new_term_rises_in_its_window_and_covered_terms_never_do() -> None:
    found = replay(BrandTerms(BRAND, SETTINGS, {}))
    rising = {item.term for item in found if item.kind is SuggestionKind.rising}
    assert {"storing", "kapot", "kastje knippert"} <= rising
    assert not {"glasvezel", "kabelkat", "glasvezel kapot"} & {item.term for item in found}
    for item in found:
        if item.kind is SuggestionKind.rising:
            assert item.window_start.timestamp() == T0 + 3 * 600
            assert 1 <= len(item.examples) <= 3 and all("storing" in e.text for e in item.examples)
            assert item.language == "nl"


def test_terms_said_with_the_brand_co_occur() -> None:
    found = replay(BrandTerms(BRAND, SETTINGS, {}), outage_posts=0)
    co_occurring = {item.term for item in found if item.kind is SuggestionKind.co_occurring}
    assert "abonnement" in co_occurring
    assert "weer" not in co_occurring
    assert not [item for item in found if item.kind is SuggestionKind.rising]


def test_a_suggestion_comes_again_only_with_a_better_score() -> None:
    found = replay(BrandTerms(BRAND, SETTINGS, {}), outage_posts=12)
    scores: dict[str, float] = {}
    for item in found:
        assert item.score > scores.get(item.id, 0.0)
        scores[item.id] = item.score
    assert len(scores) < len(found)


def test_closed_windows_are_stored_expired_and_read_back() -> None:
    store: dict[str, Any] = {}
    replay(BrandTerms(BRAND, SETTINGS, store))
    assert sorted(store) == [f"Kabelkat|{T0 + n * 600}" for n in (1, 2, 3)]  # T0 expired
    assert store[f"Kabelkat|{T0 + 3 * 600}"]["terms"]["brand"]["storing"] == 6
    restarted = BrandTerms(BRAND, SETTINGS, store)
    restarted.observe(mention(999, ORDINARY[0], T0 + 4 * 600 + 30))
    assert sorted(restarted.windows) == [T0 + n * 600 for n in (1, 2, 3, 4)]


def test_stored_windows_keep_only_the_most_frequent_terms() -> None:
    settings = SETTINGS.model_copy(update={"max_terms_per_window": 100})
    store: dict[str, Any] = {}
    detector = BrandTerms(BRAND, settings, store)
    counts = {f"term{n:03d}x": n + 1 for n in range(150)}
    detector.observe(background(200, counts, T0 + 10))
    detector.observe(background(1, {}, T0 + 610))
    kept = store[f"Kabelkat|{T0}"]["terms"]["all"]
    assert len(kept) == 100 and min(kept.values()) == 51
