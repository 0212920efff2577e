"""``webcare enrich``: the stream's enrichment over a JSON Lines file, without Kafka.

It calls the same ``decode_raw_post`` and ``Enrichment.enrich`` as the Faust agent, so what analysts
try offline is what the stream does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import BinaryIO, TextIO

from enrichers.enrichment import Enrichment
from schemas.decode import InvalidPost, decode_raw_post
from schemas.posts import RawPost

BATCH_LINES = 1_000


@dataclass
class OfflineReport:
    """Counts of one offline run."""

    enriched: int = 0
    rejected: int = 0


def _batches(lines: Iterable[bytes], size: int) -> Iterator[list[tuple[int, bytes]]]:
    numbered = enumerate(lines, start=1)
    while batch := list(islice(numbered, size)):
        yield batch


def enrich_lines(
    enrichment: Enrichment,
    lines: BinaryIO,
    output: TextIO,
    on_reject: Callable[[int, bytes, str], None],
    on_batch: Callable[[int], None] | None = None,
) -> OfflineReport:
    """Enrich each valid line to one output line, in input order; pass each invalid one to ``on_reject``."""
    report = OfflineReport()
    for batch in _batches(lines, BATCH_LINES):
        posts: list[RawPost] = []
        for number, line in batch:
            data = line.rstrip(b"\r\n")
            if not data.strip():
                continue
            try:
                posts.append(decode_raw_post(data))
            except InvalidPost as error:
                report.rejected += 1
                on_reject(number, data, str(error))
        for mention in enrichment.enrich(posts):
            output.write(mention.model_dump_json())
            output.write("\n")
        report.enriched += len(posts)
        if on_batch is not None:
            on_batch(len(batch))
    return report


def reject_record(number: int, data: bytes, reason: str) -> str:
    """One line of the reject file: line number, reason and the original line."""
    return json.dumps({"line": number, "reason": reason, "original": data.decode("utf-8", errors="replace")})
