"""ChunkTokenizer gives exactly the tokens of the tokenizer it wraps, for every tokenizer it wraps."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrichers import intent, keyword_query, sentiment
from enrichers.text import ChunkTokenizer

# Pieces that stress the conditions in ChunkTokenizer's docstring: every kind of whitespace, characters
# whose NFKD form holds a space (diaeresis, acute accent), combining marks, ligatures, fractions, case
# folding that grows ("ß", "İ"), URLs, handles, hashtags, emoticons, emoji, numbers glued to letters, and
# clause punctuation.
PIECES = [
    *"abcxyzABCXYZéÉüßİ\u0131øæœłđ0123456789",
    *" \t\n\r\x0b\x0c\x1c\x1f\u00a0\u2003\u3000",
    *"\u0301\u0308\u00a8\u00b4\ufb01\u00bd\u2019\u2018'-.,;:!?()<>/=*&^_#@$",
    "🙂",
    "😡",
    "👍🏽",
    "❤️",
    ":-)",
    ":(",
    "<3",
    ";)",
    "(-:",
    ":-/",
    "10:30",
    "http://",
    "https://www.",
    "www.",
    "telvio.nl/x?y=1",
    "@telvio_nl",
    "#storing",
    "#",
    "@",
    "niet",
    "goed",
    "GOEEED",
    "n't",
    "can't",
    "ov-chipkaart",
    "4g",
    "5G",
    "storing!!!",
    "???",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _sentiment_tokens(language: str) -> Callable[[str], Iterable[str]]:
    scorer = sentiment.SentimentAnalyzer()._scorers[language]
    return lambda text: scorer.tokens(sentiment._clean(text))


TOKENIZERS = {
    "intent": intent._tokens,
    "keywords": keyword_query.tokenize,
    "sentiment nl": _sentiment_tokens("nl"),
    "sentiment en": _sentiment_tokens("en"),
}


@pytest.mark.parametrize("name", TOKENIZERS)
@settings(max_examples=400, deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=5))
def test_remembered_chunks_give_the_tokens_of_the_whole_text(name: str, texts: list[str]) -> None:
    tokenize = TOKENIZERS[name]
    chunked = ChunkTokenizer(tokenize, max_chunks=8)
    for text in texts:  # several texts, so that chunks are also served from memory and memory is cleared
        assert chunked(text) == list(tokenize(text)), text


def test_a_full_memory_is_cleared_and_fills_again() -> None:
    calls: list[str] = []

    def tokenize(chunk: str) -> list[str]:
        calls.append(chunk)
        return [chunk.upper()]

    chunked = ChunkTokenizer(tokenize, max_chunks=2)
    assert chunked("a b a") == ["A", "B", "A"]
    assert calls == ["a", "b"]
    assert chunked("c a") == ["C", "A"]
    assert calls == ["a", "b", "c", "a"]
