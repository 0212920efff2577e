"""Keyword queries: a small query language for the brands' keyword sets, its matcher and its OpenSearch form.

Grammar (``AND``, ``OR``, ``NOT``, ``NEAR/n`` are operators in uppercase only; lowercase they are words)::

    query    := or
    or       := and ("OR" and)*
    and      := unary ("AND" unary | negation)*      # "a NOT b" and "a -b" mean a AND NOT b
    unary    := negation | near
    negation := ("NOT" | "-") unary
    near     := primary ("NEAR/" n primary)*         # within n tokens, either order
    primary  := word+ | '"' words '"' ["~" n] | "(" or ")"

* Adjacent bare words are a phrase, as in the plain entries of earlier configs: ``geen bereik`` is
  ``"geen bereik"``. There is no implicit AND: ``"a b" c`` or ``(a) b`` is an error; write ``AND``.
* A trailing ``*`` on the last word of a term matches any continuation: ``opzeg*``, ``dropped call*``.
* ``"a b c"~n``: all its words within a window with at most ``n`` other tokens, in any order.
  ``a NEAR/n b``: at most ``n`` tokens between the two, either order; operands are words, phrases,
  wildcards and OR-groups of those (``(a OR b) NEAR/3 c``), never AND/NOT.
* ``@handle`` matches only that handle; ``#tag`` only that hashtag; a bare word also matches ``#word`` and
  ``@word``. With ``hashtag_prefix`` (the inside-out set) a term or NEAR operand that is one word of at
  least four letters also matches hashtags that start with it: ``telvio`` matches ``#telviostoring``.
* Matching is case- and accent-insensitive, on whole tokens (see :func:`tokenize`).
* ``NOT`` is about the whole post, as in a search engine: ``telvio NOT "telvio arena"`` rejects a post
  that names the arena anywhere, even if it also names Telvio elsewhere.
* A query must need at least one of its words: ``NOT a`` and ``a OR NOT b`` are refused.

Design and speed. One post costs one tokenisation (in the enrichment, each whitespace chunk's tokens are
remembered: :class:`enrichers.text.ChunkTokenizer`) plus one pass over its tokens: every distinct term
of every query is indexed by its first word (a dict of exact words; wildcard and hashtag-prefix words in
dicts probed with the token's prefixes of the few lengths in use), the terms that may start at a token are
cached per token string, and only the queries whose terms occur are evaluated. Measured before the chunk
memory (best of 15 runs, 5,000 synthetic posts of ~12 words, the 4 sample brands' 116 entries, one core of a
shared 2-core machine): folding and tokenising 4.7 µs/post, the whole ``BrandMatcher.match`` 14 µs/post
(the earlier phrase-only matcher 19.6). A blank spaCy ``nl`` tokenizer keeping '@'/'#' costs 8.5 µs/post
on folded text one post at a time, the same with ``tokenizer.pipe``, so 13 µs with folding before any
matching; a ``PhraseMatcher`` on ``LOWER`` adds 1.4 µs but expresses none of wildcards, hashtag prefixes,
handle-only words, NOT or NEAR.
spaCy is left out of this hot path for that reason, and above all because its rule-based tokens (prefix,
suffix, infix rules and exceptions) cannot be reproduced by a search engine analyzer, whereas this regex is
reproduced exactly by an OpenSearch ``pattern`` tokenizer (:func:`opensearch_analysis`), so that a query
selects the same posts in the stream and in the index.

OpenSearch. :func:`to_opensearch` gives span queries (``span_term``, ``span_multi`` prefix, ``span_or``,
``span_near``) under ``bool``, for a field analysed with :func:`opensearch_analysis`
(:data:`KEYWORD_FIELD`, the ``text.folded`` subfield). Known differences: Python folds with Unicode
NFKD + casefold before tokenising, OpenSearch lowercases and ASCII-folds after: text written with separate
combining accents, combining marks outside the BMP, or rare symbols such as ``½`` may tokenise
differently; nested ``NEAR`` windows follow Lucene's unordered span rules only as far as the tests show.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

TOKEN_PATTERN = "(?<!\\w)[@#]?\\w+(?:[.'\u2019-]\\w+)*"
"""A token: a word with inner dots, apostrophes or hyphens ('telvio.nl', 'ov-chipkaart'), maybe '@' or '#'."""

URL_PREFIX_PATTERN = "(?i)(?<![\\w.])(?:https?://(?:www\\.)?|www\\.)"
"""What is removed before tokenising, so that 'https://www.telvio.nl/x' gives 'telvio.nl', 'x'."""

_TOKEN = re.compile(TOKEN_PATTERN)
_URL_PREFIX = re.compile(URL_PREFIX_PATTERN)
_FOLD_MORE_MAP = {"\u2019": "'", "\u2018": "'", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d"}
_FOLD_MORE = re.compile(f"[{''.join(_FOLD_MORE_MAP)}]")
_COMBINING = re.compile(
    f"[{''.join(chr(code) for code in range(0x300, 0x10000) if unicodedata.combining(chr(code)))}]"
)
_OPERATORS = {"AND", "OR", "NOT"}
_NEAR = re.compile(r"NEAR/(\d+)")
_HASHTAG_PREFIX_MIN = 4
_CANDIDATE_CACHE_SIZE = 200_000
SIGILS = "@#"

KEYWORD_FIELD = "text.folded"
"""The field :func:`to_opensearch` queries by default."""


def tokenize(text: str) -> list[str]:
    """Folded tokens; '@' and '#' stay attached, URLs lose their scheme and 'www.' (see TOKEN_PATTERN)."""
    folded = _fold(text)
    if "://" in folded or "www." in folded:
        folded = _URL_PREFIX.sub(" ", folded)
    return _TOKEN.findall(folded)


def _fold(text: str) -> str:
    """:func:`enrichers.text.fold` (for accents in the BMP), plus a few letters ASCII folding also maps;
    ASCII text (most posts) skips the Unicode work."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    return _FOLD_MORE.sub(lambda letter: _FOLD_MORE_MAP[letter.group()], folded)


class QueryError(ValueError):
    """A keyword query that cannot be parsed; the message names the query, the reason and the column."""

    def __init__(self, query: str, reason: str, column: int | None = None) -> None:
        where = f" at column {column}" if column is not None else ""
        super().__init__(f"query '{query}': {reason}{where}")


# ----------------------------------------------------------------------------------------------------------
# The syntax tree


@dataclass(frozen=True, slots=True)
class Word:
    """One token of a term: its folded text, a required sigil ('' for any) and how its end may vary."""

    text: str
    sigil: str = ""
    wildcard: bool = False
    hashtag_prefix: bool = False

    def matches(self, token: str) -> bool:
        """Whether a token (with its sigil, if any) is this word."""
        sigil, bare = (token[0], token[1:]) if token[0] in SIGILS else ("", token)
        if self.sigil and sigil != self.sigil:
            return False
        if bare == self.text:
            return True
        if self.wildcard:
            return bare.startswith(self.text)
        return self.hashtag_prefix and sigil == "#" and bare.startswith(self.text)

    def __str__(self) -> str:
        return f"{self.sigil}{self.text}{'*' if self.wildcard else ''}{'#*' if self.hashtag_prefix else ''}"


@dataclass(frozen=True, slots=True)
class Term:
    """Consecutive words (a single word or a phrase). ``key`` names equal terms of different queries."""

    words: tuple[Word, ...]
    key: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", " ".join(map(str, self.words)))

    def matches_at(self, tokens: Sequence[str], start: int) -> bool:
        """Whether the term's words are the tokens from ``start`` on."""
        words = self.words
        if len(words) == 1:
            return words[0].matches(tokens[start])
        if start + len(words) > len(tokens):
            return False
        return all(word.matches(tokens[start + i]) for i, word in enumerate(words))


@dataclass(frozen=True, slots=True)
class Near:
    """All clauses within a window with at most ``slop`` other tokens, in any order."""

    clauses: tuple[Node, ...]
    slop: int


@dataclass(frozen=True, slots=True)
class Or:
    """Any of the children."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class And:
    """All of the children."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Not the child (in the whole post)."""

    child: Node


Node = Term | Near | Or | And | Not
Hits = dict[str, list[tuple[int, int]]]
"""Term key -> (start, end) token spans where the term occurs in one post."""


def holds(node: Node, hits: Hits) -> bool:
    """Whether the query node is true for a post whose term occurrences are ``hits``."""
    match node:
        case Term():
            return node.key in hits
        case Near():
            return bool(spans(node, hits))
        case Or():
            return any(holds(child, hits) for child in node.children)
        case And():
            return all(holds(child, hits) for child in node.children)
        case Not():
            return not holds(node.child, hits)


def spans(node: Node, hits: Hits) -> list[tuple[int, int]]:
    """The (start, end) token spans where a span node (term, NEAR, OR of those) occurs."""
    match node:
        case Term():
            return hits.get(node.key, [])
        case Or():
            return sorted({span for child in node.children for span in spans(child, hits)})
        case Near():
            return _near_windows([spans(clause, hits) for clause in node.clauses], node.slop)
    raise TypeError(f"{type(node).__name__} has no spans")


def _near_windows(clause_spans: list[list[tuple[int, int]]], slop: int) -> list[tuple[int, int]]:
    """Windows with one span of each clause and at most ``slop`` other tokens (Lucene's unordered rule)."""
    windows = set()
    for combination in itertools.product(*clause_spans):
        start = min(span[0] for span in combination)
        end = max(span[1] for span in combination)
        if end - start - sum(span[1] - span[0] for span in combination) <= slop:
            windows.add((start, end))
    return sorted(windows)


def _terms(node: Node) -> Iterator[Term]:
    match node:
        case Term():
            yield node
        case Near():
            for clause in node.clauses:
                yield from _terms(clause)
        case Or() | And():
            for child in node.children:
                yield from _terms(child)
        case Not():
            yield from _terms(node.child)


def _is_span(node: Node) -> bool:
    if isinstance(node, Or):
        return all(_is_span(child) for child in node.children)
    return isinstance(node, Term | Near)


# ----------------------------------------------------------------------------------------------------------
# Lexer and parser


@dataclass(frozen=True, slots=True)
class _Lexeme:
    kind: str  # WORD, QUOTE, (, ), AND, OR, NOT, -, NEAR, END
    text: str
    column: int
    number: int | None = None


class _Lexer:
    def __init__(self, query: str) -> None:
        self.query = query
        self.at = 0

    def lexemes(self) -> list[_Lexeme]:
        found = []
        while (lexeme := self._next()).kind != "END":
            found.append(lexeme)
        return [*found, lexeme]

    def _next(self) -> _Lexeme:
        query = self.query
        while self.at < len(query) and query[self.at].isspace():
            self.at += 1
        start = self.at
        if start == len(query):
            return _Lexeme("END", "", start + 1)
        char = query[start]
        if char in "()":
            self.at += 1
            return _Lexeme(char, char, start + 1)
        if char == '"':
            return self._quote(start)
        if char == "-" and query[start + 1 : start + 2] not in ("", ")") and not query[start + 1].isspace():
            self.at += 1
            return _Lexeme("-", char, start + 1)
        while self.at < len(query) and not query[self.at].isspace() and query[self.at] not in '()"':
            self.at += 1
        return self._chunk(query[start : self.at], start + 1)

    def _quote(self, start: int) -> _Lexeme:
        end = self.query.find('"', start + 1)
        if end < 0:
            raise QueryError(self.query, f"missing '\"' to close the quote at column {start + 1}")
        self.at = end + 1
        number = None
        if self.query.startswith("~", self.at):
            digits = re.match(r"\d+", self.query[self.at + 1 :])
            if digits is None:
                raise QueryError(self.query, "expected a number after '~'", self.at + 2)
            number = int(digits.group())
            self.at += 1 + len(digits.group())
        return _Lexeme("QUOTE", self.query[start + 1 : end], start + 2, number)

    def _chunk(self, text: str, column: int) -> _Lexeme:
        if text in _OPERATORS:
            return _Lexeme(text, text, column)
        if near := _NEAR.fullmatch(text):
            return _Lexeme("NEAR", text, column, int(near.group(1)))
        if text.startswith("NEAR/"):
            raise QueryError(self.query, "expected NEAR/<number>", column)
        return _Lexeme("WORD", text, column)


class _Parser:
    def __init__(self, query: str, hashtag_prefix: bool) -> None:
        self.query = query
        self.hashtag_prefix = hashtag_prefix
        self.lexemes = _Lexer(query).lexemes()
        self.at = 0

    def parse(self) -> Node:
        if self._peek().kind == "END":
            raise QueryError(self.query, "is empty")
        node = self._or()
        if self._peek().kind != "END":
            self._fail_expected_operator()
        return node

    def _peek(self) -> _Lexeme:
        return self.lexemes[self.at]

    def _take(self) -> _Lexeme:
        lexeme = self.lexemes[self.at]
        self.at += 1
        return lexeme

    def _fail_expected_operator(self) -> None:
        lexeme = self._peek()
        if lexeme.kind == ")":
            raise QueryError(self.query, "unmatched ')'", lexeme.column)
        raise QueryError(self.query, "expected AND, OR, NOT or NEAR/n between terms", lexeme.column)

    def _or(self) -> Node:
        children = [self._and()]
        while self._peek().kind == "OR":
            self._take()
            children.append(self._and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def _and(self) -> Node:
        children = [self._unary()]
        while self._peek().kind in ("AND", "NOT", "-"):
            if self._peek().kind == "AND":
                self._take()
            children.append(self._unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def _unary(self) -> Node:
        if self._peek().kind in ("NOT", "-"):
            self._take()
            return Not(self._unary())
        return self._near()

    def _near(self) -> Node:
        node = self._primary()
        while self._peek().kind == "NEAR":
            operator = self._take()
            right = self._primary()
            if not (_is_span(node) and _is_span(right)):
                reason = f"{operator.text} joins words, phrases or OR-groups of them, not AND or NOT"
                raise QueryError(self.query, reason, operator.column)
            node = Near((node, right), operator.number or 0)
        return node

    def _primary(self) -> Node:
        lexeme = self._peek()
        if lexeme.kind == "(":
            self._take()
            node = self._or()
            if self._peek().kind == "END":
                raise QueryError(self.query, "missing ')'", self._peek().column)
            if self._peek().kind != ")":
                self._fail_expected_operator()
            self._take()
            return node
        if lexeme.kind == "WORD":
            chunks = []
            while self._peek().kind == "WORD":
                chunks.append(self._take())
            return self._term(chunks, lexeme.column)
        if lexeme.kind == "QUOTE":
            return self._quoted(self._take())
        where = "end of the query" if lexeme.kind == "END" else repr(lexeme.text)
        raise QueryError(self.query, f"expected a word, phrase or '(' instead of {where}", lexeme.column)

    def _quoted(self, quote: _Lexeme) -> Node:
        chunks = [
            _Lexeme("WORD", part.group(), quote.column + part.start())
            for part in re.finditer(r"\S+", quote.text)
        ]
        if quote.number is None:
            return self._term(chunks, quote.column)
        words = self._words(chunks, quote.column)
        if len(words) < 2:
            raise QueryError(self.query, "'~n' needs at least two words in the quotes", quote.column)
        return Near(tuple(self._make_term((word,)) for word in words), quote.number)

    def _term(self, chunks: list[_Lexeme], column: int) -> Term:
        return self._make_term(tuple(self._words(chunks, column)))

    def _make_term(self, words: tuple[Word, ...]) -> Term:
        [first, *rest] = words
        single = not rest and not first.wildcard and first.sigil != "@"
        if self.hashtag_prefix and single and len(first.text) >= _HASHTAG_PREFIX_MIN:
            words = (Word(first.text, first.sigil, hashtag_prefix=True),)
        return Term(words)

    def _words(self, chunks: list[_Lexeme], column: int) -> list[Word]:
        words: list[Word] = []
        for chunk in chunks:
            if words and words[-1].wildcard:
                raise QueryError(self.query, "'*' is only allowed on the last word of a phrase", column)
            words.extend(self._chunk_words(chunk))
        if not words:
            text = " ".join(chunk.text for chunk in chunks)
            raise QueryError(self.query, f"'{text}' has no words to match", column)
        return words

    def _chunk_words(self, chunk: _Lexeme) -> list[Word]:
        text = chunk.text
        wildcard = text.endswith("*")
        if "*" in text.rstrip("*") or text.endswith("**"):
            raise QueryError(self.query, "'*' is only allowed at the end of a word", chunk.column)
        tokens = tokenize(text.rstrip("*"))
        if wildcard and not tokens:
            raise QueryError(self.query, "'*' needs a word before it", chunk.column)
        words = [Word(token[1:], token[0]) if token[0] in SIGILS else Word(token) for token in tokens]
        if wildcard:
            words[-1] = Word(words[-1].text, words[-1].sigil, wildcard=True)
        return words


# ----------------------------------------------------------------------------------------------------------
# Queries and matching


@dataclass(frozen=True, slots=True)
class KeywordQuery:
    """A parsed query: the entry as written, its tree, and its distinct terms."""

    written: str
    root: Node
    terms: tuple[Term, ...]

    def matches(self, text: str) -> bool:
        """Whether one text matches (for tests and tools; :class:`QueryMatcher` serves many posts)."""
        return bool(QueryMatcher([(self.written, self)]).match(tokenize(text)))


def parse_query(written: str, *, hashtag_prefix: bool = False) -> KeywordQuery:
    """Parse one keyword-set entry; ``hashtag_prefix`` turns on the inside-out hashtag rule."""
    root = _Parser(written, hashtag_prefix).parse()
    if holds(root, {}):
        raise QueryError(written, "matches posts without any of its words; NOT needs a term beside it")
    terms = tuple({term.key: term for term in _terms(root)}.values())
    return KeywordQuery(written, root, terms)


Key = TypeVar("Key")


class _PrefixIndex:
    """Terms by the prefix a token must start with; probed with the token's prefixes of the lengths in use."""

    def __init__(self) -> None:
        self._terms: dict[str, list[Term]] = {}
        self._lengths: list[int] = []

    def add(self, prefix: str, term: Term) -> None:
        self._terms.setdefault(prefix, []).append(term)
        self._lengths = sorted({*self._lengths, len(prefix)})

    def find(self, bare: str, longest: int) -> list[Term]:
        """Terms whose prefix starts ``bare`` and is at most ``longest`` characters long."""
        found: list[Term] = []
        for length in self._lengths:
            if length > longest:
                break
            found.extend(self._terms.get(bare[:length], ()))
        return found


class QueryMatcher(Generic[Key]):
    """Many queries, each with a key; finds the keys of the queries a tokenised post matches."""

    def __init__(self, queries: Iterable[tuple[Key, KeywordQuery]]) -> None:
        self._keys: list[Key] = []
        self._roots: list[Node] = []
        self._queries_of: dict[str, list[int]] = {}
        self._exact: dict[str, list[Term]] = {}
        self._wildcards = _PrefixIndex()
        self._hashtags = _PrefixIndex()
        self._candidates: dict[str, tuple[Term, ...]] = {}
        for number, (key, query) in enumerate(queries):
            self._keys.append(key)
            self._roots.append(query.root)
            for term in query.terms:
                self._add_term(term, number)

    def _add_term(self, term: Term, query_number: int) -> None:
        if term.key not in self._queries_of:
            first = term.words[0]
            if first.wildcard:
                self._wildcards.add(first.text, term)
            else:
                self._exact.setdefault(first.text, []).append(term)
            if first.hashtag_prefix:
                self._hashtags.add(first.text, term)
        self._queries_of.setdefault(term.key, []).append(query_number)

    def match(self, tokens: Sequence[str]) -> list[Key]:
        """Keys of the matching queries, ordered by the first token of their terms, then as given."""
        hits = self._hits(tokens)
        first_seen: dict[int, int] = {}
        for key, found in hits.items():
            for number in self._queries_of[key]:
                first_seen[number] = min(found[0][0], first_seen.get(number, found[0][0]))
        matched = sorted(
            (start, number) for number, start in first_seen.items() if holds(self._roots[number], hits)
        )
        return [self._keys[number] for _, number in matched]

    def _hits(self, tokens: Sequence[str]) -> Hits:
        hits: Hits = {}
        for position, token in enumerate(tokens):
            candidates = self._candidates.get(token)
            if candidates is None:
                candidates = self._find_candidates(token)
            for term in candidates:
                if term.matches_at(tokens, position):
                    hits.setdefault(term.key, []).append((position, position + len(term.words)))
        return hits

    def _find_candidates(self, token: str) -> tuple[Term, ...]:
        """Terms that may start at this token; remembered, since most tokens recur (like spaCy's cache)."""
        sigil, bare = (token[0], token[1:]) if token[0] in SIGILS else ("", token)
        candidates = [*self._exact.get(bare, ()), *self._wildcards.find(bare, len(bare))]
        if sigil == "#":
            candidates.extend(self._hashtags.find(bare, len(bare) - 1))
        if len(self._candidates) >= _CANDIDATE_CACHE_SIZE:
            self._candidates.clear()
        self._candidates[token] = found = tuple(candidates)
        return found


# ----------------------------------------------------------------------------------------------------------
# OpenSearch


def opensearch_analysis() -> dict[str, Any]:
    """Index ``settings.analysis`` whose ``webcare_keywords`` analyzer yields :func:`tokenize`'s tokens."""
    return {
        "char_filter": {
            "webcare_url_prefix": {
                "type": "pattern_replace",
                "pattern": _java(URL_PREFIX_PATTERN),
                "replacement": " ",
            }
        },
        "tokenizer": {"webcare_tokens": {"type": "pattern", "pattern": _java(TOKEN_PATTERN), "group": 0}},
        "analyzer": {
            "webcare_keywords": {
                "type": "custom",
                "char_filter": ["webcare_url_prefix"],
                "tokenizer": "webcare_tokens",
                "filter": ["lowercase", "asciifolding"],
            }
        },
    }


def _java(pattern: str) -> str:
    """A Python pattern for Java: Python's Unicode ``\\w`` is Java's letters, digits and '_'."""
    return pattern.replace("\\w", "[\\p{L}\\p{N}_]")


def to_opensearch(query: KeywordQuery | str, field: str = KEYWORD_FIELD) -> dict[str, Any]:
    """The query as an OpenSearch query on ``field`` (analysed with :func:`opensearch_analysis`);
    a string is parsed without the inside-out hashtag rule."""
    root = query.root if isinstance(query, KeywordQuery) else parse_query(query).root
    return _bool_query(root, field)


def _bool_query(node: Node, field: str) -> dict[str, Any]:
    match node:
        case Term() | Near():
            return _span_query(node, field)
        case Or():
            should = [_bool_query(child, field) for child in node.children]
            return {"bool": {"should": should, "minimum_should_match": 1}}
        case And():
            filters = [_bool_query(c, field) for c in node.children if not isinstance(c, Not)]
            must_not = [_bool_query(c.child, field) for c in node.children if isinstance(c, Not)]
            return {"bool": {"filter": filters, "must_not": must_not}}
        case Not():
            return {"bool": {"must_not": [_bool_query(node.child, field)]}}


def _span_query(node: Node, field: str) -> dict[str, Any]:
    match node:
        case Term(words=(word,)):
            return _word_span(word, field)
        case Term():
            clauses = [_word_span(word, field) for word in node.words]
            return {"span_near": {"clauses": clauses, "slop": 0, "in_order": True}}
        case Near():
            clauses = [_span_query(clause, field) for clause in node.clauses]
            return {"span_near": {"clauses": clauses, "slop": node.slop, "in_order": False}}
        case Or():
            return {"span_or": {"clauses": [_span_query(child, field) for child in node.children]}}
    raise TypeError(f"{type(node).__name__} is not a span query")


def _word_span(word: Word, field: str) -> dict[str, Any]:
    sigils = [word.sigil] if word.sigil else ["", "#", "@"]
    clauses = []
    for sigil in sigils:
        value = f"{sigil}{word.text}"
        if word.wildcard or (word.hashtag_prefix and sigil == "#"):
            clauses.append({"span_multi": {"match": {"prefix": {field: {"value": value}}}}})
        else:
            clauses.append({"span_term": {field: value}})
    return clauses[0] if len(clauses) == 1 else {"span_or": {"clauses": clauses}}
