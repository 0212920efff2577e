"""Candidate terms of a post, and whether a brand's keyword sets already cover a term.

Terms come from the matcher's own tokenizer (:func:`enrichers.keyword_query.tokenize`: folded, lowercase,
accents removed), so a suggested term can be pasted into ``outside_in`` and matches what was counted.

- Unigrams: words and hashtags of at least two characters with a letter; no handles, no domains or URL
  parts (a token with a dot), no numbers, no codes (a token of more than four characters with a digit),
  no stop words of the post's language.
- Bigrams: two adjacent plain words (no hashtags, not across punctuation such as ``,`` ``.`` ``?``) where
  neither is a stop word, except that the first may be a negation (``geen internet``, ``no signal``).

Stop words are spaCy's lists for Dutch and English (``spacy.lang.{nl,en}.stop_words``, MIT licence), folded;
a post in another language or ``und`` uses both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS
from spacy.lang.nl.stop_words import STOP_WORDS as DUTCH_STOP_WORDS

from enrichers.brands import BrandMatcher
from enrichers.keyword_query import tokenize
from schemas.config import BrandConfig

NEGATIONS = frozenset({"geen", "niet", "nooit", "zonder", "no", "not", "never", "without", "cannot", "cant"})
"""Stop words that may start a bigram."""

_NOISE = frozenset(
    {"rt", "via", "lol", "haha", "hahaha", "xd", "ff", "pls", "plz", "thx", "amp", "http", "https"}
)
_MAX_CODE_CHARS = 4
_CLAUSE_BREAK = re.compile(r"[,;:!?()\[\]\n\u2026\u2013\u2014\"]+|\.(?=\s|$)|\s-\s")
"""Punctuation that ends a phrase: a bigram never spans it."""


def _folded(words: Iterable[str]) -> frozenset[str]:
    return frozenset(token for word in words for token in tokenize(word))


STOP_WORDS: dict[str, frozenset[str]] = {
    "nl": _folded(DUTCH_STOP_WORDS) | _NOISE,
    "en": _folded(ENGLISH_STOP_WORDS) | _NOISE,
}
_ANY_LANGUAGE = STOP_WORDS["nl"] | STOP_WORDS["en"]


def stop_words(language: str) -> frozenset[str]:
    """The stop words used for a post in ``language``."""
    return STOP_WORDS.get(language, _ANY_LANGUAGE)


def _is_word(token: str) -> bool:
    """A token that can be a term: no handle, domain, number or code; at least two characters, a letter."""
    if token[0] == "@" or "." in token or len(token) < 2:
        return False
    bare = token.lstrip("#")
    if not any(char.isalpha() for char in bare):
        return False
    return not (len(bare) > _MAX_CODE_CHARS and any(char.isdigit() for char in bare))


def post_terms(text: str, language: str) -> list[str]:
    """The distinct candidate terms of one post (unigrams, then bigrams), in text order."""
    stops = stop_words(language)
    terms: dict[str, None] = {}
    for clause in _CLAUSE_BREAK.split(text):
        _clause_terms(tokenize(clause), stops, terms)
    return list(terms)


def _clause_terms(tokens: list[str], stops: frozenset[str], terms: dict[str, None]) -> None:
    """Add the terms of one clause's tokens to ``terms``."""
    previous: str | None = None
    for token in tokens:
        if not _is_word(token):
            previous = None
            continue
        stop = token in stops
        if not stop:
            terms[token] = None
        if token[0] == "#":
            previous = None
            continue
        if previous is not None and not stop and (previous not in stops or previous in NEGATIONS):
            terms[f"{previous} {token}"] = None
        previous = token


class Coverage:
    """Whether a term is already covered by a brand's keyword sets (or ignored)."""

    def __init__(self, brand: BrandConfig, ignore_terms: Iterable[str] = ()) -> None:
        self._matcher = BrandMatcher([brand])
        self._ignored = {" ".join(tokenize(term)) for term in ignore_terms}
        self._known: dict[str, bool] = {}

    def covers(self, term: str) -> bool:
        """True when one of the brand's queries matches the term's text, or the term is ignored."""
        known = self._known.get(term)
        if known is None:
            known = term in self._ignored or bool(self._matcher.match(term))
            if len(self._known) > 100_000:
                self._known.clear()
            self._known[term] = known
        return known
