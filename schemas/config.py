"""Models of the YAML config file's brand section, and where a config error sits in the YAML file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from enrichers.keyword_query import parse_query

_ACCOUNT = re.compile(r"\w+(?:[.-]\w+)*")


def _valid_query(written: str) -> str:
    parse_query(written)
    return written


def _plain_handle(handle: str) -> str:
    plain = handle.lstrip("@").lower()
    if _ACCOUNT.fullmatch(plain) is None:
        raise ValueError(f"handle {handle!r} is not one account name (letters, digits, '_', '.', '-')")
    return plain


KeywordQueryText = Annotated[str, AfterValidator(_valid_query)]
"""A keyword-set entry, checked by parsing it (see :mod:`enrichers.keyword_query`)."""

Handle = Annotated[str, AfterValidator(_plain_handle)]
"""An account name, stored without '@' and in lowercase."""


class BrandConfig(BaseModel):
    """One monitored brand and its two keyword sets.

    ``inside_out`` holds the company's own words (brand, product and service names, handles, hashtags,
    domains); ``outside_in`` holds the words customers use about the subject, also without the brand.
    Each entry is a keyword query: a word or phrase (``geen bereik``), maybe with a trailing ``*``, or terms
    combined with ``AND``, ``OR``, ``NOT``/``-``, parentheses, ``"..."~n`` and ``NEAR/n``; matched case- and
    accent-insensitively on whole tokens. An invalid entry fails validation at its index, with the reason.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    handles: list[Handle] = Field(default_factory=list, description="The brand's own accounts, without '@'.")
    inside_out: list[KeywordQueryText] = Field(min_length=1)
    outside_in: list[KeywordQueryText] = Field(default_factory=list)


class BrandsConfig(BaseModel):
    """The list of monitored brands; names must be unique."""

    model_config = ConfigDict(extra="forbid")

    brands: list[BrandConfig] = Field(default_factory=list)

    @field_validator("brands")
    @classmethod
    def _unique_names(cls, brands: list[BrandConfig]) -> list[BrandConfig]:
        seen: set[str] = set()
        for brand in brands:
            key = brand.name.lower()
            if key in seen:
                raise ValueError(f"brand {brand.name!r} is defined twice")
            seen.add(key)
        return brands


def yaml_line(path: Path, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line in the YAML file of the entry at a pydantic error ``loc``, e.g. ``('brands', 0,
    'outside_in', 3)``; the line of its deepest existing parent when it is missing; None when unknown."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = [(key, value) for key, value in node.value if getattr(key, "value", None) == str(part)]
            if not found:
                break
            key, node = found[0]
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
