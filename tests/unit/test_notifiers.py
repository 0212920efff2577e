"""Notifier payloads, filters and retries (no servers; the real ones: tests/integration/test_alerts.py)."""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from schemas.alert_settings import AlertSettings, EmailSettings, SmsSettings, WebhookSettings
from schemas.alerts import Alert, AlertExample, AlertKind, Dimension, alert_id
from sinks.notifiers import (
    NotifyError,
    WebhookNotifier,
    build_notifiers,
    email_message,
    notify,
    slack_payload,
    sms_body,
    sms_text,
    wants,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def alert(kind: AlertKind = AlertKind.spike, dimension: Dimension = Dimension.term) -> Alert:
    key = "internetstoring" if dimension is Dimension.term else None
    return Alert(
        id=alert_id(kind, "Kabelkat", dimension, key, START),
        kind=kind,
        brand="Kabelkat",
        dimension=dimension,
        key=key,
        window_start=START,
        window_end=START + timedelta(minutes=5),
        count=31,
        baseline_mean=0.4,
        baseline_std=0.6,
        threshold=3.4,
        min_count=8,
        examples=[AlertExample(id="twitter:1", text="Internetstoring in Delft?")],
        created_at=START + timedelta(minutes=4),
    )


EMAIL = EmailSettings(
    host="127.0.0.1", sender="alerts@example.invalid", recipients=["a@x.invalid", "b@x.invalid"]
)


def test_alert_ids_are_stable_and_differ_per_kind_and_window() -> None:
    assert alert().id == alert().id
    assert alert(AlertKind.recovery).id != alert().id
    assert alert_id(
        AlertKind.spike, "Kabelkat", Dimension.term, "internetstoring", START + timedelta(minutes=1)
    ) != (alert().id)


def test_subject_says_what_spiked_and_what_is_normal() -> None:
    assert alert().subject() == (
        "[webcare] Spike: Kabelkat: 31 mentions with 'internetstoring' in 5 min (normal 0.4 ± 0.6)"
    )
    assert alert(AlertKind.recovery, Dimension.negative).subject() == (
        "[webcare] Recovered: Kabelkat: 31 negative mentions in 5 min"
    )


def test_email_goes_to_every_recipient_with_the_details() -> None:
    message = email_message(alert(), EMAIL)
    assert message["To"] == "a@x.invalid, b@x.invalid"
    assert message["Subject"] == alert().subject()
    assert message["X-Webcare-Alert-Id"] == alert().id
    body = message.get_content()
    assert "Count: 31 (threshold 3.4, minimum 8)" in body
    assert "- Internetstoring in Delft? (twitter:1)" in body


def test_sms_text_is_cut_to_length_and_rendered_into_the_template() -> None:
    text = sms_text(alert(), 40)
    assert len(text) == 40 and text.endswith("…") and text.startswith("Spike: Kabelkat")
    template = {"msisdn": "{to}", "body": "Alert: {text}", "from": "Webcare"}
    assert sms_body(template, "+31600000001", "hi") == {
        "msisdn": "+31600000001",
        "body": "Alert: hi",
        "from": "Webcare",
    }


def test_webhook_payload_is_slack_compatible() -> None:
    payload = slack_payload(alert())
    assert payload["text"] == alert().subject()
    assert [block["type"] for block in payload["blocks"]] == ["section", "section", "section", "context"]
    assert payload["blocks"][0]["text"]["type"] == "mrkdwn"
    assert "> Internetstoring in Delft?" in payload["blocks"][2]["text"]["text"]


def test_filters_choose_kinds_and_dimensions() -> None:
    settings = AlertSettings(
        email=EMAIL,
        sms=SmsSettings(url="http://127.0.0.1:1/sms", recipients=["+31600000001"], kinds=[AlertKind.spike]),
        webhooks=[WebhookSettings(name="ops", url="http://127.0.0.1:1/hook", dimensions=[Dimension.volume])],
    )

    async def build() -> list[bool]:
        async with aiohttp.ClientSession() as session:
            email, sms, webhook = build_notifiers(settings, session)
            return [
                wants(email, alert(AlertKind.recovery)),
                wants(sms, alert(AlertKind.recovery)),
                wants(webhook, alert()),
                wants(webhook, alert(dimension=Dimension.volume)),
            ]

    assert asyncio.run(build()) == [True, False, False, True]


class Flaky:
    """Fails ``failures`` times, then delivers."""

    name = "flaky"
    filter = EMAIL

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    async def send(self, alert: Alert) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise NotifyError("HTTP 503")


def test_notify_retries_with_doubling_backoff_then_delivers() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    flaky = Flaky(failures=2)
    assert asyncio.run(notify(flaky, alert(), attempts=5, first_backoff=1.0, sleep=sleep))
    assert flaky.calls == 3 and waits == [1.0, 2.0]


def test_notify_gives_up_after_the_attempts_and_logs_it(caplog: pytest.LogCaptureFixture) -> None:
    async def sleep(seconds: float) -> None:
        pass

    flaky = Flaky(failures=10)
    with caplog.at_level(logging.WARNING, logger="sinks.notifiers"):
        assert not asyncio.run(notify(flaky, alert(), attempts=3, first_backoff=1.0, sleep=sleep))
    assert flaky.calls == 3
    assert f"notify flaky: gave up on alert {alert().id} after 3 attempts: HTTP 503" in caplog.text


def test_a_webhook_failure_does_not_reveal_the_url() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once the socket is closed
    secret_url = f"http://127.0.0.1:{port}/services/T000/B000/s3cr3t-token"
    settings = WebhookSettings(name="slack", url=secret_url, timeout_seconds=2)

    async def send() -> str:
        async with aiohttp.ClientSession() as session:
            with pytest.raises(NotifyError) as raised:
                await WebhookNotifier(settings, session).send(alert())
            return str(raised.value)

    message = asyncio.run(send())
    assert "s3cr3t" not in message and "127.0.0.1" not in message
    assert "s3cr3t" not in repr(settings)
