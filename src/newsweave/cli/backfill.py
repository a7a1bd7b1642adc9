"""`newsweave backfill`: process many shards on a Dask distributed cluster (see newsweave/backfill.py)."""
from __future__ import annotations

import logging
import sys

import click

from ..errors import NewsweaveError
from ..store import open_store
from ..render import plural
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
@click.option("--batch-size", default=256, show_default=True, type=click.IntRange(1, None), help="Articles per database transaction.")
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
    try:
        store = open_store(db)
    except NewsweaveError as e:
        raise click.ClickException(str(e)) from e
    from distributed import Client

    # Importing distributed sets its logger to INFO (dask's logging config): set it after. Its
    # progress lines (scheduler and nanny start and stop, …) only with -v; nothing but errors with -q.
    logging.getLogger("distributed").setLevel(logging.ERROR if quiet else logging.getLogger().getEffectiveLevel())

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
        click.echo(f"{plural(report.read, 'article')} read from {plural(report.shards, 'shard')}, {report.added} added, "
                   f"{report.already_stored} already stored, {plural(report.duplicates, 'duplicate')}, "
                   f"{plural(len(report.errors), 'error')}, {plural(len(report.stories), 'story', 'stories')} in "
                   f"{plural(report.windows, 'window')} ({report.merged_across_windows} merged across windows)")
    sys.exit(1 if report.errors else 0)
