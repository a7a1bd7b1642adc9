"""newsweave benchmarks: throughput per stage and end to end, peak memory, on real articles.

Prints figures; asserts nothing. One command:

    .venv/bin/python benchmarks/run.py                # ECB+ (../shared/data) if present, else tests/data
    .venv/bin/python benchmarks/run.py --corpus FILE.jsonl --processes 2

The reference is the pinned spaCy model's ``nlp.pipe`` alone (its full shipped pipeline) over the
same cleaned texts with the same number of processes: the one step no NER-based pipeline can skip.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_ECB = ROOT.parent / "shared" / "data" / "ecbplus" / "ecbplus-topics-1-35.jsonl"
FALLBACK = ROOT / "tests" / "data" / "ecbplus-120.jsonl"


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def pss(pid: int) -> int:
    """Proportional set size in bytes (0 when the kernel does not say)."""
    try:
        for text in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if text.startswith("Pss:"):
                return int(text.split()[1]) * 1024
    except OSError:
        pass
    return 0


class TreeRSS:
    """Peak memory of this process and all its children together, sampled every 0.1 s (getrusage
    gives only the largest single child). Proportional set size: pages the forked workers share
    with this process count once, split between them, as the machine's memory sees them."""

    def __init__(self):
        import threading

        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def total_mb() -> float:
        me = os.getpid()
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(stat.parent.name)
            parents[pid], rss[pid] = int(fields[1]), int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        tree, frontier = {me}, [me]
        while frontier:
            p = frontier.pop()
            kids = [c for c, pp in parents.items() if pp == p and c not in tree]
            tree.update(kids)
            frontier.extend(kids)
        return sum(pss(p) or rss.get(p, 0) for p in tree) / 2**20

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, self.total_mb())

    def __enter__(self) -> "TreeRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def line(name: str, n: int, seconds: float, extra: str = "") -> float:
    rate = n / seconds if seconds > 0 else float("inf")
    print(f"  {name:<34} {n:>6} articles  {seconds:8.2f} s  {rate:10.1f} art/s  {extra}")
    return rate


def corpus_file(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    return SHARED_ECB if SHARED_ECB.exists() else FALLBACK


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", help="JSONL of articles (id, text, ...)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N articles")
    ap.add_argument("--processes", type=int, default=2)
    args = ap.parse_args()

    from newsweave.analyse import models
    from newsweave.analyse.pool import Analyser
    from newsweave.clean import clean_batch
    from newsweave.cluster import StoryClusterer
    from newsweave.compare import compare_story
    from newsweave.dedup import DuplicateFinder
    from newsweave.pipeline import Pipeline, publication_order
    from newsweave.read import read_paths
    from newsweave.store import open_store
    from newsweave.summarise import summarise

    path = corpus_file(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "corpus.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines()
        if args.limit:
            lines = lines[: args.limit]
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        # Seeds go in too: real plain-text articles with furniture.
        inputs = [str(src)] + [str(p) for p in sorted((ROOT / "examples").glob("0*.txt"))]

        print(f"newsweave benchmark — {date.today()} — {platform.machine()}, {platform.python_version()}, "
              f"{args.processes} processes")
        print(f"corpus: {path} ({len(lines)} articles) + {len(inputs) - 1} seed files\n")
        print("per stage:")
        t = time.perf_counter()
        items = list(read_paths(inputs))
        articles = [a for a in items if not hasattr(a, "message")]
        n = len(articles)
        line("read", n, time.perf_counter() - t)
        t = time.perf_counter()
        articles = publication_order(clean_batch(articles))
        line("clean", n, time.perf_counter() - t)

        texts = [a.clean_text for a in articles]
        import spacy

        ref_nlp = spacy.load(models.SPACY_MODEL)  # as shipped: every component
        list(ref_nlp.pipe(texts[:20]))  # warm-up outside the clock
        t = time.perf_counter()
        for _ in ref_nlp.pipe(texts, batch_size=32, n_process=args.processes):
            pass
        ref_s = time.perf_counter() - t
        ref_rate = line("reference: spaCy nlp.pipe alone", n, ref_s)
        del ref_nlp

        models.nlp()
        t = time.perf_counter()
        with Analyser(args.processes) as analyser:  # the pipeline's worker processes
            analyses = analyser.submit(articles).result()
        line("analyse (spaCy + entities/dates/events)", n, time.perf_counter() - t)

        t = time.perf_counter()
        dedup, clusterer = DuplicateFinder(), StoryClusterer()
        stories: dict[str, list] = defaultdict(list)
        dups = {}
        for an in analyses:
            d = dedup.add(an.article)
            if d:
                dups[an.article.id] = d
            stories[clusterer.assign(an)].append(an)
        line("dedup + cluster", n, time.perf_counter() - t, f"{len(stories)} stories, {len(dups)} duplicates")

        t = time.perf_counter()
        n_facts = 0
        for sid, members in stories.items():
            facts = compare_story(members, {a.article.id: dups[a.article.id] for a in members if a.article.id in dups}, sid)
            summarise(facts, members)
            n_facts += len(facts)
        line("compare + summarise", n, time.perf_counter() - t, f"{n_facts} facts")

        print("\nend to end (read → … → store, SQLite):")
        store = open_store(str(Path(tmp) / "bench.db"))
        t = time.perf_counter()
        with TreeRSS() as tree:
            report = Pipeline(store, n_process=args.processes).ingest(read_paths(inputs))
        e2e_s = time.perf_counter() - t
        e2e_rate = line("newsweave ingest", report.added, e2e_s, f"{len(report.stories)} stories")
        print(f"\n  end-to-end / spaCy-alone throughput: {e2e_rate / ref_rate:.2f} (target ≥ 0.80)")
        print(f"  peak memory (PSS) of the end-to-end run, this process and its analysis workers together: "
              f"{tree.peak:.0f} MB (largest single process over the whole benchmark: {peak_rss_mb():.0f} MB)")
        print(json.dumps({"reference_art_s": round(ref_rate, 1), "end_to_end_art_s": round(e2e_rate, 1),
                          "ratio": round(e2e_rate / ref_rate, 3), "peak_rss_mb_tree": round(tree.peak),
                          "peak_rss_mb_largest_process": round(peak_rss_mb())}))


if __name__ == "__main__":
    sys.exit(main())
