"""Writes the topics' JSON Schemas from the pydantic models: ``python -m schemas.export``.

The files under ``schemas/json/`` are published for other systems; a unit test fails when they drift
from the models, so regenerate them with this module after changing a model.

The schemas of what the pipeline *produces* are open (``additionalProperties`` is left out): within a major
version fields are only ever added, so consumers must accept and ignore fields they do not know. The
schema of what the pipeline *accepts* (raw posts) stays closed: an unknown field there is an error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from schemas.alerts import Alert
from schemas.dlq import DlqRecord
from schemas.mentions import EnrichedMention
from schemas.posts import RawPost
from schemas.suggestions import TermSuggestion

SCHEMA_DIR = Path(__file__).with_name("json")

TOPIC_SCHEMAS: dict[str, type[BaseModel]] = {
    "raw-post": RawPost,
    "enriched-mention": EnrichedMention,
    "dlq-record": DlqRecord,
    "alert": Alert,
    "term-suggestion": TermSuggestion,
}
CLOSED_SCHEMAS = frozenset({"raw-post"})


def _opened(node: Any) -> Any:
    """The schema without ``additionalProperties: false`` anywhere, so that added fields stay valid."""
    if isinstance(node, dict):
        return {key: _opened(value) for key, value in node.items() if key != "additionalProperties"}
    if isinstance(node, list):
        return [_opened(value) for value in node]
    return node


def json_schema(name: str, model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one topic's messages."""
    schema = model.model_json_schema(mode="serialization")
    if name not in CLOSED_SCHEMAS:
        schema = _opened(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://webcare-pipeline.invalid/schemas/{name}.schema.json",
        **schema,
    }


def rendered(name: str, model: type[BaseModel]) -> str:
    """The schema file's exact text."""
    return json.dumps(json_schema(name, model), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_all(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every topic schema; return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in TOPIC_SCHEMAS.items():
        path = directory / f"{name}.schema.json"
        path.write_text(rendered(name, model), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path, file=sys.stderr)
