"""The ``webcare suggest`` table and its options."""

from __future__ import annotations

from datetime import UTC, datetime

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.commands.suggest import format_table
from schemas.suggestions import SuggestionExample, SuggestionKind, SuggestionScope, TermSuggestion


def test_the_table_has_one_aligned_row_per_suggestion() -> None:
    start = datetime(2025, 6, 2, 9, 10, tzinfo=UTC)
    item = TermSuggestion(
        id="x",
        brand="Kabelkat",
        kind=SuggestionKind.rising,
        scope=SuggestionScope.topic,
        term="kastje knippert",
        language="nl",
        score=38.24,
        lift=21.0,
        count=19,
        posts=28,
        baseline_count=0,
        baseline_posts=30,
        baseline_rate=0.0,
        window_start=start,
        window_end=start,
        examples=[
            SuggestionExample(id="p1", text="Al een uur   geen tv zenders, kastje knippert rood. " * 3)
        ],
        created_at=start,
    )
    header, row = format_table([item])
    assert header.split() == ["term", "brand", "kind", "scope", "score", "count", "example"]
    assert row.startswith(
        "kastje knippert  Kabelkat  rising  topic  38.2   19/28  Al een uur geen tv zenders"
    )
    assert row.endswith("…") and header.index("example") == row.index("Al een")


def test_since_takes_durations_or_all() -> None:
    result = CliRunner().invoke(main, ["suggest", "--since", "yesterday"])
    assert result.exit_code == 2 and "24h, 7d" in result.output
