"""Text normalisation shared by the enrichers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
HANDLE = re.compile(r"(?<!\w)@\w+")
HASHTAG_SIGN = re.compile(r"(?<!\w)#(?=\w)")


def fold(text: str) -> str:
    """Lower-case and strip accents, so that 'Café' and 'cafe' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def prose(text: str) -> str:
    """The post's running text without URLs and @handles, and hashtags as plain words.

    Each pattern runs only when its mark is in the text (most posts lack one or more of them).
    """
    if "://" in text or "www." in text.casefold():
        text = URL.sub(" ", text)
    if "@" in text:
        text = HANDLE.sub(" ", text)
    return HASHTAG_SIGN.sub("", text) if "#" in text else text


class ChunkTokenizer:
    """A tokenizer that remembers the tokens of each whitespace-separated chunk, as spaCy's does.

    Words recur, so most chunks of a post cost one dictionary look-up instead of a regex scan (about 5 µs
    a post for each of the three tokenizers of the enrichment). The tokens equal ``tokenize(text)`` when
    ``tokenize`` never yields tokens that hold whitespace, its look-arounds treat whitespace like the ends
    of a text, and it changes the text character by character (case folding, accents, replacements); the
    unit tests check that on generated texts for every tokenizer wrapped here. At ``max_chunks`` remembered
    chunks the memory is cleared and fills again.
    """

    def __init__(self, tokenize: Callable[[str], Iterable[str]], max_chunks: int = 100_000) -> None:
        self._chunks = _RememberedChunks(tokenize, max_chunks)

    def __call__(self, text: str) -> list[str]:
        """The tokens of ``text``, in order."""
        tokens: list[str] = []
        add, tokens_of = tokens.extend, self._chunks.__getitem__
        for chunk in text.split():
            add(tokens_of(chunk))
        return tokens


class _RememberedChunks(dict[str, tuple[str, ...]]):
    def __init__(self, tokenize: Callable[[str], Iterable[str]], max_chunks: int) -> None:
        super().__init__()
        self._tokenize = tokenize
        self._max_chunks = max_chunks

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        if len(self) >= self._max_chunks:
            self.clear()
        tokens = self[chunk] = tuple(self._tokenize(chunk))
        return tokens
