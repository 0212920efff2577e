"""Alert notifiers: e-mail over SMTP, SMS through an HTTP gateway, and Slack-compatible webhooks.

Each notifier turns an Alert into its message and sends it once; :func:`notify` retries with backoff and
gives up after the configured attempts (logged; the alert is on the alerts topic and in the index anyway).
Secrets (SMTP password, gateway auth header, webhook URLs, which often hold a token) are never logged:
failures are reported by notifier name, status code and exception type only.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from typing import Any, Protocol

import aiohttp

from schemas.alert_settings import (
    AlertSettings,
    EmailSettings,
    NotifierFilter,
    SmsSettings,
    WebhookSettings,
)
from schemas.alerts import Alert, AlertKind

log = logging.getLogger(__name__)


class NotifyError(Exception):
    """A notifier could not deliver (the message is safe to log)."""


class Notifier(Protocol):
    name: str
    filter: NotifierFilter

    async def send(self, alert: Alert) -> None: ...


def wants(notifier: Notifier, alert: Alert) -> bool:
    """Whether the notifier's filter lets ``alert`` through."""
    return alert.kind in notifier.filter.kinds and alert.dimension in notifier.filter.dimensions


def alert_lines(alert: Alert) -> list[str]:
    """The alert as lines of plain text (the e-mail body)."""
    lines = [
        alert.subject(),
        "",
        f"Brand: {alert.brand}",
        f"Counted: {alert.dimension.value}" + (f" '{alert.key}'" if alert.key else ""),
        f"Window: {alert.window_start.isoformat()} to {alert.window_end.isoformat()}",
        f"Count: {alert.count} (threshold {alert.threshold:.1f}, minimum {alert.min_count})",
        f"Normal: {alert.baseline_mean:.1f} ± {alert.baseline_std:.1f} per window",
        f"Alert id: {alert.id}",
    ]
    if alert.spike_id:
        lines.append(f"Ends spike: {alert.spike_id}")
    if alert.examples:
        lines += ["", "Examples:", *(f"- {example.text} ({example.id})" for example in alert.examples)]
    return lines


def email_message(alert: Alert, settings: EmailSettings) -> EmailMessage:
    """The e-mail for one alert, to every recipient."""
    message = EmailMessage()
    message["Subject"] = alert.subject()
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["X-Webcare-Alert-Id"] = alert.id
    message.set_content("\n".join(alert_lines(alert)) + "\n")
    return message


def sms_text(alert: Alert, max_chars: int) -> str:
    """The alert's subject, cut to ``max_chars``."""
    text = alert.subject().removeprefix("[webcare] ")
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def sms_body(template: dict[str, str], to: str, text: str) -> dict[str, str]:
    """The gateway's JSON body: ``{to}`` and ``{text}`` replaced in the template's values."""
    return {name: value.replace("{to}", to).replace("{text}", text) for name, value in template.items()}


def slack_payload(alert: Alert) -> dict[str, Any]:
    """Slack-compatible JSON: ``text`` (the fallback) and ``blocks``."""
    icon = ":rotating_light:" if alert.kind is AlertKind.spike else ":white_check_mark:"
    fields = [
        f"*Brand*\n{alert.brand}",
        f"*Counted*\n{alert.dimension.value}" + (f": {alert.key}" if alert.key else ""),
        f"*Count*\n{alert.count} (threshold {alert.threshold:.1f})",
        f"*Normal*\n{alert.baseline_mean:.1f} ± {alert.baseline_std:.1f}",
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"{icon} *{alert.subject()}*"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": field} for field in fields]},
    ]
    if alert.examples:
        quoted = "\n".join(f"> {example.text}" for example in alert.examples)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": quoted}})
    blocks.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"{alert.window_start.isoformat()} · id {alert.id}"}],
        }
    )
    return {"text": alert.subject(), "blocks": blocks}


class EmailNotifier:
    """Sends over SMTP with the standard library, in a thread."""

    name = "email"

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings
        self.filter = settings

    async def send(self, alert: Alert) -> None:
        await asyncio.to_thread(self._send, email_message(alert, self.settings))

    def _send(self, message: EmailMessage) -> None:
        settings = self.settings
        try:
            if settings.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    settings.host,
                    settings.port,
                    timeout=settings.timeout_seconds,
                    context=ssl.create_default_context(),
                )
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
            with smtp:
                if settings.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if settings.username and settings.password:
                    smtp.login(settings.username, settings.password.get_secret_value())
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise NotifyError(f"SMTP {settings.host}:{settings.port}: {type(error).__name__}") from None


async def _post_json(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    timeout: float,
) -> None:
    """Send JSON; a non-2xx answer or a connection problem is a NotifyError without the URL."""
    try:
        async with session.request(
            method, url, json=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            if response.status >= 300:
                raise NotifyError(f"HTTP {response.status}")
    except (aiohttp.ClientError, TimeoutError) as error:
        raise NotifyError(type(error).__name__) from None


class SmsNotifier:
    """One gateway request per recipient."""

    name = "sms"

    def __init__(self, settings: SmsSettings, session: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.filter = settings
        self._session = session

    async def send(self, alert: Alert) -> None:
        settings = self.settings
        headers = {}
        if settings.auth_value is not None:
            headers[settings.auth_header] = settings.auth_value.get_secret_value()
        text = sms_text(alert, settings.max_chars)
        for to in settings.recipients:
            body = sms_body(settings.body_template, to, text)
            await _post_json(
                self._session, settings.method, settings.url, body, headers, settings.timeout_seconds
            )


class WebhookNotifier:
    """Posts Slack-compatible JSON."""

    def __init__(self, settings: WebhookSettings, session: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.filter = settings
        self.name = f"webhook {settings.name}"
        self._session = session

    async def send(self, alert: Alert) -> None:
        url = self.settings.url.get_secret_value()
        await _post_json(self._session, "POST", url, slack_payload(alert), {}, self.settings.timeout_seconds)


def build_notifiers(settings: AlertSettings, session: aiohttp.ClientSession) -> list[Notifier]:
    """The notifiers the settings configure."""
    notifiers: list[Notifier] = []
    if settings.email is not None:
        notifiers.append(EmailNotifier(settings.email))
    if settings.sms is not None:
        notifiers.append(SmsNotifier(settings.sms, session))
    notifiers += [WebhookNotifier(webhook, session) for webhook in settings.webhooks]
    return notifiers


async def notify(
    notifier: Notifier,
    alert: Alert,
    attempts: int,
    first_backoff: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> bool:
    """Send with retries (the backoff doubles); return whether it was delivered. Never raises NotifyError."""
    backoff = first_backoff
    for attempt in range(1, attempts + 1):
        try:
            await notifier.send(alert)
            return True
        except NotifyError as error:
            if attempt == attempts:
                log.error(
                    "notify %s: gave up on alert %s after %d attempts: %s",
                    notifier.name,
                    alert.id,
                    attempt,
                    error,
                )
                return False
            log.warning(
                "notify %s: attempt %d failed (%s); retrying in %.0fs", notifier.name, attempt, error, backoff
            )
            await sleep(backoff)
            backoff *= 2
    return False
