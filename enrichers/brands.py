"""Brand matching with the inside-out and outside-in keyword sets.

Every entry of a brand's ``inside_out`` and ``outside_in`` list is a keyword query (see
:mod:`enrichers.keyword_query` for the language, the design and its speed); the brand's ``handles`` add
``@handle`` entries to the inside-out set. Inside-out single-word terms also match hashtags that start with
them (``telvio`` matches ``#telviostoring``). One :class:`QueryMatcher` holds every brand's queries, so a
post is tokenised and scanned once whatever the number of brands.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from enrichers.keyword_query import KeywordQuery, QueryMatcher, parse_query, tokenize
from enrichers.text import ChunkTokenizer
from schemas.config import BrandConfig
from schemas.construct import construct
from schemas.mentions import BrandMatch, KeywordSet

__all__ = ["BrandMatcher", "tokenize"]


class _Entry(NamedTuple):
    brand: str
    keyword_set: KeywordSet
    written: str


class BrandMatcher:
    """Finds which brands a text is about, and through which keyword set."""

    def __init__(self, brands: Iterable[BrandConfig]) -> None:
        queries = dict(query for brand in brands for query in _queries(brand))
        self._matcher = QueryMatcher(queries.items())
        self._tokenize = ChunkTokenizer(tokenize)

    def match(self, text: str) -> list[BrandMatch]:
        """All (brand, keyword set) pairs the text matches, with the entries as configured, in text order."""
        found: dict[tuple[str, KeywordSet], list[str]] = {}
        for entry in self._matcher.match(self._tokenize(text)):
            found.setdefault((entry.brand, entry.keyword_set), []).append(entry.written)
        return [
            construct(BrandMatch, {"brand": brand, "keyword_set": keyword_set, "terms": terms})
            for (brand, keyword_set), terms in found.items()
        ]


def _queries(brand: BrandConfig) -> Iterator[tuple[_Entry, KeywordQuery]]:
    handles = [f"@{handle}" for handle in brand.handles]
    for keyword_set, entries in (
        (KeywordSet.inside_out, [*brand.inside_out, *handles]),
        (KeywordSet.outside_in, brand.outside_in),
    ):
        inside_out = keyword_set is KeywordSet.inside_out
        for written in entries:
            yield _Entry(brand.name, keyword_set, written), parse_query(written, hashtag_prefix=inside_out)
