"""`newsweave entities`, `newsweave events` and `newsweave eval entities`.

With paths, the articles are read, cleaned and analysed on the spot (treated as one story); with
none, the entity table and story events of the database are listed.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import asdict
from typing import Any

import click

from ..errors import NewsweaveError
from ..render import plural
from .base import analysed, db_option, echo_error, echo_json, format_option, main, quiet_option, require_database

ENTITY_FIELDS = ["id", "name", "type", "aliases", "roles", "articles"]
EVENT_FIELDS = ["story", "actor", "action", "target", "place", "date", "sources"]


def _analyses(paths: tuple[str, ...], published: str | None, quiet: bool = False):
    """Analyses of the articles in ``paths``; unreadable inputs are reported and skipped. A progress
    bar (articles analysed) goes to stderr when it is a terminal, unless ``quiet``."""
    from ..clean import clean_batch
    from ..errors import InputError
    from ..read import normalise_date, read_paths

    if published is not None:
        given, published = published, normalise_date(published)
        if published is None:
            raise click.BadParameter(f"cannot read {given!r} as a date (ISO 8601 such as 2026-11-17, "
                                     "or any form ingest reads)", param_hint="--published")
    articles = []
    for item in read_paths(list(paths)):
        if isinstance(item, InputError):
            echo_error(str(item))
        else:
            if published and not item.published:
                item.published = published
            articles.append(item)
    if not articles:
        raise click.ClickException("no article could be read")
    return analysed(clean_batch(articles), quiet)


def _published_needs_paths(paths: tuple[str, ...], published: str | None) -> None:
    """--published dates the files analysed now; the database's articles keep their own dates."""
    if published is not None and not paths:
        raise click.UsageError("--published dates the PATHS analysed now; it does nothing to the database's "
                               "articles (give the files, or drop --published)")


def _store(db: str):
    from ..store import open_store

    require_database(db)
    try:
        return open_store(db, readonly=True)
    except NewsweaveError as e:
        raise click.ClickException(str(e)) from e


def _emit(rows: list[dict[str, Any]], fields: list[str], fmt: str, key: str) -> None:
    if fmt == "json":
        echo_json({key: rows})
    elif fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({f: _cell(row.get(f)) for f in fields})
        click.echo(buf.getvalue(), nl=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], dict):  # sources: "article:start-end" each
            return "; ".join(f"{s.get('article')}:{s.get('start')}-{s.get('end')}" for s in value)
        return "; ".join(str(v) for v in value)
    return str(value)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@db_option
@format_option("text", "json", "jsonl", "csv")
@click.option("--published", help="Publication time (ISO 8601) for articles that carry none.")
@quiet_option
def entities(paths: tuple[str, ...], db: str, fmt: str, published: str | None, quiet: bool) -> None:
    """People, places, organisations, awards … with their aliases and roles.

    From files, each entity lists the articles that name it (`articles`); from the database, the
    stories that mention it (`stories`: how many).

    \b
    Examples:
      newsweave entities                          # the entity table of newsweave.db
      newsweave entities examples/ --format json  # analyse files now, merged as one story
    """
    _published_needs_paths(paths, published)
    if paths:
        from ..analyse import canonicalise

        rows = [asdict(e) for e in canonicalise(_analyses(paths, published, quiet))]
    else:
        rows = _store(db).list_entities()
    if fmt != "text":
        # from files: the articles naming each entity; from the database: the stories (the entity
        # table keeps no article list, so no always-empty column)
        fields = ENTITY_FIELDS if paths else [f for f in ENTITY_FIELDS if f != "articles"] + ["stories"]
        _emit(rows, fields, fmt, "entities")
        return
    for e in rows:
        extra = f" ({'; '.join(e['roles'])})" if e.get("roles") else ""
        aliases = f"  aka {', '.join(e['aliases'])}" if e.get("aliases") else ""
        click.echo(f"{e['type']:<13} {e['name']}{extra}{aliases}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@db_option
@format_option("text", "csv", "jsonl", "json", default="text")
@click.option("--published", help="Publication time (ISO 8601) for articles that carry none.")
@quiet_option
def events(paths: tuple[str, ...], db: str, fmt: str, published: str | None, quiet: bool) -> None:
    """Who did what to whom: actor, action, target, place, date and the sentences that say so.

    \b
    Examples:
      newsweave events --format csv               # every story's events in newsweave.db
      newsweave events examples/ --format jsonl   # analyse files now, merged as one story
    """
    _published_needs_paths(paths, published)
    rows: list[dict[str, Any]] = []
    if paths:
        from ..analyse import merge_events

        rows = [{"story": None, **asdict(e)} for e in merge_events(_analyses(paths, published, quiet))]
    else:
        store = _store(db)
        for story_id in store.all_story_ids():
            story = store.get_story(story_id) or {}
            rows += [{"story": story_id, **e} for e in story.get("events", [])]
    if fmt != "text":
        _emit(rows, EVENT_FIELDS, fmt, "events")
        return
    for e in rows:
        where = f" in {e['place']}" if e.get("place") else ""
        when = f" on {e['date']}" if e.get("date") else ""
        n = len(e.get("sources") or [])
        click.echo(f"{e.get('actor') or '?'} —{e['action']}→ {e.get('target') or '-'}{where}{when}  [{plural(n, 'source')}]")


def _register_eval() -> None:
    try:
        from .compare import eval_group
    except ImportError:  # the eval group lives in cli/compare.py; without it, no subcommand
        return

    @eval_group.command("entities")
    @click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
    @click.option("--limit", type=click.IntRange(1, None), help="Only the first N articles (at least 1).")
    @format_option("text", "json")
    def eval_entities(path: str | None, limit: int | None, fmt: str) -> None:
        """Person/location mention P/R/F1 on ECB+ JSONL, newsweave beside raw spaCy."""
        from ..evaluate import entities as ev

        argv = ([path] if path else []) + (["--limit", str(limit)] if limit else []) + (["--json"] if fmt == "json" else [])
        sys.exit(ev.main(argv))


_register_eval()
