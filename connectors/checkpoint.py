"""Checkpoints: one small JSON file per connector instance, written atomically.

The file ``<state_dir>/<name>.json`` holds ``{"connector": ..., "saved_at": ..., "position": {...}}``.
``position`` is whatever the connector's ``position()`` returned (a file offset, a Mastodon status id,
feed ETags and seen entry ids, a Jetstream cursor). It is written to a temporary file in the same folder,
fsynced, and moved over the old one with ``os.replace``, so a crash leaves either the old or the new
checkpoint, never half of one.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class CheckpointError(RuntimeError):
    """A checkpoint file exists but cannot be read; the message names the file."""


class CheckpointStore:
    """Load and save one connector instance's position."""

    def __init__(self, state_dir: Path, name: str) -> None:
        if not _SAFE_NAME.match(name):
            raise ValueError(f"checkpoint name {name!r}: use letters, digits, '.', '_' or '-' (max 128)")
        self.name = name
        self.path = Path(state_dir) / f"{name}.json"

    def load(self) -> dict[str, Any] | None:
        """The saved position, or None when this instance has never saved one."""
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise CheckpointError(f"cannot read checkpoint {self.path}: {error}") from None
        position = document.get("position") if isinstance(document, dict) else None
        if not isinstance(position, dict):
            raise CheckpointError(f"cannot read checkpoint {self.path}: no 'position' object")
        return position

    def save(self, position: dict[str, Any]) -> None:
        """Replace the checkpoint with ``position`` (atomic)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        document = {"connector": self.name, "saved_at": datetime.now(UTC).isoformat(), "position": position}
        descriptor, temporary = tempfile.mkstemp(prefix=f".{self.name}.", dir=self.path.parent)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                json.dump(document, out, ensure_ascii=False, separators=(",", ":"))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def clear(self) -> None:
        """Forget the position (start from the beginning next time)."""
        self.path.unlink(missing_ok=True)
