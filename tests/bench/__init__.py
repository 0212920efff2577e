"""Benchmarks (``make bench``, ``make soak``): each starts servers and workers and must stop them again."""

from __future__ import annotations

import signal
import sys
from types import FrameType


def exit_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit, so the ``finally`` blocks and context managers that stop the
    workers and servers a benchmark started still run (by default SIGTERM ends Python without them)."""

    def leave(signum: int, frame: FrameType | None) -> None:
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, leave)
