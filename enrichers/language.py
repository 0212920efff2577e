"""Language identification with py3langid (its model ships inside the package)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from enrichers.text import prose

UNDETERMINED = "und"


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """An ISO 639-1 code (or 'und') and the identifier's confidence in it."""

    language: str
    confidence: float


class LanguageDetector:
    """Decides the language of posts; says 'und' rather than guess on too little evidence."""

    def __init__(self, min_confidence: float = 0.5, min_letters: int = 3) -> None:
        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        # The model also knows languages without an ISO 639-1 code (e.g. 'pcm'); the contract has none.
        self._identifier.set_languages([code for code in self._identifier.nb_classes if len(code) == 2])
        self._min_confidence = min_confidence
        self._min_letters = min_letters

    def detect(self, texts: Sequence[str]) -> list[LanguageGuess]:
        """One guess per text, in order."""
        return [self._detect_one(text) for text in texts]

    def _detect_one(self, text: str) -> LanguageGuess:
        cleaned = prose(text)
        if sum(char.isalpha() for char in cleaned) < self._min_letters:
            return LanguageGuess(UNDETERMINED, 0.0)
        # Shouting is the same language as speaking: the model was trained on ordinary case.
        if cleaned.isupper():
            cleaned = cleaned.lower()
        language, confidence = self._identifier.classify(cleaned)
        if confidence < self._min_confidence:
            return LanguageGuess(UNDETERMINED, round(float(confidence), 4))
        return LanguageGuess(language, round(float(confidence), 4))
