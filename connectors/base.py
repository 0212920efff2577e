"""The connector interface: a source of posts, and nothing else (no Kafka, no enrichment)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from schemas.posts import RawPost


@dataclass(frozen=True, slots=True)
class Malformed:
    """Input a connector could not turn into a RawPost: the original bytes, where they were, and why.

    Connectors pass it on instead of dropping it, so that it reaches the dead-letter topic.
    """

    data: bytes
    reason: str
    location: str


class Connector(Protocol):
    """A source of posts. ``read`` yields RawPost objects, and Malformed for input it cannot parse."""

    name: str

    def read(self) -> Iterator[RawPost | Malformed]:
        """Yield everything the source has (or, for a live source, until stopped)."""
        ...
