"""`newsweave cluster` (articles → story and duplicate links) and `newsweave eval clustering`."""
from __future__ import annotations

import json
import sys
from typing import Any

import click
from tqdm import tqdm

from ..errors import InputError
from .base import (DEFAULT_PROCESSES, GIVEN_ID, echo_error, echo_json, empty_input, format_option, given_ids, main,
                   output_file, quiet_option, read_rows)
from .compare import eval_group


PARALLEL_FROM = 200  # articles from which the NLP models run in several processes by default


def _read_or_exit(path: str, need: tuple[str, ...]) -> tuple[list[dict[str, Any]], list[InputError]]:
    try:  # (a headline without a body is clustered by its headline: every article gets its line)
        rows, errors = read_rows(path, need, title_for_text=True)
    except OSError as e:
        echo_error(f"{path}: {e.strerror or e}")
        sys.exit(2)
    for err in errors:
        echo_error(str(err))
    return rows, errors


def _progress(quiet: bool, total: int) -> tqdm:
    return tqdm(total=total, desc="articles", unit=" art", disable=True if quiet else None, file=sys.stderr)


@main.command()
@click.argument("input_path", metavar="IN.jsonl", type=click.Path(allow_dash=True))
@click.option("-o", "--output", "output_path", default="-", show_default=True, type=click.Path(allow_dash=True),
              help="Where to write the JSONL results.")
@click.option("--processes", "n_process", type=click.IntRange(1, 64),
              help=f"Processes for the NLP models (each ~250 MB). Default: {DEFAULT_PROCESSES} (the cores this "
                   f"process may use, at most 4) from {PARALLEL_FROM} articles on, 1 below (workers take seconds "
                   "to start).")
@click.option("--with-articles", is_flag=True,
              help="Write each input line whole, with story and duplicate_of set (ready for compare/summarize).")
@quiet_option
def cluster(input_path, output_path, n_process, with_articles, quiet):
    """Group articles into stories and link near-duplicates, without a database.

    IN.jsonl has one article per line: id, text, and optionally title, outlet, url, published
    (ISO 8601, RFC 822 or epoch seconds / milliseconds); other fields (a gold label, say) are
    ignored, and a headline with no text is clustered by its title. Articles are taken in
    publication order (input order when undated). Writes one line per input article, in input order:
    {"id", "story", "duplicate_of"} (duplicate_of is null or the id of the article it copies).
    A line that is not an article (not UTF-8 or JSON, no id or text, an id seen before) is
    reported with its line number and left out; the rest is clustered, and the exit status is 1.

    With --with-articles each line is the input article itself (every field as given) with its
    "story" and "duplicate_of": what compare and summarize read.

    \b
    Examples:
      newsweave cluster articles.jsonl -o stories.jsonl
      newsweave cluster - -q < articles.jsonl | head
      newsweave cluster articles.jsonl --with-articles -q | newsweave summarize -
    """
    from ..cluster import cluster_articles
    from ..read.jsonl import articles_from_rows

    rows, errors = _read_or_exit(input_path, ("id", "text"))
    if not rows and not errors:  # not one line but blank ones: an error, as for ingest
        errors = [empty_input(input_path)]
        echo_error(str(errors[0]))
    if not rows:  # nothing to cluster: an earlier output at -o is left as it was
        sys.exit(1)
    if n_process is None:
        n_process = DEFAULT_PROCESSES if len(rows) >= PARALLEL_FROM else 1
    with output_file(output_path) as out:  # an unwritable output stops the command before the work
        bar = _progress(quiet, len(rows))
        results = cluster_articles(articles_from_rows(rows, input_path, title_for_text=True),
                                   n_process=n_process, progress=bar.update)
        bar.close()
        given = given_ids(rows)
        by_id = {row["id"]: row for row in rows} if with_articles else {}
        for r in results:
            line = {**r, "id": given.get(r["id"], r["id"]),
                    "duplicate_of": given.get(r["duplicate_of"], r["duplicate_of"]) if r["duplicate_of"] else None}
            if with_articles:  # the article as given, its story (a gold label of that name replaced) added
                line = {**{k: v for k, v in by_id[r["id"]].items() if k != GIVEN_ID}, **line}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    if errors:
        sys.exit(1)


@eval_group.command("clustering")
@click.argument("gold_path", metavar="GOLD.jsonl", type=click.Path(allow_dash=True))
@click.option("--no-baseline", is_flag=True, help="Skip the TF-IDF + average-link baseline.")
@format_option("text", "json")
@quiet_option
def eval_clustering(gold_path, no_baseline, fmt, quiet):
    """Cluster gold articles without their labels; print B-cubed and pairwise P/R/F1.

    GOLD.jsonl lines have id, text and story (the gold story), optionally title, outlet,
    published. The naive baseline (TF-IDF + average-link agglomerative clustering, threshold
    tuned on ECB+ development topics, all articles in hand) is scored beside newsweave.

    \b
    Example:
      newsweave eval clustering gold.jsonl --format json
    """
    from ..evaluate.clustering import evaluate_clustering, format_report

    rows, errors = _read_or_exit(gold_path, ("id", "text", "story"))
    if not rows:
        echo_error(f"{gold_path}: no gold articles to score")
        sys.exit(2)
    bar = _progress(quiet, len(rows))
    result = evaluate_clustering(rows, baseline=not no_baseline, progress=bar.update)
    bar.close()
    if fmt == "json":
        echo_json(result)
    else:
        click.echo(format_report(result))
    if errors:
        sys.exit(1)
