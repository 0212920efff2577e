"""Candidate terms of a post, and coverage by a brand's keyword sets."""

from __future__ import annotations

import pytest

from pipeline.discovery.terms import Coverage, post_terms, stop_words
from schemas.config import BrandConfig

KABELKAT = BrandConfig(
    name="Kabelkat",
    handles=["kabelkat"],
    inside_out=["Kabelkat", "KatFiber 1000"],
    outside_in=["glasvezel", "geen bereik", "wifi", "dropped call*"],
)


def test_unigrams_and_bigrams_are_folded_and_skip_stop_words() -> None:
    assert post_terms("Het KASTJE knippert rood", "nl") == [
        "kastje",
        "knippert",
        "kastje knippert",
        "rood",
        "knippert rood",
    ]


def test_accents_are_folded_like_the_matcher() -> None:
    assert post_terms("Storing café", "nl") == ["storing", "cafe", "storing cafe"]


def test_a_negation_may_start_a_bigram() -> None:
    assert "geen internet" in post_terms("Al uren geen internet", "nl")
    assert "no signal" in post_terms("No signal at home", "en")
    assert "het internet" not in post_terms("het internet", "nl")


def test_bigrams_do_not_span_punctuation() -> None:
    assert "rood glasvezel" not in post_terms("kastje knippert rood, glasvezel storing?", "nl")
    assert "glasvezel storing" in post_terms("kastje knippert rood, glasvezel storing?", "nl")


@pytest.mark.parametrize(
    "text",
    ["@kabelkat", "https://kabelkat.example/storing", "2025", "ab12cd34", "x", "lol", "rt"],
)
def test_handles_urls_numbers_codes_short_tokens_and_noise_are_dropped(text: str) -> None:
    assert post_terms(text, "nl") in ([], ["storing"])


def test_hashtags_are_unigrams_only() -> None:
    assert post_terms("#kabelkatstoring weer", "nl") == ["#kabelkatstoring"]
    assert post_terms("storing #glasvezel kapot", "nl") == ["storing", "#glasvezel", "kapot"]


def test_stop_words_follow_the_language() -> None:
    assert "door" in stop_words("nl") and "door" not in stop_words("en")
    assert post_terms("the broken door", "en") == ["broken", "door", "broken door"]
    assert {"door", "the"} <= stop_words("und")


def test_a_term_is_covered_when_one_of_the_brand_queries_matches_it() -> None:
    coverage = Coverage(KABELKAT)
    assert coverage.covers("glasvezel storing")
    assert coverage.covers("wifi")
    assert coverage.covers("kabelkat")
    assert coverage.covers("#kabelkatstoring")  # the inside-out hashtag rule
    assert coverage.covers("dropped calls")
    assert coverage.covers("geen bereik")
    assert not coverage.covers("bereik")
    assert not coverage.covers("storing")
    assert not coverage.covers("kastje knippert")


def test_ignored_terms_count_as_covered() -> None:
    coverage = Coverage(KABELKAT, ignore_terms=["Storing"])
    assert coverage.covers("storing")
    assert not coverage.covers("storing kapot")
