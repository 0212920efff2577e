"""Sentiment analyzer: VADER-style rules, webcare vocabulary, batch behaviour and accuracy floors."""

from __future__ import annotations

import pytest

from enrichers.evaluate_sentiment import evaluate
from enrichers.sentiment import SentimentAnalyzer, attributive, label_for, read_tsv
from schemas.mentions import Sentiment, SentimentLabel

# Measured on the test split when the floors were set: nl 0.879, en 0.879 (dev: nl 0.978, en 0.978).
ACCURACY_FLOOR = {"nl": 0.83, "en": 0.83}


@pytest.fixture(scope="module")
def analyzer() -> SentimentAnalyzer:
    return SentimentAnalyzer()


def score(analyzer: SentimentAnalyzer, text: str, language: str) -> float:
    result = analyzer.score(text, language)
    assert result is not None
    return result


@pytest.mark.parametrize(
    ("language", "plain", "negated"),
    [("nl", "goed", "niet goed"), ("nl", "tevreden", "nooit tevreden"), ("en", "good", "not good")],
)
def test_negation_flips_a_positive_word(analyzer: SentimentAnalyzer, language: str, plain: str, negated: str):
    assert score(analyzer, plain, language) > 0 > score(analyzer, negated, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "geen probleem"), ("nl", "niet slecht"), ("en", "not bad"), ("en", "no problem")],
)
def test_negated_negative_is_positive(analyzer: SentimentAnalyzer, language: str, text: str):
    assert label_for(score(analyzer, text, language)) is SentimentLabel.positive


def test_never_again_is_negative(analyzer: SentimentAnalyzer):
    assert label_for(score(analyzer, "never again", "en")) is SentimentLabel.negative


def test_negation_stops_at_a_clause_break(analyzer: SentimentAnalyzer):
    assert score(analyzer, "It didn't take long. Great!", "en") > 0


@pytest.mark.parametrize(
    ("language", "plain", "boosted"),
    [
        ("nl", "goed", "heel goed"),
        ("nl", "slecht", "echt slecht"),
        ("nl", "snel", "super snel"),
        ("nl", "traag", "zeer traag"),
        ("en", "good", "very good"),
        ("en", "bad", "so bad"),
    ],
)
def test_intensifiers_strengthen(analyzer: SentimentAnalyzer, language: str, plain: str, boosted: str):
    assert abs(score(analyzer, boosted, language)) > abs(score(analyzer, plain, language))


def test_booster_with_its_own_valence_scores_alone(analyzer: SentimentAnalyzer):
    assert label_for(score(analyzer, "Super!", "nl")) is SentimentLabel.positive


def test_shouting_and_exclamation_marks_emphasise(analyzer: SentimentAnalyzer):
    calm = score(analyzer, "this is bad", "en")
    assert score(analyzer, "this is BAD", "en") < calm
    assert score(analyzer, "this is bad!!!", "en") < calm


@pytest.mark.parametrize(
    ("language", "text", "label"),
    [
        ("nl", "😡", SentimentLabel.negative),
        ("nl", "🙏", SentimentLabel.positive),
        ("en", "👍", SentimentLabel.positive),
        ("en", ":(", SentimentLabel.negative),
        ("en", ":)", SentimentLabel.positive),
        ("nl", "afspraak om 10:30", SentimentLabel.neutral),
    ],
)
def test_emoji_and_emoticons(analyzer: SentimentAnalyzer, language: str, text: str, label: SentimentLabel):
    assert label_for(score(analyzer, text, language)) is label


@pytest.mark.parametrize(
    "text",
    [
        "storing",
        "weer vertraging",
        "trein vertraagd",
        "modem kapot",
        "ik wil opzeggen",
        "dubbel afgeschreven",
        "al een uur wachten",
        "geen bereik",
        "internet ligt eruit",
        "dit is oplichting",
        "schandalig",
        "de app doet het niet",
        "#fail #storing",
    ],
)
def test_dutch_webcare_complaints_are_negative(analyzer: SentimentAnalyzer, text: str):
    assert label_for(score(analyzer, text, "nl")) is SentimentLabel.negative


@pytest.mark.parametrize(
    "text", ["bedankt", "top", "snel geholpen", "het werkt weer", "storing opgelost, dank!"]
)
def test_dutch_webcare_praise_is_positive(analyzer: SentimentAnalyzer, text: str):
    assert label_for(score(analyzer, text, "nl")) is SentimentLabel.positive


@pytest.mark.parametrize(
    "text",
    [
        "outage in my area",
        "internet is down",
        "still waiting for a refund",
        "charged twice",
        "I'll cancel",
        "no signal",
        "this is a scam",
    ],
)
def test_english_webcare_complaints_are_negative(analyzer: SentimentAnalyzer, text: str):
    assert label_for(score(analyzer, text, "en")) is SentimentLabel.negative


@pytest.mark.parametrize("text", ["thanks", "all sorted", "quick help, cheers", "works again"])
def test_english_webcare_praise_is_positive(analyzer: SentimentAnalyzer, text: str):
    assert label_for(score(analyzer, text, "en")) is SentimentLabel.positive


def test_plain_questions_are_neutral(analyzer: SentimentAnalyzer):
    assert (
        label_for(score(analyzer, "Hoe laat gaat de laatste trein naar Utrecht?", "nl"))
        is SentimentLabel.neutral
    )
    assert label_for(score(analyzer, "Can you look up my customer number?", "en")) is SentimentLabel.neutral


def test_urls_and_handles_are_not_scored(analyzer: SentimentAnalyzer):
    assert score(analyzer, "@TerribleBank https://example.com/awful-bad-worst", "en") == 0.0


def test_stretched_and_accented_words_are_found(analyzer: SentimentAnalyzer):
    assert score(analyzer, "goeeeed", "nl") == score(analyzer, "goed", "nl")
    assert score(analyzer, "wéér kapot", "nl") == score(analyzer, "weer kapot", "nl")


def test_other_languages_get_none_and_order_is_kept(analyzer: SentimentAnalyzer):
    texts = ["heel slecht", "great, thanks", "sehr gut", "???", "top"]
    results = analyzer.analyze(texts, ["nl", "en", "de", "und", "nl"])
    assert [result and result.label for result in results] == [
        SentimentLabel.negative,
        SentimentLabel.positive,
        None,
        None,
        SentimentLabel.positive,
    ]
    assert all(isinstance(result, Sentiment) and -1 <= result.score <= 1 for result in results if result)


def test_analyze_rejects_mismatched_lengths(analyzer: SentimentAnalyzer):
    with pytest.raises(ValueError, match="2 texts but 1 languages"):
        analyzer.analyze(["a", "b"], ["en"])


def test_empty_text_is_neutral(analyzer: SentimentAnalyzer):
    assert analyzer.analyze([""], ["en"]) == [Sentiment(label=SentimentLabel.neutral, score=0.0)]


def test_dutch_attributive_forms():
    assert [attributive(word) for word in ("goed", "snel", "traag", "lief", "vies", "blij", "slecht")] == [
        "goede",
        "snelle",
        "trage",
        "lieve",
        "vieze",
        "blije",
        "slechte",
    ]


def test_extension_lexicon_rejects_duplicates(tmp_path):
    path = tmp_path / "dup.tsv"
    path.write_text("# comment\ntop\t2.0\ntop\t1.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="listed twice"):
        read_tsv(path)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_accuracy_on_the_test_split_stays_above_the_floor(analyzer: SentimentAnalyzer, language: str):
    assert evaluate(analyzer, language, "test").accuracy >= ACCURACY_FLOOR[language]
