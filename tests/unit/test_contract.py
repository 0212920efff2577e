"""The topic contract: published schemas stay compatible within a major version."""

from __future__ import annotations

import copy
import json

import pytest

from schemas.compat import breaking_changes
from schemas.export import SCHEMA_DIR, TOPIC_SCHEMAS, json_schema

RELEASED = SCHEMA_DIR / "released"


def _major(name: str) -> str:
    return TOPIC_SCHEMAS[name].model_fields["schema_version"].default.split(".")[0]


@pytest.mark.parametrize("name", sorted(TOPIC_SCHEMAS))
def test_current_schema_is_compatible_with_its_released_major_version(name: str) -> None:
    released_file = RELEASED / f"{name}.v{_major(name)}.schema.json"
    assert released_file.exists(), f"release {released_file.name}: copy the current schema there"
    released = json.loads(released_file.read_text(encoding="utf-8"))
    assert breaking_changes(released, json_schema(name, TOPIC_SCHEMAS[name])) == []


@pytest.fixture
def mention_schema() -> dict:
    return json_schema("enriched-mention", TOPIC_SCHEMAS["enriched-mention"])


def test_adding_a_field_is_compatible(mention_schema: dict) -> None:
    newer = copy.deepcopy(mention_schema)
    newer["properties"]["mood"] = {"type": "string"}
    newer["$defs"]["Author"]["properties"]["verified"] = {"type": "boolean"}
    assert breaking_changes(mention_schema, newer) == []


def test_adding_an_enum_value_is_compatible(mention_schema: dict) -> None:
    newer = copy.deepcopy(mention_schema)
    newer["$defs"]["Source"]["enum"].append("threads")
    assert breaking_changes(mention_schema, newer) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda s: s["properties"].pop("language"), "$.language: removed"),
        (lambda s: s["$defs"]["Author"]["properties"].pop("followers"), "$.author.followers: removed"),
        (lambda s: s["properties"]["language"].update(type="integer"), "$.language: type ['string'] became"),
        (
            lambda s: s["properties"].update(language={"anyOf": [{"type": "string"}, {"type": "null"}]}),
            "$.language: type ['string'] became ['null', 'string']",
        ),
        (lambda s: s["required"].remove("text"), "$.text: no longer required"),
        (lambda s: s["$defs"]["Source"]["enum"].remove("forum"), "$.source: enum values removed: ['forum']"),
        (
            lambda s: s["$defs"]["BrandMatch"]["properties"].pop("terms"),
            "$.brands[].terms: removed",
        ),
    ],
)
def test_breaking_changes_are_found(mention_schema: dict, change, problem: str) -> None:
    newer = copy.deepcopy(mention_schema)
    change(newer)
    problems = breaking_changes(mention_schema, newer)
    assert any(found.startswith(problem) for found in problems), problems
