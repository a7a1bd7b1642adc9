"""The `newsweave` command group and the options its commands share.

Each module of this package adds its commands to ``main``; ``cli/__init__.py`` imports them all.
Commands only parse flags, call the library and print: the work lives in the stage modules.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import click

from ..errors import InputError, NewsweaveError

log = logging.getLogger(__name__)


class Group(click.Group):
    """Library errors (a missing model, an unreadable database) become one clear line, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except NewsweaveError as e:
            raise click.ClickException(str(e)) from e
        except BrokenPipeError:
            # The reader stopped reading (`| head`): what it wanted, not a failure of ours (click's
            # own handling exits 1, which says "an input could not be read"). Output still buffered
            # goes nowhere, so that the interpreter's last flush cannot fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)


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


def is_sqlite(db: str) -> bool:
    return not db.startswith(("postgresql://", "postgres://"))


def require_database(db: str) -> None:
    """Commands that only read stop on a SQLite file that is not there (a mistyped --db would
    otherwise be created, empty, and read as "no stories"); a PostgreSQL URL is left to the server."""
    if is_sqlite(db) and not os.path.exists(db):
        echo_error(f"no database at {db} (run `newsweave ingest …` first)")
        sys.exit(2)


def format_option(*choices: str, default: str = "text"):
    def deco(f):
        return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default,
                            show_default=True, help="Output format.")(f)
    return deco


def quiet_option(f):
    return click.option("-q", "--quiet", is_flag=True, help="No progress bar.")(f)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def analysed(articles: list, quiet: bool) -> list:
    """The analyses of (cleaned) ``articles``, in their order, with a progress bar on stderr when it
    is a terminal, unless ``quiet``."""
    from tqdm import tqdm

    from ..analyse import analyse

    out = []
    with tqdm(total=len(articles), desc="analysed", unit=" art", disable=True if quiet else None,
              file=sys.stderr) as bar:
        for an in analyse(articles):
            out.append(an)
            bar.update()
    return out


def echo_scores(data: dict[str, Any], fmt: str) -> None:
    """An evaluation's figures: JSON, or one readable line per scored part ("text")."""
    if fmt == "json":
        echo_json(data)
        return
    for line in _score_lines(data, ""):
        click.echo(line)


PRF = ("precision", "recall", "f1")


def _score_lines(data: dict[str, Any], path: str) -> list[str]:
    """The figures of ``data`` (nested dicts and lists of them), a line per part: its scalar values
    on one line, P/R/F1 first."""
    scalars = {k: v for k, v in data.items() if not isinstance(v, (dict, list))}
    lines = []
    if scalars:
        if all(k in scalars for k in PRF):
            rest = "  ".join(f"{k} {_figure(v)}" for k, v in scalars.items() if k not in PRF)
            body = f"P {_figure(scalars['precision'])}  R {_figure(scalars['recall'])}  F1 {_figure(scalars['f1'])}" \
                   + (f"  ({rest})" if rest else "")
        else:
            body = "  ".join(f"{k} {_figure(v)}" for k, v in scalars.items())
        lines.append(f"{path}: {body}" if path else body)
    for k, v in data.items():
        sub = f"{path} / {k}" if path else k
        if isinstance(v, dict):
            lines += _score_lines(v, sub)
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for i, item in enumerate(v, 1):
                lines += _score_lines(item, f"{sub} [{i}]")
        elif isinstance(v, list):
            lines.append(f"{sub}: {', '.join(str(x) for x in v)}")
    return lines


def _figure(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def empty_input(path: str) -> NewsweaveError:
    """The error of an input with no line but blank ones, in ingest's words ("empty file", or
    "empty file (only whitespace)"); like ingest, the command then exits 1."""
    from ..errors import InputError

    try:
        blank = path != "-" and os.path.getsize(path) > 0
    except OSError:
        blank = False
    return InputError(path, "empty file (only whitespace)" if blank else "empty file")


GIVEN_ID = "\x00given_id"  # the row's id as given, when not a string (no JSON field can clash: NULs are dropped)


def given_ids(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Each row's id (a string, as newsweave keys articles) -> the id as the input gave it (1 stays 1)."""
    return {r["id"]: r.get(GIVEN_ID, r["id"]) for r in rows}


def read_rows(path: str, need: tuple[str, ...] = ("id", "text"), title_for_text: bool = False
              ) -> tuple[list[dict[str, Any]], list[InputError]]:
    """JSON objects, one per line of ``path`` (- for stdin), and an error naming the line of each
    line that is not one (not UTF-8, not JSON, a field missing, an id seen before); blank lines
    are skipped. ``title_for_text``: a line with an empty text but a title is kept (its title is
    its text). OSError when the file cannot be opened."""
    from ..read.jsonl import json_type, jsonl_records

    rows: list[dict[str, Any]] = []
    errors: list[InputError] = []
    seen: set[str] = set()
    judged = tuple(k for k in need if k != "text") if title_for_text else need
    for n, row in jsonl_records(path, judged):
        if not isinstance(row, InputError) and "text" in judged and isinstance(row.get("text"), str) \
                and not row["text"].strip() and not (isinstance(row.get("title"), str) and row["title"].strip()):
            row = InputError(path, "missing text (only whitespace)", n)  # (a headline alone is still a member)
        if not isinstance(row, InputError) and judged != need:
            text, title = row.get("text"), row.get("title")
            if text is not None and not isinstance(text, str):
                row = InputError(path, f"field 'text' must be a string, got {json_type(text)}", n)
            elif not (text or "").strip() and not (isinstance(title, str) and title.strip()):
                row = InputError(path, "missing text", n)
        for key in ("id", "story"):  # labels that group or name: a string or an integer ("5" and 5 are one)
            if key in need and not isinstance(row, InputError) and (
                    isinstance(row[key], bool) or not isinstance(row[key], (str, int))):
                row = InputError(path, f"field {key!r} must be a string or an integer, got {json_type(row[key])}", n)
        if not isinstance(row, InputError) and str(row["id"]) in seen:
            row = InputError(path, f"id {str(row['id'])!r} appears twice (the first is kept)", n)
        if isinstance(row, InputError):
            errors.append(row)
            continue
        if not isinstance(row["id"], str):  # an integer id is written back as the integer it was
            row[GIVEN_ID] = row["id"]
        row["id"] = str(row["id"])
        seen.add(row["id"])
        rows.append(row)
    return rows, errors


def echo_error(message: str) -> None:
    click.echo(f"error: {message}", err=True)


def cannot_write(path: str, err: OSError) -> None:
    """An output that cannot be written stops the command: one line, exit 2 (as an unreadable input)."""
    echo_error(f"cannot write {path}: {err.strerror or err}")
    sys.exit(2)


class _Output:
    """A text file whose write errors (disk full, …) stop the command with one line."""

    def __init__(self, fh: TextIO, path: str):
        self._fh, self._path = fh, path

    def write(self, text: str) -> int:
        try:
            return self._fh.write(text)
        except OSError as e:
            cannot_write(self._path, e)
            raise  # not reached: cannot_write exits

    def flush(self) -> None:
        try:
            self._fh.flush()
        except OSError as e:
            cannot_write(self._path, e)


@contextmanager
def output_file(path: str) -> Iterator[Any]:
    """Where a command writes its results: stdout for ``-``; otherwise opened now (an unwritable
    path stops the command with ``error: cannot write PATH: reason``, exit 2, before any work) and
    written to a temporary file beside it that replaces PATH only when the command finishes, so a
    failure leaves no half-written output (and an older PATH untouched). A path that exists and is
    not a regular file (/dev/null, a pipe) is written directly; a writable file in a folder where no
    temporary file can be made is made in the system's temporary folder and copied over at the end."""
    if path == "-":
        yield sys.stdout
        return
    target = os.path.realpath(path)  # a symlink's file is replaced, not the link
    direct = os.path.exists(target) and not os.path.isfile(target)
    tmp, copy_over = None, False
    try:
        if direct:
            fh = open(target, "w", encoding="utf-8")
        else:
            if os.path.isdir(target):
                raise IsADirectoryError(21, os.strerror(21), path)
            if os.path.exists(target) and not os.access(target, os.W_OK):
                raise PermissionError(13, os.strerror(13), path)
            folder, name = os.path.split(target)
            try:
                fd, tmp = tempfile.mkstemp(dir=folder or ".", prefix=f".{name}.", suffix=".part")
            except OSError as e:
                # a writable file in a folder this user may not add files to: the output is made in
                # the system's temporary folder and copied over it at the end (so a failure still
                # leaves it untouched); a new file there fails the same
                if not (os.path.isfile(target) and os.access(target, os.W_OK)):
                    raise
                log.debug("%s: no temporary file beside it (%s); copied over it at the end", path, e)
                fd, tmp = tempfile.mkstemp(prefix="newsweave-out.", suffix=".part")
                fh, copy_over = os.fdopen(fd, "w", encoding="utf-8"), True
            else:
                fh = os.fdopen(fd, "w", encoding="utf-8")
                if os.path.exists(target):
                    mode = stat.S_IMODE(os.stat(target).st_mode)
                else:
                    umask = os.umask(0)
                    os.umask(umask)
                    mode = 0o666 & ~umask
                os.chmod(tmp, mode)
    except OSError as e:
        if tmp:
            os.unlink(tmp)
        cannot_write(path, e)
    try:
        yield _Output(fh, path)
        try:
            fh.close()
            if copy_over:
                with open(tmp, "rb") as made, open(target, "wb") as out:
                    shutil.copyfileobj(made, out)
            elif tmp:
                os.replace(tmp, target)
                tmp = None
        except OSError as e:
            cannot_write(path, e)
    finally:
        if not fh.closed:
            try:
                fh.close()
            except OSError:
                pass
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
