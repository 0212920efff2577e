"""Reading a file line by line from a byte offset, optionally following it as it grows (``tail -f``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Line:
    """One line without its line ending, its 1-based number, and the byte offset just after it."""

    data: bytes
    number: int
    end: int


def read_lines(
    path: Path,
    offset: int = 0,
    line: int = 0,
    follow: bool = False,
    stop: threading.Event | None = None,
    poll_seconds: float = 0.5,
) -> Iterator[Line]:
    """Lines of ``path`` from byte ``offset`` (after line number ``line``).

    Without ``follow`` the file is read to its end (a last line without a newline included). With it,
    an unterminated last line is left until its newline arrives, the file is polled for more until
    ``stop`` is set, and a file that shrank (truncated or replaced) is read again from the start.
    """
    stop = stop or threading.Event()
    with path.open("rb") as handle:
        if offset > path.stat().st_size:
            log.warning("%s is shorter than the checkpoint offset %d; reading from the start", path, offset)
            offset, line = 0, 0
        handle.seek(offset)
        while True:
            data = handle.readline()
            if data.endswith(b"\n") or (data and not follow):
                offset += len(data)
                line += 1
                yield Line(data.rstrip(b"\r\n"), line, offset)
                continue
            if not follow:
                return
            handle.seek(offset)  # leave a partial line for the next poll
            if stop.wait(poll_seconds):
                return
            if path.stat().st_size < offset:
                log.warning("%s shrank below offset %d; reading it again from the start", path, offset)
                offset, line = 0, 0
                handle.seek(0)
