"""The keyword query language: parsing, errors, matching and the OpenSearch translation."""

from __future__ import annotations

import pytest

from enrichers.keyword_query import (
    QueryError,
    QueryMatcher,
    opensearch_analysis,
    parse_query,
    to_opensearch,
    tokenize,
)
from enrichers.text import fold

# (query, text, matches); queries of the outside-in kind (no hashtag prefixes)
CASES = [
    # plain words and phrases, case and accents
    ("geen bereik", "Al drie dagen GEEN bereik in Utrecht", True),
    ("geen bereik", "geen probleem, bereik is prima", False),
    ('"geen bereik"', "geen bereik", True),
    ("café", "Naar het CAFE", True),
    ("cafe", "naar het Café", True),
    ("beste provider", "beste", False),
    ("ov-chipkaart", "mijn OV-chipkaart is leeg", True),
    ("ov-chipkaart", "ov chipkaart", False),
    ("telvio.nl", "zie https://www.Telvio.nl/storingen", True),
    ("storingen", "zie https://www.telvio.nl/storingen", True),
    ("it's", "it\u2019s down again", True),
    # trailing wildcards
    ("opzeg*", "ik ga opzeggen", True),
    ("opzeg*", "#opzeggen", True),
    ("opzeg*", "zeg op", False),
    ("dropped call*", "so many dropped calls", True),
    ("dropped call*", "dropped the call", False),
    # handles and hashtags
    ("@telvio", "@Telvio help", True),
    ("@telvio", "telvio help", False),
    ("@telvio", "#telvio", False),
    ("#telvio", "#TELVIO storing", True),
    ("#telvio", "telvio storing", False),
    ("telvio", "#telvio en @telvio", True),
    ("telvio", "#telviostoring", False),  # hashtag prefixes are for the inside-out set
    ("telvio", "mail jan@telvio", True),
    # AND, OR, NOT, exclusions
    ('telvio NOT "telvio arena"', "Telvio weer plat", True),
    ('telvio NOT "telvio arena"', "concert in de Telvio Arena", False),
    ("jaguar NOT (dier OR zoo)", "mijn Jaguar start niet", True),
    ("jaguar NOT (dier OR zoo)", "de jaguar in de zoo", False),
    ("jaguar -dier", "jaguar is een mooi dier", False),
    ("jaguar -dier", "jaguar lekt olie", True),
    ('telvio AND (storing OR "geen bereik")', "telvio: geen bereik", True),
    ('telvio AND (storing OR "geen bereik")', "telvio: prima bereik", False),
    ("storing AND NOT opgelost", "storing is opgelost", False),
    ("wifi OR modem", "modem stuk", True),
    # lowercase operators are words
    ("not working", "app not working again", True),
    ("not working", "app working again", False),
    # proximity
    ("storing NEAR/3 telvio", "telvio heeft weer een storing", True),
    ("storing NEAR/3 telvio", "storing bij telvio", True),
    ("storing NEAR/3 telvio", "telvio heeft nu weer een storing", False),
    ('"bereik slecht"~2', "het bereik is echt slecht", True),
    ('"bereik slecht"~2', "slecht bereik", True),
    ('"bereik slecht"~2', "bereik is hier echt heel slecht", False),
    ('(wifi OR modem) NEAR/2 "valt weg"', "de wifi valt weg", True),
    ('(wifi OR modem) NEAR/2 "valt weg"', "de wifi valt vaak weg", False),
    ("(storing NEAR/1 internet) NEAR/4 telvio", "internet storing, dank je telvio", True),
    ("(storing NEAR/1 internet) NEAR/4 telvio", "internet heeft een storing, dank je telvio", False),
]


@pytest.mark.parametrize(("query", "text", "expected"), CASES)
def test_matching(query: str, text: str, expected: bool) -> None:
    assert parse_query(query).matches(text) is expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("telvio", "#telviostoring al uren", True),
        ("#telvio", "#telviostoring al uren", True),
        ("telvio", "telviostoring", False),
        ("telvio", "@telviostoring", False),
        ("kat", "#katten", False),  # shorter than four letters: no prefix
        ("telvio*", "TelvioTV-box", True),
        ("@telvio", "#telviostoring", False),
        ('"telvio tv"', "#telviotv", False),  # phrases get no prefix
    ],
)
def test_inside_out_hashtag_prefix(query: str, text: str, expected: bool) -> None:
    assert parse_query(query, hashtag_prefix=True).matches(text) is expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a AND (b", "query 'a AND (b': missing ')' at column 9"),
        ("a )", "unmatched ')' at column 3"),
        ('"a b" c', "expected AND, OR, NOT or NEAR/n between terms at column 7"),
        ("(a) b", "expected AND, OR, NOT or NEAR/n between terms at column 5"),
        ("a AND", "expected a word, phrase or '(' instead of end of the query at column 6"),
        ("a OR OR b", "expected a word, phrase or '(' instead of 'OR' at column 6"),
        ('"geen bereik', "missing '\"' to close the quote at column 1"),
        ('"a b"~x', "expected a number after '~' at column 7"),
        ('"a"~2', "'~n' needs at least two words"),
        ("a NEAR/x b", "expected NEAR/<number> at column 3"),
        (
            "a NEAR/2 (b AND c)",
            "NEAR/2 joins words, phrases or OR-groups of them, not AND or NOT at column 3",
        ),
        ("dropped* call", "'*' is only allowed on the last word of a phrase"),
        ("op*zeg", "'*' is only allowed at the end of a word at column 1"),
        ("!!", "'!!' has no words to match"),
        ("   ", "is empty"),
        ("NOT telvio", "matches posts without any of its words"),
        ("a OR -b", "matches posts without any of its words"),
    ],
)
def test_parse_errors(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=r"^query '") as error:
        parse_query(query)
    assert message in str(error.value)


def test_matcher_orders_keys_by_first_occurrence() -> None:
    matcher = QueryMatcher(
        [(name, parse_query(name)) for name in ["storing", "geen bereik", "telvio", "jaguar", "telvio*"]]
    )
    assert matcher.match(tokenize("Telvio: geen bereik en een storing")) == [
        "telvio",
        "telvio*",
        "geen bereik",
        "storing",
    ]


def test_a_term_shared_by_queries_is_matched_once() -> None:
    matcher = QueryMatcher([(1, parse_query("telvio")), (2, parse_query("telvio AND storing"))])
    assert matcher.match(tokenize("telvio storing telvio")) == [1, 2]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Crème brûlée À LA CARTE", ["creme", "brulee", "a", "la", "carte"]),
        ("ﬁets naïef coöperatie", ["fiets", "naief", "cooperatie"]),
        ("Straße ÉÉN", ["strasse", "een"]),
        ("emoji 😀 ok", ["emoji", "ok"]),
        ("ĳs Ångström Ørsted", ["ijs", "angstrom", "orsted"]),
    ],
)
def test_tokenize_folds_like_the_shared_fold(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens
    assert tokenize(fold(text)) == tokens


def test_tokenize_keeps_sigils_domains_and_inner_punctuation() -> None:
    assert tokenize("RT @Telvio_Care: #TelvioStoring op https://www.telvio.nl/x, jan@telvio.nl, it's") == [
        "rt",
        "@telvio_care",
        "#telviostoring",
        "op",
        "telvio.nl",
        "x",
        "jan",
        "telvio.nl",
        "it's",
    ]


def _field(value: str) -> dict[str, str]:
    return {"text.folded": value}


def test_opensearch_phrase_and_word_forms() -> None:
    either = {"span_or": {"clauses": [{"span_term": _field(w)} for w in ("geen", "#geen", "@geen")]}}
    assert to_opensearch("geen bereik")["span_near"]["clauses"][0] == either
    assert to_opensearch("geen bereik")["span_near"]["slop"] == 0
    assert to_opensearch("geen bereik")["span_near"]["in_order"] is True
    assert to_opensearch("@telvio") == {"span_term": _field("@telvio")}


def test_opensearch_hashtag_prefix_and_wildcard() -> None:
    [_, hashtags, _] = to_opensearch(parse_query("telvio", hashtag_prefix=True))["span_or"]["clauses"]
    assert hashtags == {"span_multi": {"match": {"prefix": {"text.folded": {"value": "#telvio"}}}}}
    assert to_opensearch("#opzeg*") == {
        "span_multi": {"match": {"prefix": {"text.folded": {"value": "#opzeg"}}}}
    }


def test_opensearch_boolean_and_proximity() -> None:
    query = to_opensearch('(telvio OR kpn) NOT "telvio arena"', field="body")
    assert set(query["bool"]) == {"filter", "must_not"}
    assert query["bool"]["filter"][0]["bool"]["minimum_should_match"] == 1
    near = to_opensearch("storing NEAR/3 telvio")["span_near"]
    assert (near["slop"], near["in_order"], len(near["clauses"])) == (3, False, 2)


def test_opensearch_analysis_uses_java_classes() -> None:
    analysis = opensearch_analysis()
    assert "\\w" not in analysis["tokenizer"]["webcare_tokens"]["pattern"]
    assert analysis["analyzer"]["webcare_keywords"]["filter"] == ["lowercase", "asciifolding"]
