"""docs/configuration.md is generated from the settings models and must not drift from them."""

from __future__ import annotations

from pathlib import Path

from pipeline.config_reference import reference
from pipeline.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_committed_reference_equals_the_generated_one() -> None:
    assert DOC.read_text(encoding="utf-8") == reference(), (
        "docs/configuration.md is stale: run `python -m pipeline.config_reference`"
    )


def test_every_setting_is_documented_with_its_environment_variable() -> None:
    text = reference()
    for section, field in Settings.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and hasattr(model, "model_fields"):
            for name in model.model_fields:
                assert f"`{section}.{name}`" in text
                assert f"`WEBCARE_{section.upper()}__{name.upper()}`" in text


def test_secrets_show_no_default_and_types_are_readable() -> None:
    text = reference()
    assert "| `search.password` | secret \\| null | unset |" in text
    assert "0x" not in text  # no object addresses: the output is stable
