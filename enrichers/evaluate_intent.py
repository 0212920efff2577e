"""Accuracy and per-intent precision, recall and F1 of the intent classifier on the labelled sets.

Run from the repository: ``python -m enrichers.evaluate_intent`` (test split) or ``--split dev``;
``--errors`` also lists the misclassified posts (use it on the dev split when tuning the cues). The
classifier gets each post's sentiment from the project's sentiment analyzer, as in the stream.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from enrichers.intent import IntentClassifier
from enrichers.sentiment import SentimentAnalyzer
from schemas.mentions import IntentLabel

DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "data"
LANGUAGES = ("nl", "en")
SPLITS = ("test", "dev")


@dataclass(frozen=True)
class Example:
    """One labelled post."""

    text: str
    label: IntentLabel


@dataclass(frozen=True)
class LabelScores:
    """Precision, recall and F1 of one intent, and how many examples carry it."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Evaluation:
    """The classifier's results on one language's split."""

    language: str
    split: str
    accuracy: float
    labels: dict[IntentLabel, LabelScores]
    errors: list[tuple[Example, IntentLabel]]


def dataset_path(language: str, split: str, data_dir: Path = DATA_DIR) -> Path:
    """``intent_<lang>.jsonl`` for the test split, ``intent_dev_<lang>.jsonl`` for dev."""
    infix = "" if split == "test" else f"{split}_"
    return data_dir / f"intent_{infix}{language}.jsonl"


def load_examples(path: Path) -> list[Example]:
    """The labelled posts of one JSON Lines file (fields text, label, source)."""
    with path.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return [Example(record["text"], IntentLabel(record["label"])) for record in records]


def evaluate(
    classifier: IntentClassifier,
    sentiment: SentimentAnalyzer,
    language: str,
    split: str,
    data_dir: Path = DATA_DIR,
) -> Evaluation:
    """Classify every example of one split and compare the labels."""
    examples = load_examples(dataset_path(language, split, data_dir))
    texts = [example.text for example in examples]
    languages = [language] * len(texts)
    intents = classifier.classify(texts, languages, sentiment.analyze(texts, languages))
    predicted = [intent.label if intent else IntentLabel.other for intent in intents]
    errors = [
        (example, guess) for example, guess in zip(examples, predicted, strict=True) if guess != example.label
    ]
    labels = {label: _label_scores(label, examples, predicted) for label in IntentLabel}
    return Evaluation(language, split, 1 - len(errors) / len(examples), labels, errors)


def _label_scores(label: IntentLabel, examples: Sequence[Example], predicted: Sequence[str]) -> LabelScores:
    pairs = list(zip((example.label for example in examples), predicted, strict=True))
    true_positives = sum(gold == label and guess == label for gold, guess in pairs)
    guessed = sum(guess == label for _, guess in pairs)
    support = sum(gold == label for gold, _ in pairs)
    precision = true_positives / guessed if guessed else 0.0
    recall = true_positives / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return LabelScores(precision, recall, f1, support)


def format_report(evaluation: Evaluation, show_errors: bool = False) -> str:
    """A small table: accuracy, then precision, recall, F1 and support per intent."""
    total = sum(scores.support for scores in evaluation.labels.values())
    lines = [
        f"{evaluation.language} ({evaluation.split}, {total} posts): accuracy {evaluation.accuracy:.3f}",
        f"  {'intent':<16} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
    ]
    for label, scores in evaluation.labels.items():
        lines.append(
            f"  {label.value:<16} {scores.precision:>9.3f} {scores.recall:>7.3f} {scores.f1:>6.3f} "
            f"{scores.support:>8}"
        )
    if show_errors:
        for example, guess in evaluation.errors:
            lines.append(f"  ! {example.label.value:>15} -> {guess.value:<15} {example.text}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the report for each language."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, default="test")
    parser.add_argument("--language", choices=LANGUAGES, action="append")
    parser.add_argument("--errors", action="store_true", help="list the misclassified posts")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    classifier, sentiment = IntentClassifier(), SentimentAnalyzer()
    for language in args.language or LANGUAGES:
        evaluation = evaluate(classifier, sentiment, language, args.split, args.data_dir)
        print(format_report(evaluation, args.errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
