"""Where a mention lives: one index per month of ``created_at``, all behind one read alias.

``search.index`` (default ``webcare-mentions``) names the index family: the alias analysts query, the
prefix of the monthly indices (``webcare-mentions-2026.11``), the template and the lifecycle policy.
A post always lands in the index of its own month, so writing it again (replay) or adding a later fact
finds the same document instead of creating a second one in a newer index.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch


class NoCreatedAt(ValueError):
    """The document has no readable ``created_at``, so it has no index to go to."""


def parse_created_at(value: Any) -> datetime:
    """An aware datetime from a ``created_at`` value (ISO 8601 text or datetime); naive means UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise NoCreatedAt(f"created_at is not an ISO 8601 date-time: {value!r}") from None
    else:
        raise NoCreatedAt(f"created_at is missing or not a date-time: {value!r}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def month_index(family: str, created_at: Any) -> str:
    """The index of the UTC month of ``created_at``, e.g. ``webcare-mentions-2026.11``."""
    moment = parse_created_at(created_at).astimezone(UTC)
    return f"{family}-{moment:%Y.%m}"


def index_pattern(family: str) -> str:
    """The pattern matching every monthly index of the family."""
    return f"{family}-*"


class AliasTaken(RuntimeError):
    """A concrete index already has the family's name, so the read alias cannot be created."""


def ensure_read_alias(client: Elasticsearch, family: str, now: datetime | None = None) -> None:
    """Create this month's index, whose template gives it the read alias, unless it exists already."""
    if client.indices.exists(index=family) and not client.indices.exists_alias(name=family):
        raise AliasTaken(
            f"{family} is a concrete index from the older single-index layout, so the read alias "
            f"{family} cannot be created; reindex it into monthly indices (docs/index-design.md) or delete it"
        )
    client.options(ignore_status=400).indices.create(index=month_index(family, now or datetime.now(UTC)))
