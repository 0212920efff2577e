"""The whole pipeline with security on: the CLI replays over SASL_SSL, a Faust worker enriches over SASL_SSL
and indexes into OpenSearch over TLS with basic auth; the passwords never reach the logs or the terminal."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline.worker_process import worker_log
from tests.security.secure_stack import Server
from tests.support import SAMPLE_CONFIG, isolated_config, running_pipeline

SAMPLE_POSTS = SAMPLE_CONFIG.parent / "posts.jsonl"
POSTS = 30
MALFORMED = [b"this is not json", b'{"id": "no-text"}']


def _posts_file(directory: Path) -> Path:
    """``POSTS`` valid sample posts (distinct ids) and the malformed lines."""
    lines: dict[str, bytes] = {}
    with SAMPLE_POSTS.open("rb") as sample:
        for line in sample:
            try:
                post_id = json.loads(line)["id"]
            except (ValueError, KeyError, TypeError):
                continue
            lines.setdefault(post_id, line.rstrip(b"\n"))
            if len(lines) == POSTS:
                break
    path = directory / "posts.jsonl"
    path.write_bytes(b"\n".join([*lines.values(), *MALFORMED]) + b"\n")
    return path


def _secured_config(directory: Path, kafka: Server, search: Server, ca_file: Path) -> Path:
    """An isolated config whose Kafka password comes from a file; the search password comes from the env."""
    password_file = directory / "kafka-password"
    password_file.write_text(kafka.password + "\n")
    password_file.chmod(0o600)
    config = isolated_config(directory, partitions=2)
    values = yaml.safe_load(config.read_text())
    values["kafka"] = {
        "bootstrap_servers": kafka.address,
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_username": kafka.username,
        "sasl_password_file": str(password_file),
        "ssl_cafile": str(ca_file),
    }
    values["search"].update(url=search.address, username=search.username, ca_certs=str(ca_file))
    config.write_text(yaml.safe_dump(values, sort_keys=False))
    return config


def _cli(config: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


def test_posts_flow_through_the_secured_stack_and_secrets_stay_out_of_logs(
    secure_kafka: Server,
    secure_search: Server,
    pki,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBCARE_SEARCH__PASSWORD", secure_search.password)
    config = _secured_config(tmp_path, secure_kafka, secure_search, pki.ca.cert_file)
    terminal = _cli(config, "setup")
    with running_pipeline(config) as probe:
        terminal += _cli(config, "ingest", "jsonl", str(_posts_file(tmp_path)))
        probe.wait_until_processed(timeout=180)
        assert probe.topic_messages(probe.settings.topics.raw) == POSTS + len(MALFORMED)
        assert probe.indexed_count() == POSTS
        assert len(probe.dead_letters()) == len(MALFORMED)
        log = worker_log(name=f"worker-{probe.settings.worker.app_id}").read_text(errors="replace")
    assert f"published {POSTS} post(s) and {len(MALFORMED)} malformed item(s)" in terminal
    secrets_ = {
        "Kafka password": secure_kafka.password,
        "search password": secure_search.password,
        "basic-auth header": base64.b64encode(f"webcare:{secure_search.password}".encode()).decode(),
    }
    for name, secret in secrets_.items():
        assert secret not in terminal, f"{name} printed by the CLI"
        assert secret not in log, f"{name} in the worker log"
