"""Shared by the evaluation commands: labelled JSON Lines sets and per-label precision, recall and F1."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "data"

Label = TypeVar("Label", bound=str)


@dataclass(frozen=True)
class LabelScores:
    """Precision, recall and F1 of one label, and how many examples carry it."""

    precision: float
    recall: float
    f1: float
    support: int


def split_path(task: str, language: str, split: str, data_dir: Path = DATA_DIR) -> Path:
    """``<task>_<lang>.jsonl`` for the test split, ``<task>_<split>_<lang>.jsonl`` for the others."""
    infix = "" if split == "test" else f"{split}_"
    return data_dir / f"{task}_{infix}{language}.jsonl"


def load_records(path: Path) -> list[dict]:
    """The records of a JSON Lines file (blank lines skipped)."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def label_scores(
    gold: Sequence[str], predicted: Sequence[str], labels: Iterable[Label]
) -> dict[Label, LabelScores]:
    """Precision, recall and F1 of every label in ``labels``."""
    pairs = list(zip(gold, predicted, strict=True))
    scores = {}
    for label in labels:
        hits = sum(truth == label and guess == label for truth, guess in pairs)
        guessed = sum(guess == label for _, guess in pairs)
        support = sum(truth == label for truth, _ in pairs)
        precision = hits / guessed if guessed else 0.0
        recall = hits / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = LabelScores(precision, recall, f1, support)
    return scores
