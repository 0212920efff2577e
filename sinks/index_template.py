"""The versioned index template of a mention index family, installed idempotently by ``webcare setup``."""

from __future__ import annotations

import copy
import json
import re
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, NotFoundError

from sinks.indices import index_pattern
from sinks.search_client import Engine

TEMPLATE_FILE = Path(__file__).with_name("mentions_template.json")


class Install(StrEnum):
    """What an idempotent install did."""

    created = "created"
    upgraded = "upgraded"
    unchanged = "unchanged"
    kept_newer = "kept newer"


def install_decision(installed: int | None, ours: int) -> Install:
    """Install when absent or older, leave an equal or newer version alone."""
    if installed is None:
        return Install.created
    if installed < ours:
        return Install.upgraded
    return Install.unchanged if installed == ours else Install.kept_newer


@cache
def mentions_template() -> dict[str, Any]:
    """The template body without its family-specific parts (the JSON file beside this module)."""
    return json.loads(TEMPLATE_FILE.read_text(encoding="utf-8"))


def template_version() -> int:
    """The version of the template this release installs."""
    return int(mentions_template()["version"])


def template_priority(family: str) -> int:
    """Longer (more specific) family names win where patterns overlap, e.g. ``webcare-mentions-test-x-*``."""
    return 100 + len(family)


def template_body(family: str, engine: Engine) -> dict[str, Any]:
    """The full composable template for ``family``: patterns, read alias and, on Elasticsearch, ILM."""
    body = copy.deepcopy(mentions_template())
    body["index_patterns"] = [index_pattern(family)]
    body["priority"] = template_priority(family)
    body["template"]["aliases"] = {family: {}}
    if engine == "elasticsearch":
        body["template"]["settings"]["index.lifecycle.name"] = family
    return body


def installed_template_version(client: Elasticsearch, family: str) -> int | None:
    """The version of the installed template, or None when there is none."""
    try:
        found = client.indices.get_index_template(name=family)["index_templates"]
    except NotFoundError:
        return None
    return found[0]["index_template"].get("version", 0) if found else None


def apply_template(client: Elasticsearch, family: str, engine: Engine) -> str:
    """Install the template if it is absent or older; return what happened, as a line for the user."""
    installed = installed_template_version(client, family)
    ours = template_version()
    decision = install_decision(installed, ours)
    if decision in (Install.created, Install.upgraded):
        client.indices.put_index_template(name=family, body=template_body(family, engine))
    # Also when unchanged: an earlier upgrade may have stopped before every index had the new fields.
    refused = [] if decision is Install.kept_newer else _extend_existing_indices(client, family)
    if decision is Install.kept_newer:
        return (
            f"warning: index template {family} version {installed} is newer than this release's "
            f"version {ours}; left alone"
        )
    line = f"index template {family}: {decision} (version {ours})"
    if refused:
        line += f"; warning: these indices keep their old mapping, reindex them: {', '.join(refused)}"
    return line


def _extend_existing_indices(client: Elasticsearch, family: str) -> list[str]:
    """Add the template's new fields to the family's monthly indices; return the indices that refused.

    Additive changes are applied in place. The engine refuses a change to an existing field's type, and a
    new analyzer on an open index; such an index needs reindexing (docs/index-design.md, "Reindexing").
    """
    monthly = re.compile(rf"^{re.escape(family)}-\d{{4}}\.\d{{2}}$")
    found = client.indices.get(index=f"{family}-*", allow_no_indices=True, expand_wildcards="open")
    refused = []
    for index in sorted(name for name in found if monthly.match(name)):
        try:
            client.indices.put_mapping(index=index, **mentions_template()["template"]["mappings"])
        except BadRequestError as error:
            refused.append(f"{index} ({error.message})")
    return refused
