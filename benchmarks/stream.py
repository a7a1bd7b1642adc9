"""Does the cost per article stay flat as the stream grows? Prints figures; asserts nothing.

    .venv/bin/python benchmarks/stream.py --articles 20000 --cache /tmp/nwcache

Every stage after analysis — dedup, clustering, comparison, summary, story building and the
SQLite writes — runs through the real ``Pipeline.add_analysed`` (and ``flush`` at the end, as
``ingest`` does) over a long stream built from real analysed articles (ECB+ from ../shared/data,
else tests/data). The stream is the corpus again and again, each round a day later and in a
vocabulary of its own: every word of the text, title, sentences and named mentions is replaced by
another word of about the same corpus frequency, a fixed substitution per round (``Rewording``), so
that each round is a new set of events with the corpus's real structure (its story sizes,
near-duplicates, similar-but-different events), and every 10th article is followed by a syndicated
copy with a new first line. (Changing only some of the words, as an earlier version did, makes a
round's articles 75% the same text as the day before: the clusterer rightly follows them into the
same stories, so stories grew without end, which measures a stream in which nothing ever ends.) Analysis (spaCy) is not timed here: its cost
per article does not depend on the stream's length, and benchmarks/run.py measures it. The figure
the target asks for is the cost per article of the last 1,000 articles against that of the first
1,000.

``--grow`` measures the other axis, one story that keeps growing (every article of one ECB+ topic
again and again, each time lightly reworded): the cost per added article as the story reaches
hundreds of members, bounded by comparing at most ``MAX_COMPARED`` originals and recomparing a
story only once it has grown by ``REFRESH_GROWTH`` (pipeline.py).
"""
from __future__ import annotations

import argparse
import copy
import random
import sys
from collections import Counter
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cluster_bench  # noqa: E402  (the stream construction and the cached analyses)


class Rewording:
    """Round r's vocabulary: every word type of the corpus mapped to another of about the same
    corpus frequency (types sorted by frequency, shuffled within blocks of 50, a fixed shuffle per
    round), so a round keeps the corpus's structure — shared words stay shared, stopwords stay
    common — but its texts mean something else to every model (an alphabetic suffix, as an earlier
    version used, is seen through by the sub-word embeddings the clusterer now uses)."""

    BLOCK = 50

    def __init__(self, analyses):
        counts: Counter[str] = Counter()
        for an in analyses:
            counts.update((an.article.clean_text or "").split())
            counts.update((an.article.title or "").split())
            for s in an.sentences:
                counts.update(s.text.split())
            for m in an.mentions:
                counts.update((m.canonical or m.text).split())
        self.types = [w for w, _ in counts.most_common()]
        self._rounds: dict[int, dict[str, str]] = {}

    def mapping(self, rnd: int) -> dict[str, str]:
        if rnd not in self._rounds:
            rng, shuffled = random.Random(rnd), []
            for i in range(0, len(self.types), self.BLOCK):
                block = self.types[i:i + self.BLOCK]
                rng.shuffle(block)
                shuffled.extend(block)
            self._rounds = {rnd: dict(zip(self.types, shuffled))}  # one round at a time in memory
        return self._rounds[rnd]

    def __call__(self, text: str, rnd: int, every: int = 1) -> str:
        if not rnd or not text:
            return text
        m = self.mapping(rnd)
        return " ".join(m.get(w, w) if i % every == 0 else w for i, w in enumerate(text.split(" ")))


def event_stream(analyses, n: int, seed: int = 0, every: int = 1):
    """Yield ``n`` analysed articles: the corpus round after round, each round new events."""
    rng = random.Random(seed)
    reword = Rewording(analyses)
    made, k = 0, 0
    while made < n:
        an = analyses[k % len(analyses)]
        rnd = k // len(analyses)
        art = copy.copy(an.article)
        art.id = f"{an.article.id}-{k}"
        art.published = f"2024-{1 + rnd // 28 % 12:02d}-{1 + rnd % 28:02d}T{rng.randrange(24):02d}:00:00+00:00"
        art.clean_text = reword(art.clean_text, rnd, every)
        art.title = reword(art.title, rnd, every)
        new = copy.copy(an)
        new.article = art
        new.sentences = [copy.copy(s) for s in an.sentences]
        for s in new.sentences:
            s.text = reword(s.text, rnd, every)
        new.mentions = [copy.copy(m) for m in an.mentions]
        for m in new.mentions:
            m.canonical = reword(m.canonical or m.text, rnd)
        yield new
        made += 1
        k += 1
        if k % 10 == 0 and made < n:  # a syndicated copy with a new first line
            dup = copy.copy(new)
            dup.article = copy.copy(art)
            dup.article.id = art.id + "-copy"
            dup.article.clean_text = "Syndicated from the wire.\n" + art.clean_text
            yield dup
            made += 1


def growing_story(analyses, labels: list[str], n: int):
    """One story that keeps growing: the largest gold story's articles again and again, lightly
    reworded (every 4th word) so that each pass is not a copy of the last."""
    by_story: dict[str, list] = {}
    for an, label in zip(analyses, labels):
        by_story.setdefault(label, []).append(an)
    yield from event_stream(max(by_story.values(), key=len), n, every=4)


def largest(store) -> int:
    """Members of the largest story so far."""
    row = store.conn.execute("SELECT COUNT(*) FROM articles GROUP BY story_id ORDER BY 1 DESC LIMIT 1").fetchone()
    return row[0] if row else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--cache", help="folder for pickled analyses (see cluster_bench.py)")
    ap.add_argument("--every", type=int, default=1000, help="print a line every this many articles")
    ap.add_argument("--grow", action="store_true", help="one story growing, instead of a stream of stories")
    args = ap.parse_args()

    from newsweave.pipeline import Pipeline, Report
    from newsweave.store import open_store

    src = cluster_bench.ECB if cluster_bench.ECB.exists() else cluster_bench.FALLBACK
    rows = cluster_bench.rows_of(src)
    analyses = cluster_bench.analysed(rows, args.cache, "ecb" if src == cluster_bench.ECB else "fallback")
    stream = (growing_story(analyses, [r["story"] for r in rows], args.articles) if args.grow
              else event_stream(analyses, args.articles))
    print(f"{'one growing story' if args.grow else 'stream'} of {args.articles} articles built from {len(analyses)} analysed articles of {src.name}, "
          f"batches of {args.batch_size}; peak RSS before: {cluster_bench.peak_rss_mb():.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "stream.db"))
        pipeline, report = Pipeline(store, batch_size=args.batch_size), Report()
        done, window_start, window_t, window_cpu, t0 = 0, 0, 0.0, 0.0, time.perf_counter()
        windows: list[float] = []
        cpu_windows: list[float] = []  # CPU time of this process: steadier than wall time on a busy machine
        batch = []
        for an in stream:
            batch.append(an)
            if len(batch) < args.batch_size and done + len(batch) < args.articles:
                continue
            t, c = time.perf_counter(), time.process_time()
            pipeline.add_analysed(batch, report)
            window_t += time.perf_counter() - t
            window_cpu += time.process_time() - c
            done += len(batch)
            batch = []
            if done - window_start >= args.every or done >= args.articles:
                per = window_t / (done - window_start) * 1000
                per_cpu = window_cpu / (done - window_start) * 1000
                windows.append(per)
                cpu_windows.append(per_cpu)
                print(f"  articles {window_start + 1:>7}-{done:<7} {per:7.2f} ms/article ({per_cpu:6.2f} CPU)  "
                      f"{(done - window_start) / window_t:7.1f} art/s  stories {store.story_count():>6}  "
                      f"largest {largest(store):>5}  "
                      f"peak RSS {cluster_bench.peak_rss_mb():6.0f} MB", flush=True)
                window_start, window_t, window_cpu = done, 0.0, 0.0
        t = time.perf_counter()
        pipeline.flush(report)  # what ``Pipeline.ingest`` does when its input ends
        flush_t = time.perf_counter() - t
        total = time.perf_counter() - t0
    print(f"total {done} articles in {total:.0f} s ({done / total:.1f} art/s after analysis), "
          f"{report.duplicates} duplicates linked; final recomparison of lagging stories {flush_t:.1f} s "
          f"({flush_t / done * 1000:.2f} ms/article of the stream)")
    if len(windows) >= 2:
        print(f"cost per article, last window / first window: {windows[-1] / windows[0]:.2f} wall, "
              f"{cpu_windows[-1] / cpu_windows[0]:.2f} CPU; whole stream / (n/window × first window): "
              f"{sum(cpu_windows) / (len(cpu_windows) * cpu_windows[0]):.2f} CPU "
              f"(flat = 1.0; target ≤ 1.3); peak RSS {cluster_bench.peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
