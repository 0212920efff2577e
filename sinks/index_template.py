"""The index template for mention indices, applied idempotently."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

TEMPLATE_NAME = "webcare-mentions"
TEMPLATE_FILE = Path(__file__).with_name("mentions_template.json")


@cache
def mentions_template() -> dict[str, Any]:
    """The composable index template (the JSON file beside this module)."""
    return json.loads(TEMPLATE_FILE.read_text(encoding="utf-8"))


def apply_template(client: Elasticsearch) -> None:
    """Create or replace the template; safe to call on every start."""
    client.indices.put_index_template(name=TEMPLATE_NAME, **mentions_template())


def ensure_index(client: Elasticsearch, index: str) -> None:
    """Apply the template and create ``index`` from it when it does not exist yet."""
    apply_template(client)
    if not client.indices.exists(index=index):
        # 400 = created meanwhile by another worker: that is fine.
        client.options(ignore_status=400).indices.create(index=index)
