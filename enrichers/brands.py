"""Brand matching with the inside-out and outside-in keyword sets.

Hand-written rather than spaCy's PhraseMatcher because terms may end in a ``*`` wildcard and hashtags
such as ``#telviostoring`` must match the brand name they start with; a dictionary keyed by first token
keeps it one pass over each post's tokens.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from enrichers.text import URL, fold
from schemas.config import BrandConfig
from schemas.mentions import BrandMatch, KeywordSet

TOKEN = re.compile("[@#]?\\w+(?:[.'\u2019-]\\w+)*")


def tokenize(text: str) -> list[str]:
    """Folded word tokens; '@' and '#' stay attached, domains like 'telvio.nl' stay whole."""
    return TOKEN.findall(fold(text))


@dataclass(frozen=True, slots=True)
class _Term:
    brand: str
    keyword_set: KeywordSet
    written: str
    tokens: tuple[str, ...]
    wildcard: bool

    def matches_at(self, tokens: Sequence[str], start: int) -> bool:
        end = start + len(self.tokens)
        if end > len(tokens):
            return False
        for offset, expected in enumerate(self.tokens):
            token = tokens[start + offset]
            # A handle term ('@telvio') needs the '@'; any other term ignores '@' and '#'.
            actual = token if expected.startswith("@") else _bare(token)
            is_last = offset == len(self.tokens) - 1
            if actual == expected or (is_last and self.wildcard and actual.startswith(expected)):
                continue
            return False
        return True


def _bare(token: str) -> str:
    return token.lstrip("@#")


class BrandMatcher:
    """Finds which brands a text is about, and through which keyword set."""

    def __init__(self, brands: Iterable[BrandConfig]) -> None:
        self._by_first_token: dict[str, list[_Term]] = defaultdict(list)
        self._wildcard_first: list[_Term] = []
        self._hashtag_prefixes: list[tuple[str, _Term]] = []
        for brand in brands:
            self._add_brand(brand)

    def _add_brand(self, brand: BrandConfig) -> None:
        for keyword_set, written_terms in (
            (KeywordSet.inside_out, [*brand.inside_out, *(f"@{handle}" for handle in brand.handles)]),
            (KeywordSet.outside_in, brand.outside_in),
        ):
            for written in written_terms:
                term = self._compile(brand.name, keyword_set, written)
                if len(term.tokens) == 1 and term.wildcard:
                    self._wildcard_first.append(term)
                else:
                    self._by_first_token[_bare(term.tokens[0])].append(term)
                if (
                    keyword_set is KeywordSet.inside_out
                    and len(term.tokens) == 1
                    and len(term.tokens[0]) >= 4
                ):
                    self._hashtag_prefixes.append((term.tokens[0], term))

    @staticmethod
    def _compile(brand: str, keyword_set: KeywordSet, written: str) -> _Term:
        stripped = written.strip()
        wildcard = stripped.endswith("*")
        words = tokenize(stripped.rstrip("*"))
        tokens = tuple(token if token.startswith("@") else _bare(token) for token in words)
        if not tokens:
            raise ValueError(f"brand {brand!r}: keyword {written!r} has no words to match")
        return _Term(brand, keyword_set, written, tokens, wildcard)

    def match(self, text: str) -> list[BrandMatch]:
        """All (brand, keyword set) pairs the text matches, with the terms as configured."""
        tokens = tokenize(URL.sub(_url_words, text))
        found: dict[tuple[str, KeywordSet], list[str]] = {}
        for position, token in enumerate(tokens):
            bare = _bare(token)
            for term in self._by_first_token.get(bare, ()):
                if term.matches_at(tokens, position):
                    _record(found, term)
            for term in self._wildcard_first:
                if bare.startswith(term.tokens[0]):
                    _record(found, term)
            if token.startswith("#"):
                for prefix, term in self._hashtag_prefixes:
                    if bare.startswith(prefix) and bare != prefix:
                        _record(found, term)
        return [
            BrandMatch(brand=brand, keyword_set=keyword_set, terms=terms)
            for (brand, keyword_set), terms in found.items()
        ]


def _url_words(url: re.Match[str]) -> str:
    """A URL as words: its host without 'www.' (so 'telvio.nl' matches) and its path's words."""
    parts = urlsplit(url.group() if "://" in url.group() else f"http://{url.group()}")
    host = parts.hostname or ""
    return f" {host.removeprefix('www.')} {' '.join(re.split(r'[/_?=&.-]+', parts.path))} "


def _record(found: dict[tuple[str, KeywordSet], list[str]], term: _Term) -> None:
    terms = found.setdefault((term.brand, term.keyword_set), [])
    if term.written not in terms:
        terms.append(term.written)
