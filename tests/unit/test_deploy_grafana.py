"""The Grafana dashboard and the Prometheus alert rules use only metrics the worker defines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import pipeline.metrics  # noqa: F401  (registers the webcare_* metrics)

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DASHBOARD = DEPLOY / "grafana" / "webcare-dashboard.json"
ALERTS = DEPLOY / "compose" / "prometheus" / "alerts.yml"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
PROMQL_NAME = re.compile(r"\b((?:webcare|process)_[a-z_]+)\b")


def _exposed_names() -> set[str]:
    names = {"up"}
    for family in REGISTRY.collect():
        names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ("",)))
    return names


def _dashboard_expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_dashboard_metrics_exist() -> None:
    used = {name for expr in _dashboard_expressions() for name in PROMQL_NAME.findall(expr)}
    assert used, "the dashboard queries no webcare metric"
    assert used <= _exposed_names(), used - _exposed_names()


def test_dashboard_shows_every_webcare_metric() -> None:
    text = " ".join(_dashboard_expressions())
    webcare = {family.name for family in REGISTRY.collect() if family.name.startswith("webcare_")}
    assert {name for name in webcare if name not in text} == set()


def test_alert_rules_use_existing_metrics() -> None:
    rules = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"][0]["rules"]
    used = {name for rule in rules for name in PROMQL_NAME.findall(rule["expr"])}
    assert used <= _exposed_names(), used - _exposed_names()


def test_dashboard_is_portable() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard["uid"] == "webcare-pipeline"
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == "${datasource}"
