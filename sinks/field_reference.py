"""The analysts' field reference (``docs/fields.md``), generated from the mappings and the pydantic models.

Every field of the mentions index template and of the alerts index mapping gets a row: its path, its
mapping type, whether Kibana can aggregate on it, and a description: the pydantic ``description``, the
allowed values of an enum, or a note below for fields the models do not describe (index-only fields,
analysed subfields). Regenerate after a mapping or model change: ``python -m sinks.field_reference``;
a unit test fails while ``docs/fields.md`` differs from what this renders.
"""

from __future__ import annotations

import enum
import types
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pipeline.alerting.delivery import ALERTS_MAPPINGS
from schemas.alerts import Alert
from schemas.mentions import EnrichedMention
from sinks.index_template import mentions_template

DOC_FILE = Path(__file__).resolve().parents[1] / "docs" / "fields.md"

AGGREGATABLE = {"keyword", "long", "integer", "short", "byte", "float", "double", "date", "boolean"}

MENTION_NOTES = {
    "schema_version": "Version of the mention contract the document follows.",
    "id": "Post id, unique across sources (`<source>:<platform id>`); also the document `_id`.",
    "url": "Link to the post (stored, not searchable).",
    "author.id": "The author's id on the platform.",
    "author.handle": "The author's handle, without '@'.",
    "author.name": "Display name (full text); `author.name.raw` for exact values.",
    "author.name.raw": "Display name, exact (keyword, first 256 characters).",
    "text": "The post's text (standard analyzer). Use the subfields for language-aware search.",
    "text.nl": "Dutch analysis (stemming, stop words): `storingen` finds `storing`.",
    "text.en": "English analysis (stemming, stop words).",
    "text.folded": "Lower-cased, accent-folded words that keep `@` and `#` (`@kabelkat`, `#wifi`); the "
    "field of the brand keyword queries and of significant_text.",
    "title": "Title of a review, forum thread or article.",
    "title.nl": "Dutch analysis of the title.",
    "title.en": "English analysis of the title.",
    "title.folded": "Lower-cased, accent-folded title, like `text.folded`.",
    "created_at": "When the post was written (UTC); the time field of the data views.",
    "engagement.reposts": "Reposts (retweets, boosts, shares); only goes up on later updates.",
    "engagement.replies": "Replies; only goes up on later updates.",
    "engagement.likes": "Likes or favourites; only goes up on later updates.",
    "language_confidence": "Confidence of the language guess (0..1).",
    "brands": "Nested: one entry per brand and keyword set that matched. Kibana cannot aggregate nested "
    "fields: use `brand_names` there, nested queries in Query DSL.",
    "brands.brand": "Brand name as configured.",
    "brands.terms": "The keyword entries that matched the post.",
    "brand_names": "Index only: the distinct matched brands, flat, for Kibana filters and breakdowns.",
    "intent.confidence": "Classifier confidence in the intent (0..1).",
    "routing.tags": "Labels the business rules added (e.g. `b2b`, `invoice`, `outage`).",
    "routing.priority_boost": "What the rules added to the priority.",
    "enriched_at": "When the enrichment ran.",
    "indexed_at": "Index only: when the sink last wrote the mention.",
    "first_response_at": "Index only: the brand's earliest reply to this post (missing: unanswered).",
    "response_seconds": "Index only: seconds from the post to the brand's first reply.",
    "sentiment.score": "From -1 (negative) to 1 (positive).",
    "duplicate_of": "Index only: id of the canonical mention this post is a repost or near-duplicate of.",
    "duplicate_of_created_at": "Index only: when that canonical was posted.",
    "repost_count": "Index only, on canonicals: how many posts collapsed onto this one.",
}

ALERT_NOTES = {
    "schema_version": "Version of the alert contract the document follows.",
    "brand": "The brand whose mentions spiked.",
    "window_start": "Start of the counted window.",
    "window_end": "End of the counted window.",
    "baseline_mean": "Mean count of the baseline windows before this one.",
    "baseline_std": "Standard deviation of those counts.",
    "examples.id": "Id of a mention counted in the window.",
    "examples.text": "Text of that mention.",
}


def mapping_fields(properties: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Every field path of a mapping (with subfields such as ``text.nl``) and its type."""
    fields: dict[str, str] = {}
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        if "properties" in spec:
            if spec.get("type") == "nested":
                fields[path] = "nested"
            fields |= mapping_fields(spec["properties"], f"{path}.")
            continue
        fields[path] = spec["type"]
        for sub, sub_spec in spec.get("fields", {}).items():
            fields[f"{path}.{sub}"] = sub_spec["type"]
    return fields


def mentions_fields() -> dict[str, str]:
    """The fields of the mentions index template."""
    return mapping_fields(mentions_template()["template"]["mappings"]["properties"])


def alerts_fields() -> dict[str, str]:
    """The fields of the alerts index."""
    return mapping_fields(ALERTS_MAPPINGS["properties"])


def _unwrap(annotation: Any) -> Any:
    """``X | None`` and ``list[X]`` -> X."""
    while get_origin(annotation) in (Union, types.UnionType, list):
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    return annotation


def _model_field(model: type[BaseModel], path: str) -> tuple[FieldInfo, Any] | None:
    """The pydantic field at a dotted path and its unwrapped type, or None when the model has none."""
    current: Any = model
    info = None
    for part in path.split("."):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return (info, current) if info is not None else None


def describe(model: type[BaseModel], notes: dict[str, str], path: str) -> str:
    """The note, the model's description, and the allowed values of an enum."""
    found = _model_field(model, path)
    parts = [notes.get(path) or (found[0].description if found else None) or ""]
    if found and isinstance(found[1], type) and issubclass(found[1], enum.Enum):
        parts.append("One of " + ", ".join(f"`{member.value}`" for member in found[1]) + ".")
    return " ".join(part for part in parts if part)


def _table(model: type[BaseModel], notes: dict[str, str], fields: dict[str, str]) -> list[str]:
    lines = ["| field | type | aggregatable | description |", "|---|---|---|---|"]
    for path, kind in fields.items():
        aggregatable = "yes" if kind in AGGREGATABLE else "no"
        lines.append(f"| `{path}` | {kind} | {aggregatable} | {describe(model, notes, path)} |")
    return lines


def render() -> str:
    """The whole of docs/fields.md."""
    lines = [
        "# Field reference",
        "",
        "Generated by `python -m sinks.field_reference` from the mappings",
        "(`sinks/mentions_template.json`, `pipeline/alerting/delivery.py`) and the pydantic models",
        "(`schemas/mentions.py`, `schemas/alerts.py`).",
        "Do not edit by hand: a unit test compares this file with the generated text.",
        "",
        "- **aggregatable**: usable in Kibana / OpenSearch Dashboards breakdowns, terms and date histograms,",
        "  sorts and exact filters. `text` fields are for full-text search (`match`, `simple_query_string`).",
        "- `brands` is `nested`: Kibana cannot break down by it; use `brand_names`. In Query DSL wrap",
        '  conditions on `brands.*` in `{"nested": {"path": "brands", "query": ...}}`.',
        "- Missing fields: `sentiment` and `intent` for languages other than Dutch and English;",
        "  `first_response_at`/`response_seconds` until the brand answers; `routing.team` when no rule",
        "  routed the post. A document with only `id`, `created_at` and facts is a stub (its mention is not",
        "  indexed yet): filter on `source:*` to leave stubs out.",
        "",
        "## Mentions: `webcare-mentions`",
        "",
        "Read alias over the monthly indices `webcare-mentions-YYYY.MM` (month of `created_at`, UTC).",
        "",
        *_table(EnrichedMention, MENTION_NOTES, mentions_fields()),
        "",
        "## Alerts: `webcare-alerts`",
        "",
        "One document per spike or recovery alert (`_id` = alert id). Time field: `created_at`.",
        "",
        *_table(Alert, ALERT_NOTES, alerts_fields()),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write docs/fields.md."""
    DOC_FILE.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC_FILE}")


if __name__ == "__main__":
    main()
