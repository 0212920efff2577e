"""deploy/k8s: every built-in resource against the Kubernetes JSON schemas (strict: unknown fields fail),
the CRDs (KEDA, Strimzi, ECK, Prometheus Operator) structurally, and the wiring between them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.settings import Settings

kubernetes_validate = pytest.importorskip("kubernetes_validate")

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.33"
CUSTOM_KINDS = {
    ("keda.sh/v1alpha1", "ScaledObject"),
    ("monitoring.coreos.com/v1", "ServiceMonitor"),
    ("kafka.strimzi.io/v1beta2", "Kafka"),
    ("kafka.strimzi.io/v1beta2", "KafkaNodePool"),
    ("kafka.strimzi.io/v1beta2", "KafkaTopic"),
    ("elasticsearch.k8s.elastic.co/v1", "Elasticsearch"),
    ("kibana.k8s.elastic.co/v1", "Kibana"),
}


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def _all() -> list[tuple[str, dict[str, Any]]]:
    return [
        (str(path.relative_to(K8S)), doc)
        for path in sorted(K8S.rglob("*.yaml"))
        if path.name != "kustomization.yaml"
        for doc in _documents(path)
    ]


def _by_kind(kind: str, name: str) -> dict[str, Any]:
    return next(doc for _, doc in _all() if doc["kind"] == kind and doc["metadata"]["name"] == name)


@pytest.mark.parametrize(
    "resource", [doc for _, doc in _all()], ids=[f"{path}:{doc['kind']}" for path, doc in _all()]
)
def test_resource_is_valid(resource: dict[str, Any]) -> None:
    key = (resource["apiVersion"], resource["kind"])
    if key in CUSTOM_KINDS:
        assert resource["metadata"]["name"]
        assert isinstance(resource["spec"], dict)
    else:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_strict_schemas_catch_a_misspelt_field() -> None:
    worker = _by_kind("Deployment", "webcare-worker")
    container = worker["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(worker, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_existing_files_but_not_the_example_secret() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file(), resource
    assert "secret.example.yaml" not in kustomization["resources"]


def test_deployments_probe_health_and_readiness_and_read_config_and_secrets() -> None:
    worker = _by_kind("Deployment", "webcare-worker")["spec"]["template"]["spec"]
    container = worker["containers"][0]
    assert container["args"] == ["worker"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["envFrom"] == [{"secretRef": {"name": "webcare-secrets"}}]
    env = {item["name"]: item["value"] for item in container["env"]}
    assert env["WEBCARE_WORKER__WEB_HOST"] == "0.0.0.0"
    assert env["WEBCARE_CONFIG"] == "/etc/webcare/webcare.yaml"
    assert worker["volumes"][0]["configMap"]["name"] == "webcare-config"
    webhook = _by_kind("Deployment", "webcare-connector-webhook")["spec"]["template"]["spec"]["containers"][0]
    assert webhook["args"][:2] == ["ingest", "webhook"]
    assert webhook["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_the_configmap_is_a_valid_config_and_the_autoscaler_stops_at_the_partition_count() -> None:
    config = yaml.safe_load(_by_kind("ConfigMap", "webcare-config")["data"]["webcare.yaml"])
    settings = Settings.model_validate(config)
    scaled = _by_kind("ScaledObject", "webcare-worker")["spec"]
    assert scaled["scaleTargetRef"]["name"] == "webcare-worker"
    assert scaled["maxReplicaCount"] == settings.topics.partitions
    [trigger] = scaled["triggers"]
    assert trigger["type"] == "kafka"
    assert trigger["metadata"]["consumerGroup"] == settings.worker.app_id
    assert trigger["metadata"]["topic"] == settings.topics.raw
    hpa = _by_kind("HorizontalPodAutoscaler", "webcare-worker")["spec"]
    assert hpa["maxReplicas"] == settings.topics.partitions
    topics = {doc["metadata"]["name"]: doc["spec"] for _, doc in _all() if doc["kind"] == "KafkaTopic"}
    assert topics[settings.topics.raw]["partitions"] == settings.topics.partitions


def test_metrics_service_and_budget_select_the_workers() -> None:
    labels = _by_kind("Deployment", "webcare-worker")["spec"]["template"]["metadata"]["labels"]
    for kind in ("Service", "PodDisruptionBudget"):
        selector = _by_kind(kind, "webcare-worker-metrics" if kind == "Service" else "webcare-worker")["spec"]
        wanted = selector.get("selector", {}).get("matchLabels", selector.get("selector"))
        assert wanted.items() <= labels.items()


def test_example_secret_holds_placeholders_only() -> None:
    secret = _by_kind("Secret", "webcare-secrets")
    assert all(value.startswith("change-me") for value in secret["stringData"].values())
