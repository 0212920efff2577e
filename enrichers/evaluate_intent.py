"""Accuracy and per-intent precision, recall and F1 of the intent classifier on the labelled sets.

Run from the repository: ``python -m enrichers.evaluate_intent`` (test split) or ``--split dev``;
``--errors`` also lists the misclassified posts (use it on the dev split when tuning the cues). The
classifier gets each post's sentiment from the project's sentiment analyzer, as in the stream.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from enrichers.evaluation import DATA_DIR, LabelScores, label_scores, load_records, split_path
from enrichers.intent import IntentClassifier
from enrichers.sentiment import SentimentAnalyzer
from schemas.mentions import IntentLabel

LANGUAGES = ("nl", "en")
SPLITS = ("test", "dev")


@dataclass(frozen=True)
class Example:
    """One labelled post."""

    text: str
    label: IntentLabel


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
    return split_path("intent", language, split, data_dir)


def load_examples(path: Path) -> list[Example]:
    """The labelled posts of one JSON Lines file (fields text, label, source)."""
    return [Example(record["text"], IntentLabel(record["label"])) for record in load_records(path)]


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
    labels = label_scores([example.label for example in examples], predicted, IntentLabel)
    return Evaluation(language, split, 1 - len(errors) / len(examples), labels, errors)


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
