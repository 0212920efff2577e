"""Fixtures for tests on the real local stack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import PipelineProbe, isolated_config, local_stack, running_pipeline


@pytest.fixture(scope="session")
def real_stack() -> Iterator[None]:
    """The real Kafka broker and OpenSearch node for the whole session."""
    with local_stack():
        yield


@pytest.fixture(scope="module")
def pipeline(real_stack: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineProbe]:
    """A running worker on topics, an index and a consumer group that no other module uses."""
    with running_pipeline(isolated_config(tmp_path_factory.mktemp("pipeline"))) as probe:
        yield probe
