"""Running the Faust worker in the background for the demo and the tests, and stopping it again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from pipeline.stack import StackError, stack_root

DEFAULT_NAME = "worker"


def _pid_file(stack_dir: Path, name: str) -> Path:
    return stack_dir / "run" / f"{name}.pid"


def worker_log(stack_dir: Path | None = None, name: str = DEFAULT_NAME) -> Path:
    """Where the background worker called ``name`` writes its log."""
    return stack_root(stack_dir) / "logs" / f"{name}.log"


def _alive(pid: int) -> bool:
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False  # our own child, and it has exited
    except ChildProcessError:
        pass  # not our child
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def worker_pid(stack_dir: Path | None = None, name: str = DEFAULT_NAME) -> int | None:
    """The pid of the background worker called ``name``, if it is running."""
    try:
        pid = int(_pid_file(stack_root(stack_dir), name).read_text())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _alive(pid) else None


def _web_ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
            return True
    except (urllib.error.URLError, OSError):
        return False


def start_worker(
    config: Path | None,
    web_port: int,
    stack_dir: Path | None = None,
    name: str = DEFAULT_NAME,
    timeout: float = 120.0,
    environment: Mapping[str, str] | None = None,
) -> int:
    """Start ``webcare worker`` detached (unless one runs already) and wait until its web server answers.

    ``environment`` adds variables for the worker only, e.g. ``WEBCARE_WORKER__WEB_PORT`` for a second
    worker on the same config.
    """
    root = stack_root(stack_dir)
    running = worker_pid(root, name)
    if running is not None:
        return running
    log_path = worker_log(root, name)
    pid_file = _pid_file(root, name)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pipeline.cli"]
    if config is not None:
        command += ["--config", str(config)]
    command.append("worker")
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **(environment or {})},
        )
    pid_file.write_text(str(process.pid))
    deadline = time.monotonic() + timeout
    while not _web_ready(web_port):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_worker(root, name)
            raise StackError(f"the worker did not start; see its log: {log_path}")
        time.sleep(0.5)
    return process.pid


def stop_worker(stack_dir: Path | None = None, name: str = DEFAULT_NAME, timeout: float = 30.0) -> bool:
    """Stop the background worker called ``name`` (SIGTERM, then SIGKILL); return whether it was running."""
    root = stack_root(stack_dir)
    pid = worker_pid(root, name)
    _pid_file(root, name).unlink(missing_ok=True)
    if pid is None:
        return False
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.2)
    os.killpg(pid, signal.SIGKILL)
    return True
