"""Config errors are refused at startup: the worker exits non-zero, naming file, line, field and reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.reliability.harness import pipeline_config


def with_change(tmp_path: Path, change: Any) -> Path:
    """An isolated config (on the isolated stack's ports, so nothing shared is touched), then ``change``."""
    path = pipeline_config(tmp_path)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def start_worker(config: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pipeline.cli", "--config", str(config), "worker"]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_bad_query_syntax_in_a_brand_keyword_is_refused(tmp_path: Path) -> None:
    def change(config: dict[str, Any]) -> None:
        config["brands"][1]["inside_out"][2] = 'WolkVast AND ("3 jaar"'

    config = with_change(tmp_path, change)
    done = start_worker(config)
    assert done.returncode != 0
    line = line_of(config, "WolkVast AND")
    assert f"invalid configuration in {config}" in done.stderr
    assert f"line {line}: brands.1.inside_out.2:" in done.stderr
    assert "query 'WolkVast AND (\"3 jaar\"': missing ')' at column 23" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_brand_in_a_rule_is_refused(tmp_path: Path) -> None:
    def change(config: dict[str, Any]) -> None:
        rule = {"name": "to-network", "when": {"brand": ["Kabelcat"]}, "then": {"route": "network"}}
        config["rules"] = {"list": [rule]}

    config = with_change(tmp_path, change)
    done = start_worker(config)
    assert done.returncode != 0
    assert f"invalid configuration in {config}" in done.stderr
    assert f"line {line_of(config, 'rules:')}: rules:" in done.stderr
    assert "rule 'to-network': unknown brand 'Kabelcat' (brands: Duitenbank, Kabelkat," in done.stderr
    assert "Traceback" not in done.stderr


def test_a_field_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    config = with_change(tmp_path, lambda config: config["topics"].update(partitions=0))
    done = start_worker(config)
    assert done.returncode != 0
    assert f"line {line_of(config, 'partitions: 0')}: topics.partitions: Input should be greater than" in (
        done.stderr
    )
