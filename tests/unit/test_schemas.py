"""The published JSON Schemas and the index mapping must follow the pydantic models."""

from __future__ import annotations

from typing import Any

import pytest

from schemas.export import SCHEMA_DIR, TOPIC_SCHEMAS, json_schema, rendered
from schemas.mentions import EnrichedMention
from sinks.bulk import BRAND_NAMES_FIELD, INDEXED_AT_FIELD
from sinks.index_template import mentions_template
from sinks.updates import (
    DUPLICATE_OF_CREATED_AT_FIELD,
    DUPLICATE_OF_FIELD,
    FIRST_RESPONSE_AT_FIELD,
    REPOST_COUNT_FIELD,
    RESPONSE_SECONDS_FIELD,
)

INDEX_ONLY_FIELDS = {
    INDEXED_AT_FIELD,
    BRAND_NAMES_FIELD,
    FIRST_RESPONSE_AT_FIELD,
    RESPONSE_SECONDS_FIELD,
    DUPLICATE_OF_FIELD,
    DUPLICATE_OF_CREATED_AT_FIELD,
    REPOST_COUNT_FIELD,
}
"""Fields the sink adds to the documents: mapped, but not part of the mention contract."""


@pytest.mark.parametrize("name", sorted(TOPIC_SCHEMAS))
def test_published_schema_matches_model(name: str) -> None:
    published = (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    assert published == rendered(name, TOPIC_SCHEMAS[name]), (
        f"schemas/json/{name}.schema.json is out of date: run `python -m schemas.export`"
    )


def _schema_fields(schema: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> set[str]:
    """Dotted paths of every property, following $ref into objects and arrays of objects."""
    fields: set[str] = set()
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        fields.add(path)
        target = prop.get("items", prop)
        options = target.get("anyOf", [target])
        for option in options:
            option = option.get("items", option)
            if "$ref" in option:
                ref = defs[option["$ref"].rsplit("/", 1)[1]]
                if ref.get("type") == "object":
                    fields |= _schema_fields(ref, defs, f"{path}.")
    return fields


def _mapping_fields(properties: dict[str, Any], prefix: str = "") -> set[str]:
    fields: set[str] = set()
    for name, mapping in properties.items():
        fields.add(f"{prefix}{name}")
        fields |= _mapping_fields(mapping.get("properties", {}), f"{prefix}{name}.")
    return fields


def test_index_mapping_covers_exactly_the_mention_fields() -> None:
    schema = json_schema("enriched-mention", EnrichedMention)
    model_fields = _schema_fields(schema, schema["$defs"])
    mapping = mentions_template()["template"]["mappings"]
    mapped = _mapping_fields(mapping["properties"])
    assert mapping["dynamic"] == "strict"
    assert mapped == model_fields | INDEX_ONLY_FIELDS
    assert not model_fields & INDEX_ONLY_FIELDS


def test_mapping_check_sees_nested_fields() -> None:
    schema = json_schema("enriched-mention", EnrichedMention)
    fields = _schema_fields(schema, schema["$defs"])
    assert {"author.followers", "brands.keyword_set", "engagement.likes"} <= fields
