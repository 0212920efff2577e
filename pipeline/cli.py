"""The ``webcare`` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline import stack
from pipeline.commands.audit import audit
from pipeline.commands.common import settings_from
from pipeline.commands.ingest import ingest
from pipeline.commands.search import search
from pipeline.commands.suggest import suggest
from pipeline.gc_tuning import tune_garbage_collector

_settings = settings_from


@click.group()
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="WEBCARE_CONFIG",
    help="YAML config file (default: $WEBCARE_CONFIG; WEBCARE_* variables override it).",
)
@click.pass_context
def main(context: click.Context, config: Path | None) -> None:
    """Webcare stream pipeline: connectors -> Kafka -> Faust enrichment -> search index."""
    context.obj = {"config": config}


@main.group("stack")
def stack_group() -> None:
    """The real local stack: a Kafka broker and an OpenSearch node under .stack/."""


@stack_group.command("up")
def stack_up() -> None:
    """Fetch (once) and start Kafka and OpenSearch; wait until both are healthy."""
    try:
        stack.up(progress=lambda line: click.echo(line, err=True))
    except stack.StackError as error:
        raise click.ClickException(str(error)) from None


@stack_group.command("down")
@click.option("--wipe", is_flag=True, help="Also delete the stored data (the fetched jars stay).")
def stack_down(wipe: bool) -> None:
    """Stop the worker started by the demo, then Kafka and OpenSearch."""
    from pipeline.worker_process import stop_worker

    if stop_worker():
        click.echo("worker stopped", err=True)
    stack.down(wipe=wipe)
    click.echo("stack stopped", err=True)


@stack_group.command("status")
def stack_status() -> None:
    """Show what runs, where, and where its log is."""
    from pipeline.worker_process import worker_log, worker_pid

    for name, info in stack.status().items():
        state = "healthy" if info.get("healthy") else ("running" if info.get("running") else "stopped")
        click.echo(
            f"{name:<11} {state:<8} {info.get('address', '')}  pid={info.get('pid')}  log={info.get('log')}"
        )
    pid = worker_pid()
    click.echo(f"{'worker':<11} {'running' if pid else 'stopped':<8} pid={pid}  log={worker_log()}")


@main.command()
@click.pass_context
def setup(context: click.Context) -> None:
    """Create the topics and the index template (idempotent)."""
    from pipeline.setup import run_setup

    run_setup(_settings(context), echo=lambda line: click.echo(line, err=True))


@main.command()
@click.option("--loglevel", default="info", show_default=True)
@click.pass_context
def worker(context: click.Context, loglevel: str) -> None:
    """Run the Faust worker (enrich and index agents) in the foreground."""
    from faust.worker import Worker

    from pipeline.app import create_app
    from pipeline.observability import logging_config
    from pipeline.setup import run_setup

    settings = _settings(context)
    run_setup(settings, echo=lambda line: click.echo(line, err=True))
    app = create_app(settings)
    tune_garbage_collector()
    log_format = settings.worker.log_format
    Worker(
        app,
        loglevel=loglevel,
        logging_config=logging_config(log_format, loglevel),
        quiet=log_format == "json",
    ).execute_from_commandline()


@main.command()
@click.option(
    "--input", "input_file", type=click.File("rb"), default="-", help="RawPost JSON Lines (default: stdin)."
)
@click.option(
    "--output", "output_file", type=click.File("w"), default="-", help="EnrichedMention JSON Lines."
)
@click.option(
    "--rejects", type=click.File("w"), help="Also write invalid lines here, as JSON with the reason."
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML config file (brands, rules, enrichment); overrides `webcare --config`.",
)
@click.pass_context
def enrich(context: click.Context, input_file, output_file, rejects, config: Path | None) -> None:
    """Enrich RawPost JSON Lines offline with exactly the stream's code."""
    from tqdm import tqdm

    from enrichers.enrichment import Enrichment
    from pipeline.offline import enrich_lines, reject_record

    settings = _settings(context, config)

    def on_reject(number: int, data: bytes, reason: str) -> None:
        click.echo(f"line {number}: {reason}", err=True)
        if rejects is not None:
            rejects.write(reject_record(number, data, reason) + "\n")

    enrichment = Enrichment.from_settings(settings)
    tune_garbage_collector()
    with tqdm(unit="line", desc="enrich", file=sys.stderr, disable=None) as bar:
        report = enrich_lines(enrichment, input_file, output_file, on_reject, bar.update)
    click.echo(f"enriched {report.enriched} post(s), rejected {report.rejected} line(s)", err=True)


@main.command()
@click.option("--timeout", default=300.0, show_default=True, help="Seconds to wait at most.")
@click.pass_context
def wait(context: click.Context, timeout: float) -> None:
    """Wait until the worker has processed everything on the raw and mentions topics."""
    from pipeline.kafka_security import kafka_accounting

    settings = _settings(context)
    with kafka_accounting(settings.kafka) as kafka_counts:
        try:
            kafka_counts.wait_until_consumed(
                [settings.topics.raw, settings.topics.mentions], settings.worker.app_id, timeout
            )
        except TimeoutError as error:
            raise click.ClickException(str(error)) from None


@main.command()
@click.pass_context
def summary(context: click.Context) -> None:
    """Print counts from the topics and the index, with example queries."""
    from pipeline.summary import collect_summary, format_summary
    from sinks.search_client import sync_client

    settings = _settings(context)
    click.echo(format_summary(collect_summary(settings, sync_client(settings.search)), settings))


@main.command()
@click.option(
    "--sample",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("samples/posts.jsonl"),
    show_default=True,
)
@click.pass_context
def demo(context: click.Context, sample: Path) -> None:
    """Start everything, replay the sample, wait until it is indexed, and print a summary."""
    from pipeline.demo import run_demo

    try:
        run_demo(_settings(context), context.obj.get("config"), sample)
    except (stack.StackError, TimeoutError) as error:
        raise click.ClickException(str(error)) from None


main.add_command(ingest)
main.add_command(audit)
main.add_command(search)
main.add_command(suggest)

if __name__ == "__main__":
    sys.exit(main())
