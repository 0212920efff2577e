"""Fixtures of the fault tests: the isolated stack instance, started once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from pipeline import stack
from tests.reliability.harness import STACK_DIR, start_isolated_stack

RUN_SLOW = "WEBCARE_RELIABILITY_SLOW"


@pytest.fixture(scope="session")
def isolated_stack() -> Iterator[None]:
    """Kafka and OpenSearch of their own (see harness); the services started here are stopped at the end."""
    started = start_isolated_stack()
    try:
        yield
    finally:
        for name in reversed(started):
            stack.stop(name, STACK_DIR)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"slow: long fault test; runs only with {RUN_SLOW}=1 (make reliability)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(RUN_SLOW) == "1":
        return
    skip = pytest.mark.skip(reason=f"slow fault test: set {RUN_SLOW}=1 (make reliability) to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
