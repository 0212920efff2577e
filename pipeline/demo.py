"""``make demo``: the whole journey on the local stack, ending with a summary."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline import stack
from pipeline.accounting import TopicCounts
from pipeline.kafka_security import kafka_accounting
from pipeline.replay import replay_jsonl
from pipeline.settings import Settings
from pipeline.setup import run_setup
from pipeline.summary import collect_summary, format_summary
from pipeline.worker_process import start_worker, worker_log
from sinks.search_client import sync_client


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _show_lag(counts: dict[str, TopicCounts]) -> None:
    lag = ", ".join(f"{topic} lag {count.lag}" for topic, count in counts.items())
    _say(f"  waiting for the worker: {lag}")


def run_demo(settings: Settings, config: Path | None, sample: Path, timeout: float = 600.0) -> None:
    """Start the stack and a worker, replay ``sample``, wait until processed, print the summary."""
    _say("1/5 starting the local stack (first run fetches jars from Maven Central)")
    stack.up(progress=_say)
    _say("2/5 creating topics and the index template")
    run_setup(settings, echo=_say)
    _say(f"3/5 starting the worker (log: {worker_log()})")
    start_worker(config, settings.worker.web_port)
    _say(f"4/5 replaying {sample}")
    report = replay_jsonl(settings, sample, show_progress=True)
    for malformed in report.malformed:
        _say(f"  malformed (goes to the DLQ): {malformed.location}: {malformed.reason}")
    _say("5/5 waiting until every post is indexed or dead-lettered")
    with kafka_accounting(settings.kafka) as kafka_counts:
        kafka_counts.wait_until_consumed(
            [settings.topics.raw, settings.topics.mentions],
            settings.worker.app_id,
            timeout,
            progress=_show_lag,
            poll_seconds=2.0,
        )
    print(format_summary(collect_summary(settings, sync_client(settings.search)), settings))
    _say("\nThe stack and the worker keep running; `make down` stops them.")
