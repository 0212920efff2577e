"""Accuracy and per-label precision, recall and F1 of the sentiment analyzer on the labelled sets.

Run from the repository: ``python -m enrichers.evaluate_sentiment`` (test split) or ``--split dev``;
``--errors`` also lists the misclassified posts (use it on the dev split when tuning the lexicons).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from enrichers.evaluation import DATA_DIR, LabelScores, label_scores, load_records, split_path
from enrichers.sentiment import SentimentAnalyzer, label_for
from schemas.mentions import SentimentLabel

LANGUAGES = ("nl", "en")
SPLITS = ("test", "dev")


@dataclass(frozen=True)
class Example:
    """One labelled post."""

    text: str
    label: SentimentLabel


@dataclass(frozen=True)
class Evaluation:
    """The analyzer's results on one language's split."""

    language: str
    split: str
    accuracy: float
    labels: dict[SentimentLabel, LabelScores]
    errors: list[tuple[Example, SentimentLabel, float]]


def dataset_path(language: str, split: str, data_dir: Path = DATA_DIR) -> Path:
    """``sentiment_<lang>.jsonl`` for the test split, ``sentiment_dev_<lang>.jsonl`` for dev."""
    return split_path("sentiment", language, split, data_dir)


def load_examples(path: Path) -> list[Example]:
    """The labelled posts of one JSON Lines file (fields text, label, source)."""
    return [Example(record["text"], SentimentLabel(record["label"])) for record in load_records(path)]


def evaluate(analyzer: SentimentAnalyzer, language: str, split: str, data_dir: Path = DATA_DIR) -> Evaluation:
    """Score every example of one split and compare the labels."""
    examples = load_examples(dataset_path(language, split, data_dir))
    scores = [analyzer.score(example.text, language) or 0.0 for example in examples]
    predicted = [label_for(score) for score in scores]
    correct = sum(guess == example.label for guess, example in zip(predicted, examples, strict=True))
    errors = [
        (example, guess, score)
        for example, guess, score in zip(examples, predicted, scores, strict=True)
        if guess != example.label
    ]
    labels = label_scores([example.label for example in examples], predicted, SentimentLabel)
    return Evaluation(language, split, correct / len(examples), labels, errors)


def format_report(evaluation: Evaluation, show_errors: bool = False) -> str:
    """A small table: accuracy, then precision, recall, F1 and support per label."""
    total = sum(scores.support for scores in evaluation.labels.values())
    lines = [
        f"{evaluation.language} ({evaluation.split}, {total} posts): accuracy {evaluation.accuracy:.3f}",
        f"  {'label':<9} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
    ]
    for label, scores in evaluation.labels.items():
        lines.append(
            f"  {label.value:<9} {scores.precision:>9.3f} {scores.recall:>7.3f} {scores.f1:>6.3f} "
            f"{scores.support:>8}"
        )
    if show_errors:
        for example, guess, score in evaluation.errors:
            lines.append(f"  ! {example.label.value:>8} -> {guess:<8} {score:+.3f}  {example.text}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the report for each language."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, default="test")
    parser.add_argument("--language", choices=LANGUAGES, action="append")
    parser.add_argument("--errors", action="store_true", help="list the misclassified posts")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    analyzer = SentimentAnalyzer()
    for language in args.language or LANGUAGES:
        print(format_report(evaluate(analyzer, language, args.split, args.data_dir), args.errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
