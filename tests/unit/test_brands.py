"""Brand matching with the inside-out and outside-in keyword sets, and the brand config's validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from enrichers.brands import BrandMatcher
from schemas.config import BrandConfig, BrandsConfig, yaml_line

BRANDS = [
    BrandConfig(
        name="Telvio",
        handles=["telvio", "@Telvio_Care"],
        inside_out=["Telvio", "telvio.nl", "Telvio Unlimited", "TelvioTV*", 'telvio NOT "telvio arena"'],
        outside_in=[
            "geen bereik",
            "beste provider",
            "dropped call*",
            "familieabonnement",
            '"bereik slecht"~2',
            "(storing OR storingen) NEAR/3 (mobiel OR internet)",
        ],
    ),
    BrandConfig(
        name="Wattwolk",
        inside_out=["Wattwolk", "Wattwolk App", "#WolkZonDeal"],
        outside_in=["stroomstoring", "energiecontract AND (opzeg* OR boete) -wattwolk"],
    ),
    BrandConfig(name="Jaguar", inside_out=["jaguar NOT (dier OR zoo OR dierentuin)"]),
]


@pytest.fixture(scope="module")
def matcher() -> BrandMatcher:
    return BrandMatcher(BRANDS)


def _found(matcher: BrandMatcher, text: str) -> set[tuple[str, str]]:
    return {(match.brand, match.keyword_set.value) for match in matcher.match(text)}


TELVIO_IN = {("Telvio", "inside_out")}
TELVIO_OUT = {("Telvio", "outside_in")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # inside-out: names, handles, hashtags, domains, wildcards
        ("Weer storing bij Telvio", TELVIO_IN),
        ("weer storing bij TELVIO!!", TELVIO_IN),
        ("@telvio_care help", TELVIO_IN),
        ("@Telvio waarom", TELVIO_IN),
        ("#telviostoring al uren", TELVIO_IN),
        ("zie https://www.telvio.nl/storingen", TELVIO_IN),
        ("TelvioTV-box doet het niet", TELVIO_IN),
        ("De wattwölk app crasht", {("Wattwolk", "inside_out")}),
        ("#wolkzondeal is top", {("Wattwolk", "inside_out")}),
        ("mijn Jaguar lekt olie", {("Jaguar", "inside_out")}),
        # outside-in: customer words without the brand
        ("wie heeft de beste provider?", TELVIO_OUT),
        ("so many dropped calls lately", TELVIO_OUT),
        ("Familieabonnement tips?", TELVIO_OUT),
        ("het bereik is echt slecht hier", TELVIO_OUT),
        ("storing van het mobiel netwerk", TELVIO_OUT),
        ("energiecontract opzeggen kost een boete", {("Wattwolk", "outside_in")}),
        # the outside-in query excludes posts that name the brand
        ("energiecontract bij Wattwolk opzeggen", {("Wattwolk", "inside_out")}),
        # both sets, several brands
        ("Telvio en geen bereik", TELVIO_IN | TELVIO_OUT),
        ("stroomstoring én Telvio ligt eruit", {("Wattwolk", "outside_in"), ("Telvio", "inside_out")}),
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
        "wolkzondeal without its hashtag",  # '#tag' matches only the hashtag
        "de jaguar in de dierentuin",  # an exclusion
        "storing bij de buren, maar het mobiel netwerk werkt",  # too far apart for NEAR/3
    ],
)
def test_does_not_match(matcher: BrandMatcher, text: str) -> None:
    assert _found(matcher, text) == set()


def test_reports_the_configured_entries_in_text_order(matcher: BrandMatcher) -> None:
    [inside, outside] = matcher.match(
        "@telvio ik heb geen bereik, telvio.nl ligt eruit en het bereik is slecht"
    )
    assert inside.terms == ["Telvio", 'telvio NOT "telvio arena"', "@telvio", "telvio.nl"]
    assert outside.terms == ["geen bereik", '"bereik slecht"~2']


def test_an_exclusion_rejects_only_its_own_entry(matcher: BrandMatcher) -> None:
    [inside] = matcher.match("concert in de Telvio Arena")
    assert inside.terms == ["Telvio"]


def test_a_handle_listed_twice_is_reported_once() -> None:
    brand = BrandConfig(name="Telvio", handles=["telvio"], inside_out=["@telvio"])
    [inside] = BrandMatcher([brand]).match("@Telvio hallo")
    assert inside.terms == ["@telvio"]


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("!!", "'!!' has no words to match"),
        ("a AND (b", "query 'a AND (b': missing ')' at column 9"),
        ("NOT telvio", "matches posts without any of its words"),
    ],
)
def test_invalid_entries_are_refused_at_their_index(entry: str, reason: str) -> None:
    with pytest.raises(ValidationError) as error:
        BrandsConfig(brands=[{"name": "X", "inside_out": ["x"], "outside_in": ["ok", entry]}])
    [problem] = error.value.errors()
    assert problem["loc"] == ("brands", 0, "outside_in", 1)
    assert reason in problem["msg"]


def test_handles_are_single_account_names() -> None:
    assert BrandConfig(name="X", handles=["@Telvio_Care"], inside_out=["x"]).handles == ["telvio_care"]
    with pytest.raises(ValidationError, match="not one account name") as error:
        BrandConfig(name="X", handles=["telvio care"], inside_out=["x"])
    assert error.value.errors()[0]["loc"] == ("handles", 0)


CONFIG = """\
search:
  index: webcare-mentions
brands:
- name: Telvio
  inside_out: [Telvio]
- name: Wattwolk
  inside_out:
  - Wattwolk
  outside_in:
  - stroomstoring
  - a AND (b
"""


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        (("brands", 1, "outside_in", 1), 11),
        (("brands", 1, "outside_in"), 9),
        (("brands", 0, "inside_out", 0), 5),
        (("brands", 1, "handles"), 6),  # missing: the line of its parent
        (("search", "index"), 2),
        (("kafka",), None),
    ],
)
def test_yaml_line(tmp_path: Path, loc: tuple[int | str, ...], line: int | None) -> None:
    path = tmp_path / "webcare.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    assert yaml_line(path, loc) == line


def test_yaml_line_of_an_unreadable_file(tmp_path: Path) -> None:
    assert yaml_line(tmp_path / "missing.yaml", ("brands",)) is None
    (tmp_path / "bad.yaml").write_text("brands: [", encoding="utf-8")
    assert yaml_line(tmp_path / "bad.yaml", ("brands",)) is None
