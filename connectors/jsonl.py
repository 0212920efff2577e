"""Replay of a JSON Lines file: one RawPost per line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from connectors.base import Malformed
from schemas.decode import InvalidPost, decode_raw_post
from schemas.posts import RawPost


class JsonLinesConnector:
    """Reads RawPost JSON Lines; blank lines are skipped, bad lines come out as Malformed."""

    name = "jsonl"

    def __init__(self, path: Path) -> None:
        self.path = path

    def size_bytes(self) -> int:
        """The file's size, for progress display."""
        return self.path.stat().st_size

    def read(self) -> Iterator[RawPost | Malformed]:
        with self.path.open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                data = line.rstrip(b"\r\n")
                if not data.strip():
                    continue
                try:
                    yield decode_raw_post(data)
                except InvalidPost as error:
                    yield Malformed(data=data, reason=str(error), location=f"{self.path}:{number}")
