"""Replay of a CSV file with a header row: one RawPost per row, resumable from a byte offset.

Columns (header names; only ``id``, ``source``, ``author_id``, ``text`` and ``created_at`` are required):
``id, source, url, author_id, author_handle, author_name, author_followers, author_is_brand_account,
text, title, created_at, lang_hint, in_reply_to, repost_of, reposts, replies, likes``. Empty cells mean
"not given". Quoted cells may span lines. A row that is not a valid RawPost is passed on as Malformed with
its original bytes.
"""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from connectors.base import Malformed
from connectors.files import read_lines
from schemas.decode import describe_validation_error
from schemas.posts import RawPost

AUTHOR_COLUMNS = {
    "author_id": "id",
    "author_handle": "handle",
    "author_name": "name",
    "author_followers": "followers",
    "author_is_brand_account": "is_brand_account",
}
ENGAGEMENT_COLUMNS = ("reposts", "replies", "likes")
POST_COLUMNS = (
    "id", "source", "url", "text", "title", "created_at", "lang_hint", "in_reply_to", "repost_of",
)  # fmt: skip
COLUMNS = frozenset((*POST_COLUMNS, *AUTHOR_COLUMNS, *ENGAGEMENT_COLUMNS))
REQUIRED = frozenset(("id", "source", "author_id", "text", "created_at"))


class CsvFormatError(ValueError):
    """The file's header is not one this connector can read; the message says what is wrong."""


def row_to_document(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row (header -> cell) as a RawPost document; empty cells are left out."""
    document: dict[str, Any] = {key: row[key] for key in POST_COLUMNS if row.get(key)}
    document["author"] = {field: row[key] for key, field in AUTHOR_COLUMNS.items() if row.get(key)}
    engagement = {key: row[key] for key in ENGAGEMENT_COLUMNS if row.get(key)}
    if engagement:
        document["engagement"] = engagement
    return document


class CsvConnector:
    """Reads RawPosts from CSV. Position: ``{"offset": <bytes read>, "line": <lines read>}``."""

    name = "csv"

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

    def position(self) -> dict[str, Any]:
        return {"offset": self._offset, "line": self._line}

    def read(self) -> Iterator[RawPost | Malformed]:
        pending: list[bytes] = []
        ends: list[tuple[int, int]] = []

        def text_lines() -> Iterator[str]:
            for line in read_lines(self.path, self._offset, self._line, self.follow, self.stop):
                pending.append(line.data)
                ends.append((line.end, line.number))
                yield line.data.decode("utf-8", errors="surrogateescape") + "\n"

        rows = csv.reader(text_lines())
        header = self._header() if self._offset else None
        for cells in rows:
            raw, first_line = b"\n".join(pending), ends[0][1]
            self._offset, self._line = ends[-1]
            pending.clear()
            ends.clear()
            if header is None:
                header = _check_header(cells, self.path)
                continue
            if not any(cell.strip() for cell in cells):
                continue
            yield self._parse(header, cells, raw, first_line)

    def _parse(self, header: list[str], cells: list[str], raw: bytes, line: int) -> RawPost | Malformed:
        location = f"{self.path}:{line}"
        if len(cells) != len(header):
            reason = f"CSV row has {len(cells)} cells, the header has {len(header)}"
            return Malformed(data=raw, reason=reason, location=location)
        try:
            row = {key: cell.encode("utf-8").decode() for key, cell in zip(header, cells, strict=True)}
        except UnicodeEncodeError:
            return Malformed(data=raw, reason="not valid UTF-8", location=location)
        try:
            return RawPost.model_validate(row_to_document(row))
        except ValidationError as error:
            reason = f"not a valid RawPost: {describe_validation_error(error)}"
            return Malformed(data=raw, reason=reason, location=location)

    def _header(self) -> list[str]:
        with self.path.open(encoding="utf-8", errors="replace", newline="") as handle:
            return _check_header(next(csv.reader(handle), []), self.path)


def _check_header(cells: list[str], path: Path) -> list[str]:
    header = [cell.strip() for cell in cells]
    unknown = sorted(set(header) - COLUMNS)
    missing = sorted(REQUIRED - set(header))
    if unknown or missing:
        problems = [f"unknown column(s) {json.dumps(unknown)}"] if unknown else []
        problems += [f"missing column(s) {json.dumps(missing)}"] if missing else []
        raise CsvFormatError(f"{path}: bad CSV header: {'; '.join(problems)} (known: {sorted(COLUMNS)})")
    return header
