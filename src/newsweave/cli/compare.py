"""`newsweave compare`, `summarize` and the `eval` group (`eval facts`, `eval summary`).

The `eval` group is defined here once; other cli modules add their scorers to it
(``from .compare import eval_group``).
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import click

from ..errors import InputError
from ..read.jsonl import jsonl_records
from ..model import Analysis, Article, to_dict
from .base import (analysed, echo_error, echo_scores, empty_input, format_option, given_ids, main, output_file,
                   quiet_option, read_rows)


@main.group("eval")
def eval_group() -> None:
    """Score newsweave against gold data (facts, summaries, clustering)."""


class AsGiven:
    """Article ids and story labels as the input gave them (an integer stays an integer), for
    writing results that scripts join back to their input."""

    def __init__(self) -> None:
        self.ids: dict[str, object] = {}
        self.stories: dict[str, object] = {}

    def article(self, article_id: str) -> object:
        return self.ids.get(article_id, article_id)

    def story(self, story: str) -> object:
        return self.stories.get(story, story)


def read_story_articles(path: str, given: AsGiven | None = None) -> tuple[dict[str, list[Article]], list[InputError]]:
    """Articles of a JSONL file (``id``, ``text``, ``story``; optional ``outlet``, ``url``,
    ``published``, ``title``) grouped by story, in order of first appearance. An id seen before
    is an error (its first line is kept): a fact's sources name articles by id."""
    from ..read.jsonl import articles_from_rows

    rows, errors = read_rows(path, ("id", "text", "story"), title_for_text=True)
    stories: dict[str, list[Article]] = {}
    if given is not None:
        given.ids.update(given_ids(rows))
    # A headline with no text (which `cluster` takes) is read, and states no fact: a fact's offsets
    # index the text as given, never a title put in its place.
    for d, article in zip(rows, articles_from_rows(rows, path)):
        stories.setdefault(str(d["story"]), []).append(article)
        if given is not None:
            given.stories[str(d["story"])] = d["story"]
    return stories, errors


def _analysed(stories: dict[str, list[Article]], quiet: bool = False
              ) -> Iterator[tuple[str, list[Analysis], dict[str, str]]]:
    """Clean and analyse every story; copies within a story (exact, syndicated with a new first
    paragraph, lightly edited: the ingest's MinHash test) count as one source, the earliest one's;
    an earlier version of a page (the same URL, given again with edited text) is left out.
    Progress (articles analysed, then stories done) goes to stderr when it is a terminal, unless
    ``quiet``."""
    from tqdm import tqdm

    from ..clean import clean_batch
    from ..dedup import copies_within
    from ..pipeline import superseded

    articles = [a for arts in stories.values() for a in arts]
    clean_batch(articles)
    done = {id(an.article): an for an in analysed(articles, quiet)}
    for story, arts in tqdm(stories.items(), total=len(stories), desc="stories", unit=" story",
                            disable=True if quiet else None, file=sys.stderr):  # (None: on a terminal only)
        duplicate_of = copies_within(arts)
        ordered = sorted(arts, key=lambda a: (a.published is None, a.published or ""))
        # a page given again from the same URL with edited text: only its latest version is compared
        old = superseded([(done[id(a)], duplicate_of.get(a.id)) for a in ordered])
        yield story, [done[id(a)] for a in arts if a.id not in old], duplicate_of


def _report_errors(errors: list[InputError]) -> None:
    for err in errors:
        echo_error(str(err))


@main.command("compare")
@click.argument("input_path", metavar="IN.jsonl", type=click.Path(allow_dash=True))
@click.option("-o", "--output", default="-", show_default=True, help="Output JSONL (- for stdout).")
@click.option("--level", type=click.Choice(["both", "statement", "event"]), default="both", show_default=True,
              help="statement: one fact per statement (what `run` shows); event: every sentence about one "
                   "event in one fact; both: the statements, then the events that group two or more articles.")
@quiet_option
def compare_cmd(input_path: str, output: str, level: str, quiet: bool) -> None:
    """Compare each story's articles source by source: one JSON line per fact.

    IN.jsonl lines are articles: id, text, story (optional outlet, url, published). Each output
    line is {"story", "level", "text", "status", "sources": [{"article", "start", "end", …}],
    "outlets", "values"}; start/end are offsets into that article's text exactly as given, in
    Unicode code points (Python string indexes; not bytes, nor JavaScript's UTF-16 units). A line
    with a title and no text (a headline, which `cluster` takes) is read and states no fact.

    Facts come at two levels. A "statement" fact is one thing said ("the quake killed ten"),
    stated at most once per article, and is "conflicting" when its sources disagree on a value.
    An "event" fact gathers every sentence of every article that reports one event (the quake
    itself: its toll, time and place alike) — how far the outlets' reports of it reach; it is
    "conflicting" when it holds both sides of a conflicting statement. By default both are
    written: the statements, then each event that spans two or more articles and is not already
    one statement fact. Exits 1 when any input line could not be read (the rest is still
    compared).

    \b
    Example:
      newsweave compare articles.jsonl -o facts.jsonl
      newsweave compare articles.jsonl --level statement -o statements.jsonl
    """
    from ..compare import compare_story_levels

    given = AsGiven()
    stories, errors = _read(input_path, given)
    with output_file(output) as out:
        for story, analyses, dups in _analysed(stories, quiet):
            for lv, fact in compare_story_levels(analyses, dups, story_id=story, level=level):
                d = to_dict(fact)
                sources = [{**src, "article": given.article(src["article"])} for src in d["sources"]]
                values = [{**v, "article": given.article(v["article"])} if isinstance(v, dict) and "article" in v else v
                          for v in d["values"]]
                unnamed = {src["article"] for src in d["sources"] if not src.get("outlet")}  # counted by article id
                outlets = [given.article(o) if o in unnamed else o for o in d["outlets"]]
                out.write(json.dumps({"story": given.story(story), "level": lv, "text": d["text"],
                                      "status": d["status"], "sources": sources, "outlets": outlets,
                                      "values": values},
                                     ensure_ascii=False) + "\n")
    _report_errors(errors)
    if errors:
        sys.exit(1)


@main.command("summarize")
@click.argument("input_path", metavar="IN.jsonl", type=click.Path(allow_dash=True))
@click.option("-o", "--output", default="-", show_default=True, help="Output JSONL (- for stdout).")
@click.option("--max-sentences", default=6, show_default=True, type=click.IntRange(1, None),
              help="Longest summary, in sentences (at least 1).")
@quiet_option
def summarize_cmd(input_path: str, output: str, max_sentences: int, quiet: bool) -> None:
    """A short cited summary per story: one JSON line per story.

    IN.jsonl as for `compare`. Each output line is {"story", "summary": [{"text", "sources",
    "disputed", "dates"}]}: every sentence is written by an article it cites (sources: article ids);
    "disputed" is true when the sentence states one side of a conflicting fact (another outlet
    gives another number, date, name or place, or denies it); "dates" says what its dates without
    a year mean ({"text": "yesterday", "value": "2026-11-16"}), from its article's publication time.

    \b
    Example:
      newsweave summarize articles.jsonl -o summaries.jsonl
    """
    from ..compare import compare_story
    from ..render import disputed
    from ..summarise import summarise

    given = AsGiven()
    stories, errors = _read(input_path, given)
    with output_file(output) as out:
        for story, analyses, dups in _analysed(stories, quiet):
            facts = compare_story(analyses, dups, story_id=story)
            summary = summarise(facts, analyses, max_sentences=max_sentences)
            # a sentence holding one side of a conflicting fact says so: it is not settled
            out.write(json.dumps({"story": given.story(story), "summary": [
                {"text": s.text, "sources": [given.article(a) for a in s.sources],
                 "disputed": disputed(s.facts, [f.status for f in facts]), "dates": s.dates} for s in summary]},
                ensure_ascii=False) + "\n")
    _report_errors(errors)
    if errors:
        sys.exit(1)


def _read(path: str, given: AsGiven | None = None) -> tuple[dict[str, list[Article]], list[InputError]]:
    """The input's stories; an input that cannot be opened stops the command (exit 2, as `cluster`);
    one with no line but blank ones is an error (exit 1, as for `ingest`)."""
    try:
        stories, errors = read_story_articles(path, given)
    except OSError as e:
        echo_error(f"{path}: {e.strerror or e}")
        sys.exit(2)
    if not stories and not errors:  # not one line but blank ones: an error (exit 1), as for ingest
        errors = [empty_input(path)]
    if not stories:  # nothing to compare: exit before the output is opened, so an earlier one is kept
        _report_errors(errors)
        sys.exit(1)
    return stories, errors


def _topics(spec: str | None) -> set[int] | None:
    """"21-35" or "1,3,5-9" as a set of topic numbers."""
    if not spec:
        return None
    out: set[int] = set()
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


@eval_group.command("facts")
@click.argument("gold_path", metavar="GOLD.jsonl", type=click.Path(exists=True, dir_okay=False))
@click.option("--topics", help="Score only these ECB+ topics, e.g. 21-35 (needs a `topic` field).")
@click.option("--baseline-threshold", default=None, type=float,
              help="TF-IDF cosine threshold of the baseline (default: the best on --tune-topics).")
@click.option("--tune-topics", default="1-20", show_default=True,
              help="Topics on which the baseline threshold (and --fit) are tuned.")
@click.option("--threshold", type=float,
              help="Clustering cut (mean pair probability) to score instead of the shipped one (of the "
                   "statement facts; of the event facts with --level event).")
@click.option("--level", type=click.Choice(["both", "statement", "event"]),
              help="Which facts to score: both (the default; what `compare` writes: statements and events), "
                   "statement (the facts `run` shows), or event (every mention of one event grouped).")
@click.option("--event-level", is_flag=True, help="The same as --level event.")
@click.option("--fit", "fit_path", type=click.Path(dir_okay=False, writable=True),
              help="Learn the pair model on --tune-topics and write it here (JSON) before scoring.")
@click.option("--facts", "facts_path", type=click.Path(exists=True, dir_okay=False),
              help="Score this `newsweave compare` output (facts of the gold articles) instead of "
                   "running the pair model: the pairs its facts' sources form, per level and together.")
@click.option("--cv", "cv_folds", type=click.IntRange(2, None),
              help="Cross-validate instead: N folds by topic (of --topics, default all); per fold the pair "
                   "model is refitted on the other folds. Scores the event-level model unless --level "
                   "statement.")
@format_option("json", "text", default="json")
def eval_facts(gold_path: str, topics: str | None, baseline_threshold: float | None, tune_topics: str,
               threshold: float | None, level: str, event_level: bool, fit_path: str | None,
               facts_path: str | None, cv_folds: int | None, fmt: str) -> None:
    """Fact alignment against ECB+-style gold: P/R/F1 of aligned sentence pairs.

    Two annotated sentences of different articles in one story state the same fact when their
    action mentions share a coreference chain. Prints newsweave's scores (by default of the
    statement and event facts together, as `compare` writes them; each level apart too) beside a
    TF-IDF sentence-similarity baseline.

    \b
    Example (tuned on topics 1-20, scored on 21-35):
      newsweave eval facts ../shared/data/ecbplus/ecbplus-topics-1-35.jsonl --topics 21-35
    5-fold cross-validation by topic of the event-level model:
      newsweave eval facts ../shared/data/ecbplus/ecbplus-topics-1-35.jsonl --cv 5
    What `compare` writes, scored (gold fields other than id, text, story are ignored by compare):
      newsweave compare gold.jsonl -o facts.jsonl
      newsweave eval facts gold.jsonl --topics 21-35 --facts facts.jsonl
    """
    from ..evaluate import facts as F

    try:
        gold = F.read_gold(gold_path)
    except InputError as e:
        raise click.ClickException(str(e)) from e
    if event_level and level not in (None, "event"):
        raise click.UsageError(f"--event-level contradicts --level {level}")
    if facts_path and (level or event_level or threshold is not None or fit_path or cv_folds):
        raise click.UsageError("--facts scores a written compare output: it takes no --level, --event-level, "
                               "--threshold, --fit or --cv")
    level = "event" if event_level else level or "both"
    tune, test = _topics(tune_topics), _topics(topics)
    if cv_folds:
        cv_gold = [g for g in gold if test is None or g.topic in test]
        try:
            echo_scores(F.cross_validate(cv_gold, folds=cv_folds, event=level != "statement"), fmt)
        except ValueError as e:
            raise click.ClickException(str(e)) from e
        return
    tune_gold = [g for g in gold if tune is None or g.topic in tune]
    test_gold = [g for g in gold if test is None or g.topic in test]
    if not test_gold:
        raise click.ClickException("no gold articles in the selected topics")
    if not any(g.actions for g in test_gold):
        raise click.ClickException(f"{gold_path}: no article has annotated action mentions (\"mentions\" with "
                                   "type ACTION and a chain): there are no gold pairs to score against")
    if facts_path:
        echo_scores(_score_facts_file(facts_path, test_gold, topics), fmt)
        return
    overrides: dict = {}
    if fit_path:
        if not tune_gold:
            raise click.ClickException("no gold articles in --tune-topics to fit on")
        with output_file(fit_path) as fh:  # opened first: an unwritable path stops before the fitting
            overrides = F.fit_weights(tune_gold, F.analyse_gold(tune_gold))
            fh.write(json.dumps(overrides, indent=1, sort_keys=True))
        click.echo(f"pair model written to {fit_path} (copy it to src/newsweave/data/compare_weights.json "
                   "to ship it); scoring with it", err=True)
    events = F.event_level(overrides or None)
    if level == "event":
        overrides = {**overrides, **events}
    if threshold is not None:
        overrides["threshold"] = threshold
    if baseline_threshold is None:
        baseline_threshold = F.best_baseline_threshold(tune_gold or gold)
    # both: what `compare` writes, the statement facts and the event facts together
    result = F.evaluate(test_gold, baseline_threshold=baseline_threshold, overrides=overrides,
                        with_events=events if level == "both" else None, statement=level != "event")
    result["level"] = level
    result["topics"] = topics or "all"
    echo_scores(result, fmt)


def _score_facts_file(path: str, gold: list, topics: str | None) -> dict:
    """P/R/F1 of the sentence pairs that a `compare` output's facts form, on ``gold``'s articles."""
    from ..evaluate import facts as F

    by_id = {g.id: g for g in gold}
    groups: dict[str, list] = {}
    try:
        for n, row in jsonl_records(path, ("sources",), strict=True):
            try:
                sources = [(str(s["article"]), int(s["start"])) for s in row["sources"]]
            except (ValueError, KeyError, TypeError) as e:
                raise InputError(path, f"not a compare output line ({e})", n) from e
            sources = [src for src in sources if src[0] in by_id]
            if sources:
                groups.setdefault(str(row.get("level", "statement")), []).append(sources)
    except InputError as e:
        raise click.ClickException(str(e)) from e
    if not groups:
        raise click.ClickException(f"{path}: no fact cites an article of the selected gold (another file, "
                                   "or other --topics?)")
    gp = F.gold_pairs(gold)
    pairs = {lv: F.predicted_pairs(g, by_id) for lv, g in groups.items()}
    return {"articles": len(gold), "topics": topics or "all", "facts": {lv: len(g) for lv, g in groups.items()},
            "all": F.prf(set().union(*pairs.values()), gp), "levels": {lv: F.prf(p, gp) for lv, p in pairs.items()}}


@eval_group.command("summary")
@click.argument("gold_path", metavar="GOLD.jsonl", type=click.Path(exists=True, dir_okay=False))
@click.option("--limit", type=click.IntRange(1, None), help="Score only the first N stories.")
@click.option("--max-sentences", default=6, show_default=True, type=click.IntRange(1, None),
              help="At most this many sentences per summary.")
@format_option("json", "text", default="json")
def eval_summary(gold_path: str, limit: int | None, max_sentences: int, fmt: str) -> None:
    """Summaries against editor-written references: ROUGE-1/2/L F1, beside a lead baseline.

    GOLD.jsonl lines are stories: story, articles [{id, text, …}], reference_summary.

    \b
    Example:
      newsweave eval summary ../shared/data/neus-allsides/neus-val.jsonl
    """
    from ..evaluate import summary as S

    try:
        stories = S.read_gold(gold_path)
    except InputError as e:
        raise click.ClickException(str(e)) from e
    if not stories:
        raise click.ClickException(f"{gold_path}: no story with articles and a reference_summary to score")
    echo_scores(S.evaluate(stories[:limit] if limit else stories, max_sentences=max_sentences), fmt)
