"""Which changes between two versions of a topic's JSON Schema would break its consumers.

Rules within a major version (consumers must ignore fields they do not know):
- adding a field, and adding a value to an enum, are compatible;
- removing a field, making a required field optional, changing a field's type (also allowing ``null``
  where it was not allowed), and removing an enum value are breaking.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Every breaking change from ``old`` to ``new``, as 'path: what changed'; empty when compatible."""
    return _compare(old, new, old.get("$defs", {}), new.get("$defs", {}), "$")


def _resolve(node: Schema, defs: Schema) -> Schema:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    return node


def _options(node: Schema, defs: Schema) -> list[Schema]:
    node = _resolve(node, defs)
    return [_resolve(option, defs) for option in node.get("anyOf", node.get("oneOf", [node]))]


def _types(options: list[Schema]) -> set[str]:
    found: set[str] = set()
    for option in options:
        kind = option.get("type")
        if isinstance(kind, list):
            found.update(kind)
        elif kind:
            found.add(kind)
        elif "enum" in option or "const" in option:
            found.add("enum")
    return found


def _enum(options: list[Schema]) -> set[Any]:
    values: set[Any] = set()
    for option in options:
        values.update(option.get("enum", []))
        if "const" in option:
            values.add(option["const"])
    return values


def _compare(old: Schema, new: Schema, old_defs: Schema, new_defs: Schema, path: str) -> list[str]:
    old_options, new_options = _options(old, old_defs), _options(new, new_defs)
    problems: list[str] = []
    old_types, new_types = _types(old_options), _types(new_options)
    if new_types - old_types:
        problems.append(f"{path}: type {sorted(old_types)} became {sorted(new_types)}")
    removed = _enum(old_options) - _enum(new_options)
    if removed and _enum(new_options):
        problems.append(f"{path}: enum values removed: {sorted(map(str, removed))}")
    old_object = next((option for option in old_options if "properties" in option), None)
    new_object = next((option for option in new_options if "properties" in option), None)
    if old_object is not None:
        problems += _compare_objects(old_object, new_object or {}, old_defs, new_defs, path)
    old_items = next((option["items"] for option in old_options if "items" in option), None)
    new_items = next((option["items"] for option in new_options if "items" in option), None)
    if old_items is not None and new_items is not None:
        problems += _compare(old_items, new_items, old_defs, new_defs, f"{path}[]")
    return problems


def _compare_objects(old: Schema, new: Schema, old_defs: Schema, new_defs: Schema, path: str) -> list[str]:
    problems: list[str] = []
    new_properties = new.get("properties", {})
    new_required = set(new.get("required", []))
    for name, old_property in old["properties"].items():
        where = f"{path}.{name}"
        if name not in new_properties:
            problems.append(f"{where}: removed")
            continue
        if name in old.get("required", []) and name not in new_required:
            problems.append(f"{where}: no longer required")
        problems += _compare(old_property, new_properties[name], old_defs, new_defs, where)
    return problems
