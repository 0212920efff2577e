"""Business rules: conditions on an enriched mention lead to a team, public answerability, tags and a boost.

The rules come from the config's ``rules`` section (:mod:`schemas.rules`). Each rule is compiled once into
a list of checks, cheapest first (flags and labels, then numbers, brands, and the text last), so a batch is
evaluated with a few comparisons per rule and post. Terms (``terms_any`` / ``terms_all`` / ``terms_none``)
match case- and accent-insensitively on whole words of the title and text; a term may be a phrase
(``geen internet``) and may end in ``*`` for any word that starts so (``factu*``).

``first_match``: the first rule that matches decides; ``routing.rules`` names it. ``all_match``: every rule
that matches applies, in list order: the team is the first ``route`` set, ``answerable`` the first one set,
tags are the union (first-seen order), boosts add up, and ``routing.rules`` names all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from enrichers.intent import fold_fast
from schemas.construct import construct
from schemas.mentions import EnrichedMention, Routing
from schemas.rules import Rule, RuleConditions, RuleMode, RulesConfig


class _Text:
    """A mention's folded title and text, computed on first use (only rules with terms need it)."""

    __slots__ = ("_folded", "_mention")

    def __init__(self, mention: EnrichedMention) -> None:
        self._mention = mention
        self._folded: str | None = None

    def folded(self) -> str:
        if self._folded is None:
            mention = self._mention
            self._folded = fold_fast(f"{mention.title}\n{mention.text}" if mention.title else mention.text)
        return self._folded


Check = Callable[[EnrichedMention, _Text], bool]
NOT_ROUTED = Routing()
"""What a mention no rule matches gets (shared: Routing is frozen)."""


class RuleEngine:
    """Evaluates the configured rules over batches of enriched mentions."""

    def __init__(self, config: RulesConfig, brand_names: Iterable[str] | None = None) -> None:
        if brand_names is not None:
            config.check_brands(brand_names)
        self._mode = config.mode
        self._rules = [(rule, _compile(rule.when)) for rule in config.list]

    def route(self, mentions: Sequence[EnrichedMention]) -> list[Routing]:
        """The routing decision for each mention, in order (an empty Routing when no rule matches)."""
        return [self._route(mention) for mention in mentions]

    def _route(self, mention: EnrichedMention) -> Routing:
        text = _Text(mention)
        matched: list[Rule] = []
        for rule, checks in self._rules:
            if all(check(mention, text) for check in checks):
                matched.append(rule)
                if self._mode is RuleMode.first_match:
                    break
        return _combine(matched) if matched else NOT_ROUTED


def _combine(matched: list[Rule]) -> Routing:
    # construct: the values come from validated rules (validating again costs ~5 µs a mention).
    actions = [rule.then for rule in matched]
    return construct(
        Routing,
        {
            "team": next((action.route for action in actions if action.route is not None), None),
            "answerable": next(
                (action.answerable for action in actions if action.answerable is not None), None
            ),
            "tags": list(dict.fromkeys(tag for action in actions for tag in action.tags)),
            "rules": [rule.name for rule in matched],
            "priority_boost": sum(action.priority_boost for action in actions),
        },
    )


def _compile(when: RuleConditions) -> list[Check]:
    """The rule's conditions as checks, cheapest first."""
    checks: list[Check] = []
    if when.is_brand_account is not None:
        flag = when.is_brand_account
        checks.append(lambda mention, _: mention.author.is_brand_account is flag)
    if when.language is not None:
        languages = frozenset(when.language)
        checks.append(lambda mention, _: mention.language in languages)
    if when.source is not None:
        sources = frozenset(when.source)
        checks.append(lambda mention, _: mention.source in sources)
    if when.intent is not None:
        intents = frozenset(when.intent)
        checks.append(lambda mention, _: mention.intent is not None and mention.intent.label in intents)
    if when.sentiment is not None:
        labels = frozenset(when.sentiment)
        checks.append(lambda mention, _: mention.sentiment is not None and mention.sentiment.label in labels)
    checks.extend(_ranges(when))
    if when.brand is not None or when.keyword_set is not None:
        checks.append(_brand_check(when))
    if when.terms_any is not None:
        any_of = _terms_pattern(when.terms_any)
        checks.append(lambda _, text: any_of.search(text.folded()) is not None)
    if when.terms_all is not None:
        every = [_terms_pattern([term]) for term in when.terms_all]
        checks.append(lambda _, text: all(pattern.search(text.folded()) for pattern in every))
    if when.terms_none is not None:
        none_of = _terms_pattern(when.terms_none)
        checks.append(lambda _, text: none_of.search(text.folded()) is None)
    return checks


def _ranges(when: RuleConditions) -> list[Check]:
    checks: list[Check] = []
    if when.followers_min is not None:
        least = when.followers_min
        checks.append(lambda mention, _: mention.author.followers >= least)
    if when.followers_max is not None:
        most = when.followers_max
        checks.append(lambda mention, _: mention.author.followers <= most)
    if when.sentiment_min is not None:
        low = when.sentiment_min
        checks.append(lambda mention, _: mention.sentiment is not None and mention.sentiment.score >= low)
    if when.sentiment_max is not None:
        high = when.sentiment_max
        checks.append(lambda mention, _: mention.sentiment is not None and mention.sentiment.score <= high)
    return checks


def _brand_check(when: RuleConditions) -> Check:
    """Some brand match satisfies both the brand and the keyword-set condition (each when set)."""
    brands = None if when.brand is None else frozenset(brand.lower() for brand in when.brand)
    sets = None if when.keyword_set is None else frozenset(when.keyword_set)

    def check(mention: EnrichedMention, _: _Text) -> bool:
        return any(
            (brands is None or match.brand.lower() in brands) and (sets is None or match.keyword_set in sets)
            for match in mention.brands
        )

    return check


def _terms_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    """One regex for any of ``terms`` on folded text: whole words, any spacing or punctuation between the
    words of a phrase, a trailing ``*`` for any word ending."""
    alternatives = []
    for term in terms:
        prefix = term.endswith("*")
        words = re.findall(r"\w+", fold_fast(term.rstrip("*")))  # not empty: schemas.rules checks terms
        alternatives.append(r"\W+".join(map(re.escape, words)) + (r"\w*" if prefix else ""))
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")
