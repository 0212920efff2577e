"""Language identification on the labelled short posts: ``python -m enrichers.evaluate_language``.

The set (``tests/data/language_short.jsonl``, written for this project, CC0) holds short webcare posts in
eight languages. Each post is also scored in a noisy form, as posts look on social media: an @handle, a
hashtag, a URL and an emoji added, or the whole post in capitals.
"""

from __future__ import annotations

import json
from pathlib import Path

from enrichers.evaluation import LabelScores, label_scores
from enrichers.language import LanguageDetector

EVALUATION_SET = Path(__file__).resolve().parents[1] / "tests" / "data" / "language_short.jsonl"


def load_set(path: Path = EVALUATION_SET) -> list[tuple[str, str]]:
    """(text, language) pairs."""
    with path.open(encoding="utf-8") as lines:
        return [(item["text"], item["language"]) for item in map(json.loads, lines)]


def noisy(text: str, number: int) -> str:
    """The same post as social media would show it: one of four kinds of noise."""
    variants = (
        f"@kabelkat {text} #fail",
        f"{text} https://t.co/x{number} 😡",
        text.upper(),
        f"@duitenbank_helpt @wattwolk {text}!!! 🙏",
    )
    return variants[number % len(variants)]


def score(pairs: list[tuple[str, str]], detector: LanguageDetector) -> dict[str, LabelScores]:
    """Per-language precision, recall and F1 over ``pairs``."""
    guesses = [guess.language for guess in detector.detect([text for text, _ in pairs])]
    truth = [language for _, language in pairs]
    return label_scores(truth, guesses, sorted(set(truth)))


def main() -> None:
    detector = LanguageDetector()
    clean = load_set()
    variants = {
        "clean": clean,
        "noisy": [(noisy(text, number), language) for number, (text, language) in enumerate(clean)],
    }
    print(f"{'set':<7}{'language':<10}{'precision':>10}{'recall':>8}{'F1':>7}{'posts':>7}")
    for name, pairs in variants.items():
        for language, scores in score(pairs, detector).items():
            print(
                f"{name:<7}{language:<10}{scores.precision:>10.3f}{scores.recall:>8.3f}"
                f"{scores.f1:>7.3f}{scores.support:>7}"
            )


if __name__ == "__main__":
    main()
