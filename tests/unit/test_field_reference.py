"""The committed field reference is the generated one, and it covers every mapped field."""

from __future__ import annotations

from schemas.mentions import EnrichedMention
from sinks.field_reference import DOC_FILE, alerts_fields, describe, mentions_fields, render


def test_docs_fields_md_is_the_generated_text() -> None:
    assert DOC_FILE.read_text(encoding="utf-8") == render(), "run: python -m sinks.field_reference"


def test_every_mapped_field_has_a_row() -> None:
    text = render()
    for field in [*mentions_fields(), *alerts_fields()]:
        assert f"| `{field}` |" in text


def test_descriptions_come_from_the_models_and_their_enums() -> None:
    assert describe(EnrichedMention, {}, "priority") == "Inbox order: higher first."
    assert describe(EnrichedMention, {}, "author.followers") == "Reach of the author at posting time."
    assert "`complaint`" in describe(EnrichedMention, {}, "intent.label")
    assert describe(EnrichedMention, {}, "brand_names") == ""  # index only: the notes describe it
