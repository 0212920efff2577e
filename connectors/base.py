"""The connector interface: a source of posts, and nothing else (no Kafka, no enrichment).

A connector yields RawPost objects, and Malformed for input it cannot turn into one. Sources that can resume
also implement ``Resumable``: ``position()`` returns, as a JSON-able dict, where the source stands *after
the last item it yielded*. The runner (``connectors.runner``) saves that position only after Kafka has
acknowledged every item yielded so far, so a connector must update its position right before each
``yield`` (with no ``await`` in between) and never ahead of what it has yielded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from schemas.posts import RawPost


@dataclass(frozen=True, slots=True)
class Malformed:
    """Input a connector could not turn into a RawPost: the original bytes, where they were, and why.

    Connectors pass it on instead of dropping it, so that it reaches the dead-letter topic.
    """

    data: bytes
    reason: str
    location: str


Item = RawPost | Malformed
"""What a connector yields."""


class Connector(Protocol):
    """A source of posts. ``read`` yields RawPost objects, and Malformed for input it cannot parse."""

    name: str

    def read(self) -> Iterator[Item]:
        """Yield everything the source has (or, for a live source, until stopped)."""
        ...


class AsyncConnector(Protocol):
    """A network source of posts, read with asyncio (HTTP polling, streaming, WebSockets)."""

    name: str

    def stream(self) -> AsyncIterator[Item]:
        """Yield what the source has; a one-shot source ends, a live one runs until cancelled."""
        ...


@runtime_checkable
class Resumable(Protocol):
    """A source that can say where it stands, to be checkpointed and given back on restart."""

    def position(self) -> dict[str, Any]:
        """A JSON-able copy of the position after the last yielded item."""
        ...
