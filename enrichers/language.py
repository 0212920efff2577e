"""Language identification with py3langid (its model ships inside the package).

py3langid's naive-Bayes scores assume every one of its languages is equally likely. A webcare stream is
not like that: most posts are Dutch or English. The detector therefore multiplies the scores by a prior
(by default Dutch and English weigh 10 times more than other languages; a language the platform claims
in ``lang_hint`` weighs ``hint_weight`` times more) and renormalises. Clear evidence for another language
still wins, so German or Turkish posts are not forced into nl or en; on short, ambiguous posts the prior
tips the balance, which is where a uniform prior fails most ("Top service!" is not Afrikaans).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

import numba
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
        # First column of each language (a language with two scripts has two columns; see _probabilities).
        self._column: dict[str, int] = {}
        for column, language in enumerate(self._languages):
            self._column.setdefault(language, column)
        # py3langid keeps its float16 feature table in column order; a row copy makes reading a feature's
        # row read one cache line, not 116, and the column copy is freed.
        self._identifier.nb_ptc = np.ascontiguousarray(self._identifier.nb_ptc)
        self._tables = _ModelTables.of(self._identifier)
        self._prior = np.ones(len(self._languages), dtype=np.float64)
        for language, weight in priors.items():
            if language not in self._column:
                raise ValueError(f"language prior for {language!r}: not a language the model knows")
            self._prior[self._column[language]] = weight
        self._hint_weight = hint_weight
        self._min_confidence = min_confidence
        self._enough_letters = _letters_pattern(min_letters).search
        # Compile the scorer (or load it from numba's cache) now, at start-up, rather than in the first batch.
        self._probabilities(["warm up"])

    def detect(self, texts: Sequence[str], hints: Sequence[str | None] | None = None) -> list[LanguageGuess]:
        """One guess per text, in order; ``hints`` are the languages the platforms claim, if any."""
        hints = hints if hints is not None else [None] * len(texts)
        cleaned = [_clean(text) for text in texts]
        scorable = [number for number, text in enumerate(cleaned) if self._enough_letters(text)]
        guesses = [LanguageGuess(UNDETERMINED, 0.0)] * len(texts)
        if not scorable:
            return guesses
        posterior = self._probabilities([cleaned[number] for number in scorable]) * self._prior
        for row, number in enumerate(scorable):
            hinted = self._column.get((hints[number] or "").split("-")[0].lower())
            if hinted is not None:
                posterior[row, hinted] *= self._hint_weight
        posterior /= posterior.sum(axis=1, keepdims=True)
        best = posterior.argmax(axis=1)
        for row, number in enumerate(scorable):
            confidence = round(float(posterior[row, best[row]]), 4)
            language = self._languages[best[row]] if confidence >= self._min_confidence else UNDETERMINED
            guesses[number] = LanguageGuess(language, confidence)
        return guesses

    def _probabilities(self, texts: list[str]) -> np.ndarray:
        """py3langid's per-language probabilities for each text (``LanguageIdentifier._decide``: byte
        features from its DFA, log1p counts times the feature table, scaled by 1/sqrt(bytes), softmax),
        computed for the whole batch by one compiled call (:func:`_naive_bayes_scores`)."""
        model = self._identifier
        if not texts:
            return np.zeros((0, len(self._languages)))
        encoded = [_utf8(text) for text in texts]
        lengths = np.fromiter((len(text) for text in encoded), dtype=np.int64, count=len(encoded))
        scores = np.zeros((len(texts), len(self._languages)), dtype=np.float32)
        _naive_bayes_scores(
            np.frombuffer(b"".join(encoded), dtype=np.uint8),
            np.cumsum(lengths),
            self._tables,
            np.log1p(np.arange(int(lengths.max(initial=0)) + 1, dtype=np.float32)),
            scores,
        )
        probabilities = scores.astype(np.float64)
        probabilities *= (1.0 / np.sqrt(np.maximum(lengths, 1.0)))[:, None]
        probabilities -= probabilities.max(axis=1, keepdims=True)
        np.exp(probabilities, out=probabilities)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        # A language with two columns (one per script, e.g. 'sr') keeps one, as py3langid does.
        for first, duplicate in model._alias_pairs:
            probabilities[:, first] += probabilities[:, duplicate]
            probabilities[:, duplicate] = 0.0
        return probabilities


WALK_GROUP = 16


class _ModelTables(NamedTuple):
    """py3langid's model as arrays the compiled scorer reads: views of its two large tables (transitions,
    features), the rest converted from its lists."""

    next_state: np.ndarray  # DFA transitions: next_state[row_start[state] + byte]
    row_start: np.ndarray
    feature_of_state: np.ndarray  # the feature a state completes, or -1
    feature_bits: np.ndarray  # the float16 feature table (features x languages) as raw uint16 bits
    language_scores: np.ndarray  # the per-language prior log-probabilities (nb_pc)
    float16_to_float32: np.ndarray  # every float16 bit pattern's value: numba has no float16

    @classmethod
    def of(cls, identifier: LanguageIdentifier) -> _ModelTables:
        nextmove = identifier.tk_nextmove
        return cls(
            np.frombuffer(nextmove, dtype=np.dtype(nextmove.typecode)),
            np.asarray(identifier._rowbase, dtype=np.int64),
            np.asarray(identifier.tk_output, dtype=np.int64),
            identifier.nb_ptc.view(np.uint16),
            np.asarray(identifier.nb_pc, dtype=np.float32),
            np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32),
        )


@numba.njit(cache=True, nogil=True)
def _naive_bayes_scores(data, ends, tables, log1p_of_count, scores):
    """Add each text's naive-Bayes log-scores (per language) to its row of ``scores``.

    The texts are ``data[ends[i-1]:ends[i]]`` (UTF-8 bytes). Walk the DFA over every text's bytes, noting
    the feature each byte completes; then per text count its features and add log1p(count) times each
    distinct feature's row of the table, and the language scores (a text without features keeps 0s).
    Compiled by numba because it is a loop over bytes and features: the numpy version stepped the whole
    batch through the DFA a byte at a time and gathered the table rows into a ~23 KB copy a post (about
    19 µs a post; this takes about 6).
    """
    next_state, row_start, feature_of_state, feature_bits, language_scores, to_float32 = tables
    starts = np.empty_like(ends)
    starts[0], starts[1:] = 0, ends[:-1]
    completed = _walk(data, starts, ends, next_state, row_start, feature_of_state)
    counts = np.zeros(feature_bits.shape[0], dtype=np.int64)
    for text in range(len(ends)):
        features = completed[starts[text] : ends[text]]
        features = features[features >= 0]
        if len(features) == 0:
            continue  # no evidence: py3langid's scores stay 0, a uniform distribution
        for feature in features:
            counts[feature] += 1
        row = scores[text]
        for feature in np.unique(features):
            weight = log1p_of_count[counts[feature]]
            counts[feature] = 0
            for language in range(row.shape[0]):
                row[language] += weight * to_float32[feature_bits[feature, language]]
        row += language_scores


@numba.njit(cache=True, nogil=True)
def _walk(data, starts, ends, next_state, row_start, feature_of_state):
    """The feature completed at each byte of ``data`` (or -1): py3langid's DFA, run over ``WALK_GROUP``
    texts in step, so that their table look-ups (each depends on the one before) overlap in memory."""
    completed = np.empty(len(data), dtype=np.int64)
    states = np.zeros(WALK_GROUP, dtype=np.int64)
    for first in range(0, len(ends), WALK_GROUP):
        group = min(WALK_GROUP, len(ends) - first)
        states[:] = 0
        longest = np.max(ends[first : first + group] - starts[first : first + group])
        for step in range(longest):
            for member in range(group):
                position = starts[first + member] + step
                if position < ends[first + member]:
                    state = next_state[row_start[states[member]] + data[position]]
                    states[member] = state
                    completed[position] = feature_of_state[state]
    return completed


def _utf8(text: str) -> bytes:
    return unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")


def _clean(text: str) -> str:
    cleaned = " ".join(prose(text).split())
    # Shouting is the same language as speaking: the model was trained on ordinary case.
    return cleaned.lower() if cleaned.isupper() else cleaned


def _letters_pattern(minimum: int) -> re.Pattern[str]:
    """A pattern found in a text with at least ``minimum`` letters (one search, not a count in Python)."""
    if minimum < 1:
        raise ValueError(f"min_letters must be at least 1, not {minimum}")
    letter = r"[^\W\d_]"
    return re.compile(rf"(?s){letter}(?:.*?{letter}){{{minimum - 1}}}")
