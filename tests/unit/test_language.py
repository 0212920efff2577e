"""Language identification on short, noisy webcare posts."""

from __future__ import annotations

import pytest

from enrichers.language import LanguageDetector


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


@pytest.mark.parametrize("text", ["@telvio https://t.co/abc", "👍👍", "#fail", "ok"])
def test_too_little_text_is_undetermined(detector: LanguageDetector, text: str) -> None:
    [guess] = detector.detect([text])
    assert guess.language == "und"


def test_keeps_order_for_a_batch(detector: LanguageDetector) -> None:
    texts = ["Geen bereik in de trein, echt waardeloos", "No signal on the train again, useless", "🙂"]
    assert [guess.language for guess in detector.detect(texts)] == ["nl", "en", "und"]
