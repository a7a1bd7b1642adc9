"""`newsweave run`, `ingest`, `stories`, `story`: the main job and reading its results."""
from __future__ import annotations

import os
import sys

import click
from tqdm import tqdm

from .. import render
from ..errors import NewsweaveError
from ..read import read_paths
from ..store import MAX_OFFSET, open_store
from .base import (DEFAULT_PROCESSES, db_option, echo_error, echo_json, format_option, main, quiet_option,
                   require_database)


def _ingest(paths: tuple[str, ...], db: str, outlet: str | None, quiet: bool, n_process: int, batch_size: int):
    from ..pipeline import Pipeline  # imports the models' code: only when there is work

    missing = [p for p in paths if p != "-" and not _there(p)]
    if missing and len(missing) == len(paths):  # nothing to read: a mistake, said before a database is made
        for p in missing:
            echo_error(f"{p}: no such file or directory")
        sys.exit(2)
    try:
        store = open_store(db)
    except NewsweaveError as e:
        raise click.ClickException(str(e)) from e
    bar = tqdm(desc="articles", unit=" art", disable=True if quiet else None, file=sys.stderr)
    # stdin may be a live stream: ordered a batch at a time, so that its stories come as it flows
    window = batch_size if "-" in paths else 0
    report = Pipeline(store, batch_size=batch_size, n_process=n_process, progress=bar,
                      sort_window=window).ingest(read_paths(list(paths), outlet=outlet))
    bar.close()
    for err in report.errors:
        echo_error(str(err))
    return store, report


def _there(path: str) -> bool:
    """Whether ``path`` exists (one the reader may not open is there: the reader says why)."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True


def _summary_line(report) -> str:
    changed = f" ({len(report.changed)} with other text, kept as first stored)" if report.changed else ""
    return (f"{render.plural(report.read, 'article')} read, {report.added} added, {report.already_stored} already stored{changed}, "
            f"{render.plural(report.duplicates, 'duplicate')}, {render.plural(len(report.errors), 'error')}, "
            f"{render.plural(len(report.stories), 'story', 'stories')} updated")


def _print_stories(stories: list[dict], fmt: str, report=None) -> None:
    if fmt == "json":
        out = {"stories": stories}
        if report is not None:
            out["report"] = report.to_json()
        echo_json(out)
    else:
        md = fmt == "markdown"
        click.echo(("\n\n---\n\n" if md else "\n\n").join(render.story_text(s, markdown=md) for s in stories)
                   or "(no stories)")


ingest_options = [
    click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True)),
    click.option("--outlet", help="Outlet name for inputs that do not say (plain text without a dateline)."),
    click.option("--processes", "n_process", type=click.IntRange(1, 64), default=DEFAULT_PROCESSES,
                 show_default="the cores this process may use, at most 4",
                 help="Worker processes for the NLP models (each ~250 MB); they analyse the next batch while "
                      "this one is clustered, compared and stored. 1: all in this process."),
    click.option("--batch-size", default=256, show_default=True, type=click.IntRange(1, None),
                 help="Articles per batch; each batch is written in one transaction."),
]


def with_ingest_options(f):
    for opt in reversed(ingest_options):
        f = opt(f)
    return f


@main.command()
@with_ingest_options
@db_option
@format_option("text", "json", "markdown")
@quiet_option
def run(paths, outlet, n_process, batch_size, db, fmt, quiet):
    """Ingest articles and print the stories they belong to.

    PATHS are files, folders (read recursively) or - for stdin: plain text, HTML, JSONL, RSS/Atom
    feeds and WARC(.gz) archives. Articles already in the database are not processed again.
    Exits with status 1 when any input could not be read (the rest is still stored).

    \b
    Examples:
      newsweave run examples/
      newsweave run feed.xml news.warc.gz --format json > stories.json
      cat articles.jsonl | newsweave run - --db news.db --format markdown
    """
    store, report = _ingest(paths, db, outlet, quiet, n_process, batch_size)
    stories = [store.get_story(s) for s in store.stories_of(report.article_ids)]
    _print_stories([s for s in stories if s], fmt, report)
    click.echo(_summary_line(report), err=True)
    sys.exit(1 if report.errors else 0)


@main.command()
@with_ingest_options
@db_option
@format_option("text", "json")
@quiet_option
def ingest(paths, outlet, n_process, batch_size, db, fmt, quiet):
    """Ingest articles into the database without printing the stories.

    \b
    Examples:
      newsweave ingest archive/ --db news.db
      newsweave ingest cc-news.warc.gz --format json
    """
    _store, report = _ingest(paths, db, outlet, quiet, n_process, batch_size)
    if fmt == "json":
        echo_json(report.to_json())
    else:
        click.echo(_summary_line(report))
    sys.exit(1 if report.errors else 0)


@main.command()
@db_option
@format_option("text", "json", "markdown")
@click.option("-n", "--limit", default=50, show_default=True, type=click.IntRange(1, MAX_OFFSET),
              help="How many stories (at least 1).")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0, MAX_OFFSET),
              help="Skip this many (paging).")
@click.option("--query", "-s", help="Only stories whose titles, headlines or actors contain these words.")
@click.option("--outlet", help="Only stories with an article from this outlet (its name in any case).")
@click.option("--entity", help="Only stories mentioning this entity id.")
@click.option("--since", metavar="ISO", callback=lambda c, p, v: _iso_bound(v, p.name),
              help="Only stories with an article published at or after this date or time (2026-11-17).")
@click.option("--until", metavar="ISO", callback=lambda c, p, v: _iso_bound(v, p.name, end=True),
              help="Only stories that began at or before this date or time (a date covers its whole day).")
@click.option("--sort", type=click.Choice(["updated", "sources"]), default="updated", show_default=True,
              help="updated: the latest updated first; sources: the most independent sources first.")
def stories(db, fmt, limit, offset, query, outlet, entity, since, until, sort):
    """List stories, most recently updated first.

    \b
    Examples:
      newsweave stories
      newsweave stories --query tokayev --format json
      newsweave stories --sort sources -n 10
    """
    require_database(db)
    store = open_store(db)
    if since and until and since[:10] > until[:10]:
        raise click.BadParameter(f"since ({since}) is after until ({until[:10]})", param_hint="--since")
    rows = store.list_stories(query=query, outlet=outlet, entity=entity, since=since, until=until, sort=sort,
                              limit=limit, offset=offset)
    if fmt == "json":
        # matching: the stories these filters match, so that a script can page through them (the
        # API's name; "total" is the same number, the name older scripts read)
        matching = store.count_stories(query=query, outlet=outlet, entity=entity, since=since, until=until)
        echo_json({"stories": rows, "matching": matching, "total": matching, "limit": limit, "offset": offset,
                   "has_more": offset + len(rows) < matching, "total_stories": store.story_count()})
    else:
        click.echo(render.story_list_text(rows, markdown=fmt == "markdown"))


def _iso_bound(value: str | None, name: str, end: bool = False) -> str | None:
    """``store.time_bound``, its refusal a usage error naming the option."""
    from ..store import time_bound

    try:
        return time_bound(value, end)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint=f"--{name}") from None


@main.command()
@click.argument("story_id")
@db_option
@format_option("text", "json", "markdown")
def story(story_id, db, fmt):
    """Show one story: articles, summary with citations, facts by status, actors and events.

    \b
    Examples:
      newsweave story s1a2b3c4
      newsweave story s1a2b3c4 --format json | jq '.facts[] | select(.status=="conflicting")'
    """
    require_database(db)
    s = open_store(db).get_story(story_id)
    if s is None:
        raise click.ClickException(f"no story {story_id!r} in {db} (see `newsweave stories`)")
    if fmt == "json":
        echo_json(s)
    else:
        _print_stories([s], fmt)
