"""Spike alerts on the real stack: a scenario replayed through a worker, alerts checked on the topic, in the
index, by e-mail (a real SMTP server) and over HTTP (a real server taking the SMS gateway and webhook calls).

The scenario (``tests/data/scenarios/alerts.jsonl``) is shifted by whole minutes so that it ends just before
now: its windows stay the same and Faust does not expire them. It is replayed through one partition so the
posts keep their order (see docs/alerts.md, "Event time").
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from pipeline.accounting import read_topic
from pipeline.worker_process import worker_log
from schemas.alerts import Alert, AlertKind, Dimension
from tests.support import PipelineProbe, free_port, isolated_config, running_pipeline

pytestmark = pytest.mark.stack

SCENARIO = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "alerts.jsonl"
SCENARIO_START = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
BURST = (SCENARIO_START + timedelta(minutes=80), SCENARIO_START + timedelta(minutes=90))
SMS_TOKEN = "Bearer sms-secret-7f3a"
SMS_RECIPIENTS = ["+31600000001", "+31600000002"]
EXPECTED_SERIES = {
    (Dimension.volume, None),
    (Dimension.term, "internetstoring"),
    (Dimension.intent, "outage"),
    (Dimension.negative, None),
}
EXPECTED_ALERTS = 2 * len(EXPECTED_SERIES)  # one spike and one recovery each


@dataclass
class Inbox:
    """The SMTP server's handler: keeps every message it receives."""

    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    """A real SMTP server (aiosmtpd) on an ephemeral port."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@contextlib.contextmanager
def http_server() -> Iterator[tuple[int, list[tuple[str, dict[str, str], Any]]]]:
    """A real HTTP server on an ephemeral port that records (path, headers, JSON body) and answers 200."""
    received: list[tuple[str, dict[str, str], Any]] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append((self.path, dict(self.headers), json.loads(body)))
            self.send_response(500 if self.path == "/hooks/broken" else 200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


def shifted_scenario(directory: Path) -> tuple[Path, timedelta]:
    """The scenario moved by whole hours so that its last post is less than an hour old."""
    posts = [json.loads(line) for line in SCENARIO.read_text(encoding="utf-8").splitlines()]
    last = max(datetime.fromisoformat(post["created_at"]) for post in posts)
    shift = timedelta(hours=(datetime.now(UTC) - last) // timedelta(hours=1))
    for post in posts:
        post["created_at"] = (datetime.fromisoformat(post["created_at"]) + shift).isoformat()
    path = directory / "alerts.jsonl"
    path.write_text("".join(json.dumps(post) + "\n" for post in posts), encoding="utf-8")
    return path, shift


def alert_config(smtp_port: int, http_port: int, suffix: str) -> dict[str, Any]:
    """The ``alerts`` section: 5-minute windows every minute, an hour of baseline, all three notifiers."""
    return {
        "topic": f"test-{suffix}.alerts",
        "by_brand_topic": f"test-{suffix}.alert-observations",
        "index": f"webcare-alerts-test-{suffix}",
        "window_seconds": 300,
        "step_seconds": 60,
        "baseline_seconds": 3600,
        "expires_seconds": 4 * 3600,
        "k": 3.0,
        "min_count": 8,
        "cooldown_seconds": 1800,
        "notify_retry_seconds": 0.2,
        "email": {
            "host": "127.0.0.1",
            "port": smtp_port,
            "sender": "alerts@webcare.invalid",
            "recipients": ["oncall@webcare.invalid"],
        },
        "sms": {
            "url": f"http://127.0.0.1:{http_port}/sms",
            "recipients": SMS_RECIPIENTS,
            "body_template": {"destination": "{to}", "message": "{text}", "sender": "Webcare"},
            "kinds": ["spike"],
        },
        "notify_attempts": 3,
        "webhooks": [
            {"name": "slack", "url": f"http://127.0.0.1:{http_port}/hooks/slack"},
            {"name": "broken", "url": f"http://127.0.0.1:{http_port}/hooks/broken", "kinds": ["spike"]},
        ],
    }


@dataclass
class AlertRun:
    probe: PipelineProbe
    inbox: Inbox
    http: list[tuple[str, dict[str, str], Any]]
    shift: timedelta
    log: Path

    @property
    def alerts_settings(self) -> Any:
        return self.probe.settings.alerts  # type: ignore[attr-defined]

    def topic_alerts(self) -> list[Alert]:
        return [
            Alert.model_validate_json(record.value)
            for record in read_topic(self.probe.settings.kafka.bootstrap_servers, self.alerts_settings.topic)
        ]

    def indexed_alerts(self) -> list[Alert]:
        index = self.alerts_settings.index
        search = self.probe.search
        if not search.indices.exists(index=index):
            return []
        search.indices.refresh(index=index)
        hits = search.search(index=index, size=100, query={"match_all": {}})["hits"]["hits"]
        return [Alert.model_validate(hit["_source"]) for hit in hits]

    def requests(self, path: str) -> list[tuple[str, dict[str, str], Any]]:
        return [request for request in self.http if request[0] == path]


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def run(
    real_stack: None, tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch
) -> Iterator[AlertRun]:
    """A worker with alerts on, the scenario replayed through it, and everything it delivered."""
    directory = tmp_path_factory.mktemp("alerts")
    monkeypatch_module.setenv("WEBCARE_ALERTS__SMS__AUTH_VALUE", SMS_TOKEN)
    with smtp_server() as (smtp_port, inbox), http_server() as (http_port, http):
        suffix = uuid.uuid4().hex[:8]
        config = isolated_config(directory, partitions=1, alerts=alert_config(smtp_port, http_port, suffix))
        with running_pipeline(config) as probe:
            path, shift = shifted_scenario(directory)
            probe.replay(path)
            probe.wait_until_processed()
            alerts = probe.settings.alerts  # type: ignore[attr-defined]
            probe.accounting.wait_until_consumed(
                [alerts.by_brand_topic, alerts.topic], probe.settings.worker.app_id, 120.0, poll_seconds=0.5
            )
            run = AlertRun(
                probe, inbox, http, shift, worker_log(name=f"worker-{probe.settings.worker.app_id}")
            )
            wait_for(lambda: len(run.indexed_alerts()) >= EXPECTED_ALERTS, 60, "the alerts in the index")
            wait_for(lambda: len(inbox.messages) >= EXPECTED_ALERTS, 60, "the alert e-mails")
            yield run


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_one_spike_and_one_recovery_per_series_on_the_topic(run: AlertRun) -> None:
    alerts = run.topic_alerts()
    assert {alert.brand for alert in alerts} == {"Kabelkat"}
    for kind in AlertKind:
        series = sorted((alert.dimension, alert.key) for alert in alerts if alert.kind is kind)
        assert series == sorted(EXPECTED_SERIES, key=str), kind
    spikes = {alert.id: alert for alert in alerts if alert.kind is AlertKind.spike}
    for recovery in (alert for alert in alerts if alert.kind is AlertKind.recovery):
        spike = spikes[recovery.spike_id]
        assert (spike.dimension, spike.key) == (recovery.dimension, recovery.key)
        assert recovery.window_start > spike.window_start
        assert recovery.count < spike.min_count or recovery.count <= spike.threshold


def test_spikes_fire_during_the_burst_and_nothing_in_the_normal_part(run: AlertRun) -> None:
    burst_start, burst_end = (moment + run.shift for moment in BURST)
    for alert in run.topic_alerts():
        if alert.kind is AlertKind.spike:
            assert burst_start <= alert.created_at < burst_end, alert.subject()
            assert alert.count >= alert.min_count and alert.count > alert.threshold
            from_burst = ["internetstoring" in example.text.lower() for example in alert.examples]
            assert 0 < len(from_burst) <= 3 and any(from_burst)
            if alert.dimension is not Dimension.volume:
                assert all(from_burst), alert.examples
        else:
            assert burst_end <= alert.created_at < burst_end + timedelta(minutes=10), alert.subject()


def test_the_index_holds_the_alerts_under_their_ids(run: AlertRun) -> None:
    on_topic = {alert.id: alert for alert in run.topic_alerts()}
    indexed = {alert.id: alert for alert in run.indexed_alerts()}
    assert indexed == on_topic


def test_every_alert_is_e_mailed(run: AlertRun) -> None:
    on_topic = {alert.id: alert for alert in run.topic_alerts()}
    mailed = {message["X-Webcare-Alert-Id"]: message for message in run.inbox.messages}
    assert set(mailed) == set(on_topic)
    for alert_id, message in mailed.items():
        assert " ".join(message["Subject"].split()) == on_topic[alert_id].subject()
        assert message["To"] == "oncall@webcare.invalid"


def test_spikes_go_by_sms_to_each_recipient_with_the_gateway_token(run: AlertRun) -> None:
    spikes = [alert for alert in run.topic_alerts() if alert.kind is AlertKind.spike]
    requests = run.requests("/sms")
    assert len(requests) == len(spikes) * len(SMS_RECIPIENTS)
    assert all(headers["Authorization"] == SMS_TOKEN for _, headers, _ in requests)
    assert sorted(body["destination"] for _, _, body in requests) == sorted(SMS_RECIPIENTS * len(spikes))
    texts = {body["message"] for _, _, body in requests}
    assert texts == {alert.subject().removeprefix("[webcare] ") for alert in spikes}
    assert all(
        len(text) <= 160 and body["sender"] == "Webcare"
        for _, _, body in requests
        for text in [body["message"]]
    )


def test_every_alert_goes_to_the_webhook_as_slack_json(run: AlertRun) -> None:
    on_topic = {alert.subject() for alert in run.topic_alerts()}
    bodies = [body for _, _, body in run.requests("/hooks/slack")]
    assert {body["text"] for body in bodies} == on_topic
    assert len(bodies) == len(on_topic)
    assert all(body["blocks"][0]["type"] == "section" for body in bodies)


def test_the_gateway_token_is_not_logged(run: AlertRun) -> None:
    assert SMS_TOKEN.split()[1] not in run.log.read_text(encoding="utf-8", errors="replace")


def test_a_failing_notifier_is_retried_then_given_up_without_holding_up_the_others(run: AlertRun) -> None:
    spikes = [alert for alert in run.topic_alerts() if alert.kind is AlertKind.spike]
    assert len(run.requests("/hooks/broken")) == 3 * len(spikes)
    log = run.log.read_text(encoding="utf-8", errors="replace")
    assert log.count("notify webhook broken: gave up on alert") == len(spikes)
    assert "/hooks/broken" not in log
