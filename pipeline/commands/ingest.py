"""``webcare ingest <source>``: publish posts from a source to the raw topic.

Every source checkpoints under ``--state-dir`` (default ``.state/connectors``, or
``$WEBCARE_CONNECTOR_STATE_DIR``) as ``<name>.json``, so a restart resumes where the last run stopped.
``--follow`` keeps a source running until SIGINT/SIGTERM, then flushes and checkpoints. See
docs/connectors.md for every option.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from connectors.base import Item, Malformed
from connectors.checkpoint import CheckpointError
from connectors.http import FetchError
from connectors.publisher import PublishError, PublishReport
from connectors.settings import (
    DEFAULT_STATE_DIR,
    BlueskyOptions,
    FeedOptions,
    GenerateOptions,
    HttpOptions,
    MastodonOptions,
    RunOptions,
    WebhookOptions,
)
from pipeline.commands.common import settings_from
from pipeline.kafka_security import kafka_publisher
from pipeline.settings import Settings


@click.group()
def ingest() -> None:
    """Publish posts from a source to the raw topic (once, or as a service with --follow)."""


def _run_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every source shares: follow mode and the checkpoint."""
    decorators = [
        click.option(
            "--follow", is_flag=True, help="Keep running (until SIGINT/SIGTERM) and read what comes."
        ),
        click.option(
            "--state-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=DEFAULT_STATE_DIR,
            show_default=True,
            envvar="WEBCARE_CONNECTOR_STATE_DIR",
            help="Where checkpoints are kept.",
        ),
        click.option("--name", help="Checkpoint name of this instance (default: derived from the source)."),
        click.option("--reset", is_flag=True, help="Forget the checkpoint and start from the beginning."),
        click.option(
            "--checkpoint-every", type=int, default=500, show_default=True, help="Items per checkpoint."
        ),
    ]
    return functools.reduce(lambda wrapped, decorate: decorate(wrapped), reversed(decorators), command)


def _http_options(command: Callable[..., None]) -> Callable[..., None]:
    decorators = [
        click.option(
            "--rate", type=float, default=1.0, show_default=True, help="HTTP requests per second at most."
        ),
        click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds per request."),
        click.option("--max-retries", type=int, default=6, show_default=True, help="Retries per request."),
    ]
    return functools.reduce(lambda wrapped, decorate: decorate(wrapped), reversed(decorators), command)


def _build(model: type[Any], **values: Any) -> Any:
    try:
        return model(**values)
    except ValidationError as error:
        raise click.BadParameter(str(error)) from None


def _log_to_stderr() -> None:
    """Service-style log lines (the connector's progress and warnings); the Kafka client only warns."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("kafka").setLevel(logging.WARNING)


def _slug(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _report(report: PublishReport, topic: str, what: str = "post(s)") -> None:
    for malformed in report.malformed:
        click.echo(f"malformed: {malformed.location}: {malformed.reason}", err=True)
    click.echo(
        f"published {report.posts} {what} and {len(report.malformed)} malformed item(s) to {topic}", err=True
    )


def _echo_malformed(item: Item) -> None:
    if isinstance(item, Malformed):
        click.echo(f"malformed: {item.location}: {item.reason}", err=True)


def _errors_are_clear(action: Callable[[], PublishReport]) -> PublishReport:
    try:
        return action()
    except (CheckpointError, FetchError, PublishError, ValueError, OSError) as error:
        raise click.ClickException(str(error)) from None


def _replay(context: click.Context, kind: str, path: Path, speed: str, **run: Any) -> None:
    from connectors.service import open_store
    from pipeline.replay import replay_file

    settings = settings_from(context)
    try:
        pace = None if speed == "fast" else float(speed)
    except ValueError:
        raise click.BadParameter(f"--speed must be 'fast' or a number, got {speed!r}") from None
    options = _build(RunOptions, **run)
    store = open_store(options, f"{kind}-{path.stem}-{_slug(str(path.resolve()))}")
    stop = threading.Event()
    report = _errors_are_clear(lambda: replay_file(settings, path, kind, True, pace, store, options, stop))
    _report(report, settings.topics.raw)


_SPEED = click.option(
    "--speed",
    default="fast",
    show_default=True,
    help="'fast' (as fast as possible) or N: the original pace (created_at gaps) N times faster.",
)
_PATH = click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))


@ingest.command("jsonl")
@_PATH
@_SPEED
@_run_options
@click.pass_context
def ingest_jsonl(context: click.Context, path: Path, speed: str, **run: Any) -> None:
    """Replay a JSON Lines file of RawPosts (malformed lines are passed on for the DLQ)."""
    _replay(context, "jsonl", path, speed, **run)


@ingest.command("csv")
@_PATH
@_SPEED
@_run_options
@click.pass_context
def ingest_csv(context: click.Context, path: Path, speed: str, **run: Any) -> None:
    """Replay a CSV file with a header row (columns: docs/connectors.md)."""
    _replay(context, "csv", path, speed, **run)


def _run_network(
    settings: Settings, build: Callable[..., Any], options: RunOptions, default_name: str
) -> PublishReport:
    from connectors.service import open_store, run_network_connector

    _log_to_stderr()
    store = open_store(options, default_name)
    counts = {"posts": 0}

    def progress(item: Item) -> None:
        _echo_malformed(item)
        if not isinstance(item, Malformed):
            counts["posts"] += 1
            if counts["posts"] % 1000 == 0:
                click.echo(f"{counts['posts']} posts published", err=True)

    def action() -> PublishReport:
        with kafka_publisher(settings.kafka, settings.topics.raw) as publisher:
            return asyncio.run(run_network_connector(build, publisher, store, options, progress))

    return _errors_are_clear(action)


@ingest.command("rss")
@click.argument("urls", nargs=-1, required=True)
@click.option("--source", default="news", show_default=True, help="news, blog, review, forum or other.")
@click.option(
    "--poll-seconds", type=float, default=300.0, show_default=True, help="Between polls (--follow)."
)
@_http_options
@_run_options
@click.pass_context
def ingest_rss(
    context: click.Context, urls: tuple[str, ...], source: str, poll_seconds: float, **options: Any
) -> None:
    """New entries of RSS 2.0 / Atom 1.0 feeds (conditional GET, per-feed state)."""
    from connectors.feeds import FeedConnector
    from connectors.service import make_fetcher

    http = _build(HttpOptions, **{k: options.pop(k) for k in ("rate", "timeout", "max_retries")})
    feed = _build(FeedOptions, urls=list(urls), source=source, poll_seconds=poll_seconds)
    run = _build(RunOptions, **options)

    def build(session: Any, position: dict[str, Any] | None) -> FeedConnector:
        fetcher = make_fetcher(session, http)
        return FeedConnector(
            fetcher, feed.urls, feed.source, position, run.follow, feed.poll_seconds, feed.max_seen
        )

    settings = settings_from(context)
    report = _run_network(settings, build, run, f"rss-{_slug(' '.join(sorted(urls)))}")
    _report(report, settings.topics.raw)


@ingest.command("mastodon")
@click.argument("base_url")
@click.option("--hashtag", help="Read /timelines/tag/HASHTAG instead of the public timeline.")
@click.option("--local", is_flag=True, help="Only statuses of this instance.")
@click.option("--since-id", help="Start after this status id (when there is no checkpoint).")
@click.option(
    "--streaming", is_flag=True, help="Use the streaming API (implies --follow; gaps filled by REST)."
)
@click.option("--poll-seconds", type=float, default=30.0, show_default=True, help="Between polls (--follow).")
@click.option(
    "--access-token", envvar="WEBCARE_MASTODON_TOKEN", help="Bearer token ($WEBCARE_MASTODON_TOKEN)."
)
@_http_options
@_run_options
@click.pass_context
def ingest_mastodon(context: click.Context, base_url: str, **options: Any) -> None:
    """Statuses of a Mastodon public or hashtag timeline (REST with min_id paging, or streaming)."""
    from connectors.mastodon import MastodonConnector
    from connectors.service import make_fetcher

    http = _build(HttpOptions, **{k: options.pop(k) for k in ("rate", "timeout", "max_retries")})
    keys = ("hashtag", "local", "since_id", "streaming", "poll_seconds", "access_token")
    mastodon = _build(MastodonOptions, base_url=base_url, **{k: options.pop(k) for k in keys})
    if mastodon.streaming:
        options["follow"] = True
    run = _build(RunOptions, **options)
    token = mastodon.access_token.get_secret_value() if mastodon.access_token else None

    def build(session: Any, position: dict[str, Any] | None) -> MastodonConnector:
        return MastodonConnector(
            make_fetcher(session, http), mastodon.base_url, mastodon.hashtag, mastodon.local, mastodon.limit,
            position, mastodon.since_id, run.follow, mastodon.streaming, mastodon.poll_seconds, token,
        )  # fmt: skip

    settings = settings_from(context)
    timeline = f"tag-{mastodon.hashtag}" if mastodon.hashtag else "public"
    report = _run_network(settings, build, run, f"mastodon-{_slug(base_url)}-{timeline}")
    _report(report, settings.topics.raw)


@ingest.command("bluesky")
@click.option("--url", default=BlueskyOptions().url, show_default=True, help="Jetstream instance.")
@click.option("--keyword", "keywords", multiple=True, help="Only posts containing this (repeat for more).")
@click.option("--cursor", type=int, help="time_us to start at when there is no checkpoint (default: live).")
@click.option("--rewind-seconds", type=float, default=0.0, show_default=True, help="Start this much earlier.")
@click.option("--idle-seconds", type=float, default=5.0, show_default=True, help="One-shot: stop when quiet.")
@_run_options
@click.pass_context
def ingest_bluesky(context: click.Context, **options: Any) -> None:
    """Posts from the Bluesky Jetstream firehose, filtered by keywords, resumed from the cursor."""
    from connectors.bluesky import JetstreamConnector

    keys = ("url", "keywords", "cursor", "rewind_seconds", "idle_seconds")
    values = {k: options.pop(k) for k in keys}
    bluesky = _build(BlueskyOptions, **{**values, "keywords": list(values["keywords"])})
    run = _build(RunOptions, **options)

    def build(session: Any, position: dict[str, Any] | None) -> JetstreamConnector:
        return JetstreamConnector(
            session, bluesky.url, bluesky.keywords, position, bluesky.cursor, run.follow,
            bluesky.idle_seconds, bluesky.rewind_seconds,
        )  # fmt: skip

    settings = settings_from(context)
    report = _run_network(settings, build, run, f"bluesky-{_slug(bluesky.url)}")
    _report(report, settings.topics.raw)


@ingest.command("webhook")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8088, show_default=True)
@click.option(
    "--token",
    "tokens",
    multiple=True,
    envvar="WEBCARE_WEBHOOK_TOKENS",
    help="Accepted bearer token (repeat; or $WEBCARE_WEBHOOK_TOKENS, space-separated).",
)
@click.option("--max-body-bytes", type=int, default=1_048_576, show_default=True)
@click.option("--max-batch", type=int, default=1000, show_default=True, help="Posts per request at most.")
@click.option("--max-in-flight", type=int, default=10_000, show_default=True, help="Posts waiting for Kafka "
              "before answering 429.")  # fmt: skip
@click.pass_context
def ingest_webhook(context: click.Context, **values: Any) -> None:
    """Serve the HTTP webhook (POST /v1/posts, GET /openapi.json) until SIGINT/SIGTERM."""
    from connectors.publisher import AsyncPublisher
    from connectors.webhook import STATS, create_app, serve

    tokens = [token for value in values["tokens"] for token in value.split()]
    if not tokens:
        raise click.UsageError("give at least one --token (or set WEBCARE_WEBHOOK_TOKENS)")
    options = _build(WebhookOptions, **{**values, "tokens": tokens})
    settings = settings_from(context)
    _log_to_stderr()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (2, 15):  # SIGINT, SIGTERM
            loop.add_signal_handler(number, stop.set)
        with kafka_publisher(settings.kafka, settings.topics.raw) as publisher:
            front = AsyncPublisher(publisher, options.max_in_flight)
            tokens = [token.get_secret_value() for token in options.tokens]
            app = create_app(front, tokens, options.max_body_bytes, options.max_batch, options.retry_after)
            try:
                await serve(app, options.host, options.port, stop)
            finally:
                front.close()
                click.echo(f"webhook stopped: {app[STATS]}", err=True)

    try:
        asyncio.run(main())
    except OSError as error:
        raise click.ClickException(f"cannot serve on {options.host}:{options.port}: {error}") from None


@ingest.command("generate")
@click.option("--rate", type=float, default=100.0, show_default=True, help="Posts per second.")
@click.option("--count", type=int, default=1000, show_default=True, help="Posts to send (0: until stopped).")
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--malformed-every", type=int, default=0, help="Every N-th post is an awkward (but valid) one.")
@click.option("--keep-timestamps", is_flag=True, help="Keep the generated created_at instead of now.")
@click.pass_context
def ingest_generate(context: click.Context, keep_timestamps: bool, **values: Any) -> None:
    """Synthetic Dutch/English webcare posts at a given rate, for demos and benchmarks."""
    from tqdm import tqdm

    from connectors.generate import GenerateConnector
    from connectors.runner import RateLimit
    from connectors.service import run_connector

    options = _build(GenerateOptions, **values, restamp=not keep_timestamps)
    settings = settings_from(context)
    with (
        kafka_publisher(settings.kafka, settings.topics.raw) as publisher,
        tqdm(total=options.count or None, unit="post", desc="generate") as bar,
    ):
        report = _errors_are_clear(
            lambda: run_connector(
                GenerateConnector(options),
                publisher,
                None,
                RunOptions(),
                RateLimit(options.rate),
                lambda _item: bar.update(),
            )
        )
    _report(report, settings.topics.raw)
