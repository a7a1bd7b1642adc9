"""Does the cost per article stay flat as the stream grows? Prints figures; asserts nothing.

    .venv/bin/python benchmarks/stream.py --articles 20000 --cache /tmp/nwcache

Every stage after analysis — dedup, clustering, comparison, summary, story building and the
SQLite writes — runs through the real ``Pipeline.add_analysed`` (and ``flush`` at the end, as
``ingest`` does) over a long stream built from real analysed articles (ECB+ from ../shared/data,
else tests/data). The stream is the corpus again and again, each round a day later and in a
vocabulary of its own: every word of the text, title, sentences and named mentions is replaced by
another word of about the same corpus frequency, a fixed substitution per round
(``cluster_bench.Rewording``, shared with the clustering speed benchmark), so
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
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cluster_bench  # noqa: E402  (the stream construction and the cached analyses)


def growing_story(analyses, labels: list[str], n: int):
    """One story that keeps growing: the largest gold story's articles again and again, lightly
    reworded (every 4th word) so that each pass is not a copy of the last."""
    by_story: dict[str, list] = {}
    for an, label in zip(analyses, labels):
        by_story.setdefault(label, []).append(an)
    yield from cluster_bench.event_stream(max(by_story.values(), key=len), n, every=4)


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
              else cluster_bench.event_stream(analyses, args.articles))
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
