"""The `newsweave` command group and the options its commands share.

Each module of this package adds its commands to ``main``; ``cli/__init__.py`` imports them all.
Commands only parse flags, call the library and print: the work lives in the stage modules.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

import click

from ..errors import NewsweaveError


class Group(click.Group):
    """Library errors (a missing model, an unreadable database) become one clear line, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except NewsweaveError as e:
            raise click.ClickException(str(e)) from e


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# NLP worker processes by default: the cores this process may run on (not the machine's), at most 4
# (each worker holds the models, ~250 MB).
DEFAULT_PROCESSES = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 4)
DEFAULT_DB = "newsweave.db"


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.version_option(package_name="newsweave")
def main(verbose: int) -> None:
    """newsweave turns a stream of news articles into stories: duplicates linked, facts compared
    source by source with the exact sentences that state them, and a cited summary.

    \b
    Examples:
      newsweave run examples/                 # ingest, process, print the stories
      newsweave run feed.xml --format json    # the same as JSON for scripts
      newsweave stories                       # list the stories in newsweave.db
      newsweave story S1 --format markdown    # one story in full
      newsweave serve --port 8000             # web page and HTTP API
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")


def db_option(f):
    return click.option("--db", default=DEFAULT_DB, show_default=True, envvar="NEWSWEAVE_DB",
                        help="Database: a SQLite file path (or a postgresql:// URL).")(f)


def format_option(*choices: str, default: str = "text"):
    def deco(f):
        return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default,
                            show_default=True, help="Output format.")(f)
    return deco


def quiet_option(f):
    return click.option("-q", "--quiet", is_flag=True, help="No progress bar.")(f)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def echo_error(message: str) -> None:
    click.echo(f"error: {message}", err=True)
