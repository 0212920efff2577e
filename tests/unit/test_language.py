"""Language identification on short, noisy webcare posts."""

from __future__ import annotations

import pytest

from enrichers.language import LanguageDetector, _letters_pattern


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("@telvio al drie uur geen internet in Utrecht, wanneer is dit opgelost? #storing", "nl"),
        ("Waarom is mijn rekening deze maand twee keer afgeschreven?", "nl"),
        ("HOE KAN HET DAT DE TREIN ALWEER VERTRAAGD IS", "nl"),
        ("Why was I charged twice this month? https://example.org/bill", "en"),
        ("@telvio my internet has been down since this morning, any update?", "en"),
        ("Danke für die schnelle Hilfe, jetzt funktioniert alles wieder", "de"),
        ("Merci beaucoup pour votre aide, tout fonctionne maintenant", "fr"),
    ],
)
def test_detects_language(detector: LanguageDetector, text: str, language: str) -> None:
    [guess] = detector.detect([text])
    assert guess.language == language
    assert 0.5 <= guess.confidence <= 1.0


@pytest.mark.parametrize("text", ["@telvio https://t.co/abc", "👍👍", "@kabelkat #42", "ok"])
def test_too_little_text_is_undetermined(detector: LanguageDetector, text: str) -> None:
    [guess] = detector.detect([text])
    assert guess.language == "und"


def test_keeps_order_for_a_batch(detector: LanguageDetector) -> None:
    texts = ["Geen bereik in de trein, echt waardeloos", "No signal on the train again, useless", "🙂"]
    assert [guess.language for guess in detector.detect(texts)] == ["nl", "en", "und"]


def test_short_posts_stay_accurate_on_the_labelled_set(detector: LanguageDetector) -> None:
    """A regression guard: F1 on the hand-labelled short posts (clean and noisy) stays high."""
    from enrichers.evaluate_language import load_set, noisy, score

    clean = load_set()
    for pairs in (clean, [(noisy(text, n), language) for n, (text, language) in enumerate(clean)]):
        scores = score(pairs, detector)
        assert scores["nl"].f1 >= 0.97 and scores["en"].f1 >= 0.97
        assert all(scores[language].precision >= 0.95 for language in ("de", "fr", "tr", "pl", "it"))


def test_the_prior_does_not_force_other_languages(detector: LanguageDetector) -> None:
    texts = ["Kein Netz im Zug", "Pociąg znowu spóźniony", "Tren yine gecikti"]
    assert [guess.language for guess in detector.detect(texts)] == ["de", "pl", "tr"]


def test_the_platform_hint_helps_only_when_the_text_is_unclear(detector: LanguageDetector) -> None:
    [clear] = detector.detect(["Waarom is mijn rekening zo hoog deze maand?"], ["en"])
    assert clear.language == "nl"


def test_unknown_prior_language_is_refused() -> None:
    with pytest.raises(ValueError, match="not a language the model knows"):
        LanguageDetector({"xx": 5.0})


def test_batched_scores_equal_py3langid(detector: LanguageDetector) -> None:
    """The batched computation gives py3langid's own probabilities (its float16 table aside)."""
    import numpy as np

    texts = ["Storing bij de trein", "Charged twice, still no refund", "Danke!", "x" * 300, "🙂 ok", "", "a"]
    texts += [f"{word} " * length for length, word in enumerate(["wachten", "wait", "Ärger"] * 12)]  # groups
    ours = detector._probabilities(texts)
    theirs = np.array([detector._identifier._decide(text) for text in texts])
    assert np.allclose(ours, theirs, atol=1e-3)
    assert detector._probabilities([]).shape == (0, len(theirs[0]))


@pytest.mark.parametrize(
    ("text", "enough"),
    [("ab", False), ("a1b", False), ("a_b_c", True), ("é1ü2ß", True), ("12 3 !", False), ("x\ny\nz", True)],
)
def test_a_text_needs_three_letters_to_be_scored(text: str, enough: bool) -> None:
    assert (_letters_pattern(3).search(text) is not None) is enough
