"""deploy/compose: checked by `docker compose config` when the Compose plugin is here, by the compose-spec
parser, and for what docs/operations.md promises (KRaft quorum, healthchecks, volumes, pinned images)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_DIR = ROOT / "deploy" / "compose"
COMPOSE_FILE = COMPOSE_DIR / "docker-compose.yml"
ENV_EXAMPLE = COMPOSE_DIR / ".env.example"
ONE_SHOT = {"es-setup", "webcare-setup"}
STATEFUL = {
    "kafka-1": "/var/lib/kafka/data",
    "kafka-2": "/var/lib/kafka/data",
    "kafka-3": "/var/lib/kafka/data",
    "elasticsearch": "/usr/share/elasticsearch/data",
    "kibana": "/usr/share/kibana/data",
    "prometheus": "/prometheus",
    "grafana": "/var/lib/grafana",
}
_VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?:(:[-?])([^}]*))?\}")


def _example_env() -> dict[str, str]:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's variable syntax (${VAR}, ${VAR:-default}, ${VAR:?error}, $$), enough for this file."""

    def value(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$$"
        name, operator, argument = match.groups()
        if env.get(name):
            return env[name]
        if operator == ":-":
            return argument
        raise KeyError(f"{name} is required ({argument})")

    return _VARIABLE.sub(value, text)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(interpolate(COMPOSE_FILE.read_text(encoding="utf-8"), _example_env()))


def _compose_plugin() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0


needs_compose = pytest.mark.skipif(not _compose_plugin(), reason="the docker compose plugin is not installed")


@needs_compose
def test_docker_compose_config_accepts_the_file() -> None:
    result = subprocess.run(
        ["docker", "compose", "--env-file", str(ENV_EXAMPLE), "config", "-q"],
        cwd=COMPOSE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@needs_compose
def test_docker_compose_refuses_to_start_without_the_secrets() -> None:
    result = subprocess.run(
        ["docker", "compose", "--env-file", "/dev/null", "config", "-q"],
        cwd=COMPOSE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "in .env" in result.stderr


def test_compose_spec_parser_accepts_the_file() -> None:
    compose_spec = pytest.importorskip("compose_spec")
    text = interpolate(COMPOSE_FILE.read_text(encoding="utf-8"), _example_env())
    parsed = compose_spec.PyOptions(apply_merge=True).from_yaml(text)
    parsed.validate()
    with pytest.raises(ValueError, match="healthchek"):
        compose_spec.PyOptions(apply_merge=True).from_yaml(text.replace("healthcheck:", "healthchek:", 1))


def test_every_required_variable_is_in_the_example_env() -> None:
    required = set(re.findall(r"\$\{(\w+):\?", COMPOSE_FILE.read_text(encoding="utf-8")))
    assert required <= set(_example_env())
    assert (COMPOSE_DIR / ".gitignore").read_text(encoding="utf-8").split() == [".env"]


def test_three_kraft_brokers_form_one_quorum(compose: dict[str, Any]) -> None:
    brokers = {name: service for name, service in compose["services"].items() if name.startswith("kafka-")}
    assert sorted(brokers) == ["kafka-1", "kafka-2", "kafka-3"]
    voters = {f"{service['environment']['KAFKA_NODE_ID']}@{name}:9093" for name, service in brokers.items()}
    for service in brokers.values():
        env = service["environment"]
        assert service["image"].startswith("apache/kafka:4.")
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
        assert set(env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")) == voters
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == 2
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == 3


def test_long_running_services_have_healthchecks(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if name in ONE_SHOT:
            assert service["restart"] == "no"
        else:
            assert service["healthcheck"]["test"], name


def test_stateful_services_keep_their_data_in_named_volumes(compose: dict[str, Any]) -> None:
    for name, path in STATEFUL.items():
        mounts = [mount.split(":") for mount in compose["services"][name]["volumes"]]
        named = {source for source, target, *_ in mounts if target == path}
        assert named and named <= set(compose["volumes"]), name


def test_images_are_pinned(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        image = service["image"]
        tag = image.rsplit(":", 1)[1]
        assert re.fullmatch(r"v?\d+\.\d+\.\d+", tag), f"{name}: {image}"


def test_start_order_waits_for_health_and_setup(compose: dict[str, Any]) -> None:
    services = compose["services"]
    after_setup = {"webcare-setup": {"condition": "service_completed_successfully"}}
    for name in ("worker", "connector-webhook"):
        assert services[name]["depends_on"] == after_setup
    setup = services["webcare-setup"]["depends_on"]
    assert all(setup[f"kafka-{n}"] == {"condition": "service_healthy"} for n in (1, 2, 3))
    assert services["kibana"]["depends_on"]["es-setup"]["condition"] == "service_completed_successfully"


def test_workers_run_the_pipeline_image_and_expose_probes(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    assert worker["command"] == ["worker"]
    assert worker["deploy"]["replicas"] == 3
    assert worker["build"]["dockerfile"] == "deploy/docker/Dockerfile"
    assert "/ready" in " ".join(worker["healthcheck"]["test"])
    assert worker["environment"]["WEBCARE_WORKER__WEB_HOST"] == "0.0.0.0"
    webhook = compose["services"]["connector-webhook"]
    assert webhook["command"][:2] == ["ingest", "webhook"]


def test_no_secret_is_written_into_the_compose_file() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for line in text.splitlines():
        if re.search(r"(PASSWORD|TOKENS|ENCRYPTIONKEY)\s*:", line) and "USERNAME" not in line:
            assert "${" in line, line


def test_the_config_files_are_valid_settings() -> None:
    load_settings(COMPOSE_DIR / "webcare.yaml")


def test_dockerfile_builds_from_the_lock_on_python_311_slim() -> None:
    dockerfile = (ROOT / "deploy" / "docker" / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.count("FROM python:3.11-slim") == 2
    assert "--constraint requirements.lock" in dockerfile
    assert "USER webcare" in dockerfile
    assert 'ENTRYPOINT ["webcare"]' in dockerfile
    ignore = (ROOT / "deploy" / "docker" / "Dockerfile.dockerignore").read_text(encoding="utf-8")
    for copied in re.findall(r"^COPY (?!--)(\S+)", dockerfile, flags=re.MULTILINE):
        assert f"!{copied}" in ignore, copied
