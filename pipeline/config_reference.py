"""Generate docs/configuration.md from the settings models: ``python -m pipeline.config_reference``.

The models in ``pipeline.settings`` are the single source of truth; a unit test fails when the committed
reference differs from what this prints.
"""

from __future__ import annotations

import argparse
import enum
import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from pipeline.settings import Settings

DEFAULT_OUTPUT = Path("docs/configuration.md")

INTRO = """# Configuration reference

Generated from the settings models in `pipeline/settings.py` by `python -m pipeline.config_reference`;
do not edit by hand (a unit test compares this file with the models).

Settings come from one YAML file (`--config FILE` or `$WEBCARE_CONFIG`) and from environment variables
`WEBCARE_<SECTION>__<FIELD>`, which win over the file. Secrets (passwords, API keys) belong in the
environment (a Kubernetes Secret, a compose `.env` file), never in the YAML file; they are never printed.
A bad value stops every command with the file, the line, the field and the reason.
"""


def type_name(annotation: Any) -> str:
    """A short readable name for a field's type."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return type_name(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{value}`" for value in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(type_name(arg) for arg in typing.get_args(annotation))
    if origin is not None:
        args = ", ".join(type_name(arg) for arg in typing.get_args(annotation))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    if annotation is type(None):
        return "null"
    if annotation is SecretStr:
        return "secret"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " \\| ".join(f"`{member.value}`" for member in annotation)
    return getattr(annotation, "__name__", str(annotation))


def default_text(field: FieldInfo) -> str:
    """The default as it would be written in YAML, or 'required'."""
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if value is None or value is PydanticUndefined:
        return "unset"
    if isinstance(value, BaseModel):
        return "see below"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Path):
        return f"`{value.as_posix()}`"
    if isinstance(value, dict):
        return "`" + ", ".join(f"{key}: {item}" for key, item in value.items()) + "`" if value else "`{}`"
    if isinstance(value, list):
        return "`[]`" if not value else f"`{value}`"
    return f"`{value}`"


BOUNDS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<", "min_length": "min len", "max_length": "max len"}


def constraints_text(field: FieldInfo) -> str:
    """Bounds such as ``>= 1`` from the field's metadata."""
    found = []
    for item in field.metadata:
        for attribute, symbol in BOUNDS.items():
            bound = getattr(item, attribute, None)
            if bound is not None:
                found.append(f"{symbol} {bound}")
    return ", ".join(found)


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|").strip()


def model_table(model: type[BaseModel], prefix: str, env_prefix: str | None) -> list[str]:
    """A markdown table of one model's fields."""
    header = "| field | type | default | environment variable | meaning |"
    lines = [header, "|---|---|---|---|---|"]
    for name, field in model.model_fields.items():
        meaning = field.description or ""
        bounds = constraints_text(field)
        if bounds:
            meaning = f"{meaning} ({bounds})" if meaning else bounds
        env = f"`{env_prefix}__{name.upper()}`" if env_prefix else "-"
        lines.append(
            f"| `{prefix}{name}` | {type_name(field.annotation)} | {default_text(field)} | {env} | "
            f"{_cell(meaning)} |"
        )
    return lines


def _doc(model: type[BaseModel]) -> str:
    return _cell((model.__doc__ or "").strip().split("\n\n")[0])


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def reference() -> str:
    """The whole reference as markdown."""
    lines = [INTRO]
    for section, field in Settings.model_fields.items():
        model = _nested_model(field.annotation)
        if model is None:
            continue
        is_list = typing.get_origin(field.annotation) is list
        lines.append(f"## `{section}`{' (a list)' if is_list else ''}\n")
        lines.append(f"{_doc(model)}\n")
        env_prefix = None if is_list else f"WEBCARE_{section.upper()}"
        lines.extend(model_table(model, f"{section}[]." if is_list else f"{section}.", env_prefix))
        if is_list:
            lines.append(f"\nSet `{section}` in the YAML file (or as JSON in `WEBCARE_{section.upper()}`).")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="'-' prints to stdout.")
    arguments = parser.parse_args()
    if str(arguments.output) == "-":
        print(reference(), end="")
    else:
        arguments.output.write_text(reference(), encoding="utf-8")
        print(f"written: {arguments.output}")


if __name__ == "__main__":
    main()
