"""`newsweave backfill`: process many shards on a Dask distributed cluster (see newsweave/backfill.py)."""
from __future__ import annotations

import logging
import sys

import click

from ..errors import NewsweaveError
from ..store import open_store
from .base import db_option, echo_error, echo_json, format_option, main, quiet_option


@main.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path())
@click.option("--scheduler", metavar="ADDRESS",
              help="A running Dask scheduler, e.g. tcp://10.0.0.5:8786 (workers need newsweave installed).")
@click.option("--workers", "n_workers", type=click.IntRange(min=1),
              help="Start a local cluster of N single-threaded worker processes instead.")
@click.option("--window-days", default=2.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Width of the time windows stories are formed in before they are merged.")
@click.option("--context-days", type=click.FloatRange(min=0),
              help="Days before each window its clusterer is warmed up on (default: --window-days).")
@click.option("--outlet", help="Outlet name for inputs that do not say.")
@click.option("--batch-size", default=256, show_default=True, help="Articles per database transaction.")
@db_option
@format_option("text", "json")
@quiet_option
def backfill(shards, scheduler, n_workers, window_days, context_days, outlet, batch_size, db, fmt, quiet):
    """Process SHARDS (JSONL, WARC(.gz) or any input `ingest` reads) on a Dask cluster into the database.

    Analysis runs on the workers, one task per shard; stories are formed per time window and
    merged across windows, giving the stories `newsweave ingest` would give. Exits with status 1
    when any input could not be read (the rest is still stored).

    \b
    Examples:
      newsweave backfill shards/*.jsonl --workers 4 --db news.db
      newsweave backfill cc-news-*.warc.gz --scheduler tcp://scheduler:8786 --db postgresql://news@db/news
    """
    from ..backfill import backfill as run_backfill, local_client

    if bool(scheduler) == bool(n_workers):
        raise click.UsageError("give exactly one of --scheduler ADDRESS or --workers N")
    if quiet:
        logging.getLogger("distributed").setLevel(logging.ERROR)
    try:
        store = open_store(db)
    except NewsweaveError as e:
        raise click.ClickException(str(e)) from e
    from distributed import Client

    client = Client(scheduler) if scheduler else local_client(n_workers)
    try:
        report = run_backfill(list(shards), store, client, window_days=window_days, batch_size=batch_size,
                              outlet=outlet, context_days=context_days)
    finally:
        cluster = client.cluster if n_workers else None
        client.close()
        if cluster is not None:
            cluster.close()
    for err in report.errors:
        echo_error(err)
    if fmt == "json":
        echo_json(report.to_json())
    else:
        click.echo(f"{report.read} articles read from {report.shards} shards, {report.added} added, "
                   f"{report.already_stored} already stored, {report.duplicates} duplicates, "
                   f"{len(report.errors)} errors, {len(report.stories)} stories in {report.windows} windows "
                   f"({report.merged_across_windows} merged across windows)")
    sys.exit(1 if report.errors else 0)
