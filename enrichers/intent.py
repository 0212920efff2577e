"""Intent of Dutch and English posts: a transparent weighted cue classifier, in plain Python.

What the author wants: ``complaint``, ``question``, ``praise``, ``outage`` (an outage or incident report),
``purchase_intent`` or ``other``. No labelled webcare corpus ships with a package this project can use,
and a model trained on a few hundred hand-written posts would mostly learn their brand names and wording.
A short list of cues per language, written from the domain and tuned on the dev split, is readable, fast
(about 15-20 us a post) and easy for a webcare team to extend; ``python -m enrichers.evaluate_intent``
measures it on the hand-labelled sets ``tests/data/intent_*.jsonl``.

How a post is scored:

1. The text is folded (lower case, no accents) and split into word tokens, without URLs and @handles
   (``#`` of hashtags is dropped); a number is one token that a ``#`` in a cue matches ("al # uur" matches
   "al 3 uur"; "4G" is "#" "g"), and clause punctuation marks are tokens of their own.
2. Cues are words or phrases (``geen internet``), or ``*storing`` for any word ending so (stroomstoring,
   pinstoring). Scanning left to right, the longest cue that starts at a token wins and its tokens are
   consumed; each cue adds its weight to its intent once per post. A complaint, outage or praise cue is
   ignored when a negator (``geen``, ``niet``, ``nooit``, ``no``, ``not``, ``never``, ...) stands in the
   ``NEGATION_WINDOW`` tokens before it within the clause, unless the cue contains the negator itself ("nog
   nooit een storing" reports no outage; "geen internet" does).
3. A ``?`` adds ``QUESTION_MARK`` to question, a first token that is a question word ``QUESTION_START``.
   Sentiment, when given, adds ``SENTIMENT_WEIGHT`` x |score| to complaint (negative) or praise (positive).
4. ``other`` starts at ``OTHER_SCORE`` (plus its own cues: greetings, news, announcements). The label is the
   intent with the highest score (ties go to the earlier one in ``INTENTS``), and the confidence is its
   softmax probability over the six scores, rounded to 0.01.

Cue weights encode precedence: outage cues (3) beat complaint cues (2), purchase cues (3.5) beat the
question form (a question about buying is a purchase intent), and a plain question word weighs 0.5.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from enrichers.text import ChunkTokenizer
from schemas.mentions import Intent, IntentLabel, Sentiment, SentimentLabel

QUESTION_MARK = 1.0
QUESTION_START = 1.0
SENTIMENT_WEIGHT = 1.5
OTHER_SCORE = 1.0
NEGATION_WINDOW = 3

INTENTS = (
    IntentLabel.other,
    IntentLabel.outage,
    IntentLabel.complaint,
    IntentLabel.purchase_intent,
    IntentLabel.question,
    IntentLabel.praise,
)
NEGATABLE = frozenset({IntentLabel.outage, IntentLabel.complaint, IntentLabel.praise})

_TOKEN = re.compile(r"https?://\S+|www\.\S+|(?<!\w)@\w+|([^\W\d_]+|\d+|[.,;:!?])")
_NUMBER = re.compile(r"\d+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
BREAKS = frozenset(".,;:!?")
AFFIX_CACHE_SIZE = 50_000

Cues = Mapping[IntentLabel, Mapping[float, str]]
"""Per intent, per weight: cues separated by ``|``."""

DUTCH: Cues = {
    IntentLabel.outage: {
        3.0: "storing | storingen | *storing | *storingen | ligt eruit | liggen eruit | ligt er uit | plat | "
        "ligt stil | stroomuitval | *uitval | uitgevallen | down | offline | geen internet | geen bereik | "
        "geen stroom | geen signaal | geen tv | geen netwerk | geen verbinding | geen # g | "
        "zonder internet | zonder stroom | zonder bereik | geen treinen | rijden niet | rijden geen | "
        "valt weg | valt steeds weg | vallen weg | valt uit | doet het niet | doen het niet | "
        "doet niks | doen niks | volledig uit",
        2.0: "werkt niet | werken niet | lukt niet | kan niet inloggen | niet inloggen | "
        "foutmelding | error | wit scherm | doet helemaal niks | bij iedereen | iemand anders ook",
        1.0: "hele straat | hele wijk | heel de wijk | hele dorp | hele flat | sinds vanochtend | "
        "sinds vannacht | al # uur | sinds # uur | bereik | signaal",
    },
    IntentLabel.complaint: {
        2.0: "vertraging | vertraagd | te laat | kwijt | kapot | beschadigd | klacht | schandalig | "
        "belachelijk | oplichters | oplichting | diefstal | afgeschreven | afschrijven | terugstorten | "
        "teruggestort | terugbetalen | geld terug | boete | in de wacht | wachttijd | geen reactie | "
        "nul reactie | reageert niet | reageert gewoon niet | reageert niemand | niks meer | "
        "komen opdagen | opzeggen | opgezegd | het zat | klaar mee | nooit meer | verkeerde | "
        "klopt niet | irritant | frustrerend | waardeloos | slecht | slechtste | traag | "
        "geschrapt | in behandeling | nog steeds niet | ben ik klaar | onbegrijpelijk | verzet | "
        "niet klopt | hoe vaak | hoe vaak nog",
        1.0: "alweer | weer | nog steeds | wachten | wacht | al # weken | al # dagen | # weken | "
        "nergens | niemand | zelf | betalen",
    },
    IntentLabel.question: {
        2.0: "vraagje | weet iemand | iemand een idee | is het mogelijk | hoe kan ik | hoe zet ik | "
        "hoe vraag ik | hoe werkt | hoe lang | hoe laat | wat betekent | tot hoe laat | hoe verander",
        1.0: "geldt | uitleggen | vraag",
        0.5: "hoe | wat | waar | wanneer | waarom | welke | welk | wie | kan ik | kun je | mag ik | moet ik",
    },
    IntentLabel.praise: {
        2.0: "bedankt | dank | dankjewel | bedankje | tevreden | blij | complimenten | compliment | "
        "chapeau | goed geregeld | top geregeld | goed bezig | aanrader | geweldig | geweldige | "
        "vriendelijk | vriendelijke | behulpzaam | opgelost | dikke duim | shout out | snel geholpen | "
        "fijn geholpen | goed geholpen | prima geholpen | lief | top",
        1.0: "super | fijn | fijne | prima | netjes | snel | snelle | goed | keurig | op tijd",
    },
    IntentLabel.other: {
        2.0: "goedemorgen | fijne maandag | fijn weekend | fijne dagen | volg ons | nieuws | rapport | "
        "livestream | podcast | aflevering | jaarcijfers | analisten | sponsort | zoekt nieuwe | "
        "lanceert | opent een nieuwe | rt",
    },
    IntentLabel.purchase_intent: {
        3.5: "overstappen | over te stappen | overstap | stap over | stappen over | ga over naar | "
        "overweeg | overwegen | twijfel | bestellen | kopen | te koop | aanschaffen | afsluiten | "
        "aanmelden | op zoek naar | zoek een | aanraden | raden jullie aan | wat kost | hoeveel kost | "
        "offerte | interesse | op voorraad | uitverkocht | denk erover | naar jullie toe | "
        "ervaring met | iemand ervaring | ervaringen | klant worden | nieuwe klanten",
        1.5: "openen | abonnement nemen | nemen | aanbieding | actie | deal | prijs | kost | verkopen | "
        "voordeligst | tips | ik wil",
    },
}

ENGLISH: Cues = {
    IntentLabel.outage: {
        3.0: "outage | outages | *outage | down | offline | power cut | power failure | blackout | "
        "power went out | no internet | no signal | no power | no service | no tv | no network | "
        "no connection | no # g | no trains | without internet | without power | without signal | "
        "disruption | signal failure | suspended | keeps dropping | went out",
        2.0: "not working | isn t working | doesn t work | can t log in | cannot log in | "
        "can t connect | server error | # error | error | failing | having issues | is broken | "
        "blank screen | everyone | anyone else",
        1.0: "whole street | whole neighbourhood | whole village | entire | since this morning | "
        "since last night | for # hours | dead | signal",
    },
    IntentLabel.complaint: {
        2.0: "delay | delayed | late | lost | broken | damaged | complaint | ridiculous | unbelievable | "
        "disgraceful | scam | scammers | robbery | charged twice | double charged | refund | refunded | "
        "fee | on hold | hung up | no response | zero response | nobody answers | doesn t respond | "
        "never showed up | cancel | fed up | done with this | never again | wrong | annoying | "
        "frustrating | useless | worst | poor | slow | missed | keep taking | hasn t been | still hasn t | "
        "still waiting | in progress | nobody knows | soaked | how many times | how often",
        1.0: "again | waiting | still | for weeks | # weeks | # days | nothing | myself | nowhere",
    },
    IntentLabel.question: {
        2.0: "quick question | anyone know | does anyone know | is it possible | how do i | how long | "
        "what time | until what time | what does | what exactly | how do",
        1.0: "explain | question",
        0.5: "how | what | where | when | why | which | who | can i | can you | could you | do you | "
        "does | do i | are there",
    },
    IntentLabel.praise: {
        2.0: "thanks | thank you | thx | kudos | brilliant | well done | hats off | happy | love | "
        "excellent | amazing | awesome | helpful | friendly | sorted | solved | recommended | shout out | "
        "shoutout | compliments | pleased | lovely | great | sweet | well handled | well organised | "
        "top service",
        1.0: "nice | fast | quick | quickly | on time | nicely | clearly | well",
    },
    IntentLabel.other: {
        2.0: "good morning | happy monday | have a great weekend | happy holidays | follow us | news | "
        "report | livestream | podcast | episode | annual results | analysts | sponsors | hiring | "
        "launches | opens a new | rt",
    },
    IntentLabel.purchase_intent: {
        3.5: "switch to | switching to | switching | thinking of switching | considering | thinking about | "
        "tempted | torn between | order | buy | for sale | sign up | in stock | sold out | looking for | "
        "recommend | recommendations | how much is | how much does | quote | interested in | "
        "come over to you | move over | moving to | take out | anyone tried | experience with | "
        "new customers | planning to",
        1.5: "open a | open an | get a | get an | deal | offer | cost | price | sell | cheapest | tips | "
        "i want | i d like",
    },
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NEGATORS: Mapping[str, frozenset[str]] = {
    "nl": _words("geen niet nooit niks niets zonder nul"),
    "en": _words("no not never nothing without zero t"),
}
QUESTION_WORDS: Mapping[str, frozenset[str]] = {
    "nl": _words(
        "hoe wat waar wanneer waarom welke welk wie kan kun kunnen mag moet is zijn heeft hebben weet werkt "
        "geldt klopt"
    ),
    "en": _words(
        "how what where when why which who can could do does is are will would should has have anyone"
    ),
}


@dataclass(frozen=True, slots=True, eq=False)
class _Cue:
    intent: IntentLabel
    weight: float
    tokens: tuple[str, ...]
    negatable: bool


class _LanguageCues:
    """One language's cues, indexed for a single pass over a post's tokens."""

    def __init__(self, cues: Cues, negators: frozenset[str], question_words: frozenset[str]) -> None:
        self.by_first: dict[str, list[_Cue]] = {}
        self.prefixes: dict[str, _Cue] = {}
        self.suffixes: dict[str, _Cue] = {}
        self.negators = negators
        self.question_words = question_words
        for intent, weighted in cues.items():
            for weight, written in weighted.items():
                for entry in written.split("|"):
                    self._add(intent, weight, entry.strip())
        for candidates in self.by_first.values():
            candidates.sort(key=lambda cue: -len(cue.tokens))
        self._affix_cache: dict[str, _Cue | None] = {}

    def _add(self, intent: IntentLabel, weight: float, entry: str) -> None:
        tokens = tuple(_tokens(entry.replace("#", "0")))  # "#" in a cue stands for any number: "0"
        if not tokens:
            raise ValueError(f"empty intent cue for {intent}")
        negatable = intent in NEGATABLE and not self.negators.intersection(tokens)
        cue = _Cue(intent, weight, tokens, negatable)
        if entry.startswith("*"):
            self.suffixes[tokens[0]] = cue
        elif entry.endswith("*"):
            self.prefixes[tokens[0]] = cue
        else:
            self.by_first.setdefault(tokens[0], []).append(cue)

    def scores(self, tokens: list[str]) -> dict[IntentLabel, float]:
        """The summed weights of the cues found in ``tokens`` (longest match first, each cue once)."""
        found: set[_Cue] = set()
        next_free = 0
        for position, token in enumerate(tokens):
            if position < next_free:
                continue
            cue = self._longest(tokens, position, token)
            if cue is not None:
                if not (cue.negatable and self._negated(tokens, position)):
                    found.add(cue)
                next_free = position + len(cue.tokens)
        totals: dict[IntentLabel, float] = {}
        for cue in found:
            totals[cue.intent] = totals.get(cue.intent, 0.0) + cue.weight
        return totals

    def _longest(self, tokens: list[str], position: int, token: str) -> _Cue | None:
        candidates = self.by_first.get(token)
        if candidates is not None:
            for cue in candidates:
                if len(cue.tokens) == 1 or tuple(tokens[position : position + len(cue.tokens)]) == cue.tokens:
                    return cue
            return None
        if token in self._affix_cache:
            return self._affix_cache[token]
        cue = self._affix(token)
        if len(self._affix_cache) >= AFFIX_CACHE_SIZE:
            self._affix_cache.clear()
        self._affix_cache[token] = cue
        return cue

    def _affix(self, token: str) -> _Cue | None:
        for suffix, cue in self.suffixes.items():
            if token.endswith(suffix):
                return cue
        for prefix, cue in self.prefixes.items():
            if token.startswith(prefix):
                return cue
        return None

    def _negated(self, tokens: list[str], position: int) -> bool:
        for token in reversed(tokens[max(0, position - NEGATION_WINDOW) : position]):
            if token in BREAKS:
                return False
            if token in self.negators:
                return True
        return False


def _tokens(text: str) -> list[str]:
    """Folded word tokens without URLs and @handles; numbers become ``0``, letters and digits split
    ("4g" -> "0", "g"), and clause punctuation marks are tokens of their own."""
    folded = _NUMBER.sub("0", fold_fast(text))
    return list(filter(None, _TOKEN.findall(folded)))


def fold_fast(text: str) -> str:
    """Lower case without accents, like :func:`enrichers.text.fold` but faster on the usual ASCII text."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    return _COMBINING.sub("", unicodedata.normalize("NFKD", folded))


@functools.cache
def _intent(label: IntentLabel, confidence: float) -> Intent:
    """Intents are immutable values; the few hundred possible ones are built once."""
    return Intent(label=label, confidence=confidence)


class IntentClassifier:
    """Intent for batches of Dutch and English posts; build once per process."""

    def __init__(self) -> None:
        self._cues = {
            "nl": _LanguageCues(DUTCH, NEGATORS["nl"], QUESTION_WORDS["nl"]),
            "en": _LanguageCues(ENGLISH, NEGATORS["en"], QUESTION_WORDS["en"]),
        }
        self._tokenize = ChunkTokenizer(_tokens)

    def classify(
        self,
        texts: Sequence[str],
        languages: Sequence[str],
        sentiments: Sequence[Sentiment | None] | None = None,
    ) -> list[Intent | None]:
        """One Intent per text, in order; None where the language is not Dutch or English."""
        if len(texts) != len(languages):
            raise ValueError(f"{len(texts)} texts but {len(languages)} languages")
        moods = sentiments if sentiments is not None else [None] * len(texts)
        return [
            self._classify(text, language, mood)
            for text, language, mood in zip(texts, languages, moods, strict=True)
        ]

    def scores(
        self, text: str, language: str, sentiment: Sentiment | None = None
    ) -> dict[IntentLabel, float]:
        """Every intent's score for one text (for explaining a decision); empty for other languages."""
        cues = self._cues.get(language)
        if cues is None:
            return {}
        tokens = self._tokenize(text)
        scores = dict.fromkeys(INTENTS, 0.0)
        scores.update(cues.scores(tokens))
        scores[IntentLabel.other] += OTHER_SCORE
        if "?" in tokens:
            scores[IntentLabel.question] += QUESTION_MARK
        if tokens and tokens[0] in cues.question_words:
            scores[IntentLabel.question] += QUESTION_START
        if sentiment is not None and sentiment.label is SentimentLabel.negative:
            scores[IntentLabel.complaint] += SENTIMENT_WEIGHT * -sentiment.score
        elif sentiment is not None and sentiment.label is SentimentLabel.positive:
            scores[IntentLabel.praise] += SENTIMENT_WEIGHT * sentiment.score
        return scores

    def _classify(self, text: str, language: str, sentiment: Sentiment | None) -> Intent | None:
        scores = self.scores(text, language, sentiment)
        if not scores:
            return None
        best = max(INTENTS, key=scores.__getitem__)
        top = scores[best]
        total = sum(math.exp(score - top) for score in scores.values())
        return _intent(best, round(1.0 / total, 2))
