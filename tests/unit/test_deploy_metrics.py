"""The worker's metric helpers and JSON log format (no servers)."""

from __future__ import annotations

import json
import logging
import logging.config
import sys

from pipeline import metrics
from pipeline.observability import JsonFormatter, logging_config
from schemas.dlq import DlqRecord, Stage


def test_reason_classes_are_a_small_fixed_set() -> None:
    assert metrics.reason_class("not valid UTF-8: invalid start byte at byte 3") == "not_utf8"
    assert metrics.reason_class("not a valid RawPost: author.followers: Input should be") == "invalid_post"
    assert metrics.reason_class("HTTP 400: mapper_parsing_exception: failed to parse") == "rejected_by_engine"
    assert metrics.reason_class("something new") == "other"


def test_count_handled_counts_out_and_dead_letters_by_class() -> None:
    dead = DlqRecord.for_message(Stage.enrich, "not valid JSON: Expecting value", b"{", "raw")
    out_before = metrics.POSTS_OUT.labels(stage="enrich")._value.get()
    dead_before = metrics.DEAD_LETTERS.labels(stage="enrich", reason="not_json")._value.get()
    metrics.count_handled("enrich", 5, [dead, dead])
    assert metrics.POSTS_OUT.labels(stage="enrich")._value.get() == out_before + 5
    assert metrics.DEAD_LETTERS.labels(stage="enrich", reason="not_json")._value.get() == dead_before + 2


def test_exposition_negotiates_the_format() -> None:
    body, content_type = metrics.exposition(None)
    assert content_type.startswith("text/plain; version=0.0.4")
    assert b"# TYPE webcare_posts_in_total counter" in body
    _, open_metrics = metrics.exposition("application/openmetrics-text; version=1.0.0")
    assert open_metrics.startswith("application/openmetrics-text")


def test_json_formatter_writes_one_object_per_line_with_the_exception() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        error = sys.exc_info()
    record = logging.LogRecord("webcare", logging.ERROR, __file__, 1, "bad %s", ("batch",), error)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "webcare"
    assert entry["message"] == "bad batch"
    assert "ValueError: boom" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_logging_config_only_for_json() -> None:
    assert logging_config("text", "info") is None
    config = logging_config("json", "info")
    assert config is not None
    assert config["root"]["level"] == "INFO"
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        logging.config.dictConfig(config)
        assert any(isinstance(handler.formatter, JsonFormatter) for handler in root.handlers)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
