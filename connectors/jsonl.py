"""Replay of a JSON Lines file: one RawPost per line, resumable from a byte offset."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from connectors.base import Malformed
from connectors.files import read_lines
from schemas.decode import InvalidPost, decode_raw_post
from schemas.posts import RawPost


class JsonLinesConnector:
    """Reads RawPost JSON Lines; blank lines are skipped, bad lines come out as Malformed.

    Position: ``{"offset": <bytes read>, "line": <lines read>}``. With ``follow`` it keeps reading lines
    appended to the file until ``stop`` is set.
    """

    name = "jsonl"

    def __init__(
        self,
        path: Path,
        position: dict[str, Any] | None = None,
        follow: bool = False,
        stop: threading.Event | None = None,
    ) -> None:
        self.path = path
        self.follow = follow
        self.stop = stop
        self._offset = int((position or {}).get("offset", 0))
        self._line = int((position or {}).get("line", 0))

    def size_bytes(self) -> int:
        """The file's size, for progress display."""
        return self.path.stat().st_size

    def position(self) -> dict[str, Any]:
        return {"offset": self._offset, "line": self._line}

    def read(self) -> Iterator[RawPost | Malformed]:
        for line in read_lines(self.path, self._offset, self._line, self.follow, self.stop):
            self._offset, self._line = line.end, line.number
            if not line.data.strip():
                continue
            try:
                yield decode_raw_post(line.data)
            except InvalidPost as error:
                yield Malformed(data=line.data, reason=str(error), location=f"{self.path}:{line.number}")
