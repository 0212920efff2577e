"""Brand matching with the inside-out and outside-in keyword sets."""

from __future__ import annotations

import pytest

from enrichers.brands import BrandMatcher
from schemas.config import BrandConfig

BRANDS = [
    BrandConfig(
        name="Telvio",
        handles=["telvio", "@Telvio_Care"],
        inside_out=["Telvio", "telvio.nl", "Telvio Unlimited", "TelvioTV*"],
        outside_in=["geen bereik", "beste provider", "dropped call*", "familieabonnement"],
    ),
    BrandConfig(name="Wattwolk", inside_out=["Wattwolk", "Wattwolk App"], outside_in=["stroomstoring"]),
]


@pytest.fixture(scope="module")
def matcher() -> BrandMatcher:
    return BrandMatcher(BRANDS)


def _found(matcher: BrandMatcher, text: str) -> set[tuple[str, str]]:
    return {(match.brand, match.keyword_set.value) for match in matcher.match(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Weer storing bij Telvio", {("Telvio", "inside_out")}),
        ("weer storing bij TELVIO!!", {("Telvio", "inside_out")}),
        ("@telvio_care help", {("Telvio", "inside_out")}),
        ("@Telvio waarom", {("Telvio", "inside_out")}),
        ("#telviostoring al uren", {("Telvio", "inside_out")}),
        ("zie https://www.telvio.nl/storingen", {("Telvio", "inside_out")}),
        ("TelvioTV-box doet het niet", {("Telvio", "inside_out")}),
        ("wie heeft de beste provider?", {("Telvio", "outside_in")}),
        ("so many dropped calls lately", {("Telvio", "outside_in")}),
        ("Familieabonnement tips?", {("Telvio", "outside_in")}),
        ("Telvio en geen bereik", {("Telvio", "inside_out"), ("Telvio", "outside_in")}),
        ("stroomstoring én Telvio ligt eruit", {("Wattwolk", "outside_in"), ("Telvio", "inside_out")}),
        ("De wattwölk app crasht", {("Wattwolk", "inside_out")}),
    ],
)
def test_matches(matcher: BrandMatcher, text: str, expected: set[tuple[str, str]]) -> None:
    assert _found(matcher, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "telviosomething is not the brand",  # a longer word is not the brand
        "geen probleem, bereik is prima",  # the words of a phrase, but not together
        "beste",  # half a phrase
        "telvio_care is not a handle without its @",
    ],
)
def test_does_not_match(matcher: BrandMatcher, text: str) -> None:
    assert _found(matcher, text) == set()


def test_reports_the_configured_terms(matcher: BrandMatcher) -> None:
    [inside, outside] = matcher.match("@telvio ik heb geen bereik, telvio.nl ligt eruit")
    assert inside.terms == ["Telvio", "@telvio", "telvio.nl"]
    assert outside.terms == ["geen bereik"]


def test_empty_term_is_refused() -> None:
    with pytest.raises(ValueError, match="no words to match"):
        BrandMatcher([BrandConfig(name="X", inside_out=["!!"])])
