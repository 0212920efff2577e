"""Business rules: validation with clear errors, every condition, and first-match / all-match semantics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from enrichers.rules import RuleEngine
from schemas.mentions import (
    BrandMatch,
    EnrichedMention,
    Intent,
    IntentLabel,
    KeywordSet,
    Routing,
    Sentiment,
    SentimentLabel,
)
from schemas.rules import RulesConfig

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
BRANDS = ["Kabelkat", "Wattwolk"]


def mention(
    text: str = "Hallo",
    intent: IntentLabel | None = IntentLabel.question,
    brands: tuple[tuple[str, KeywordSet], ...] = (("Kabelkat", KeywordSet.inside_out),),
    sentiment: float | None = 0.0,
    **fields: Any,
) -> EnrichedMention:
    author = {"id": "u1", "followers": 100, **fields.pop("author", {})}
    mood = None
    if sentiment is not None:
        tone = "negative" if sentiment <= -0.15 else "positive" if sentiment >= 0.15 else "neutral"
        mood = Sentiment(label=SentimentLabel(tone), score=sentiment)
    return EnrichedMention(
        id="twitter:1",
        source=fields.pop("source", "twitter"),
        author=author,
        text=text,
        created_at=NOW,
        language=fields.pop("language", "nl"),
        language_confidence=0.9,
        sentiment=mood,
        intent=Intent(label=intent, confidence=0.8) if intent else None,
        brands=[
            BrandMatch(brand=brand, keyword_set=keyword_set, terms=[brand]) for brand, keyword_set in brands
        ],
        enriched_at=NOW,
        **fields,
    )


def engine(*rules: dict[str, Any], mode: str = "first_match") -> RuleEngine:
    return RuleEngine(RulesConfig.model_validate({"mode": mode, "list": list(rules)}), BRANDS)


def rule(name: str, then: dict[str, Any] | None = None, **when: Any) -> dict[str, Any]:
    return {"name": name, "when": when, "then": then or {"route": name}}


def route(rules: RuleEngine, item: EnrichedMention) -> Routing:
    [routing] = rules.route([item])
    return routing


# --- validation ------------------------------------------------------------------------------------------


def errors_of(config: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as raised:
        RulesConfig.model_validate(config)
    return str(raised.value)


def test_unknown_condition_is_named() -> None:
    message = errors_of({"list": [rule("billing", brnad=["Kabelkat"])]})
    assert "list.0.when.brnad" in message and "Extra inputs are not permitted" in message


def test_unknown_intent_is_refused() -> None:
    message = errors_of({"list": [rule("billing", intent=["rant"])]})
    assert "list.0.when.intent.0" in message and "'complaint'" in message


def test_empty_conditions_are_refused() -> None:
    assert "no condition" in errors_of({"list": [rule("billing")]})


def test_a_rule_without_action_is_refused() -> None:
    message = errors_of({"list": [{"name": "x", "when": {"intent": ["question"]}, "then": {}}]})
    assert "no action" in message


def test_duplicate_rule_names_are_refused() -> None:
    assert "defined twice" in errors_of(
        {"list": [rule("a", intent=["praise"]), rule("a", intent=["praise"])]}
    )


def test_team_must_fit_in_a_topic_name() -> None:
    assert "list.0.then.route" in errors_of(
        {"list": [rule("x", {"route": "Social Care"}, intent=["praise"])]}
    )


def test_impossible_ranges_are_refused() -> None:
    assert "followers_min is greater than followers_max" in errors_of(
        {"list": [rule("x", followers_min=10, followers_max=5)]}
    )


def test_a_term_needs_a_word() -> None:
    assert "has no letters or digits" in errors_of({"list": [rule("x", terms_any=["?!"])]})


def test_unknown_brand_names_the_rule() -> None:
    with pytest.raises(
        ValueError, match=r"rule 'billing': unknown brand 'Kabelcat' \(brands: Kabelkat, Wattwolk\)"
    ):
        engine(rule("billing", brand=["Kabelcat"]))


def test_unknown_mode_is_refused() -> None:
    assert "mode" in errors_of({"mode": "best_match", "list": []})


# --- conditions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "matches", "misses"),
    [
        ({"intent": ["question", "complaint"]}, mention(), mention(intent=IntentLabel.praise)),
        ({"intent": ["question"]}, mention(), mention(intent=None)),
        ({"language": ["nl"]}, mention(), mention(language="en")),
        ({"source": ["twitter"]}, mention(), mention(source="forum")),
        ({"sentiment": ["negative"]}, mention(sentiment=-0.5), mention(sentiment=0.0)),
        ({"sentiment_max": -0.4}, mention(sentiment=-0.5), mention(sentiment=None)),
        ({"sentiment_min": 0.3}, mention(sentiment=0.5), mention(sentiment=0.2)),
        ({"followers_min": 1000}, mention(author={"followers": 1000}), mention(author={"followers": 999})),
        ({"followers_max": 10}, mention(author={"followers": 10}), mention(author={"followers": 11})),
        ({"is_brand_account": True}, mention(author={"is_brand_account": True}), mention()),
        ({"brand": ["kabelkat"]}, mention(), mention(brands=(("Wattwolk", KeywordSet.inside_out),))),
        ({"brand": ["Kabelkat"]}, mention(), mention(brands=())),
        (
            {"keyword_set": ["outside_in"]},
            mention(brands=(("Kabelkat", KeywordSet.outside_in),)),
            mention(),
        ),
        (
            {"brand": ["Kabelkat"], "keyword_set": ["outside_in"]},
            mention(brands=(("Wattwolk", KeywordSet.inside_out), ("Kabelkat", KeywordSet.outside_in))),
            mention(brands=(("Kabelkat", KeywordSet.inside_out), ("Wattwolk", KeywordSet.outside_in))),
        ),
        ({"terms_any": ["factuur", "invoice"]}, mention("Mijn FACTUUR klopt niet"), mention("Mijn facturen")),
        ({"terms_any": ["factu*"]}, mention("Mijn facturen"), mention("Geen fact")),
        (
            {"terms_any": ["geen internet"]},
            mention("al uren GEEN   internet!"),
            mention("geen wifi, internet"),
        ),
        ({"terms_any": ["cafe"]}, mention("Koffie in het Café"), mention("cafeïne")),
        ({"terms_all": ["rekening", "hoog"]}, mention("Rekening te hoog"), mention("Rekening klopt")),
        ({"terms_none": ["zakelijk"]}, mention("Mijn rekening"), mention("Zakelijk: mijn rekening")),
    ],
)
def test_condition(when: dict[str, Any], matches: EnrichedMention, misses: EnrichedMention) -> None:
    rules = engine(rule("team", **when))
    assert route(rules, matches).team == "team"
    assert route(rules, misses) == Routing()


def test_all_conditions_must_hold() -> None:
    rules = engine(rule("billing", intent=["question"], terms_any=["factuur"], brand=["Kabelkat"]))
    assert route(rules, mention("Vraag over mijn factuur")).team == "billing"
    assert route(rules, mention("Vraag over mijn factuur", intent=IntentLabel.praise)).team is None
    assert route(rules, mention("Vraag over mijn modem")).team is None


# --- first match and all match ---------------------------------------------------------------------------

RULES = (
    rule("b2b", {"route": "business", "tags": ["b2b"], "priority_boost": 10}, terms_any=["zakelijk*"]),
    rule(
        "invoice-private",
        {"route": "billing", "answerable": False, "tags": ["invoice", "dm"], "priority_boost": 5},
        terms_any=["factuur"],
    ),
    rule("questions", {"route": "social-care", "answerable": True, "tags": ["dm"]}, intent=["question"]),
    rule("negative", {"priority_boost": 7.5, "tags": ["negative"]}, sentiment=["negative"]),
)


def test_first_match_applies_only_the_first_matching_rule() -> None:
    rules = engine(*RULES)
    assert route(rules, mention("Zakelijke factuur?")) == Routing(
        team="business", answerable=None, tags=["b2b"], rules=["b2b"], priority_boost=10
    )
    assert route(rules, mention("Factuur?", sentiment=-0.6)).rules == ["invoice-private"]
    assert route(rules, mention("Modem?")).team == "social-care"


def test_all_match_combines_every_matching_rule_in_order() -> None:
    rules = engine(*RULES, mode="all_match")
    assert route(rules, mention("Zakelijke factuur?", sentiment=-0.6)) == Routing(
        team="business",
        answerable=False,
        tags=["b2b", "invoice", "dm", "negative"],
        rules=["b2b", "invoice-private", "questions", "negative"],
        priority_boost=22.5,
    )
    assert route(rules, mention("Modem?", sentiment=-0.6)) == Routing(
        team="social-care",
        answerable=True,
        tags=["dm", "negative"],
        rules=["questions", "negative"],
        priority_boost=7.5,
    )


def test_no_rules_no_routing() -> None:
    assert engine().route([mention(), mention()]) == [Routing(), Routing()]


def test_route_topics() -> None:
    config = RulesConfig.model_validate({"list": list(RULES), "topic_prefix": "acme.route."})
    assert config.route_topics() == ["acme.route.business", "acme.route.billing", "acme.route.social-care"]
