"""A benchmark stopped with SIGTERM still runs its clean-up (the workers and servers it started stop)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """
import sys, time
from pathlib import Path
{setup}
marker = Path(sys.argv[1])
try:
    Path(sys.argv[2]).touch()  # started
    time.sleep(60)
finally:
    marker.write_text("cleaned up")
"""


def run_and_terminate(tmp_path: Path, setup: str) -> Path:
    marker, started = tmp_path / "marker", tmp_path / "started"
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT.format(setup=setup), str(marker), str(started)], cwd=Path.cwd()
    )
    deadline = time.monotonic() + 30
    while not started.exists():
        assert time.monotonic() < deadline, "the script did not start"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    return marker


def test_sigterm_runs_the_finally_blocks(tmp_path: Path) -> None:
    marker = run_and_terminate(tmp_path, "from tests.bench import exit_on_sigterm; exit_on_sigterm()")
    assert marker.read_text() == "cleaned up"


@pytest.mark.parametrize("module", ["tests.bench.bench_e2e", "tests.bench.bench_scaling", "tests.bench.soak"])
def test_every_benchmark_that_starts_workers_turns_sigterm_into_an_exit(module: str) -> None:
    source = Path(module.replace(".", "/") + ".py").read_text(encoding="utf-8")
    main = source[source.index("def main(") :]
    assert "exit_on_sigterm()" in main


def test_without_it_sigterm_skips_them(tmp_path: Path) -> None:
    assert not run_and_terminate(tmp_path, "").exists()
