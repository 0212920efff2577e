"""The fault tests' own stack instance: other ports and dir, while the shared stack stays as it is."""

from __future__ import annotations

import pytest

from pipeline import stack
from tests.reliability.harness import PORTS, STACK_DIR

pytestmark = pytest.mark.stack


def test_the_isolated_instance_runs_on_its_own_ports(isolated_stack: None) -> None:
    report = stack.status(STACK_DIR)
    assert report["kafka"]["address"] == f"127.0.0.1:{PORTS.kafka}"
    assert report["opensearch"]["address"] == f"http://127.0.0.1:{PORTS.opensearch_http}"
    assert all(service["healthy"] for service in report.values()), report
    assert stack.address("kafka") == "127.0.0.1:9092"
    assert stack.address("opensearch") == "http://127.0.0.1:9200"
    assert not (STACK_DIR / "jars").exists()  # the jars of the main stack dir are used
