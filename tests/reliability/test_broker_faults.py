"""The Kafka broker is SIGKILLed mid-stream and restarted: the publisher and the worker carry on."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import stack
from tests.reliability.harness import STACK_DIR, Pipeline, SteadyStream, running_pipelines, unique_posts

pytestmark = pytest.mark.stack


@pytest.fixture
def pipeline(isolated_stack: None, tmp_path: Path) -> Iterator[Pipeline]:
    yield from running_pipelines(tmp_path)


def test_a_killed_and_restarted_broker_loses_nothing(pipeline: Pipeline) -> None:
    posts = unique_posts(3000, seed=31)
    pipeline.start_worker()
    with SteadyStream(pipeline.settings, posts, rate=150) as stream:
        stream.wait_sent(1000)
        assert stack.kill("kafka", signal.SIGKILL, STACK_DIR) is not None
        time.sleep(3)
        stack.start("kafka", STACK_DIR, progress=print)
    pipeline.assert_exact(len(posts))
