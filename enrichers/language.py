"""Language identification with py3langid (its model ships inside the package).

py3langid's naive-Bayes scores assume every one of its languages is equally likely. A webcare stream is
not like that: most posts are Dutch or English. The detector therefore multiplies the scores by a prior
(by default Dutch and English weigh 10 times more than other languages; a language the platform claims
in ``lang_hint`` weighs ``hint_weight`` times more) and renormalises. Clear evidence for another language
still wins, so German or Turkish posts are not forced into nl or en; on short, ambiguous posts the prior
tips the balance, which is where a uniform prior fails most ("Top service!" is not Afrikaans).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from enrichers.text import prose

UNDETERMINED = "und"
DEFAULT_PRIORS: Mapping[str, float] = MappingProxyType({"nl": 10.0, "en": 10.0})


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """An ISO 639-1 code (or 'und') and the detector's confidence in it."""

    language: str
    confidence: float


class LanguageDetector:
    """Decides the language of posts; says 'und' rather than guess on too little evidence."""

    def __init__(
        self,
        priors: Mapping[str, float] = DEFAULT_PRIORS,
        hint_weight: float = 3.0,
        min_confidence: float = 0.3,
        min_letters: int = 3,
    ) -> None:
        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        # The model also knows languages without an ISO 639-1 code (e.g. 'pcm'); the contract has none.
        self._identifier.set_languages([code for code in self._identifier.nb_classes if len(code) == 2])
        self._languages: list[str] = list(self._identifier.nb_classes)
        self._column = {language: column for column, language in enumerate(self._languages)}
        self._prior = np.ones(len(self._languages), dtype=np.float64)
        for language, weight in priors.items():
            if language not in self._column:
                raise ValueError(f"language prior for {language!r}: not a language the model knows")
            self._prior[self._column[language]] = weight
        self._hint_weight = hint_weight
        self._min_confidence = min_confidence
        self._min_letters = min_letters

    def detect(self, texts: Sequence[str], hints: Sequence[str | None] | None = None) -> list[LanguageGuess]:
        """One guess per text, in order; ``hints`` are the languages the platforms claim, if any."""
        hints = hints if hints is not None else [None] * len(texts)
        return [self._detect_one(text, hint) for text, hint in zip(texts, hints, strict=True)]

    def _detect_one(self, text: str, hint: str | None) -> LanguageGuess:
        cleaned = " ".join(prose(text).split())
        if sum(char.isalpha() for char in cleaned) < self._min_letters:
            return LanguageGuess(UNDETERMINED, 0.0)
        # Shouting is the same language as speaking: the model was trained on ordinary case.
        if cleaned.isupper():
            cleaned = cleaned.lower()
        # _decide is py3langid's per-language probability vector (the version is pinned).
        posterior = self._identifier._decide(cleaned) * self._prior
        hinted = self._column.get((hint or "").split("-")[0].lower())
        if hinted is not None:
            posterior[hinted] *= self._hint_weight
        posterior /= posterior.sum()
        best = int(posterior.argmax())
        confidence = round(float(posterior[best]), 4)
        if confidence < self._min_confidence:
            return LanguageGuess(UNDETERMINED, confidence)
        return LanguageGuess(self._languages[best], confidence)
